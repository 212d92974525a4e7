"""Codebooks: the themes of an open question, with keyword rules on base forms, and coding answers by them.

A keyword matches a word whose base form, or one of whose compound parts, equals it, or whose base form it
begins (for keywords of six letters or more): "kerho" codes "kerhotoimintaa" and "kerhoja"; "lastenhoito"
codes "lastenhoitoapua". An answer may get several codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from luotain.errors import InvalidInput
from luotain.questionnaire import Text

from .morphology import Analyzer, analyzer, words


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Text
    description: Text | None = None
    keywords: list[str] = Field(default_factory=list, description="Base forms (lower case).")


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    language: str = "fi"
    codes: list[Code] = Field(min_length=1)
    other: str | None = Field(default=None, description="The code of 'muita mainintoja', for the tail.")


def load_codebook(path: str | Path) -> Codebook:
    return Codebook.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def builtin_codebook(questionnaire_id: str, question: str) -> Codebook | None:
    from luotain.questionnaire.loader import builtin_file

    path = builtin_file(f"{questionnaire_id}.{question}.codebook.yaml")
    return load_codebook(path) if path.is_file() else None


def base_forms(text: str, morph: Analyzer) -> set[str]:
    """Every base form and compound part of the words of a text."""
    forms: set[str] = set()
    for match in words(text):
        forms.update(morph.base_forms(match.group()))
    return forms


def code_answers(
    codebook: Codebook, answers: Mapping[str, str], morph: Analyzer | None = None
) -> dict[str, list[str]]:
    """Response id -> the codes whose keywords the answer contains (empty answers are not answers). An
    answer given word for word by several respondents ("Ei", "En osaa sanoa") is analysed once."""
    morph = morph or analyzer(codebook.language)
    coded: dict[str, list[str]] = {}
    codes_of: dict[str, list[str]] = {}
    for response_id, text in answers.items():
        if not text or not text.strip():
            continue
        if text not in codes_of:
            forms = base_forms(text, morph)
            codes_of[text] = [c.id for c in codebook.codes if any(_matches(k, forms) for k in c.keywords)]
        coded[response_id] = list(codes_of[text])
    return coded


def _matches(keyword: str, forms: set[str]) -> bool:
    """The keyword is a base form or compound part, or (6 letters or more) begins a compound's base form:
    "lastenhoito" matches "lastenhoitoapu"."""
    return keyword in forms or (len(keyword) >= 6 and any(f.startswith(keyword) for f in forms))


@dataclass(frozen=True)
class RankedTheme:
    code: str
    count: int
    percent: float  # of those who answered the question


def rank_themes(
    codebook: Codebook, coded: Mapping[str, Iterable[str]], *, top: int = 10
) -> tuple[list[RankedTheme], list[RankedTheme]]:
    """The top themes by number of answers (ties in codebook order), and the rest ("muita mainintoja")."""
    answered = len(coded)
    counts = Counter(code for codes in coded.values() for code in set(codes))
    order = [c.id for c in codebook.codes]
    ranked = [
        RankedTheme(code, counts[code], 100.0 * counts[code] / answered if answered else 0.0)
        for code in sorted(order, key=lambda c: (-counts[c], order.index(c)))
        if counts[code] and code != codebook.other
    ]
    tail = ranked[top:]
    if codebook.other and counts[codebook.other]:
        tail.append(
            RankedTheme(codebook.other, counts[codebook.other], 100.0 * counts[codebook.other] / answered)
        )
    return ranked[:top], tail


# ------------------------------------------------------------------------------------- editing a codebook
# Pure functions a coding screen calls through luotain.web.coding: each returns a new codebook.


class CodebookError(InvalidInput, ValueError):
    pass


def add_code(
    codebook: Codebook | None,
    question: str,
    code_id: str,
    name: Text,
    keywords: Iterable[str] = (),
    description: Text | None = None,
    language: str = "fi",
) -> Codebook:
    """The codebook with a new code (a new codebook if there was none). Ids are unique."""
    codes = list(codebook.codes) if codebook else []
    if any(c.id == code_id for c in codes):
        raise CodebookError(f"there is already a code '{code_id}'")
    new = Code(id=code_id, name=name, description=description, keywords=_keywords(keywords))
    if codebook is None:
        return Codebook(question=question, language=language, codes=[new])
    other = [c for c in codes if c.id == codebook.other]  # "muita mainintoja" stays last
    rest = [c for c in codes if c.id != codebook.other]
    return codebook.model_copy(update={"codes": [*rest, new, *other]})


def rename_code(codebook: Codebook, code_id: str, name: Text) -> Codebook:
    _code(codebook, code_id)
    codes = [c.model_copy(update={"name": name}) if c.id == code_id else c for c in codebook.codes]
    return codebook.model_copy(update={"codes": codes})


def merge_codes(codebook: Codebook, sources: Iterable[str], into: str) -> Codebook:
    """``sources`` folded into ``into``: their keywords join its keywords and they leave the codebook."""
    target = _code(codebook, into)
    merged = [_code(codebook, s) for s in dict.fromkeys(sources) if s != into]
    if not merged:
        raise CodebookError("nothing to merge: name at least one other code")
    keywords = _keywords([*target.keywords, *(k for c in merged for k in c.keywords)])
    gone = {c.id for c in merged}
    codes = [
        c.model_copy(update={"keywords": keywords}) if c.id == into else c
        for c in codebook.codes
        if c.id not in gone
    ]
    other = None if codebook.other in gone else codebook.other
    return codebook.model_copy(update={"codes": codes, "other": other})


def remove_code(codebook: Codebook, code_id: str) -> Codebook:
    _code(codebook, code_id)
    codes = [c for c in codebook.codes if c.id != code_id]
    if not codes:
        raise CodebookError("a codebook keeps at least one code")
    other = None if codebook.other == code_id else codebook.other
    return codebook.model_copy(update={"codes": codes, "other": other})


def _code(codebook: Codebook, code_id: str) -> Code:
    for code in codebook.codes:
        if code.id == code_id:
            return code
    raise CodebookError(f"'{code_id}' is not a code of '{codebook.question}'")


def _keywords(keywords: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(k.strip().lower() for k in keywords if k.strip()))
