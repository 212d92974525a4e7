"""Figures as a reader sees them, rounded once, here: every output draws and labels these values, so the same
figure never shows two values (a chart's bar, its label, a table's cell, a sentence).

The rule for a distribution whose rounded shares do not add up to 100 (say 33 + 33 + 33): each share is
rounded on its own, half away from zero (as spreadsheets do, and as the 2024 report published its figures),
none is nudged to make the sum, and the output says so under the figures (``ROUNDING_NOTE``). A multiple
choice's shares are not a distribution (a respondent may choose several): their sum is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from .numbers import round_half_up

# Said under a distribution whose rounded shares do not add up to 100.
ROUNDING_NOTE = {
    "fi": "Pyöristyksen vuoksi summa voi poiketa 100 %:sta.",
    "sv": "På grund av avrundning kan summan avvika från 100 %.",
    "en": "Because of rounding the shares may not add up to 100 %.",
}
# A stacked bar's segment under this share (in percent, as shown) is drawn without its label, in every
# renderer: the label would not fit and would cover its neighbours.
SEGMENT_LABEL_MIN = 6


def shown(value: float, digits: int = 0) -> float:
    """``value`` as it is shown: rounded half away from zero to ``digits`` decimals."""
    return float(round_half_up(value, digits))


def shown_shares(values: Iterable[float]) -> tuple[float, ...]:
    """Shares in percent as they are shown: whole percents."""
    return tuple(shown(v) for v in values)


def adds_up(shares: Iterable[float]) -> bool:
    """Whether a distribution's shares, as shown, add up to 100 (an empty one does)."""
    values = list(shares)
    return not values or sum(values) == 100 or sum(values) == 0


def rounding_note(shares: Iterable[float], lang: str) -> str:
    """The note for a distribution's shown shares: empty when they add up to 100."""
    return "" if adds_up(shares) else ROUNDING_NOTE.get(lang, ROUNDING_NOTE["fi"])
