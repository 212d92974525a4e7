"""Trends: figures followed over the waves of a questionnaire family, and their change from the previous
wave worded from the numbers ("Vakiintunutta yhteistyötä kokevien osuus kasvoi 59 %:sta 66 %:iin").

A change is worded as growth or decline only when its 95 % interval leaves out 0; otherwise the figure
"pysyi käytännössä ennallaan" and the sentence says that the change is within the noise. The difference a
sentence names is that of the two numbers it shows, so that a reader can check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from luotain.analysis.compare import WaveFigures
from luotain.analysis.kinds import ANALYSES
from luotain.analysis.results import AnalysisResult, Change, QuestionResult, ScoreChange
from luotain.errors import InvalidInput
from luotain.present.answers import answer_labels
from luotain.present.figures import shown
from luotain.present.numbers import number, percent, round_half_up
from luotain.questionnaire import (
    QuestionBase,
    Questionnaire,
)
from luotain.questionnaire.waves import option_ids

from . import spec as s
from .document import Slide, TrendChart

Unit = Literal["%", "nps", "mean"]

WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "up": "{S} kasvoi {b}:sta {n}:iin ({d}).",
        "down": "{S} laski {b}:sta {n}:iin ({d}).",
        "score_up": "{S} nousi arvosta {b} arvoon {n} ({d}).",
        "score_down": "{S} laski arvosta {b} arvoon {n} ({d}).",
        "same": "{S} pysyi ennallaan ({n}).",
        "noise": "{S} pysyi käytännössä ennallaan ({b} → {n}; muutos ei ylitä satunnaisvaihtelua).",
        "new": "{S}: {n} (kysymystä ei esitetty edellisessä kyselyssä).",
        "alone": "{S}: {n}.",
        "pp_one": "prosenttiyksikkö",
        "pp_many": "prosenttiyksikköä",
        "option": "Vaihtoehdon ”{label}” valinneiden osuus",
        "row_option": "Vaihtoehdon ”{label}” osuus rivillä ”{row}”",
        "agree": "Samaa mieltä olevien osuus",
        "agree_label": "Samaa mieltä",
        "mean": "Keskiarvo",
        "mean_label": "Keskiarvo",
        "missing": "ei kysytty",
        "base": "Osuus kysymykseen vastanneista kussakin kyselyssä",
        "base_score": "Kysymykseen vastanneet kussakin kyselyssä",
    },
    "sv": {
        "up": "{S} ökade från {b} till {n} ({d}).",
        "down": "{S} minskade från {b} till {n} ({d}).",
        "score_up": "{S} steg från {b} till {n} ({d}).",
        "score_down": "{S} sjönk från {b} till {n} ({d}).",
        "same": "{S} var oförändrad ({n}).",
        "noise": "{S} var i stort sett oförändrad ({b} → {n}; förändringen ryms inom den slumpmässiga "
        "variationen).",
        "new": "{S}: {n} (frågan ställdes inte i den föregående enkäten).",
        "alone": "{S}: {n}.",
        "pp_one": "procentenhet",
        "pp_many": "procentenheter",
        "option": "Andelen som valde ”{label}”",
        "row_option": "Andelen ”{label}” på raden ”{row}”",
        "agree": "Andelen som instämmer",
        "agree_label": "Instämmer",
        "mean": "Medelvärdet",
        "mean_label": "Medelvärde",
        "missing": "inte frågat",
        "base": "Andel av dem som svarade på frågan i varje enkät",
        "base_score": "De som svarade på frågan i varje enkät",
    },
    "en": {
        "up": "{S} grew from {b} to {n} ({d}).",
        "down": "{S} fell from {b} to {n} ({d}).",
        "score_up": "{S} rose from {b} to {n} ({d}).",
        "score_down": "{S} fell from {b} to {n} ({d}).",
        "same": "{S} stayed the same ({n}).",
        "noise": "{S} stayed about the same ({b} → {n}; the change is within random variation).",
        "new": "{S}: {n} (not asked in the previous survey).",
        "alone": "{S}: {n}.",
        "pp_one": "percentage point",
        "pp_many": "percentage points",
        "option": "The share choosing “{label}”",
        "row_option": "The share of “{label}” for “{row}”",
        "agree": "The share agreeing",
        "agree_label": "Agree",
        "mean": "The mean",
        "mean_label": "Mean",
        "missing": "not asked",
        "base": "Share of those who answered the question in each survey",
        "base_score": "Those who answered the question in each survey",
    },
}


@dataclass(frozen=True)
class TrendFigure:
    """One followed figure: its chart label, its sentence's subject, its value and n in each wave (None where
    the wave did not ask) and its change from the previous wave."""

    label: str
    subject: str
    unit: Unit
    values: tuple[float | None, ...]
    ns: tuple[int | None, ...]
    change: Change | ScoreChange | None
    not_asked_before: bool
    scale_top: float  # the highest point of a rating or 0–10 scale (the end of a mean's axis)

    def shown(self, value: float, lang: str) -> str:
        if self.unit == "%":
            return percent(value, lang=lang)
        return number(value, 1 if self.unit == "mean" else 0, lang=lang)

    def sentence(self, lang: str) -> str:
        """The change from the previous wave in words (or the figure alone, when there is no change)."""
        words = WORDS[lang]
        now = self.values[-1]
        if now is None:
            return ""
        n = self.shown(now, lang)
        if self.change is None:
            return words["new" if self.not_asked_before else "alone"].format(S=self.subject, n=n)
        before = self.change.before
        b = self.shown(before, lang)
        digits = 1 if self.unit == "mean" else 0
        step = round_half_up(now, digits) - round_half_up(before, digits)
        if step == 0:
            return words["same"].format(S=self.subject, n=n)
        if not self.change.significant:
            return words["noise"].format(S=self.subject, b=b, n=n)
        sign = "+" if step > 0 else ""
        d = sign + number(float(step), digits, lang=lang)
        if self.unit == "%":
            d += " " + words["pp_one" if abs(step) == 1 else "pp_many"]
            key = "up" if step > 0 else "down"
        else:
            key = "score_up" if step > 0 else "score_down"
        return words[key].format(S=self.subject, b=b, n=n, d=d)


class TrendError(InvalidInput, ValueError):
    """A trend slide names what its question does not have."""


def default_items(question: QuestionBase) -> list[s.TrendItem]:
    """A scale's headline figure (the agreeing share of a rating, NPS of a recommendation), or every option
    of a choice question."""
    analysis = ANALYSES.of(question)
    if analysis.headline is not None:
        return [s.TrendItem(figure=analysis.headline)]
    labels = answer_labels(question, "fi")
    if labels and not hasattr(question, "rows"):  # a question of options (a matrix's rows must be named)
        return [s.TrendItem(option=option) for option in labels]
    raise TrendError(f"question '{question.id}' ({question.type_name}): name the rows and options to follow")


def _unit(item: s.TrendItem) -> Unit:
    if item.figure == "nps":
        return "nps"
    if item.figure == "mean":
        return "mean"
    return "%"


def _check(question: QuestionBase, item: s.TrendItem) -> None:
    qid = question.id
    if item.figure is not None:
        analysis = ANALYSES.of(question)
        allowed = {analysis.headline, "mean"} if analysis.scale is not None else set()
        if item.figure not in allowed or item.option is not None:
            raise TrendError(
                f"trend of '{qid}': no figure '{item.figure}' (or give option or figure, not both)"
            )
        return
    if item.option is None:
        raise TrendError(f"trend of '{qid}': an item needs an option or a figure")
    rows = getattr(question, "rows", None)
    if rows is not None:
        if item.row not in {r.id for r in rows}:
            raise TrendError(f"trend of '{qid}': '{item.row}' is not a row of the matrix")
    elif item.row is not None:
        raise TrendError(f"trend of '{qid}': only a matrix has rows")
    options = set(option_ids(question))
    if item.option not in options:
        raise TrendError(f"trend of '{qid}': '{item.option}' is not an option of the question")


def checked_items(
    questionnaire: Questionnaire, question_id: str, items: Sequence[s.TrendItem]
) -> list[tuple[QuestionBase, s.TrendItem]]:
    """The items of a trend slide with their questions (no items: the slide question's key figures), each
    checked against its question; a slide's items share one unit (shares, NPS or means)."""
    try:
        default = questionnaire.question(question_id)
        found = [
            (questionnaire.question(item.question) if item.question else default, item)
            for item in (list(items) or default_items(default))
        ]
    except KeyError as exc:
        raise TrendError(
            f"a trend slide names the question {exc}, which the questionnaire does not have"
        ) from None
    for question, item in found:
        _check(question, item)
    if len({_unit(item) for _, item in found}) > 1:
        raise TrendError(f"trend of '{question_id}': shares, NPS and means go on separate slides")
    return found


def _figure(
    result: QuestionResult, item: s.TrendItem
) -> tuple[float | None, int, Change | ScoreChange | None]:
    """The item's value and n in one wave's result, and its change (set only in the compared result)."""
    if item.figure == "nps":
        return result.nps, result.n, result.nps_change
    if item.figure == "mean":
        return result.mean, result.n, result.mean_change
    if item.figure == "agree":
        return result.agree_percent, result.n, result.agree_change
    assert item.option is not None
    if item.row is not None:
        shares = (result.rows or {}).get(item.row)
        if shares is None or not shares.n:
            return None, 0, None
        return shares.percent.get(item.option), shares.n, (shares.change or {}).get(item.option)
    if not result.n:
        return None, 0, None
    return (result.percent or {}).get(item.option), result.n, (result.change or {}).get(item.option)


def trend_figures(
    questionnaire: Questionnaire,
    question_id: str,
    items: Sequence[s.TrendItem],
    waves: Sequence[WaveFigures],
    current: AnalysisResult,
    lang: str,
) -> list[TrendFigure]:
    """The followed figures over ``waves`` (oldest first, the last the current wave); ``current`` is the
    current wave's result compared with the previous wave (``luotain.analysis.compare``)."""
    found = checked_items(questionnaire, question_id, items)
    words = WORDS[lang]
    one_option = len({item.option for _, item in found}) == 1
    figures = []
    for question, item in found:
        qid = question.id
        points = [w.asked(qid, item.row) for w in waves]
        per_wave = [
            _figure(w.result.questions[qid], item) if asked else None
            for w, asked in zip(waves, points, strict=True)
        ]
        now = current.questions[qid]
        _, _, change = _figure(now, item)
        labels = _labels(question, lang)
        if item.figure is not None:
            label = {"nps": "NPS", "agree": words["agree_label"], "mean": words["mean_label"]}[item.figure]
            default = {"nps": "NPS", "agree": words["agree"], "mean": words["mean"]}[item.figure]
            if len(found) > 1 and item.figure != "nps":
                label = question.text.get(lang)
        elif item.row is not None:
            row = next(r.text.get(lang) for r in getattr(question, "rows", ()) if r.id == item.row)
            label = row if one_option else f"{row}: {labels[item.option or '']}"
            default = words["row_option"].format(label=labels[item.option or ""], row=row)
        else:
            label = labels[item.option or ""]
            default = words["option"].format(label=label)
        row_shares = (now.rows or {}).get(item.row) if item.row else None
        figures.append(
            TrendFigure(
                label=label,
                subject=item.subject.get(lang) if item.subject else default,
                unit=_unit(item),
                values=tuple(None if p is None else p[0] for p in per_wave),
                ns=tuple(None if p is None or p[0] is None else p[1] for p in per_wave),
                change=change,
                not_asked_before=bool(
                    now.not_asked_before or (row_shares is not None and row_shares.not_asked_before)
                ),
                scale_top=_scale_top(question),
            )
        )
    return figures


def _labels(question: QuestionBase, lang: str) -> dict[str, str]:
    return answer_labels(question, lang)


def _scale_top(question: QuestionBase) -> float:
    """The top of the scale a mean is shown against: a scale's highest point (the recommendation's 10)."""
    points = ANALYSES.of(question).scale
    return float(max(points(question))) if points is not None else 10.0


def _n_note(figures: Sequence[TrendFigure], waves: Sequence[WaveFigures]) -> str:
    """n of each wave: 'n = 80 (2024), 82 (2025)', a range where the figures have different bases."""
    parts = []
    for i, wave in enumerate(waves):
        ns = [n for f in figures if (n := f.ns[i]) is not None]
        if ns:
            ns_text = str(min(ns)) if min(ns) == max(ns) else f"{min(ns)}–{max(ns)}"
            parts.append(f"{ns_text} ({wave.label})")
    return "n = " + ", ".join(parts)


def _shown(value: float | None, digits: int) -> float | None:
    return None if value is None else shown(value, digits)


def trend_slide(
    slide: s.TrendSlide,
    questionnaire: Questionnaire,
    waves: Sequence[WaveFigures],
    current: AnalysisResult,
    lang: str,
) -> Slide:
    """The slide: the figures' chart over all waves and a sentence on each one's change."""
    figures = trend_figures(questionnaire, slide.question, slide.items, waves, current, lang)
    words = WORDS[lang]
    unit = figures[0].unit
    digits = 1 if unit == "mean" else 0
    # As shown (luotain.present.figures): the chart draws and labels the values its sentences say.
    values = tuple(tuple(_shown(f.values[i], digits) for f in figures) for i in range(len(waves)))
    known = [v for row in values for v in row if v is not None]
    low, high = 0.0, 100.0
    if unit == "nps" and min(known, default=0.0) < 0:
        low = -100.0
    elif unit == "mean":
        high = max(f.scale_top for f in figures)
    alt = "; ".join(
        f"{f.label}: "
        + ", ".join(
            f"{w.label} {words['missing'] if v is None else f.shown(v, lang)}"
            for w, v in zip(waves, f.values, strict=True)
        )
        for f in figures
    )
    chart = TrendChart(
        categories=tuple(f.label for f in figures),
        waves=tuple(w.label for w in waves),
        values=values,
        unit="%" if unit == "%" else "",
        digits=digits,
        minimum=low,
        maximum=high,
        missing=words["missing"],
        n_note=_n_note(figures, waves),
        base=words["base" if unit == "%" else "base_score"],
        alt=alt,
    )
    title = slide.title.get(lang) if slide.title else questionnaire.question(slide.question).text.get(lang)
    bullets = tuple(b for b in (f.sentence(lang) for f in figures) if b)
    return Slide(kind="trend", title=title, bullets=bullets, trend=chart)
