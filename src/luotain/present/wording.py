"""Shares in words, as the report writes them: 59 % → "yli puolet", 30 % → "lähes kolmannes".

One table drives the wording in Finnish, Swedish and English. Each row covers a half-open range of the
share rounded to a whole percent; the table covers 0–100 without gaps (a test checks it).

Some words claim a threshold: "yli puolet" says more than half, "alle puolet" less, "suurin osa" a majority.
Given the share's 95 % interval, such a word is used only where the interval clears its threshold;
otherwise the band's ``fallback`` says the same without the claim ("noin puolet", "monet").
"""

from __future__ import annotations

from typing import NamedTuple

from .numbers import round_half_up


class Claim(NamedTuple):
    """A band's words claim the share is above (or below) ``threshold`` percent; ``fallback`` (fi, sv, en)
    says what they can without it."""

    threshold: float
    above: bool
    fallback: tuple[str, str, str]


ABOUT_HALF = ("noin puolet", "omkring hälften", "about half")
MANY = ("monet", "många", "many")


class Band(NamedTuple):
    low: int  # inclusive, whole percent
    high: int  # exclusive (101 for the last band)
    fi: str
    sv: str
    en: str
    claim: Claim | None = None


BANDS: tuple[Band, ...] = (
    Band(0, 1, "ei kukaan", "ingen", "none"),
    Band(1, 5, "harva", "några få", "a few"),
    Band(
        5,
        10,
        "alle kymmenesosa",
        "under en tiondel",
        "under a tenth",
        Claim(10, False, ("noin kymmenesosa", "omkring en tiondel", "about a tenth")),
    ),
    Band(10, 15, "noin kymmenesosa", "omkring en tiondel", "about a tenth"),
    Band(15, 19, "noin kuudesosa", "omkring en sjättedel", "about a sixth"),
    Band(19, 23, "noin viidesosa", "omkring en femtedel", "about a fifth"),
    Band(23, 27, "noin neljännes", "omkring en fjärdedel", "about a quarter"),
    Band(27, 33, "lähes kolmannes", "nästan en tredjedel", "almost a third"),
    Band(33, 34, "kolmannes", "en tredjedel", "a third"),
    Band(
        34,
        40,
        "yli kolmannes",
        "över en tredjedel",
        "over a third",
        Claim(100 / 3, True, ("noin kolmannes", "omkring en tredjedel", "about a third")),
    ),
    Band(40, 46, "alle puolet", "under hälften", "under half", Claim(50, False, ABOUT_HALF)),
    Band(46, 50, "lähes puolet", "nästan hälften", "almost half", Claim(50, False, ABOUT_HALF)),
    Band(50, 51, "puolet", "hälften", "half"),
    Band(51, 60, "yli puolet", "över hälften", "over half", Claim(50, True, ABOUT_HALF)),
    Band(60, 80, "suurin osa", "största delen", "most", Claim(50, True, MANY)),
    Band(80, 95, "valtaosa", "det stora flertalet", "the great majority", Claim(50, True, MANY)),
    Band(95, 100, "lähes kaikki", "nästan alla", "nearly all", Claim(50, True, MANY)),
    Band(100, 101, "kaikki", "alla", "all"),
)


def share_words(percent: float, lang: str = "fi", interval: tuple[float, float] | None = None) -> str:
    """The words for a share given in percent (0–100), in ``lang`` (fi, sv or en); with its 95 %
    ``interval``, words that claim a threshold only where the interval clears it."""
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
    claim = band.claim
    if claim is not None and interval is not None:
        low, high = interval
        cleared = low > claim.threshold if claim.above else high < claim.threshold
        if not cleared:
            return claim.fallback[("fi", "sv", "en").index(lang)]
    return str(getattr(band, lang))
