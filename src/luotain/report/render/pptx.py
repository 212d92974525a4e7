"""The report as an editable PowerPoint deck: native charts (not pictures) with alt text, text in text
frames that shrink to fit, and no timestamps of the moment of rendering inside."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt
from xlsxwriter import Workbook  # type: ignore[import-untyped]

from luotain.present.figures import SEGMENT_LABEL_MIN
from luotain.report.document import Brand, Chart, Deck, Slide, TrendChart

from .svg import wave_colours

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.7)
FIXED_TIME = datetime(2000, 1, 1)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _font_name(brand: Brand) -> str:
    return brand.font.split(",")[0].strip().strip('"')


def _textbox(
    slide,
    left,
    top,
    width,
    height,
    lines,
    brand: Brand,
    *,
    size=20,
    bold=False,
    colour=None,
    bullets=False,
    align=None,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}" if bullets else line
        paragraph.space_after = Pt(10 if bullets else 4)
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = _font_name(brand)
            run.font.color.rgb = _rgb(colour or brand.text)
    return box


def _background(slide, colour: str) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(colour)


def _title(slide, text: str, brand: Brand) -> None:
    _textbox(
        slide,
        MARGIN,
        Inches(0.4),
        WIDTH - 2 * MARGIN,
        Inches(1.0),
        [text],
        brand,
        size=30,
        bold=True,
        colour=brand.primary,
    )


def _footer(slide, deck: Deck, number: int, note: str) -> None:
    _textbox(
        slide,
        MARGIN,
        HEIGHT - Inches(0.55),
        Inches(8),
        Inches(0.4),
        [note],
        deck.brand,
        size=12,
        colour="#505a5f",
    )
    _textbox(
        slide,
        WIDTH - MARGIN - Inches(4),
        HEIGHT - Inches(0.55),
        Inches(4),
        Inches(0.4),
        [f"{deck.title} · {number}"],
        deck.brand,
        size=12,
        colour="#505a5f",
        align=PP_ALIGN.RIGHT,
    )


class _TextWorkbookWriter(CategoryWorkbookWriter):
    """The chart's embedded workbook with every label written as text. XlsxWriter would otherwise make a
    label that begins with '=' (a questionnaire's option label) a formula, and one that looks like an address
    a link."""

    @contextmanager
    def _open_worksheet(self, xlsx_file) -> Iterator[tuple[Workbook, object]]:
        options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        workbook = Workbook(xlsx_file, options)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _ChartData(CategoryChartData):
    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _TextWorkbookWriter(self)


def _chart(slide, chart: Chart, brand: Brand, top, height) -> None:
    data = _ChartData(number_format='0" %"')
    data.categories = list(chart.categories)
    for series in chart.series:
        data.add_series(series.name, list(series.values))  # as shown: rounded once (luotain.present)
    kind = XL_CHART_TYPE.BAR_STACKED_100 if chart.kind == "stacked" else XL_CHART_TYPE.BAR_CLUSTERED
    frame = slide.shapes.add_chart(kind, MARGIN, top, WIDTH - 2 * MARGIN, height, data)
    frame.name = "Kaavio"
    frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.alt)  # alt text for screen readers
    c = frame.chart
    c.font.size = Pt(12)
    c.font.name = _font_name(brand)
    c.has_title = False
    category_axis = c.category_axis
    category_axis.reverse_order = True  # first category on top, as in the questionnaire
    category_axis.tick_labels.font.size = Pt(12)
    value_axis = c.value_axis
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    value_axis.maximum_scale = 1.0 if chart.kind == "stacked" else 100.0
    value_axis.minimum_scale = 0.0
    plot = c.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = '0" %"'
    labels.number_format_is_linked = False
    labels.font.size = Pt(11)
    if chart.kind == "stacked":
        plot.overlap = 100
        labels.position = XL_LABEL_POSITION.CENTER
        c.has_legend = True
        c.legend.position = XL_LEGEND_POSITION.TOP
        c.legend.include_in_layout = False
    else:
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        c.has_legend = False
    for i, series in enumerate(plot.series):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(
            brand.palette[i % len(brand.palette)] if chart.kind == "stacked" else brand.primary
        )
        if chart.kind == "stacked":
            _hide_small_labels(series, chart.series[i].values)


def _trend_chart(slide, chart: TrendChart, brand: Brand, top, height) -> None:
    """Clustered bars: a group a category, a bar a wave (oldest on top); a wave that did not ask the question
    has no bar (an empty cell), and the alt text says "not asked"."""
    number_format = '0" %"' if chart.unit == "%" else ("0.0" if chart.digits else "0")
    data = _ChartData(number_format=number_format)
    data.categories = list(chart.categories)
    for wave, values in zip(chart.waves, chart.values, strict=True):
        data.add_series(wave, list(values))  # as shown: rounded once (luotain.present)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, top, WIDTH - 2 * MARGIN, height, data)
    frame.name = "Kehitys"
    frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.alt)
    c = frame.chart
    c.font.size = Pt(12)
    c.font.name = _font_name(brand)
    c.has_title = False
    c.has_legend = True
    c.legend.position = XL_LEGEND_POSITION.TOP
    c.legend.include_in_layout = False
    c.category_axis.reverse_order = True  # first category, and the oldest wave, on top
    c.category_axis.tick_labels.font.size = Pt(12)
    value_axis = c.value_axis
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    value_axis.minimum_scale = chart.minimum
    value_axis.maximum_scale = chart.maximum
    plot = c.plots[0]
    plot.gap_width = 60
    plot.overlap = 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.font.size = Pt(11)
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for series, colour in zip(plot.series, wave_colours(brand, len(chart.waves)), strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(colour)


def _hide_small_labels(series, values) -> None:
    """No label on a stacked segment under ``SEGMENT_LABEL_MIN`` (6 %): it would not fit and would cover
    its neighbours.

    Every point gets its own label element (shown with the percent format, or deleted): viewers differ in
    how they combine point labels with the series' defaults, and this form reads the same in all of them.
    """
    for idx, value in enumerate(values):
        dlbl = series.points[idx].data_label._get_or_add_dLbl()
        if value < SEGMENT_LABEL_MIN:
            for child in list(dlbl):
                if child.tag != qn("c:idx"):
                    dlbl.remove(child)
            dlbl.append(dlbl.makeelement(qn("c:delete"), {"val": "1"}))
        else:
            fmt = dlbl.makeelement(qn("c:numFmt"), {"formatCode": '0" %"', "sourceLinked": "0"})
            dlbl.find(qn("c:idx")).addnext(fmt)


def _slide(prs, deck: Deck, slide: Slide, number: int) -> None:
    brand = deck.brand
    page = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    if slide.kind in ("title", "section"):
        _background(page, brand.primary)
        size = 44 if slide.kind == "title" else 38
        _textbox(
            page,
            MARGIN,
            Inches(2.4),
            WIDTH - 2 * MARGIN,
            Inches(1.8),
            [slide.title],
            brand,
            size=size,
            bold=True,
            colour="#ffffff",
        )
        if slide.kind == "title":
            lead = f"{slide.lead} | {deck.date}" if slide.lead else deck.date
            _textbox(
                page,
                MARGIN,
                Inches(4.3),
                WIDTH - 2 * MARGIN,
                Inches(0.8),
                [lead],
                brand,
                size=22,
                colour="#ffffff",
            )
            if deck.logo is not None:
                picture = page.shapes.add_picture(
                    io.BytesIO(deck.logo.data), WIDTH - MARGIN - Inches(2.2), Inches(0.45), height=Inches(1.0)
                )
                picture._element.nvPicPr.cNvPr.set("descr", deck.logo.description)
            elif brand.logo_text:
                _textbox(
                    page,
                    WIDTH - MARGIN - Inches(2),
                    Inches(0.5),
                    Inches(2),
                    Inches(0.8),
                    [brand.logo_text],
                    brand,
                    size=28,
                    bold=True,
                    colour=brand.accent,
                    align=PP_ALIGN.RIGHT,
                )
        return
    _title(page, slide.title, brand)
    top = Emu(Inches(1.5))
    if slide.lead:
        _textbox(page, MARGIN, top, WIDTH - 2 * MARGIN, Inches(0.6), [slide.lead], brand, size=20)
        top = Emu(Inches(2.1))
    body_height = HEIGHT - top - Inches(0.8)
    if slide.kind == "contents":
        _textbox(page, MARGIN, top, WIDTH - 2 * MARGIN, body_height, list(slide.items), brand, size=24)
    elif slide.kind == "trend":
        lines = list(slide.bullets)
        box = Inches(0.62 * len(lines) + 0.2)  # two lines a sentence at 18 pt
        _textbox(page, MARGIN, top, WIDTH - 2 * MARGIN, box, lines, brand, size=18, bullets=True)
        top = Emu(top + box)
        body_height = HEIGHT - top - Inches(0.8)
    elif slide.kind in ("bullets", "contact"):
        _textbox(
            page,
            MARGIN,
            top,
            WIDTH - 2 * MARGIN,
            body_height,
            list(slide.bullets),
            brand,
            size=22,
            bullets=slide.kind == "bullets",
        )
    elif slide.kind == "ranking":
        lines = [*slide.items, *(["", *slide.bullets] if slide.bullets else [])]
        _textbox(
            page,
            MARGIN,
            top,
            WIDTH - 2 * MARGIN,
            body_height,
            lines,
            brand,
            size=24 if len(lines) > 6 else 26,
        )
    elif slide.kind == "quotes":
        lines = [line for q in slide.quotes for line in (f"”{q.text}”", f"– {q.attribution}", "")] or [
            slide.note
        ]
        _textbox(page, MARGIN, top, WIDTH - 2 * MARGIN, body_height, lines, brand, size=20)
    if slide.figures:
        width = (WIDTH - 2 * MARGIN) // max(len(slide.figures), 1)
        for i, figure in enumerate(slide.figures):
            left = MARGIN + Emu(width * i)
            _textbox(
                page,
                left,
                top,
                width,
                Inches(1.3),
                [figure.value],
                brand,
                size=60,
                bold=True,
                colour=brand.primary,
            )
            _textbox(page, left, top + Inches(1.3), width, Inches(0.5), [figure.label], brand, size=18)
        top = Emu(top + Inches(2.0))
        body_height = HEIGHT - top - Inches(0.8)
    if slide.chart is not None:
        _chart(page, slide.chart, brand, top, body_height)
    if slide.trend is not None:
        _trend_chart(page, slide.trend, brand, top, body_height)
    if slide.picture is not None:
        picture = page.shapes.add_picture(io.BytesIO(slide.picture.data), MARGIN, top, height=body_height)
        picture.left = int((WIDTH - picture.width) / 2)
        picture._element.nvPicPr.cNvPr.set("descr", slide.picture.description)
    note = f"{slide.chart.n_note} · {slide.chart.base}" if slide.chart else slide.note
    if slide.trend is not None:
        note = f"{slide.trend.n_note} · {slide.trend.base}"
    _footer(page, deck, number, note)


def render_pptx(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    props.title = deck.title
    props.author = deck.subtitle or "Luotain"
    props.last_modified_by = "Luotain"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    for number, slide in enumerate(deck.slides, start=1):
        _slide(prs, deck, slide, number)
    out = io.BytesIO()
    prs.save(out)
    return _without_timestamps(out.getvalue())


_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def _without_timestamps(package: bytes) -> bytes:
    """The same package with every timestamp fixed: zip entry times, and the creation times that the
    embedded chart workbooks get from XlsxWriter. Two renderings of one deck are then byte-identical."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith(".xlsx"):
                data = _without_timestamps(data)
            elif name.endswith("core.xml"):
                data = _W3CDTF.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue()
