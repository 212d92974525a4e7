"""Masking personal data in open answers before they leave the analyst's screen: personal names, email
addresses, phone numbers, street addresses, the names of the registry's organisations (every municipality and
wellbeing services county) and other place names.

    luotain redact --lang fi < answers.txt

Finnish names are recognised by their word class in the Voikko dictionary (etunimi, sukunimi), in any
inflected form; Swedish and fallback texts by a list of common first names. Organisation names are matched
on base forms ("Helsingissä" → Helsinki), so inflected forms are masked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luotain.registry import Registry, default_registry

from .morphology import analyzer, words

LABELS = {
    "fi": {
        "name": "[nimi]",
        "email": "[sähköposti]",
        "phone": "[puhelin]",
        "address": "[osoite]",
        "org": "[organisaatio]",
        "place": "[paikka]",
    },
    "sv": {
        "name": "[namn]",
        "email": "[e-post]",
        "phone": "[telefon]",
        "address": "[adress]",
        "org": "[organisation]",
        "place": "[ort]",
    },
    "en": {
        "name": "[name]",
        "email": "[email]",
        "phone": "[phone]",
        "address": "[address]",
        "org": "[organisation]",
        "place": "[place]",
    },
}
# Place names that say nothing about who wrote (Voikko's paikannimi that are not masked).
WIDE_PLACES = frozenset({"eurooppa", "pohjoismaat", "ruotsi", "norja", "tanska", "viro", "venäjä", "saksa"})

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(?:\+358[\s-]?\(?0?\)?|0)\d{1,3}(?:[\s-]?\d{2,4}){2,3}(?!\w)")
ADDRESS = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäö]+(?:tie|katu|kuja|polku|väylä|tori|raitti|kaari|gatan|vägen|gränd|stigen|torget)"
    r"(?:\s+\d+\s?[A-Za-z]?(?:\s?\d+)?)?",
)
# Common first names for texts that Voikko does not read (Swedish, or a machine without Voikko).
FIRST_NAMES = frozenset(
    {
        "anna",
        "maria",
        "liisa",
        "sari",
        "marja",
        "tuula",
        "leena",
        "päivi",
        "kaisa",
        "johanna",
        "riitta",
        "pirjo",
        "anne",
        "minna",
        "tiina",
        "satu",
        "hanna",
        "laura",
        "kirsi",
        "elina",
        "heidi",
        "jenni",
        "mervi",
        "eeva",
        "helena",
        "katja",
        "sanna",
        "outi",
        "ulla",
        "karin",
        "kristina",
        "elisabeth",
        "ingrid",
        "margareta",
        "eva",
        "birgitta",
        "sofia",
        "emma",
        "ida",
        "linnea",
        "juha",
        "timo",
        "matti",
        "kari",
        "mikko",
        "jari",
        "antti",
        "jukka",
        "markku",
        "pekka",
        "mika",
        "hannu",
        "heikki",
        "janne",
        "petri",
        "ville",
        "sami",
        "tuomas",
        "jussi",
        "lauri",
        "eero",
        "olli",
        "ari",
        "esa",
        "jan",
        "erik",
        "lars",
        "karl",
        "johan",
        "anders",
        "per",
        "mats",
        "magnus",
        "fredrik",
    }
)


ORG_WORDS = frozenset(
    {
        "kaupunki",
        "kunta",
        "hyvinvointialue",
        "kaupungin",
        "kunnan",
        "hyvinvointialueen",
        "stad",
        "kommun",
        "välfärdsområde",
    }
)
NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _extend(text: str, spans: list[tuple[int, int, str]], morph: object) -> list[tuple[int, int, str]]:
    """'Espoon kaupunki' is one organisation; a capitalised word after a first name is the surname."""
    out = []
    for start, end, kind in spans:
        following = NEXT_WORD.match(text, end)
        if following:
            word = following.group(1)
            forms = morph.base_forms(word)  # type: ignore[attr-defined]
            org_word = kind == "org" and (word.lower() in ORG_WORDS or forms[0] in ORG_WORDS)
            if org_word or (kind == "name" and word[:1].isupper()):
                end = following.end()
        out.append((start, end, kind))
    return out


@dataclass
class Redaction:
    original: str
    text: str
    masked: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind) in the original


_NAMES: dict[int, frozenset[str]] = {}


def _organisation_names(registry: Registry) -> frozenset[str]:
    key = id(registry)
    if key not in _NAMES:
        _NAMES[key] = _names_of(registry)
    return _NAMES[key]


def _names_of(registry: Registry) -> frozenset[str]:
    names: set[str] = set()
    for org in registry.organisations.values():
        for name in (org.name_fi, org.name_sv):
            if name:
                names.add(name.lower())
                for suffix in (
                    " hyvinvointialue",
                    "n hyvinvointialue",
                    " kaupunki",
                    " välfärdsområde",
                    " stad",
                ):
                    if name.lower().endswith(suffix):
                        names.add(name.lower().removesuffix(suffix))
    return frozenset(names)


def redact(text: str, lang: str = "fi", registry: Registry | None = None) -> Redaction:
    """The text with personal data replaced by labels such as [nimi] and [puhelin]."""
    labels = LABELS.get(lang, LABELS["fi"])
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in (("email", EMAIL), ("phone", PHONE), ("address", ADDRESS)):
        spans += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    orgs = _organisation_names(registry or default_registry())
    morph = analyzer(lang)
    for match in words(text):
        start, end = match.span()
        if any(s <= start < e for s, e, _ in spans):
            continue
        word = match.group()
        forms = morph.base_forms(word)
        lower = word.lower()
        capital = word[:1].isupper()
        # Any inflected form: "Sauvon" is also a verb's form, so every base form counts for a capitalised
        # word; Swedish genitives end in -s ("Sauvos").
        if (
            lower in orgs
            or forms[0] in orgs
            or (capital and any(f in orgs for f in forms))
            or (lang == "sv" and lower.endswith("s") and lower[:-1] in orgs)
        ):
            spans.append((start, end, "org"))
            continue
        if not capital:
            continue
        word_class = morph.word_class(word)
        if word_class == "paikannimi" and forms[0] not in WIDE_PLACES:
            spans.append((start, end, "place"))  # a region or village the registry does not name
            continue
        if word_class in ("etunimi", "sukunimi") or (word_class is None and forms[0] in FIRST_NAMES):
            spans.append((start, end, "name"))
    spans = _extend(text, sorted(spans), morph)
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and (
            start <= merged[-1][1] or (text[merged[-1][1] : start].isspace() and kind == merged[-1][2])
        ):
            s0, e0, k0 = merged[-1]
            merged[-1] = (s0, max(end, e0), k0)  # "Liisa Virtanen" is one [nimi]
        else:
            merged.append((start, end, kind))
    out, last = [], 0
    for start, end, kind in merged:
        out.append(text[last:start])
        out.append(labels[kind])
        last = end
    out.append(text[last:])
    return Redaction(text, "".join(out), merged)
