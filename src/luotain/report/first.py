"""The first report: one self-contained HTML page with counts and shares of every question, each with its n.

Open answers are counted, not quoted: quoting needs the redaction and disclosure rules of the open-text work.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from luotain.analysis import QuestionResult, ResponseFrame, analyse
from luotain.present.answers import answer_labels
from luotain.present.numbers import number, percent
from luotain.questionnaire import (
    Questionnaire,
)
from luotain.registry import KINDS, ORGANISATION_KINDS, Registry, default_registry
from luotain.responses import ResponseRecord


def _environment() -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    env.filters["num"] = number
    return env


def render_html(
    questionnaire: Questionnaire,
    records: Sequence[ResponseRecord],
    *,
    registry: Registry | None = None,
    lang: str = "fi",
) -> str:
    registry = registry or default_registry()
    result = analyse(ResponseFrame.from_records(questionnaire, records, registry=registry))
    sections = [
        {
            "title": s.title.get(lang),
            "questions": [_question(q, result.questions[q.id], registry, lang) for q in s.questions],
        }
        for s in questionnaire.sections
    ]
    source = (resources.files("luotain.report") / "templates" / "first.html.j2").read_text(encoding="utf-8")
    return (
        _environment()
        .from_string(source)
        .render(title=questionnaire.title.get(lang), n=len(records), sections=sections, lang=lang)
    )


def _question(q: Any, f: QuestionResult, registry: Registry, lang: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": q.id,
        "text": q.text.get(lang),
        "type": q.type_name,
        "n": f.n,
        "skipped": f.skipped,
    }
    item["f"] = f
    counts, percent = f.counts or {}, f.percent or {}
    labels = answer_labels(q, lang, numbered=True)
    if f.rows:  # a question of rows (a matrix): its options' shares of each row
        item["columns"] = list(labels.values())
        item["matrix"] = [
            (row.text.get(lang), f.rows[row.id].n, [f.rows[row.id].percent.get(o, 0.0) for o in labels])
            for row in q.rows
        ]
    elif labels and f.counts is not None:
        item["rows"] = [
            (label, counts.get(value, 0), percent.get(value, 0.0)) for value, label in labels.items()
        ]
        item["multiple"] = bool(f.multiple)
    elif f.organisations is not None:
        orgs = f.organisations
        item["organisations"] = [
            (KINDS[kind].name(lang, plural=True), orgs.get(kind, 0), len(registry.of_kind(kind)))
            for kind in ORGANISATION_KINDS
        ]
    return item
