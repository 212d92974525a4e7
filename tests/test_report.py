"""The report: deck from the analysis, three renderers, determinism, escaping and quotes."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pptx import Presentation
from pypdf import PdfReader

from luotain.analysis import ResponseFrame, analyse
from luotain.mll.demo_2024 import generate, quote_flags
from luotain.present.numbers import percent, round_half_up
from luotain.questionnaire import load_builtin, parse_questionnaire
from luotain.report.build import QuoteCandidate, build_deck
from luotain.report.make import make_deck
from luotain.report.render import render
from luotain.report.spec import builtin_spec
from luotain.responses import ResponseRecord
from luotain.text import analyzer


@pytest.fixture(scope="module")
def demo():
    q = load_builtin("mll-kumppanikysely-2024")
    records = generate().records
    deck = make_deck(q, records, builtin_spec(q.id), quote_flags=quote_flags(records))
    result = analyse(ResponseFrame.from_records(q, records))
    return q, records, deck, result


@pytest.fixture(scope="module")
def outputs(demo):
    deck = demo[2]
    return {fmt: render(deck, fmt) for fmt in ("html", "pdf", "pptx")}


def slide_titled(deck, title):
    return next(s for s in deck.slides if s.title == title)


def test_the_deck_follows_the_seed_report(demo):
    _, _, deck, _ = demo
    sections = [s.title for s in deck.slides if s.kind == "section"]
    assert sections == [
        "Perhekeskuskehittämisen tilanne alueilla toukokuussa 2024",
        "Yhteistyö MLL:n kanssa",
        "MLL:n toiminnan tunnettuus",
        "MLL:n merkitys ja toiminnan vaikutukset",
        "Kokemukset yhteistyöstä MLL:n kanssa",
        "Yhteenveto kyselyn tuloksista",
    ]
    assert deck.slides[0].kind == "title" and deck.slides[1].kind == "contents"
    assert len(deck.slides[1].items) == 7
    assert deck.slides[-1].kind == "contact"


def test_charts_equal_the_analysis(demo):
    _, _, deck, result = demo
    org = slide_titled(deck, "Organisaatio, jossa työskentelet").chart
    assert org.categories == ("Hyvinvointialue", "Kunta")
    # As shown: rounded once, to whole percents (luotain.present.figures).
    assert result.questions["org_type"].percent["hyvinvointialue"] == 45.0
    assert org.series[0].values == (45.0, 55.0)
    assert org.n_note == "n = 80"
    matrix = slide_titled(
        deck,
        "Miten vastuut jakautuvat kunnan ja hyvinvointialueen kesken MLL:n avustusten ja yhteistyön osalta?",
    ).chart
    assert matrix.kind == "stacked" and len(matrix.categories) == 10 and len(matrix.series) == 5
    both = next(s for s in matrix.series if s.name == "Molemmat")
    share = result.questions["responsibilities"].rows["ngo_coordination"].percent["molemmat"]
    assert share != round(share) and both.values[5] == float(round_half_up(share)) == 86.0
    awareness = slide_titled(deck, "MLL:n toimintojen tunnettuus").chart
    assert list(awareness.series[0].values) == sorted(awareness.series[0].values, reverse=True)
    for slide in deck.slides:
        if slide.chart is not None:
            assert slide.chart.n_note.startswith("n = ") and slide.chart.base and slide.chart.alt


def test_numbers_in_sentences_equal_the_charts(demo):
    _, _, deck, result = demo
    status = slide_titled(deck, "Yhteistyön tilannekuva")
    share = result.questions["cooperation_status"].percent["vakiintunut"]
    # 59 % of 80, 95 % interval 48–69: not "yli puolet", which the interval does not clear.
    low, _high = result.questions["cooperation_status"].ci95["vakiintunut"]
    assert low < 50
    assert (
        status.bullets[0]
        == f"Noin puolet ({percent(share)}) vastaajista kokee yhteistyön olevan vakiintunutta"
    )
    assert percent(share) == "59\u00a0%"
    toteutus = slide_titled(deck, "Kyselyn toteutus")
    assert (
        "Kyselyyn saatiin 80 vastausta, joista 45\u00a0% oli hyvinvointialueilta ja 55\u00a0% kunnista"
        in toteutus.bullets
    )
    assert "Vastaukset olivat 14 hyvinvointialueelta ja 34 kunnasta" in toteutus.bullets
    both = slide_titled(deck, "Molemmille kuuluvat tehtävät")
    assert both.items[0] == "1. Järjestöyhteistyön koordinointi (86\u00a0%)"
    assert [re.search(r"\((\d+)", i).group(1) for i in both.items] == ["86", "86", "79", "72", "61"]
    nps = slide_titled(deck, "Yhteistyön suosittelu")
    assert nps.lead == "NPS 82 · keskiarvo 9,3 (n = 78)"


def test_quotes_are_attributed_by_type_and_role_only(demo):
    _, records, deck, _ = demo
    quotes = [q for s in deck.slides if s.kind == "quotes" for q in s.quotes]
    assert quotes
    allowed = re.compile(
        r"^(Kunnan|Hyvinvointialueen) (johtava viranhaltija|päällikkö/esihenkilö|"
        r"asiantuntija/koordinaattori|työntekijä|edustaja)$"
    )
    assert all(allowed.match(q.attribution) for q in quotes)
    names = {r.answers["organisation"] for r in records}
    assert not any(code in q.attribution for q in quotes for code in names)


def test_a_quote_from_a_small_group_is_attributed_coarsely_or_left_out(mll):
    spec = builtin_spec(mll.id)
    result = analyse(ResponseFrame.from_records(mll, generate().records))
    candidates = [
        QuoteCandidate(
            "impacts", "Iso ryhmä, kiitos Liisa Virtaselle (040 123 4567).", "kunta", "asiantuntija"
        ),
        QuoteCandidate("impacts", "Pieni ryhmä.", "kunta", "johto"),
        QuoteCandidate("impacts", "Liian pieni.", "hyvinvointialue", "johto"),
    ]
    sizes = {("kunta", "asiantuntija"): 20, ("kunta", "johto"): 2, ("hyvinvointialue", "johto"): 3}
    deck = build_deck(spec, mll, result, quotes=candidates, group_sizes=sizes)
    quotes = next(s for s in deck.slides if s.kind == "quotes" and s.quotes).quotes
    # "Kunnan edustaja" would name the municipal leaders only (2): the quote is left out.
    assert [(q.text, q.attribution) for q in quotes] == [
        ("Iso ryhmä, kiitos [nimi] ([puhelin]).", "Kunnan asiantuntija/koordinaattori"),
    ]
    # With 3 more municipal respondents of small role groups, "Kunnan edustaja" is 5 people: shown.
    deck = build_deck(spec, mll, result, quotes=candidates, group_sizes={**sizes, ("kunta", "muu"): 3})
    quotes = next(s for s in deck.slides if s.kind == "quotes" and s.quotes).quotes
    assert ("Pieni ryhmä.", "Kunnan edustaja") in [(q.text, q.attribution) for q in quotes]


def test_pptx_has_native_charts_with_alt_text_equal_to_the_analysis(outputs, demo):
    _, _, deck, result = demo
    prs = Presentation(io.BytesIO(outputs["pptx"]))
    assert len(prs.slides) == len(deck.slides)
    charts = [shape for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == sum(1 for s in deck.slides if s.chart is not None)
    for shape in charts:
        assert shape._element.nvGraphicFramePr.cNvPr.get("descr")
    titles = [
        next((sh.text_frame.text for sh in slide.shapes if sh.has_text_frame), "") for slide in prs.slides
    ]
    assert "Organisaatio, jossa työskentelet" in titles
    org_chart = next(
        sh for sh in prs.slides[titles.index("Organisaatio, jossa työskentelet")].shapes if sh.has_chart
    )
    values = list(org_chart.chart.plots[0].series[0].values)
    assert values == [round(result.questions["org_type"].percent[o], 1) for o in ("hyvinvointialue", "kunta")]


def test_pdf_text_holds_the_key_figures(outputs):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(outputs["pdf"])).pages)
    assert "NPS 82" in text
    assert "9,3" in text
    assert re.search(r"86\s%", text)


def test_html_is_self_contained(outputs):
    html = outputs["html"].decode()
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") == 13  # one a chart


def test_two_runs_give_identical_output(demo, outputs):
    q, records, _, _ = demo
    again = make_deck(q, records, builtin_spec(q.id), quote_flags=quote_flags(records))
    assert render(again, "html") == outputs["html"]
    assert render(again, "pdf") == outputs["pdf"]
    assert render(again, "pptx") == outputs["pptx"]


def test_everything_typed_is_escaped_in_every_format():
    q = parse_questionnaire(
        """
id: xss
title: "<script>alert(1)</script> & {{ 7*7 }}"
sections:
  - id: s
    title: Osa
    questions:
      - id: org_type
        type: single_choice
        text: "Org <b>bold</b>"
        options: [{id: kunta, label: "<img src=x onerror=alert(1)>"}, {id: hyvinvointialue, label: HVA}]
      - id: role
        type: single_choice
        text: Rooli
        options: [{id: johto, label: Johto}]
      - id: say
        type: text
        text: Sano
"""
    )
    records = [
        ResponseRecord(str(i), None, {"org_type": "kunta", "role": "johto", "say": "<script>x()</script>"})
        for i in range(6)
    ]
    from luotain.questionnaire import Text
    from luotain.report.spec import Attribution, QuotesSlide, ReportSpec, Section

    spec = ReportSpec(
        title=Text(fi="<script>alert(1)</script>"),
        date="1.1.2025",
        attribution=Attribution(types={"kunta": Text(fi="Kunnan")}, roles={"johto": Text(fi="johtaja")}),
        sections=[
            Section(
                title=Text(fi="Osa"),
                slides=[
                    QuotesSlide(kind="quotes", question="say"),
                ],
            )
        ],
    )
    from luotain.report.make import default_spec

    for s in (spec, default_spec(q)):
        deck = make_deck(q, records, s, quote_flags=[("say", "0")])
        html = render(deck, "html").decode()
        assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
        pptx = zipfile.ZipFile(io.BytesIO(render(deck, "pptx")))
        xml = "".join(pptx.read(n).decode("utf-8", "replace") for n in pptx.namelist() if n.endswith(".xml"))
        assert "<script>" not in xml and "<img" not in xml
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(deck, "pdf"))).pages)
        assert "<script>" in text or "<img" in text or "Org <b>bold</b>" in text  # shown as text, not run


def test_swedish_and_english_reports_translate_the_fixed_texts(demo):
    q, records, _, _ = demo
    sv = make_deck(q, records, builtin_spec(q.id), quote_flags=quote_flags(records), lang="sv")
    assert sv.lang == "sv"
    assert any(s.kind == "contents" and s.title == "Sisältö" for s in sv.slides)  # the spec's own title
    nps = next(s for s in sv.slides if s.kind == "nps")
    assert nps.lead == "NPS 82 · medelvärde 9,3 (n = 78)"
    assert nps.chart.base == "Andel av dem som svarade på frågan"
    quotes = [x for s in sv.slides if s.kind == "quotes" for x in s.quotes]
    assert quotes and all(x.attribution.startswith(("Kommunens", "Välfärdsområdets")) for x in quotes)
    en = make_deck(q, records, None, lang="en")
    assert any(s.chart is not None and s.chart.base.startswith("Share of those") for s in en.slides)
    assert '<html lang="sv">' in render(sv, "html").decode()


def test_a_spec_with_an_unknown_placeholder_or_question_is_a_clear_error(tmp_path, mll):
    from luotain.questionnaire import QuestionnaireError
    from luotain.report.build import SpecError
    from luotain.report.spec import load_spec

    bad = tmp_path / "bad.report.yaml"
    bad.write_text(
        'title: T\ndate: "1.1.2025"\nsections:\n  - title: S\n    slides:\n'
        '      - {kind: bullets, bullets: ["{median:recommend}"]}\n'
    )
    with pytest.raises(QuestionnaireError, match="unknown placeholders: median"):
        load_spec(bad)
    bad.write_text(
        'title: T\ndate: "1.1.2025"\nsections:\n  - title: S\n    slides:\n'
        "      - {kind: chart, question: nope}\n"
    )
    with pytest.raises(SpecError, match="question 'nope'"):
        make_deck(mll, generate().records, load_spec(bad))


def tiny_png(width: int = 4, height: int = 2) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_an_organisations_logo_in_every_format(tmp_path, mll):
    from luotain.report.build import SpecError
    from luotain.report.spec import load_spec

    (tmp_path / "logo.png").write_bytes(tiny_png())
    (tmp_path / "r.report.yaml").write_text(
        'title: T\ndate: "1.1.2025"\nlogo: logo.png\nlogo_alt: {fi: Yhdistyksen logo}\n'
        "sections:\n  - title: S\n    slides:\n      - {kind: title}\n"
    )
    deck = make_deck(mll, generate().records, load_spec(tmp_path / "r.report.yaml"))
    assert deck.logo.mime == "image/png"
    html = render(deck, "html").decode()
    assert 'src="data:image/png;base64,' in html and 'alt="Yhdistyksen logo"' in html
    prs = Presentation(io.BytesIO(render(deck, "pptx")))
    pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == 13]  # a PICTURE
    assert len(pictures) == 1 and pictures[0]._element.nvPicPr.cNvPr.get("descr") == "Yhdistyksen logo"
    assert render(deck, "pdf").startswith(b"%PDF")
    (tmp_path / "logo.png").write_text("not an image")
    with pytest.raises(SpecError, match="not a PNG or JPEG"):
        make_deck(mll, generate().records, load_spec(tmp_path / "r.report.yaml"))


def test_the_ranked_themes_of_an_open_question(demo):
    _, records, deck, _ = demo
    slide = next(
        s for s in deck.slides if s.kind == "ranking" and s.title == "Millaista yhteistyötä toivotaan lisää?"
    )
    assert len(slide.items) == 10
    assert slide.items[0] == "1. Perhekahvila- ja kohtaamispaikkatoiminnan laajentumista tai vahvistumista"
    if analyzer("fi").name == "voikko":
        assert slide.bullets == (
            "Muita mainintoja: media-, tunnetaito- ja päihdekasvatusta, nepsy-perheille suunnattua "
            "toimintaa, vanhempainiltoja",
        )
    else:  # simplemma does not find the base forms of those compounds (tests/test_codebook.py)
        assert slide.bullets == ()
    answered = sum(1 for r in records if r.answers.get("cooperation_wishes"))
    assert slide.note == f"n = {answered}"


def test_a_word_cloud_of_base_forms_in_every_format(demo, outputs):
    from luotain.text.cloud import word_counts

    _, records, deck, _ = demo
    counts = word_counts([r.answers.get("mll_image") for r in records])
    assert counts["vanhemmuus"] >= 1  # "tukee vanhemmuutta" and "vanhemmuuden" count as one base form
    slide = next(s for s in deck.slides if s.kind == "picture")
    assert slide.title == "Mielikuva MLL:n toiminnoista ja yhteistyöstä"
    assert slide.picture.data.startswith(b"\x89PNG") and slide.picture.description.startswith(
        counts.most_common(1)[0][0]
    )
    assert slide.note == f"n = {sum(1 for r in records if r.answers.get('mll_image'))}"
    assert 'class="picture" src="data:image/png;base64,' in outputs["html"].decode()
    prs = Presentation(io.BytesIO(outputs["pptx"]))
    pictures = [sh for sl in prs.slides for sh in sl.shapes if sh.shape_type == 13]
    assert any(p._element.nvPicPr.cNvPr.get("descr") == slide.picture.description for p in pictures)


def test_a_long_odd_answer_is_quoted_safely(mll):
    records = generate().records
    record = records[0]
    record.answers.update(
        {
            "cooperation_wishes": "Alku\x01\x02 <script>alert(1)</script> 😀 "
            + "pitkä " * 810,  # near the 5,000 limit
            "org_type": "kunta",
            "role": "asiantuntija",
        }
    )
    deck = make_deck(
        mll, records, builtin_spec(mll.id), quote_flags=[("cooperation_wishes", record.response_id)]
    )
    quote = next(q for s in deck.slides if s.kind == "quotes" for q in s.quotes)
    assert len(quote.text) <= 402 and quote.text.endswith("…")
    assert quote.text.startswith("Alku <script>alert(1)</script> 😀 pitkä")
    html = render(deck, "html").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 😀" in html and "<script>" not in html
    # The slide deck: the quote as text (no control characters), shortened, on its slide.
    slides = Presentation(io.BytesIO(render(deck, "pptx"))).slides
    texts = [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in slides
    ]
    (quoted,) = [t for t in texts if "Alku <script>alert(1)</script> 😀 pitkä" in t]
    assert "\x01" not in quoted and "\x02" not in quoted and len(quoted) < 3000
    # The PDF: one page a slide, however long the answer (it does not spill onto pages of its own).
    pdf = PdfReader(io.BytesIO(render(deck, "pdf")))
    assert len(pdf.pages) == len(deck.slides) == len(slides)
    page_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "<script>alert(1)</script>" in page_text and "\x01" not in page_text
