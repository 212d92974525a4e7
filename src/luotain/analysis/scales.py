"""Figures of rating scales and the 0–10 recommendation: mean, median, agreeing share, NPS."""

from __future__ import annotations

import numpy as np

from luotain.questionnaire import Rating, Recommendation

from .stats import mean_ci, nps, wilson


def scale_figures(question: Rating | Recommendation, counts: np.ndarray) -> dict[str, object]:
    """Mean with its interval, median, and the agreeing share (rating) or NPS (recommendation)."""
    n = int(counts.sum())
    if n == 0:
        return {}
    values = point_values(question)
    mean, interval = mean_ci(float((counts * values).sum()), float((counts * values**2).sum()), n)
    fields: dict[str, object] = {"mean": mean, "mean_ci95": interval, "median": median(counts, values)}
    if isinstance(question, Rating):
        agree = np.isin(values, question.agree_values())
        x = int(counts[agree].sum())
        fields.update(agree_percent=100.0 * x / n, agree_ci95=wilson(x, n))
    else:
        result = nps(int(counts[9:].sum()), int(counts[7:9].sum()), int(counts[:7].sum()))
        fields.update(
            nps=result.nps,
            nps_ci95=result.ci95,
            promoters=result.promoters,
            passives=result.passives,
            detractors=result.detractors,
        )
    return fields


def point_values(question: Rating | Recommendation) -> np.ndarray:
    points = [p.value for p in question.points] if isinstance(question, Rating) else list(range(11))
    return np.array(points, dtype=np.float64)


def median(counts: np.ndarray, values: np.ndarray) -> float:
    n = counts.sum()
    cumulative = np.cumsum(counts)
    lower = values[np.searchsorted(cumulative, (n + 1) // 2)]
    upper = values[np.searchsorted(cumulative, n // 2 + 1)]
    return float((lower + upper) / 2)
