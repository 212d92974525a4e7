"""One figure, one value: every output shows a share as luotain.present.figures rounds it.

The 2024 and 2025 demo reports are made by the report job in every format (PPTX, PDF, the web page, the table
report); the results page, its CSV and the command line's summary show the same answers. Every displayed
share is read back from each output, keyed by (question, row, option), and must be the same everywhere; and
each slide shows the same percentages in the PPTX, the PDF and the web page.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from luotain.cli import main
from luotain.present.numbers import round_half_up
from luotain.questionnaire import Questionnaire

Key = tuple[str, str, str]  # (question id, row id or "", option id)
TABLE_ROW = r'<tr><th scope="row">(.*?)</th><td class="num">\d+</td><td class="num">([^<]*%)</td>'
TABLE_MATRIX_ROW = (
    r'<tr><th scope="row">(.*?)</th><td class="num">\d+</td>((?:<td class="num">.*?</td>)+)</tr>'
)
DASHBOARD_ROW = r'<tr><th scope="row">(.*?)</th><td class="chart-col"[^>]*>.*?</td><td class="num">(.*?)</td>'
DASHBOARD_MATRIX_ROW = r'<tr><th scope="row">([^<]*)<span.*?</th><td class="num">\d+</td>\s*(.*?)</tr>'
PERCENT = re.compile(r"(?<![\d,.])([−-]?\d+)(?:,\d+)?[\s\u00a0]?%")


def percents(text: str) -> list[str]:
    return [m.group(1).replace("−", "-") for m in PERCENT.finditer(text)]


class Names:
    """The questionnaire's texts back to ids: questions by text, rows by text, options by label."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questions = {q.text.fi: q for q in questionnaire.questions()}
        self.by_id = {q.id: q for q in questionnaire.questions()}

    def option(self, question_id: str, label: str) -> str:
        q = self.by_id[question_id]
        for o in getattr(q, "options", ()):
            if o.label.fi == label:
                return str(o.id)
        for p in getattr(q, "points", ()):
            if label in (p.label.fi, f"{p.value} {p.label.fi}", str(p.value)):
                return str(p.value)
        if label.isdigit():  # the recommendation's 0–10
            return label
        raise AssertionError(f"{question_id}: no option '{label}'")

    def row(self, question_id: str, text: str) -> str:
        return next(str(r.id) for r in self.by_id[question_id].rows if r.text.fi == text)

    def matrix_of(self, rows: list[str]) -> str:
        for q in self.by_id.values():
            if {r.text.fi for r in getattr(q, "rows", ())} >= set(rows):
                return str(q.id)
        raise AssertionError(f"no matrix with the rows {rows}")


class Seen:
    """Each output's value of each figure."""

    def __init__(self) -> None:
        self.values: dict[Key, dict[str, str]] = defaultdict(dict)

    def add(self, output: str, key: Key, value: str) -> None:
        earlier = self.values[key].setdefault(output, value)
        assert earlier == value, f"{output} shows {key} twice: {earlier} and {value}"

    def of(self, output: str) -> set[Key]:
        return {k for k, v in self.values.items() if output in v}

    def disagreements(self) -> list[str]:
        return [f"{key}: {shown}" for key, shown in self.values.items() if len(set(shown.values())) > 1]


# -- reading the outputs back -------------------------------------------------------------------------------


def _deleted(series, idx: int) -> bool:
    for dlbl in series._element.iter(qn("c:dLbl")):
        if dlbl.find(qn("c:idx")).get("val") == str(idx):
            return dlbl.find(qn("c:delete")) is not None
    return False


def pptx_slides(content: bytes, names: Names, seen: Seen) -> list[list[str]]:
    """Each slide's percentages as PowerPoint shows them (text, and chart labels in their number format);
    each chart's values recorded as figures."""
    slides = []
    for slide in Presentation(io.BytesIO(content)).slides:
        shown: list[str] = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                shown += percents(shape.text_frame.text)
            if not getattr(shape, "has_chart", False):
                continue
            chart = shape.chart
            plot = chart.plots[0]
            is_percent = "%" in (plot.data_labels.number_format or "")
            categories = [str(c) for c in plot.categories]
            for series in plot.series:
                for idx, value in enumerate(series.values):
                    # The number format '0" %"' as PowerPoint applies it:
                    display = f"{round_half_up(value):.0f}"
                    if is_percent and not _deleted(series, idx):
                        shown.append(display)
                    if not is_percent or (len(plot.series) > 1 and series.name.isdigit()):
                        continue  # a trend chart (a series a wave) is read by its slide only
                    if len(plot.series) == 1 and series.name in names.questions:
                        q = names.questions[series.name]
                        seen.add("pptx", (q.id, "", names.option(q.id, categories[idx])), display)
                    elif len(plot.series) > 1:
                        qid = names.matrix_of(categories)
                        key = (qid, names.row(qid, categories[idx]), names.option(qid, series.name))
                        seen.add("pptx", key, display)
        slides.append(shown)
    return slides


def _visible(markup: str) -> str:
    markup = re.sub(r"<title>.*?</title>", " ", markup, flags=re.S)
    markup = re.sub(r"<style>.*?</style>", " ", markup, flags=re.S)
    markup = re.sub(r"<[^>]+>", " ", markup)  # tags, with their attributes (aria-label, alt)
    return html.unescape(markup)


def html_slides(content: bytes) -> list[list[str]]:
    slides = re.findall(r'<section class="slide.*?</section>', content.decode(), flags=re.S)
    return [percents(_visible(s)) for s in slides]


def pdf_slides(content: bytes) -> list[list[str]]:
    return [percents(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def table_report(content: bytes, names: Names, seen: Seen) -> None:
    page = content.decode()
    for qid, body in re.findall(r'<section id="([^"]+)">(.*?)</section>', page, flags=re.S):
        for table in re.findall(r"<table>(.*?)</table>", body, flags=re.S):
            head = re.search(r"<thead><tr><th[^>]*>[^<]*</th><th[^>]*>n</th>(.*?)</tr></thead>", table)
            if head is None:  # answers: a row each, with its count and share
                for label, share in re.findall(TABLE_ROW, table):
                    seen.add("table", (qid, "", names.option(qid, html.unescape(label))), percents(share)[0])
                continue
            columns = [html.unescape(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))]
            for label, cells in re.findall(TABLE_MATRIX_ROW, table):
                row = names.row(qid, html.unescape(label))
                for column, cell in zip(columns, re.findall(r"<td[^>]*>(.*?)</td>", cells), strict=True):
                    seen.add("table", (qid, row, names.option(qid, column)), percents(cell)[0])


def dashboard(page: str, names: Names, seen: Seen) -> None:
    blocks = re.findall(
        r'<section class="question-result" aria-labelledby="q-([^"]+)">(.*?)</section>',
        page,
        re.S,
    )
    for qid, body in blocks:
        bars = re.search(r'<table class="data bars">(.*?)</table>', body, flags=re.S)
        if bars:
            for label, share in re.findall(DASHBOARD_ROW, bars.group(1)):
                seen.add("dashboard", (qid, "", names.option(qid, html.unescape(label))), percents(share)[0])
        grid = re.search(r'<table class="data matrix-result">(.*?)</table>', body, flags=re.S)
        if grid:
            head = re.search(r"<thead>(.*?)</thead>", grid.group(1), flags=re.S)
            assert head is not None
            heads = re.findall(r'<th scope="col" class="num">(.*?)</th>', head.group(1))
            columns = [html.unescape(c) for c in heads[1:]]  # after n
            for label, cells in re.findall(DASHBOARD_MATRIX_ROW, grid.group(1), re.S):
                row = names.row(qid, html.unescape(label))
                values = re.findall(r'<td class="num"[^>]*>(.*?)</td>', cells)
                for column, cell in zip(columns, values, strict=True):
                    seen.add("dashboard", (qid, row, names.option(qid, column)), percents(cell)[0])


def dashboard_csv(text: str, seen: Seen) -> None:
    for line in csv.DictReader(io.StringIO(text)):
        if line["group"] or not line["option"] or line["option"] == "NPS" or not line["percent_shown"]:
            continue
        seen.add("csv", (line["question"], line["row"], line["option"]), line["percent_shown"])


def cli_summary(text: str, seen: Seen) -> None:
    for qid, figures in re.findall(r"^(\w+) \(\w+\), n = \d+: (.*)$", text, flags=re.M):
        if figures.startswith(("NPS", "agree")):
            continue
        for option, share in re.findall(r"(\S+) (\d+)\u00a0%", figures):
            seen.add("cli", (qid, "", option), share)


# -- the test -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_output_shows_each_figure_the_same(tmp_path: Path, client, capsys, monkeypatch):
    from django.urls import reverse

    from luotain.web.surveys.models import Survey

    monkeypatch.setenv("LUOTAIN_DEMO_PASSWORD", "kokeilu-salasana-9")
    out = tmp_path / "out"
    assert main(["demo", "--out", str(out)]) == 0
    capsys.readouterr()
    assert client.login(username="admin", password="kokeilu-salasana-9")
    for slug in ("mll-2024", "mll-2025"):
        names = Names(Survey.objects.get(slug=slug).questionnaire)
        seen = Seen()
        slides = {
            "pptx": pptx_slides((out / f"{slug}.pptx").read_bytes(), names, seen),
            "html": html_slides((out / f"{slug}.html").read_bytes()),
            "pdf": pdf_slides((out / f"{slug}.pdf").read_bytes()),
        }
        tables = (out / f"{slug}-taulukot.html").read_bytes()
        table_report(tables, names, seen)
        url = reverse("backoffice:results", args=[slug])
        results = client.get(url, HTTP_ACCEPT_LANGUAGE="fi")
        assert results.status_code == 200
        dashboard(results.content.decode(), names, seen)
        # Where rounded shares do not add up to 100, both say so, for the same questions.
        note = "Pyöristyksen vuoksi summa voi poiketa 100"
        noted = [
            q
            for q, body in re.findall(r'<section id="([^"]+)">(.*?)</section>', tables.decode(), re.S)
            if note in body
        ]
        assert noted and noted == [
            q
            for q, body in re.findall(
                r'aria-labelledby="q-([^"]+)">(.*?)</section>', results.content.decode(), re.S
            )
            if note in body
        ], slug
        dashboard_csv(client.get(url, {"format": "csv"}).content.decode(), seen)
        assert main(["analyse", "--survey", slug]) == 0
        cli_summary(capsys.readouterr().out, seen)

        # Each slide shows the same percentages in each format.
        assert len(slides["pptx"]) == len(slides["html"]) == len(slides["pdf"]), slug
        for number, (p, h, d) in enumerate(zip(*slides.values(), strict=True), 1):
            assert Counter(p) == Counter(h) == Counter(d), f"{slug} slide {number}: pptx {p} html {h} pdf {d}"
        # Each figure has one value in every output that shows it.
        assert seen.disagreements() == [], slug
        # And the outputs show what they should: every option of every question in the table report, the
        # results page and its CSV; the deck's charts; the summary's top three.
        everything = seen.of("table")
        assert everything == seen.of("dashboard") == seen.of("csv"), slug
        assert len(everything) > 150
        assert seen.of("pptx") <= everything and len(seen.of("pptx")) > 60, slug
        assert seen.of("cli") <= everything and len(seen.of("cli")) > 15, slug
        assert sum(len(s) for s in slides["pptx"]) > 100, slug
