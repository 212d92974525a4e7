"""The report as a document model that every renderer draws: slides with titles, bullets, charts, rankings,
quotes and key figures, all numbers already worded in the report's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]  # percent per category


@dataclass(frozen=True)
class Chart:
    """Horizontal bars: ``bar`` has one series; ``stacked`` is 100 % stacked bars, a series per option."""

    kind: Literal["bar", "stacked"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    n_note: str  # "n = 80" or "n = 79–80"
    base: str  # what the shares are of
    alt: str  # a text alternative for the whole chart


@dataclass(frozen=True)
class TrendChart:
    """Figures followed over the waves of a survey: a group of bars for each category (an option, NPS, ...),
    one bar a wave, oldest first. A value is None where that wave did not ask the question."""

    categories: tuple[str, ...]
    waves: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]  # per wave, per category
    unit: Literal["%", ""]  # percent (a share), or a plain number (NPS, a mean)
    digits: int  # decimals of a value's label
    minimum: float
    maximum: float
    missing: str  # the label of a value a wave lacks: "ei kysytty"
    n_note: str  # "n = 80 (2024), 82 (2025)"
    base: str
    alt: str


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str


@dataclass(frozen=True)
class Logo:
    """An organisation's logo image (PNG or JPEG), drawn on the title slide in every format."""

    data: bytes
    mime: str  # image/png | image/jpeg
    description: str  # the alt text


@dataclass(frozen=True)
class Slide:
    kind: Literal[
        "title",
        "contents",
        "section",
        "chart",
        "ranking",
        "bullets",
        "quotes",
        "nps",
        "contact",
        "picture",
        "trend",
    ]
    title: str
    lead: str = ""
    bullets: tuple[str, ...] = ()
    chart: Chart | None = None
    items: tuple[str, ...] = ()  # ranking lines, contents
    quotes: tuple[Quote, ...] = ()
    figures: tuple[KeyFigure, ...] = ()
    note: str = ""
    picture: Logo | None = None  # an image drawn on the slide (a word cloud), with its alt text
    trend: TrendChart | None = None  # figures over the waves of the survey


@dataclass(frozen=True)
class Brand:
    name: str
    primary: str  # titles, bars
    accent: str  # highlights
    text: str
    background: str
    palette: tuple[str, ...]  # series colours, in order
    font: str  # CSS font stack; the first family is used in the deck
    logo_text: str = ""


@dataclass(frozen=True)
class TableQuestion:
    """One question in the table report: its n, and its answers' counts and shares as shown."""

    id: str
    text: str
    n: int
    skipped: int
    multiple: bool = False
    rows: tuple[tuple[str, int, float], ...] = ()  # (answer, count, share as shown)
    columns: tuple[str, ...] = ()  # a matrix's options
    matrix: tuple[tuple[str, int, tuple[float, ...]], ...] = ()  # (row, n, shares as shown)
    organisations: tuple[tuple[str, int, int], ...] = ()  # (kind, answered, in the registry)
    key: str = ""  # the headline figures, worded ("NPS 82 · keskiarvo 9,3 (n = 78)")
    key_note: str = ""
    note: str = ""  # what the reader must know of the figures (rounding, open answers counted)


@dataclass(frozen=True)
class Tables:
    """The table report: every question's counts and shares, section by section."""

    title: str
    n: int
    sections: tuple[tuple[str, tuple[TableQuestion, ...]], ...]
    words: Mapping[str, str] = field(default_factory=dict)  # the report's words in its language


@dataclass(frozen=True)
class Deck:
    title: str
    subtitle: str
    date: str
    lang: str
    brand: Brand
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    logo: Logo | None = None
    tables: Tables | None = None  # the table report, drawn by its renderer ("table")
