"""The table report: one self-contained HTML page with every question's counts and shares and its n, drawn
from the deck's tables (``Deck.tables``, built by ``luotain.report.tables``)."""

from __future__ import annotations

from importlib import resources

from jinja2 import Environment, StrictUndefined, select_autoescape

from luotain.present.numbers import number, percent
from luotain.report.document import Deck


def _environment(lang: str = "fi") -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda value: percent(value, lang=lang)
    env.filters["num"] = lambda value, digits=0: number(value, digits, lang=lang)
    return env


def render_table(deck: Deck) -> bytes:
    if deck.tables is None:
        raise ValueError("the deck was made without its tables")
    source = (resources.files("luotain.report") / "templates" / "tables.html.j2").read_text(encoding="utf-8")
    return _environment(deck.lang).from_string(source).render(deck=deck).encode("utf-8")
