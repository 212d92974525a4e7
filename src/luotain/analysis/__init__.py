"""Figures from the response table (no Django): shares with intervals, NPS, means, rankings, coverage,
breakdowns with disclosure control, and the words for shares."""

from .breakdown import DISTRICT, AnalysisError
from .engine import analyse, apply_filters, question_result
from .frame import CellIssue, LoadReport, ResponseFrame, ResponseTableError
from .results import AnalysisResult, Breakdown, QuestionResult, Shares
from .stats import mean_ci, nps, wilson

__all__ = [
    "DISTRICT",
    "AnalysisError",
    "AnalysisResult",
    "Breakdown",
    "CellIssue",
    "LoadReport",
    "QuestionResult",
    "ResponseFrame",
    "ResponseTableError",
    "Shares",
    "analyse",
    "apply_filters",
    "mean_ci",
    "nps",
    "question_result",
    "wilson",
]
