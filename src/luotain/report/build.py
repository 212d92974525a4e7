"""From a report spec, a questionnaire and its analysis to the document model every renderer draws.

Every number in the deck comes from the analysis result, through the same formatting as the charts, so a
number in a sentence always equals the number in its chart.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from luotain.analysis import AnalysisResult
from luotain.analysis.compare import WaveFigures
from luotain.analysis.results import QuestionResult
from luotain.errors import InvalidInput
from luotain.present import share_words
from luotain.present.answers import answer_labels
from luotain.present.figures import rounding_note, shown, shown_shares
from luotain.present.numbers import number, percent
from luotain.questionnaire import QuestionBase, Questionnaire, Text
from luotain.text import redact

from . import spec as s
from .brands import brand
from .charts import CHARTS
from .document import Chart, Deck, KeyFigure, Logo, Quote, Series, Slide
from .trends import TrendError, checked_items, trend_slide

FIXED: dict[str, dict[str, str]] = {
    "fi": {
        "contents": "Sisältö",
        "other_mentions": "Muita mainintoja",
        "base": "Osuus kysymykseen vastanneista",
        "base_multi": "Osuus kysymykseen vastanneista; vastaaja saattoi valita useita",
        "base_matrix": "Osuus riviin vastanneista",
        "nps": "NPS",
        "mean": "keskiarvo",
        "promoters": "Suosittelijat (9–10)",
        "passives": "Passiiviset (7–8)",
        "detractors": "Arvostelijat (0–6)",
    },
    "sv": {
        "contents": "Innehåll",
        "other_mentions": "Andra omnämnanden",
        "base": "Andel av dem som svarade på frågan",
        "base_multi": "Andel av dem som svarade på frågan; flera svar möjliga",
        "base_matrix": "Andel av dem som svarade på raden",
        "nps": "NPS",
        "mean": "medelvärde",
        "promoters": "Rekommenderare (9–10)",
        "passives": "Passiva (7–8)",
        "detractors": "Kritiker (0–6)",
    },
    "en": {
        "contents": "Contents",
        "other_mentions": "Other mentions",
        "base": "Share of those who answered the question",
        "base_multi": "Share of those who answered the question; several answers possible",
        "base_matrix": "Share of those who answered the row",
        "nps": "NPS",
        "mean": "mean",
        "promoters": "Promoters (9–10)",
        "passives": "Passives (7–8)",
        "detractors": "Detractors (0–6)",
    },
}


@dataclass(frozen=True)
class ThemeRanking:
    """An open question's themes, coded: (name, count) for the top and for the tail, of ``answered``."""

    answered: int
    top: tuple[tuple[str, int], ...]
    tail: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class QuoteCandidate:
    """An open answer chosen for the report, with what its attribution may use: type and role only."""

    question_id: str
    text: str
    org_type: str | None
    role: str | None


QUOTE_LENGTH = 400
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _quotable(text: str) -> str:
    """A quote as a slide can hold it: no control characters, one line, at most QUOTE_LENGTH characters
    (cut at a word, with "…")."""
    text = " ".join(CONTROL.sub("", text).split())
    return textwrap.shorten(text, QUOTE_LENGTH, placeholder=" …") if len(text) > QUOTE_LENGTH else text


class SpecError(InvalidInput, ValueError):
    """The spec names something the questionnaire or the analysis does not have."""


def build_deck(
    spec: s.ReportSpec,
    questionnaire: Questionnaire,
    result: AnalysisResult,
    *,
    quotes: Sequence[QuoteCandidate] = (),
    group_sizes: Mapping[tuple[str | None, str | None], int] | None = None,
    themes: Mapping[str, ThemeRanking] | None = None,
    clouds: Mapping[str, Logo] | None = None,
    lang: str = "fi",
    waves: Sequence[WaveFigures] = (),
) -> Deck:
    """The deck. ``group_sizes`` counts respondents per (organisation type, role) for quote attribution.
    ``waves``: every wave of the survey's family up to this one, oldest first, in this wave's questions and
    options (``luotain.analysis.compare.trend``); ``result`` is then compared with the previous wave. With
    fewer than two waves the trend slides, and a section of nothing else, are left out."""
    builder = _Builder(spec, questionnaire, result, quotes, group_sizes or {}, lang, themes or {})
    builder.clouds = clouds or {}
    builder.waves = waves
    return Deck(
        title=spec.title.get(lang),
        subtitle=spec.subtitle.get(lang) if spec.subtitle else "",
        date=spec.date,
        lang=lang,
        brand=brand(spec.brand),
        slides=tuple(builder.slides()),
        logo=_logo(spec, lang),
    )


def _logo(spec: s.ReportSpec, lang: str) -> Logo | None:
    if not spec.logo:
        return None
    path = Path(spec.logo)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"logo '{path}': {exc.strerror}") from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    else:
        raise SpecError(f"logo '{path}': not a PNG or JPEG image")
    alt = spec.logo_alt.get(lang) if spec.logo_alt else (spec.subtitle.get(lang) if spec.subtitle else "")
    return Logo(data, mime, alt)


class _Builder:
    def __init__(
        self,
        spec: s.ReportSpec,
        questionnaire: Questionnaire,
        result: AnalysisResult,
        quotes: Sequence[QuoteCandidate],
        group_sizes: Mapping[tuple[str | None, str | None], int],
        lang: str,
        themes: Mapping[str, ThemeRanking],
    ):
        self.spec, self.q, self.result, self.lang = spec, questionnaire, result, lang
        self.themes = themes
        self.clouds: Mapping[str, Logo] = {}
        self.waves: Sequence[WaveFigures] = ()
        self.quotes = quotes
        self.group_sizes = group_sizes
        self.k = questionnaire.disclosure_threshold
        self.fixed = FIXED[lang]

    def t(self, text: Text | None) -> str:
        return text.get(self.lang) if text else ""

    def question(self, qid: str) -> tuple[QuestionBase, QuestionResult]:
        try:
            return self.q.question(qid), self.result.questions[qid]
        except KeyError:
            raise SpecError(
                f"the report names question '{qid}', which the questionnaire does not have"
            ) from None

    def sections(self) -> list[s.Section]:
        """The spec's sections, without one of only trend slides when there is no previous wave."""
        if len(self.waves) > 1:
            return list(self.spec.sections)
        return [
            section
            for section in self.spec.sections
            if not section.slides or not all(isinstance(slide, s.TrendSlide) for slide in section.slides)
        ]

    def slides(self) -> list[Slide]:
        for section in self.spec.sections:  # trend slides are checked even when there is nothing to show
            for slide in section.slides:
                if isinstance(slide, s.TrendSlide):
                    self.check_trend(slide)
        out: list[Slide] = []
        for section in self.sections():
            if section.divider:
                out.append(Slide(kind="section", title=self.t(section.title)))
            for slide in section.slides:
                built = SLIDE_KINDS[slide.kind].build(self, slide, self.t(slide.title))
                if (
                    built is not None
                ):  # None: nothing to show (no earlier wave, no coding, no quotable answer)
                    out.append(built)
        return out

    def title_slide(self, slide: s.TitleSlide, title: str) -> Slide:
        return Slide(kind="title", title=title or self.t(self.spec.title), lead=self.t(self.spec.subtitle))

    def contents(self, slide: s.ContentsSlide, title: str) -> Slide:
        items = tuple(f"{i}. {self.t(sec.title)}" for i, sec in enumerate(self.sections(), start=1))
        return Slide(kind="contents", title=title or self.fixed["contents"], items=items)

    def bullets(self, slide: s.BulletsSlide, title: str) -> Slide:
        return Slide(kind="bullets", title=title, bullets=tuple(self.fill(self.t(b)) for b in slide.bullets))

    def chart_slide(self, slide: s.ChartSlide, title: str) -> Slide:
        question, figures = self.question(slide.question)
        return Slide(
            kind="chart",
            title=title or question.text.get(self.lang),
            chart=self.chart(slide, question, figures),
        )

    def quotes_slide(self, slide: s.QuotesSlide, title: str) -> Slide | None:
        question, _ = self.question(slide.question)
        chosen = self.chosen_quotes(slide.question, slide.limit)
        if not chosen:
            return None  # no chosen answer fits the disclosure rules: no empty slide
        return Slide(kind="quotes", title=title or question.text.get(self.lang), quotes=chosen)

    def word_cloud(self, slide: s.WordCloudSlide, title: str) -> Slide | None:
        question, figures = self.question(slide.question)
        if slide.question not in self.clouds:
            return None  # no answers to draw
        return Slide(
            kind="picture",
            title=title or question.text.get(self.lang),
            picture=self.clouds[slide.question],
            note=f"n = {figures.n}",
        )

    def trend(self, slide: s.TrendSlide, title: str) -> Slide | None:
        if len(self.waves) < 2:
            return None  # no previous wave: nothing to compare
        try:
            return trend_slide(slide, self.q, self.waves, self.result, self.lang)
        except TrendError as exc:
            raise SpecError(str(exc)) from None

    def contact(self, slide: s.ContactSlide, title: str) -> Slide:
        return Slide(
            kind="contact", title=title, bullets=tuple(self.fill(self.t(line)) for line in slide.lines)
        )

    def check_trend(self, slide: s.TrendSlide) -> None:
        try:
            checked_items(self.q, slide.question, slide.items)
        except TrendError as exc:
            raise SpecError(str(exc)) from None

    # -- charts -------------------------------------------------------------------------------------------

    def chart(self, slide: s.ChartSlide, question: QuestionBase, figures: QuestionResult) -> Chart:
        """A question's chart, its shares as they are shown (luotain.present.figures: rounded once, so that
        every renderer draws and labels the same values)."""
        lang = self.lang
        kind = CHARTS.of(question)
        labels = answer_labels(question, lang)
        if kind.chart == "stacked" and figures.rows is not None:
            matrix: Any = question  # a question of rows
            rows = [r for r in matrix.rows if slide.rows is None or r.id in slide.rows]
            if slide.rows is not None:
                order = list(slide.rows)
                rows.sort(key=lambda r: order.index(r.id))
            ns = [figures.rows[r.id].n for r in rows]
            per_row = [shown_shares(figures.rows[r.id].percent.get(o, 0.0) for o in labels) for r in rows]
            series = tuple(
                Series(label, tuple(shares[i] for shares in per_row))
                for i, label in enumerate(labels.values())
            )
            n_note = f"n = {min(ns)}" if min(ns) == max(ns) else f"n = {min(ns)}–{max(ns)}"
            categories = tuple(r.text.get(lang) for r in rows)
            alt = "; ".join(
                f"{c}: " + ", ".join(f"{sr.name} {percent(sr.values[i], lang=lang)}" for sr in series)
                for i, c in enumerate(categories)
            )
            note = next(
                (rounding_note(shares, lang) for shares in per_row if rounding_note(shares, lang)), ""
            )
            return Chart("stacked", categories, series, n_note, self._base(kind.base, note), alt)
        if kind.chart != "bar":
            raise SpecError(f"question '{question.id}' ({question.type_name}) has no chart; quote it instead")
        percent_of = figures.percent or {}
        pairs = [(label, shown(percent_of.get(value, 0.0))) for value, label in labels.items()]
        if kind.sortable and slide.sort:
            pairs.sort(key=lambda p: -p[1])
        categories = tuple(label for label, _ in pairs)
        values = tuple(value for _, value in pairs)
        alt = "; ".join(f"{label} {percent(value, lang=lang)}" for label, value in pairs)
        note = "" if figures.multiple or not figures.n else rounding_note(values, lang)
        return Chart(
            "bar",
            categories,
            (Series(question.text.get(lang), values),),
            f"n = {figures.n}",
            self._base(kind.base, note),
            alt,
        )

    def _base(self, key: str, note: str) -> str:
        """What a chart's shares are of, with the rounding note where its shares do not add up to 100."""
        base = self.fixed[key]
        return f"{base}. {note}" if note else base

    def ranking(self, slide: s.RankingSlide, title: str) -> Slide:
        found, figures = self.question(slide.question)
        if figures.rows is None or slide.question not in self.result.rankings:
            raise SpecError(f"a ranking needs a matrix question, and '{slide.question}' is not one")
        question: Any = found  # a question of rows
        if slide.option not in question.option_ids():
            raise SpecError(f"'{slide.option}' is not an option of '{slide.question}'")
        ranked = self.result.rankings[slide.question][slide.option][: slide.top]
        labels = {r.id: r.text.get(self.lang) for r in question.rows}
        items = tuple(
            f"{i}. {labels[r.row]} ({percent(r.percent, lang=self.lang)})"
            for i, r in enumerate(ranked, start=1)
        )
        ns = [r.n for r in ranked]
        note = f"n = {min(ns)}" if ns and min(ns) == max(ns) else (f"n = {min(ns)}–{max(ns)}" if ns else "")
        return Slide(kind="ranking", title=title, lead=self.t(slide.lead), items=items, note=note)

    def nps(self, slide: s.NpsSlide, title: str) -> Slide:
        question, figures = self.question(slide.question)
        if figures.nps is None or figures.mean is None:
            return Slide(kind="nps", title=title or question.text.get(self.lang), note=f"n = {figures.n}")
        lang = self.lang
        key = (
            KeyFigure(self.fixed["nps"], number(figures.nps, lang=lang)),
            KeyFigure(self.fixed["mean"], number(figures.mean, 1, lang=lang)),
            KeyFigure("n", str(figures.n)),
        )
        shares = Chart(
            "bar",
            (self.fixed["promoters"], self.fixed["passives"], self.fixed["detractors"]),
            (
                Series(
                    self.fixed["nps"],
                    (figures.promoters or 0.0, figures.passives or 0.0, figures.detractors or 0.0),
                ),
            ),
            f"n = {figures.n}",
            self.fixed["base"],
            f"NPS {number(figures.nps, lang=lang)}, "
            f"{self.fixed['mean']} {number(figures.mean, 1, lang=lang)}",
        )
        lead = (
            f"{self.fixed['nps']} {number(figures.nps, lang=lang)} · {self.fixed['mean']} "
            f"{number(figures.mean, 1, lang=lang)} (n = {figures.n})"
        )
        return Slide(
            kind="nps",
            title=title or question.text.get(lang),
            lead=lead,
            figures=key,
            chart=shares,
            note=f"n = {figures.n}",
        )

    def theme_list(self, slide: s.ThemesSlide, title: str) -> Slide | None:
        question, _ = self.question(slide.question)
        ranking = self.themes.get(slide.question)
        if ranking is None:
            return None  # not coded (no codebook; the report says so on stderr): no slide
        top = ranking.top[: slide.top]
        items = tuple(f"{i}. {name}" for i, (name, _) in enumerate(top, start=1))
        label = self.fixed["other_mentions"]
        tail = ", ".join(name for name, _ in ranking.tail)
        if tail and not tail.startswith(label):
            tail = f"{label}: {tail}"
        return Slide(
            kind="ranking",
            title=title or question.text.get(self.lang),
            items=items,
            note=f"n = {ranking.answered}",
            bullets=(tail,) if tail else (),
        )

    # -- quotes -------------------------------------------------------------------------------------------

    def attribution(self, candidate: QuoteCandidate) -> str | None:
        """'Kunnan päällikkö/esihenkilö'; 'Kunnan edustaja' where the role's group is small, if those who
        would all be called so are at least k together (the fallback names exactly them, not the whole
        type); None otherwise: the quote is left out rather than narrowed to a small group."""
        a = self.spec.attribution
        kind = a.types.get(candidate.org_type or "")
        if kind is None:
            return None
        role = a.roles.get(candidate.role or "")
        if role is not None and self.group_sizes.get((candidate.org_type, candidate.role), 0) >= self.k:
            return f"{kind.get(self.lang)} {role.get(self.lang)}"
        fallback_size = sum(
            n
            for (t, r), n in self.group_sizes.items()
            if t == candidate.org_type and (a.roles.get(r or "") is None or n < self.k)
        )
        if fallback_size >= self.k:
            return f"{kind.get(self.lang)} {a.fallback_role.get(self.lang)}"
        return None

    def chosen_quotes(self, question_id: str, limit: int) -> tuple[Quote, ...]:
        chosen: list[Quote] = []
        for candidate in self.quotes:
            if candidate.question_id != question_id or not candidate.text.strip():
                continue
            attribution = self.attribution(candidate)
            if attribution is None:
                continue
            # Names, contact details and organisations are masked before a quote leaves the analyst.
            chosen.append(Quote(_quotable(redact(candidate.text.strip(), self.lang).text), attribution))
            if len(chosen) == limit:
                break
        return tuple(chosen)

    # -- text ---------------------------------------------------------------------------------------------

    def fill(self, text: str) -> str:
        return s.PLACEHOLDER.sub(lambda m: self.value(m.group("kind"), m.group("arg")), text)

    def value(self, kind: str, arg: str | None) -> str:
        lang, result = self.lang, self.result
        if kind == "n":
            return str(result.n_responses if not arg else self.question(arg)[1].n)
        if arg is None:
            raise SpecError(f"the placeholder {{{kind}}} needs an argument, as in {{{kind}:QUESTION}}")
        if kind == "orgs":
            return str(result.organisations.get(arg, 0))
        if kind in ("pct", "words", "Words"):
            share, interval = self.share(arg)
            if kind == "pct":
                return percent(share, lang=lang)
            words = share_words(share, lang, interval)
            return words[:1].upper() + words[1:] if kind == "Words" else words
        figures = self.question(arg)[1]
        value = {"agree": figures.agree_percent, "nps": figures.nps, "mean": figures.mean}[kind]
        if value is None:
            raise SpecError(f"{{{kind}:{arg}}}: the question has no such figure")
        if kind == "agree":
            return percent(value, lang=lang)
        return number(value, 1 if kind == "mean" else 0, lang=lang)

    def share(self, arg: str) -> tuple[float, tuple[float, float] | None]:
        match = re.fullmatch(r"(?P<q>[a-z0-9_]+)(?:/(?P<row>[a-z0-9_]+))?=(?P<option>[a-z0-9_]+)", arg)
        if match is None:
            raise SpecError(f"'{arg}' is not QUESTION=OPTION or QUESTION/ROW=OPTION")
        _, figures = self.question(match["q"])
        row = figures.rows[match["row"]] if match["row"] and figures.rows else None
        shares = row.percent if row is not None else figures.percent
        intervals = row.ci95 if row is not None else figures.ci95
        if shares is None or match["option"] not in shares:
            raise SpecError(f"'{arg}': no such option in the analysis")
        return shares[match["option"]], (intervals or {}).get(match["option"])


# -- slide kinds ---------------------------------------------------------------------------------------------

Builder = Callable[[_Builder, Any, str], Slide | None]


@dataclass(frozen=True)
class SlideKind:
    """A kind of slide a report spec can ask for: its spec (``luotain.report.spec``), its name for people,
    and its builder, which makes the slide from the spec entry and its title, or None when it has nothing to
    show (the slide is then left out)."""

    spec: type[BaseModel]
    label: Mapping[str, str]  # fi, sv, en
    build: Builder


SLIDE_KINDS: dict[str, SlideKind] = {
    "title": SlideKind(
        s.TitleSlide, {"fi": "Kansilehti", "sv": "Titelsida", "en": "Title"}, _Builder.title_slide
    ),
    "contents": SlideKind(
        s.ContentsSlide, {"fi": "Sisällys", "sv": "Innehåll", "en": "Contents"}, _Builder.contents
    ),
    "chart": SlideKind(s.ChartSlide, {"fi": "Kaavio", "sv": "Diagram", "en": "Chart"}, _Builder.chart_slide),
    "ranking": SlideKind(
        s.RankingSlide, {"fi": "Kärkilista", "sv": "Topplista", "en": "Ranking"}, _Builder.ranking
    ),
    "bullets": SlideKind(
        s.BulletsSlide, {"fi": "Teksti", "sv": "Text", "en": "Bullet points"}, _Builder.bullets
    ),
    "quotes": SlideKind(
        s.QuotesSlide, {"fi": "Lainaukset", "sv": "Citat", "en": "Quotes"}, _Builder.quotes_slide
    ),
    "themes": SlideKind(s.ThemesSlide, {"fi": "Teemat", "sv": "Teman", "en": "Themes"}, _Builder.theme_list),
    "wordcloud": SlideKind(
        s.WordCloudSlide, {"fi": "Sanapilvi", "sv": "Ordmoln", "en": "Word cloud"}, _Builder.word_cloud
    ),
    "nps": SlideKind(
        s.NpsSlide,
        {"fi": "Suositteluindeksi (NPS)", "sv": "Rekommendationsindex (NPS)", "en": "NPS"},
        _Builder.nps,
    ),
    "trend": SlideKind(
        s.TrendSlide,
        {"fi": "Muutos edelliseen", "sv": "Förändring", "en": "Change since before"},
        _Builder.trend,
    ),
    "contact": SlideKind(
        s.ContactSlide, {"fi": "Yhteystiedot", "sv": "Kontakt", "en": "Contact"}, _Builder.contact
    ),
}
