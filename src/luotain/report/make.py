"""From answers to a rendered report: analyse, build the deck, render it in each format asked for."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from luotain.analysis import ResponseFrame, analyse
from luotain.questionnaire import Matrix, MultipleChoice, Questionnaire, Rating, Recommendation, SingleChoice
from luotain.registry import Registry
from luotain.responses import ResponseRecord

from . import spec as s
from .build import QuoteCandidate, build_deck
from .document import Deck
from .render import RENDERERS, render
from .render.pdf import RendererUnavailable

FORMATS = ("html", "pdf", "pptx")


def default_spec(questionnaire: Questionnaire) -> s.ReportSpec:
    """A plain report without a spec: a title, then a chart of each question that has one."""
    sections = []
    for section in questionnaire.sections:
        slides: list[s.Slide] = []
        for q in section.questions:
            if isinstance(q, Recommendation):
                slides.append(s.NpsSlide(kind="nps", question=q.id))
            elif isinstance(q, SingleChoice | MultipleChoice | Matrix | Rating):
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
) -> Deck:
    """``quote_flags``: (question id, response id) pairs of open answers chosen for the report."""
    spec = spec or default_spec(questionnaire)
    result = analyse(ResponseFrame.from_records(questionnaire, records, registry=registry))
    attribution = spec.attribution
    by_id = {r.response_id: r for r in records}
    quotes = []
    for question_id, response_id in quote_flags:
        record = by_id.get(response_id)
        text = record.answers.get(question_id) if record else None
        if isinstance(text, str) and text.strip():
            quotes.append(
                QuoteCandidate(
                    question_id,
                    text,
                    record.answers.get(attribution.type_question),  # type: ignore[union-attr]
                    record.answers.get(attribution.role_question),  # type: ignore[union-attr]
                )
            )
    sizes = Counter(
        (r.answers.get(attribution.type_question), r.answers.get(attribution.role_question)) for r in records
    )
    return build_deck(spec, questionnaire, result, quotes=quotes, group_sizes=dict(sizes), lang=lang)


def write_report(deck: Deck, out_dir: Path, name: str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write each format; a format this machine cannot render is skipped with a warning on stderr."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt not in RENDERERS:
            raise ValueError(f"no format '{fmt}' (formats: {', '.join(FORMATS)})")
        try:
            content = render(deck, fmt)
        except RendererUnavailable as exc:
            print(f"warning: {fmt} skipped: {exc}", file=sys.stderr)
            continue
        path = out_dir / f"{name}.{fmt}"
        path.write_bytes(content)
        written.append(path)
    return written
