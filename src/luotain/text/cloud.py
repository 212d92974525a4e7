"""Word clouds of open answers on base forms: the counts, and a PNG image drawn from them (seeded)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable

from .morphology import analyzer, words
from .redact import redact
from .suggest import STOP_WORDS


def word_counts(
    texts: Iterable[str], lang: str = "fi", *, minimum: int = 1, masked: bool = False
) -> Counter[str]:
    """How many answers use each base form (a word counts once an answer; stop words and short words out),
    the forms used in at least ``minimum`` answers. ``masked``: names, contact details, organisations and
    places (``redact``) are left out first, so that a cloud of words used in at least k answers names
    nobody and no place."""
    morph = analyzer(lang)
    stop = STOP_WORDS.get(lang, frozenset())
    counts: Counter[str] = Counter()
    forms_of: dict[str, list[str]] = {}  # an answer given word for word by several is analysed once
    for text in texts:
        if not text or not text.strip():
            continue
        if text not in forms_of:
            kept = _without_personal_data(text, lang) if masked else text
            forms = {morph.base_forms(m.group())[0] for m in words(kept)}
            forms_of[text] = [f for f in forms if len(f) > 2 and f not in stop]
        counts.update(forms_of[text])
    return Counter({w: n for w, n in counts.items() if n >= minimum})


def _without_personal_data(text: str, lang: str) -> str:
    found = redact(text, lang)
    out, last = [], 0
    for start, end, _kind in found.masked:
        out.append(text[last:start])
        out.append(" ")
        last = end
    out.append(text[last:])
    return "".join(out)


def cloud_png(
    counts: Counter[str], *, colour: str = "#00558c", width: int = 1200, height: int = 560
) -> bytes:
    """The word cloud as PNG: word size by count, one colour, the same picture for the same counts."""
    from wordcloud import WordCloud

    cloud = WordCloud(
        width=width,
        height=height,
        background_color="white",
        color_func=lambda *args, **kwargs: colour,
        random_state=1,
        prefer_horizontal=1.0,
        max_words=60,
        margin=8,
    ).generate_from_frequencies(dict(counts))
    out = io.BytesIO()
    cloud.to_image().save(out, format="PNG", optimize=False)
    return out.getvalue()
