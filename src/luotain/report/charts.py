"""What a report does with each question type (the layer "report chart"): the chart its figures make on a
slide, which fixed text says what the chart's shares are of, and the slide a report without a spec gives
it. The chart's categories and shares come from the answer labels (``luotain.present.answers``) and the
analysis (a matrix's rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.questionnaire.layers import TypeLayer


@dataclass(frozen=True)
class ReportChart:
    """``chart``: "bar" (one bar an answer: the shares of those who answered), "stacked" (a bar a row,
    each split by the options), or None (no chart: quoted, or left out). ``base``: the fixed text that says
    what the shares are of. ``sortable``: a spec may sort its bars by share. ``slide``: the slide a report
    without a spec gives the question ("nps": the recommendation's key figures), None for none."""

    chart: Literal["bar", "stacked"] | None
    base: str = "base"
    sortable: bool = False
    slide: Literal["chart", "nps"] | None = "chart"


CHARTS = TypeLayer[ReportChart]("report chart")

CHARTS.register(SingleChoice, Rating)(ReportChart("bar"))
CHARTS.register(MultipleChoice)(ReportChart("bar", base="base_multi", sortable=True))
CHARTS.register(Matrix)(ReportChart("stacked", base="base_matrix"))
CHARTS.register(Recommendation)(ReportChart("bar", slide="nps"))
CHARTS.register(OpenText, Number, OrganisationPicker)(ReportChart(None, slide=None))
