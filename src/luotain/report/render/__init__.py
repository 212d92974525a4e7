"""Renderers of the report's document model, registered by format name (the names of
``luotain.report.formats``: a test checks that each format has its renderer)."""

from __future__ import annotations

from collections.abc import Callable

from luotain.report.document import Deck

Renderer = Callable[[Deck], bytes]

RENDERERS: dict[str, Callable[[], Renderer]] = {}


def register(name: str) -> Callable[[Callable[[], Renderer]], Callable[[], Renderer]]:
    def add(factory: Callable[[], Renderer]) -> Callable[[], Renderer]:
        RENDERERS[name] = factory
        return factory

    return add


@register("html")
def _html() -> Renderer:
    from .html import render_html

    return render_html


@register("pdf")
def _pdf() -> Renderer:
    from .pdf import render_pdf

    return render_pdf


@register("pptx")
def _pptx() -> Renderer:
    from .pptx import render_pptx

    return render_pptx


@register("table")
def _table() -> Renderer:
    from .table import render_table

    return render_table


def render(deck: Deck, fmt: str) -> bytes:
    try:
        factory = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"no renderer for '{fmt}' (formats: {', '.join(sorted(RENDERERS))})") from None
    return factory()(deck)
