"""Shares in words, as the report writes them: 59 % → "yli puolet", 30 % → "lähes kolmannes".

One table drives the wording in Finnish, Swedish and English. Each row covers a half-open range of the
share rounded to a whole percent; the table covers 0–100 without gaps (a test checks it).
"""

from __future__ import annotations

from typing import NamedTuple

from .numbers import round_half_up


class Band(NamedTuple):
    low: int  # inclusive, whole percent
    high: int  # exclusive (101 for the last band)
    fi: str
    sv: str
    en: str


BANDS: tuple[Band, ...] = (
    Band(0, 1, "ei kukaan", "ingen", "none"),
    Band(1, 5, "harva", "några få", "a few"),
    Band(5, 10, "alle kymmenesosa", "under en tiondel", "under a tenth"),
    Band(10, 15, "noin kymmenesosa", "omkring en tiondel", "about a tenth"),
    Band(15, 19, "noin kuudesosa", "omkring en sjättedel", "about a sixth"),
    Band(19, 23, "noin viidesosa", "omkring en femtedel", "about a fifth"),
    Band(23, 27, "noin neljännes", "omkring en fjärdedel", "about a quarter"),
    Band(27, 33, "lähes kolmannes", "nästan en tredjedel", "almost a third"),
    Band(33, 34, "kolmannes", "en tredjedel", "a third"),
    Band(34, 40, "yli kolmannes", "över en tredjedel", "over a third"),
    Band(40, 46, "alle puolet", "under hälften", "under half"),
    Band(46, 50, "lähes puolet", "nästan hälften", "almost half"),
    Band(50, 51, "puolet", "hälften", "half"),
    Band(51, 60, "yli puolet", "över hälften", "over half"),
    Band(60, 80, "suurin osa", "största delen", "most"),
    Band(80, 95, "valtaosa", "det stora flertalet", "the great majority"),
    Band(95, 100, "lähes kaikki", "nästan alla", "nearly all"),
    Band(100, 101, "kaikki", "alla", "all"),
)


def share_words(percent: float, lang: str = "fi") -> str:
    """The words for a share given in percent (0–100), in ``lang`` (fi, sv or en)."""
    if not 0 <= percent <= 100:
        raise ValueError(f"a share is between 0 and 100, not {percent}")
    if lang not in ("fi", "sv", "en"):
        raise ValueError(f"no wording in language '{lang}'")
    whole = int(round_half_up(percent))
    if whole == 0 and percent > 0:
        whole = 1  # "none" only when truly nobody
    if whole == 100 and percent < 100:
        whole = 99  # "all" only when truly everybody
    band = next(b for b in BANDS if b.low <= whole < b.high)
    return str(getattr(band, lang))
