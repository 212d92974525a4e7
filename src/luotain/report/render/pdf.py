"""The report as a PDF: the HTML report laid out by WeasyPrint, one slide a page."""

from __future__ import annotations

from luotain.errors import LuotainError
from luotain.report.document import Deck

from .html import render_html_text


class RendererUnavailable(LuotainError, RuntimeError):
    """A format whose system libraries this machine lacks."""


def render_pdf(deck: Deck) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise RendererUnavailable(
            "PDF needs WeasyPrint with the Pango library (Debian: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0): {exc}"
        ) from None

    document = HTML(string=render_html_text(deck, for_print=True)).render()
    document.metadata.title = deck.title
    document.metadata.created = document.metadata.modified = None  # reruns give the same bytes
    pdf: bytes = document.write_pdf() or b""
    return pdf
