"""The report as one self-contained HTML file: slides as 16:9 sections, charts as inline SVG, no external
requests; printable (one slide a page), and the source of the PDF."""

from __future__ import annotations

import base64
from importlib import resources

from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from luotain.report.document import Deck

from .svg import chart_svg, trend_svg


def _environment() -> Environment:
    return Environment(
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html_text(deck: Deck, *, for_print: bool = False) -> str:
    source = (resources.files("luotain.report") / "templates" / "deck.html.j2").read_text(encoding="utf-8")
    charts = {
        i: Markup(chart_svg(slide.chart, deck.brand, deck.lang, height=380 if slide.kind == "nps" else 470))  # noqa: S704 - built from escaped parts
        for i, slide in enumerate(deck.slides)
        if slide.chart is not None
    }
    trends = {
        i: Markup(trend_svg(slide.trend, deck.brand, deck.lang))  # noqa: S704 - built from escaped parts
        for i, slide in enumerate(deck.slides)
        if slide.trend is not None
    }
    logo = (
        f"data:{deck.logo.mime};base64,{base64.b64encode(deck.logo.data).decode('ascii')}"
        if deck.logo
        else ""
    )
    pictures = {
        i: f"data:{slide.picture.mime};base64,{base64.b64encode(slide.picture.data).decode('ascii')}"
        for i, slide in enumerate(deck.slides)
        if slide.picture is not None
    }
    return (
        _environment()
        .from_string(source)
        .render(deck=deck, charts=charts, trends=trends, for_print=for_print, logo=logo, pictures=pictures)
    )


def render_html(deck: Deck) -> bytes:
    return render_html_text(deck).encode("utf-8")
