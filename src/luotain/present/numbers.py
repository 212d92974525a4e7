"""Numbers as a Finnish report writes them: 86 %, 9,3 (rounded half away from zero, as spreadsheets do)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def round_half_up(value: float, digits: int = 0) -> Decimal:
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: float, digits: int = 0, lang: str = "fi") -> str:
    text = str(round_half_up(value, digits))
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return text.replace(".", ",") if lang in ("fi", "sv") else text


def signed(value: float, digits: int = 0, lang: str = "fi") -> str:
    """A change with its sign: '+7', '−3', and '0' (never '−0' or '+0')."""
    rounded = round_half_up(value, digits)
    if rounded == 0:
        return number(0.0, digits, lang)
    shown = number(float(rounded), digits, lang)
    return shown if rounded < 0 else f"+{shown}"


def percent(value: float, digits: int = 0, lang: str = "fi") -> str:
    sep = NBSP if lang in ("fi", "sv") else ""
    return f"{number(value, digits, lang)}{sep}%"
