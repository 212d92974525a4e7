"""From answers to a rendered report: analyse, build the deck, render it in each format asked for."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from luotain.analysis import AnalysisResult, ResponseFrame, analyse
from luotain.analysis.compare import WaveFigures, compare, trend
from luotain.questionnaire import Questionnaire
from luotain.registry import Registry
from luotain.responses import ResponseRecord
from luotain.text.codebook import Codebook, builtin_codebook

from . import spec as s
from .build import QuoteCandidate, ThemeRanking, build_deck
from .charts import CHARTS
from .document import Deck, Logo
from .formats import REPORT_FORMATS
from .render import render
from .render.pdf import RendererUnavailable
from .tables import tables

# An analyst's stored coding: codebooks by question, and question -> response id -> codes.
Coding = tuple[Mapping[str, Codebook], Mapping[str, Mapping[str, Sequence[str]]]]
# An earlier wave of the survey's questionnaire family: its label ("2024"), questionnaire and responses.
EarlierWave = tuple[str, Questionnaire, Sequence[ResponseRecord]]


def default_spec(questionnaire: Questionnaire) -> s.ReportSpec:
    """A plain report without a spec: a title, then a chart of each question that has one."""
    sections = []
    for section in questionnaire.sections:
        slides: list[s.Slide] = []
        for q in section.questions:
            slide = CHARTS.of(q).slide
            if slide == "nps":
                slides.append(s.NpsSlide(kind="nps", question=q.id))
            elif slide == "chart":
                slides.append(s.ChartSlide(kind="chart", question=q.id))
        if slides:
            sections.append(s.Section(title=section.title, slides=slides))
    sections.insert(
        0, s.Section(title=questionnaire.title, divider=False, slides=[s.TitleSlide(kind="title")])
    )
    return s.ReportSpec(title=questionnaire.title, date="", sections=sections)


def make_deck(
    questionnaire: Questionnaire,
    records: Sequence[ResponseRecord],
    spec: s.ReportSpec | None = None,
    *,
    quote_flags: Iterable[tuple[str, str]] = (),
    registry: Registry | None = None,
    lang: str = "fi",
    coding: Coding | None = None,
    earlier: Sequence[EarlierWave] = (),
) -> Deck:
    """``quote_flags``: (question id, response id) pairs of open answers chosen for the report; ``earlier``:
    the earlier waves of the questionnaire family, oldest first, for the trend slides."""
    frame = ResponseFrame.from_records(questionnaire, records, registry=registry)
    frames = [(label, ResponseFrame.from_records(q, r, registry=registry)) for label, q, r in earlier]
    return deck_from_frame(frame, spec, quote_flags=quote_flags, lang=lang, coding=coding, earlier=frames)


def deck_from_frame(
    frame: ResponseFrame,
    spec: s.ReportSpec | None = None,
    *,
    quote_flags: Iterable[tuple[str, str]] = (),
    lang: str = "fi",
    coding: Coding | None = None,
    earlier: Sequence[tuple[str, ResponseFrame]] = (),
) -> Deck:
    """The deck from an already checked response frame (for large tables). ``coding``: the codebooks and the
    codes of open answers as an analyst stored them; without it the built-in codebooks' rules code them.
    ``earlier``: (label, frame) of the earlier waves, oldest first: the result is compared with the last."""
    questionnaire = frame.questionnaire
    spec = spec or default_spec(questionnaire)
    stored_books, stored_codes = coding or ({}, {})
    codebooks = _codebooks(spec, frame, stored_books)
    result = analyse(frame, codebooks=list(codebooks.values()), coded=stored_codes)
    waves: list[WaveFigures] = []
    if earlier:
        waves = trend([*earlier, (questionnaire.wave or questionnaire.id, frame)])
        result = compare(result, frame, earlier[-1][1], wave=earlier[-1][0])
    a = spec.attribution
    df = frame.df
    have = [c for c in (a.type_question, a.role_question) if c in df.columns]
    keys = df.select([pl.col(c).cast(pl.String) for c in have])
    if len(have) < 2:
        keys = keys.with_columns(
            [
                pl.lit(None, dtype=pl.String).alias(c)
                for c in (a.type_question, a.role_question)
                if c not in have
            ]
        )
    sizes = {
        (row[0], row[1]): row[2]
        for row in keys.group_by([a.type_question, a.role_question]).len().iter_rows()
    }
    flags = list(quote_flags)
    quotes = []
    if flags and "response_id" in df.columns:
        wanted = {rid for _, rid in flags}
        rows = {
            row["response_id"]: row
            for row in df.filter(pl.col("response_id").is_in(list(wanted))).iter_rows(named=True)
        }
        for question_id, response_id in flags:
            row = rows.get(response_id) or {}
            text = row.get(question_id)
            if isinstance(text, str) and text.strip():
                kind, role = _plain(row.get(a.type_question)), _plain(row.get(a.role_question))
                quotes.append(QuoteCandidate(question_id, text, kind, role))
    deck = build_deck(
        spec,
        questionnaire,
        result,
        quotes=quotes,
        group_sizes=sizes,
        themes=_rankings(spec, codebooks, result, lang),
        clouds=_clouds(spec, frame, lang),
        lang=lang,
        waves=waves,
    )
    return replace(deck, tables=tables(questionnaire, result, frame.registry, lang))


def _clouds(spec: s.ReportSpec, frame: ResponseFrame, lang: str) -> dict[str, Logo]:
    """Word clouds of the open questions that have a word-cloud slide."""
    from luotain.text.cloud import cloud_png, word_counts

    from .brands import brand

    clouds: dict[str, Logo] = {}
    for section in spec.sections:
        for slide in section.slides:
            if not isinstance(slide, s.WordCloudSlide) or slide.question in clouds:
                continue
            if slide.question not in frame.df.columns:
                continue
            # Only words at least k answers use, names and places left out: no one is singled out by a word.
            answers = frame.df[slide.question].drop_nulls().to_list()
            counts = word_counts(answers, lang, minimum=frame.questionnaire.disclosure_threshold, masked=True)
            if not counts:
                continue
            alt = ", ".join(f"{word} {n}" for word, n in counts.most_common(15))
            png = cloud_png(counts, colour=brand(spec.brand).primary)
            clouds[slide.question] = Logo(png, "image/png", alt)
    return clouds


def _codebooks(
    spec: s.ReportSpec, frame: ResponseFrame, stored: Mapping[str, Codebook]
) -> dict[str, Codebook]:
    """The codebooks of the open questions that have a themes slide: stored, or else built in."""
    found: dict[str, Codebook] = {}
    for section in spec.sections:
        for slide in section.slides:
            if not isinstance(slide, s.ThemesSlide) or slide.question in found:
                continue
            codebook = stored.get(slide.question) or builtin_codebook(frame.questionnaire.id, slide.question)
            if codebook is None or slide.question not in frame.df.columns:
                print(
                    f"warning: no codebook for '{slide.question}': its themes slide is left out",
                    file=sys.stderr,
                )
                continue
            found[slide.question] = codebook
    return found


def _rankings(
    spec: s.ReportSpec, codebooks: dict[str, Codebook], result: AnalysisResult, lang: str
) -> dict[str, ThemeRanking]:
    """The analysis's coded themes, cut where each themes slide asks and named in the report's language."""
    tops = {
        slide.question: slide.top
        for sec in spec.sections
        for slide in sec.slides
        if isinstance(slide, s.ThemesSlide)
    }
    rankings: dict[str, ThemeRanking] = {}
    for question, codebook in codebooks.items():
        themes = (result.themes or {})[question]
        names = {c.id: c.name.get(lang) for c in codebook.codes}
        ranked = [*themes.top, *(t for t in themes.other_mentions if t.code != codebook.other)]
        other = [t for t in themes.other_mentions if t.code == codebook.other]
        top = tops[question]
        rankings[question] = ThemeRanking(
            answered=themes.answered,
            top=tuple((names[t.code], t.n) for t in ranked[:top]),
            tail=tuple((names[t.code], t.n) for t in [*ranked[top:], *other]),
        )
    return rankings


def _plain(value: object) -> str | None:
    return None if value is None else str(value)


def write_report(
    deck: Deck, out_dir: Path, name: str, formats: Sequence[str] = tuple(REPORT_FORMATS)
) -> list[Path]:
    """Write each format; a format this machine cannot render is skipped with a warning on stderr."""
    chosen = [REPORT_FORMATS[f] for f in formats]  # an unknown format is an error before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in chosen:
        try:
            content = render(deck, fmt.name)
        except RendererUnavailable as exc:
            print(f"warning: {fmt.name} skipped: {exc}", file=sys.stderr)
            continue
        path = out_dir / fmt.filename(name, deck.lang)
        path.write_bytes(content)
        written.append(path)
    return written


def write_all(
    questionnaire: Questionnaire,
    records: Sequence[ResponseRecord],
    out_dir: Path,
    name: str,
    formats: Sequence[str],
    *,
    spec: s.ReportSpec | None = None,
    quote_flags: Iterable[tuple[str, str]] = (),
    lang: str = "fi",
    coding: Coding | None = None,
    earlier: Sequence[EarlierWave] = (),
) -> list[Path]:
    """Every format asked for (``luotain.report.formats``), all drawn from one deck."""
    deck = make_deck(
        questionnaire, records, spec, quote_flags=quote_flags, lang=lang, coding=coding, earlier=earlier
    )
    return write_report(deck, out_dir, name, formats)
