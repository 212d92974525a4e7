"""Report brands: colours, fonts and a logo text per organisation. Fonts a machine lacks fall back down the
stack."""

from __future__ import annotations

from .document import Brand

FONT_STACK = '"Source Sans 3", "Liberation Sans", "DejaVu Sans", Arial, sans-serif'

BRANDS: dict[str, Brand] = {
    "neutral": Brand(
        name="neutral",
        primary="#1f4e79",
        accent="#c55a11",
        text="#1b1b1b",
        background="#ffffff",
        palette=("#1f4e79", "#5b9bd5", "#a5a5a5", "#ed7d31", "#70ad47", "#7030a0"),
        font=FONT_STACK,
    ),
    # Blue and yellow in the spirit of the MLL report; not MLL's official brand files.
    "mll": Brand(
        name="mll",
        primary="#00558c",
        accent="#f5b400",
        text="#1b1b1b",
        background="#ffffff",
        palette=("#00558c", "#4a9fd8", "#f5b400", "#8c8c8c", "#c8d9e8", "#6d2077"),
        font=FONT_STACK,
        logo_text="MLL",
    ),
}


def brand(name: str) -> Brand:
    try:
        return BRANDS[name]
    except KeyError:
        raise ValueError(f"no brand '{name}' (brands: {', '.join(sorted(BRANDS))})") from None
