"""Waves on the results dashboard: the earlier waves of a survey's questionnaire family to compare with, each
share's change in percentage points with its interval, and the trend of the followed figures over all waves
(the report spec's trend slides, worded as the report words them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from luotain.analysis import AnalysisResult, ResponseFrame, analyse
from luotain.analysis.compare import WaveFigures, compare, trend
from luotain.analysis.kinds import ANALYSES
from luotain.analysis.results import Change, ScoreChange
from luotain.present.numbers import round_half_up, signed
from luotain.questionnaire import Questionnaire
from luotain.report import spec as s
from luotain.report.make import EarlierWave
from luotain.report.spec import builtin_spec
from luotain.report.trends import TrendError, trend_figures
from luotain.web.collect.services import response_records
from luotain.web.surveys.models import Survey


@dataclass
class Shift:
    """A change as the dashboard shows it: '+7' and its interval '−8…+21'; ``significant`` when the
    interval leaves out 0."""

    text: str
    interval: str
    significant: bool


def shift(change: Change | ScoreChange | None, digits: int = 0) -> Shift | None:
    """The change as shown: the difference of the two figures as the page rounds them (so that 86 % → 87 %
    is +1, whatever the unrounded difference), and the interval of the unrounded one."""
    if change is None:
        return None
    difference = change.pp if isinstance(change, Change) else change.difference
    step = round_half_up(change.before + difference, digits) - round_half_up(change.before, digits)
    low, high = change.ci95
    return Shift(
        signed(float(step), digits), f"{signed(low, digits)}…{signed(high, digits)}", change.significant
    )


@dataclass
class Wave:
    """An earlier wave of a survey's family: its survey and its responses as a frame."""

    survey: Survey
    frame: ResponseFrame

    @property
    def label(self) -> str:
        return self.survey.wave or self.survey.slug


def earlier_frames(survey: Survey) -> list[Wave]:
    """The waves of the survey's family before it, oldest first, with their responses (read once a page)."""
    return [
        Wave(w, ResponseFrame.from_records(w.questionnaire, response_records(w)))
        for w in survey.earlier_waves()
    ]


def earlier_wave_records(survey: Survey) -> list[EarlierWave]:
    """The waves of the survey's family before it, oldest first, for a report's trend slides."""
    return [(w.wave or w.slug, w.questionnaire, response_records(w)) for w in survey.earlier_waves()]


@dataclass
class Comparison:
    """The dashboard's comparison with an earlier wave: its survey, or why there is none."""

    wave: Survey | None = None
    problem: str = ""


def compared(
    result: AnalysisResult, frame: ResponseFrame, wave: Wave | None, k: int
) -> tuple[AnalysisResult, Comparison]:
    """``result`` with the change from ``wave``: not when fewer than k of the wave's respondents match the
    filters (a filtered wave is as small a group as any)."""
    if wave is None:
        return result, Comparison()
    with_change = compare(result, frame, wave.frame, wave=wave.label)
    assert with_change.comparison is not None
    if result.filters and with_change.comparison.n_responses < k:
        problem = _("Fewer than %(k)s answers of %(wave)s match the filters: no comparison is shown.") % {
            "k": k,
            "wave": wave.label,
        }
        return result, Comparison(problem=problem)
    return with_change, Comparison(wave=wave.survey)


@dataclass
class TrendRow:
    label: str
    values: list[str]  # a shown value per wave, oldest first
    change: Shift | None


@dataclass
class TrendTable:
    waves: list[str]
    previous: str  # the wave the changes are from
    rows: list[TrendRow] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)


def followed_items(questionnaire: Questionnaire) -> list[tuple[str, list[s.TrendItem]]]:
    """What the trend follows: the trend slides of the survey's built-in report spec, or else every NPS and
    agreeing share."""
    spec = builtin_spec(questionnaire.id)
    slides = [
        (slide.question, list(slide.items))
        for section in (spec.sections if spec else [])
        for slide in section.slides
        if isinstance(slide, s.TrendSlide)
    ]
    scales = [q for q in questionnaire.questions() if ANALYSES.of(q).scale is not None]
    return slides or [(q.id, []) for q in scales]


def trend_table(
    survey: Survey,
    frame: ResponseFrame,
    earlier: Sequence[Wave],
    filters: Mapping[str, Sequence[str]],
    k: int,
    lang: str,
) -> TrendTable | None:
    """The followed figures in every wave up to this one, with the change from the previous wave; a wave
    with fewer than k respondents matching the filters shows no figures. None without earlier waves."""
    if not earlier:
        return None
    frames = [(w.label, w.frame) for w in earlier]
    waves: list[WaveFigures] = trend([*frames, (survey.wave or survey.slug, frame)], filters=filters)
    current = compare(analyse(frame, filters=filters), frame, frames[-1][1])
    shown = [not filters or w.result.n_responses >= k for w in waves]
    table = TrendTable(waves=[w.label for w in waves], previous=frames[-1][0])
    for question, items in followed_items(survey.questionnaire):
        try:
            figures = trend_figures(survey.questionnaire, question, items, waves, current, lang)
        except TrendError:
            continue  # a spec slide this questionnaire cannot follow: the report says why
        for figure in figures:
            values = [
                "–" if not ok else (_("not asked") if value is None else figure.shown(value, lang))
                for value, ok in zip(figure.values, shown, strict=True)
            ]
            digits = 1 if figure.unit == "mean" else 0
            compared_ok = shown[-1] and shown[-2]
            table.rows.append(
                TrendRow(figure.subject, values, shift(figure.change, digits) if compared_ok else None)
            )
            if compared_ok and (sentence := figure.sentence(lang)):
                table.sentences.append(sentence)
    return table
