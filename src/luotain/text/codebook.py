"""Codebooks: the themes of an open question, with keyword rules on base forms, and coding answers by them.

A keyword matches a word whose base form, or one of whose compound parts, equals it, or whose base form it
begins (for keywords of six letters or more): "kerho" codes "kerhotoimintaa" and "kerhoja"; "lastenhoito"
codes "lastenhoitoapua". An answer may get several codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

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
    path = (
        resources.files("luotain.questionnaire")
        / "templates"
        / f"{questionnaire_id}.{question}.codebook.yaml"
    )
    return load_codebook(Path(str(path))) if path.is_file() else None


def base_forms(text: str, morph: Analyzer) -> set[str]:
    """Every base form and compound part of the words of a text."""
    forms: set[str] = set()
    for match in words(text):
        forms.update(morph.base_forms(match.group()))
    return forms


def code_answers(
    codebook: Codebook, answers: Mapping[str, str], morph: Analyzer | None = None
) -> dict[str, list[str]]:
    """Response id -> the codes whose keywords the answer contains (empty answers are not answers)."""
    morph = morph or analyzer(codebook.language)
    coded: dict[str, list[str]] = {}
    for response_id, text in answers.items():
        if not text or not text.strip():
            continue
        forms = base_forms(text, morph)
        coded[response_id] = [c.id for c in codebook.codes if any(_matches(k, forms) for k in c.keywords)]
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
