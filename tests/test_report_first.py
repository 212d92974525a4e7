from __future__ import annotations

import re

from luotain.mll.demo_2024 import generate
from luotain.present.numbers import number, percent
from luotain.questionnaire import parse_questionnaire
from luotain.report.first import render_html
from luotain.responses import ResponseRecord


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
