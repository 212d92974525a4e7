"""The report as a PDF: the HTML report laid out by WeasyPrint, one slide a page."""

from __future__ import annotations

from luotain.report.document import Deck

from .html import render_html_text


def render_pdf(deck: Deck) -> bytes:
    from weasyprint import HTML

    document = HTML(string=render_html_text(deck, for_print=True)).render()
    pdf: bytes = document.write_pdf(metadata={"title": deck.title, "created": None, "modified": None}) or b""
    return pdf
