"""Base forms and word classes: libvoikko with the Finnish dictionary where the machine has it (Debian:
libvoikko1 and voikko-fi), simplemma otherwise and for Swedish."""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Protocol

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


class Analyzer(Protocol):
    name: str

    def base_forms(self, word: str) -> list[str]:
        """The word's base form, then the base forms of its compound parts (lastenhoitoavun → lastenhoitoapu,
        lapsi, hoito, apu)."""

    def word_class(self, word: str) -> str | None:
        """'etunimi', 'sukunimi', 'paikannimi', ... where known."""


class VoikkoAnalyzer:
    name = "voikko"

    def __init__(self) -> None:
        import libvoikko

        # Look for the library and a Finnish dictionary first, on the class: a Voikko object whose __init__
        # fails half-way (no libvoikko.so.1) prints a traceback from its __del__ when it is collected.
        if not any(d.language == "fi" for d in libvoikko.Voikko.listDicts()):
            raise LookupError("no Finnish dictionary (voikko-fi)")
        self._voikko = libvoikko.Voikko("fi")

    @cache  # noqa: B019 - one analyzer per process; the cache is the point
    def _analysis(self, word: str) -> tuple[dict[str, str], ...]:
        return tuple(self._voikko.analyze(word))

    def base_forms(self, word: str) -> list[str]:
        analyses = self._analysis(word)
        if not analyses:
            return [word.lower()]
        forms: list[str] = []
        for analysis in analyses:  # every reading: "kiusaamistilanteiden" has a wrong one and a right one
            candidates = [analysis.get("BASEFORM", word)]
            parts = re.findall(r"\(([^)]+)\)", analysis.get("WORDBASES", ""))
            if len(parts) > 1:
                candidates += parts
            for form in candidates:
                form = form.replace("=", "").lower()
                if form.startswith("+") or len(form) < 2:
                    continue  # a derivational suffix, not a word
                if form not in forms:
                    forms.append(form)
        return forms or [word.lower()]

    def word_class(self, word: str) -> str | None:
        analyses = self._analysis(word)
        return analyses[0].get("CLASS") if analyses else None


class SimplemmaAnalyzer:
    name = "simplemma"

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def base_forms(self, word: str) -> list[str]:
        import simplemma

        return [simplemma.lemmatize(word, lang=self.lang).lower()]

    def word_class(self, word: str) -> str | None:
        return None


@cache
def analyzer(lang: str = "fi") -> Analyzer:
    """Voikko for Finnish where it works on this machine, simplemma otherwise."""
    if lang == "fi":
        try:
            return VoikkoAnalyzer()
        except Exception as exc:  # any failure to load Voikko or its dictionary means: fall back
            logging.getLogger(__name__).info("Voikko is not available (%s); using simplemma", exc)
    return SimplemmaAnalyzer(lang if lang in ("fi", "sv", "en") else "fi")


def words(text: str) -> list[re.Match[str]]:
    return list(WORD.finditer(text))
