from __future__ import annotations

import re

from luotain.mll.demo_2024 import generate
from luotain.present.numbers import number, percent
from luotain.questionnaire import Questionnaire, parse_questionnaire
from luotain.report.make import make_deck
from luotain.report.render import render
from luotain.responses import ResponseRecord


def render_html(questionnaire: Questionnaire, records: list[ResponseRecord], lang: str = "fi") -> str:
    return render(make_deck(questionnaire, records, lang=lang), "table").decode()


def test_numbers_are_finnish():
    assert percent(86.25) == "86\u00a0%"
    assert percent(72.5) == "73\u00a0%"  # half away from zero, as the report's spreadsheet rounds
    assert number(9.3077, 1) == "9,3"
    assert number(-45.45) == "\u221245"
    assert percent(50.0, lang="en") == "50%"


def test_report_has_every_question_with_its_n(mll):
    html = render_html(mll, generate().records)
    for q in mll.questions():
        assert f'<section id="{q.id}">' in html
    sections = re.findall(r'<section id="([^"]+)">.*?<p class="n">n = (\d+)', html, flags=re.S)
    assert len(sections) == len(mll.questions())
    assert dict(sections)["org_type"] == "80"
    assert dict(sections)["recommend"] == "78"
    assert "NPS 82 · keskiarvo 9,3 (n = 78)" in html
    assert "95\u00a0%" in html
    assert "<script" not in html and "http" not in html


def test_report_escapes_what_authors_typed():
    q = parse_questionnaire(
        """
id: x
title: "<script>alert(1)</script>"
sections:
  - id: s
    title: "<b>Osa</b>"
    questions:
      - id: a
        type: single_choice
        text: "Kumpi? <img src=x onerror=alert(1)>"
        options:
          - {id: k, label: "{{ 7*7 }}"}
          - {id: e, label: Ei}
"""
    )
    html = render_html(q, [ResponseRecord("1", None, {"a": "k"})])
    assert "<script>alert" not in html and "<img" not in html and "<b>Osa" not in html
    assert "&lt;script&gt;" in html and "{{ 7*7 }}" in html


def test_table_report_speaks_the_reports_language(mll):
    records = generate().records
    swedish = render_html(mll, records, lang="sv")
    assert '<html lang="sv">' in swedish and "Svar 80" in swedish and "medelvärde" in swedish
    for word in ("Vastauksia", "keskiarvo", "Vaihtoehto", "Lukumäärä", "ei vastannut"):
        assert word not in swedish, word
    english = render_html(mll, records, lang="en")
    assert "Responses 80" in english and "NPS 82 · mean 9.3 (n = 78)" in english


def test_a_distribution_that_does_not_add_up_says_so():
    q = parse_questionnaire(
        """
id: x
title: X
sections:
  - id: s
    title: S
    questions:
      - id: a
        type: single_choice
        text: Mikä?
        options: [{id: k, label: K}, {id: e, label: E}, {id: m, label: M}]
"""
    )
    records = [ResponseRecord(str(i), None, {"a": v}) for i, v in enumerate("kem")]
    html = render_html(q, records)
    assert html.count("33\u00a0%") == 3  # each share rounded on its own
    assert "summa voi poiketa 100" in html
    even = render_html(q, [ResponseRecord(str(i), None, {"a": v}) for i, v in enumerate("kkem")])
    assert "summa voi poiketa 100" not in even


def test_every_report_format_has_its_renderer_and_is_documented():
    from pathlib import Path

    from luotain.report.formats import REPORT_FORMATS
    from luotain.report.render import RENDERERS

    assert set(REPORT_FORMATS) == set(RENDERERS)
    docs = (Path(__file__).parents[1] / "docs" / "report.md").read_text(encoding="utf-8")
    for fmt in REPORT_FORMATS.values():
        assert fmt.filename("SLUG") in docs, fmt.name
        assert {"fi", "sv", "en"} <= set(fmt.label), fmt.name
    try:
        REPORT_FORMATS["docx"]
    except ValueError as exc:
        assert "no report format 'docx'" in str(exc) and "pptx" in str(exc)
    else:
        raise AssertionError("an unknown format is an error")


def test_every_slide_kind_of_the_spec_has_its_builder_and_is_documented():
    import typing
    from pathlib import Path

    from luotain.report import spec as s
    from luotain.report.build import SLIDE_KINDS

    union = typing.get_args(typing.get_args(s.Slide)[0])
    kinds = {typing.get_args(model.model_fields["kind"].annotation)[0]: model for model in union}
    assert {name: kind.spec for name, kind in SLIDE_KINDS.items()} == kinds
    docs = (Path(__file__).parents[1] / "docs" / "report.md").read_text(encoding="utf-8")
    for name, kind in SLIDE_KINDS.items():
        assert f"`{name}`" in docs, name
        assert {"fi", "sv", "en"} <= set(kind.label), name
