"""Waves of one questionnaire family: how a question of one wave corresponds to the same question of another.

A question keeps its id from wave to wave. An option keeps its id too, unless the newer wave renames or merges
it: then the newer option lists the old ids in ``previous``. A question only one of two waves asks is "not
asked" in the other; a question whose type or scale changed is not comparable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .layers import TypeLayer
from .model import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    QuestionBase,
    Rating,
    Recommendation,
    SingleChoice,
)


def wave_key(label: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a wave label: numbers compare as numbers, so '2024' < '2025' and 'kevät 9' < 'kevät 10'."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", label))


@dataclass(frozen=True)
class WaveRules:
    """How a question of a type is followed from wave to wave: the ids its answers take (``values``),
    whether its options carry ``previous`` ids (``renames``), and what besides the type makes two waves'
    questions not comparable (``changed``: a reason, or None)."""

    values: Callable[[Any], tuple[str, ...]]
    renames: bool = False
    changed: Callable[[Any, Any], str | None] = lambda newer, older: None


WAVE_RULES = TypeLayer[WaveRules]("waves")


def _options(question: SingleChoice | MultipleChoice | Matrix) -> tuple[str, ...]:
    return question.option_ids()


def _points(question: Rating) -> tuple[str, ...]:
    return tuple(str(p.value) for p in question.points)


def _no_values(question: QuestionBase) -> tuple[str, ...]:
    return ()


def _scale_changed(newer: Rating, older: Rating) -> str | None:
    if [p.value for p in newer.points] != [p.value for p in older.points]:
        return "the scale's points changed"
    if newer.agree_values() != older.agree_values():
        return "the agreeing points changed"
    return None


WAVE_RULES.register(SingleChoice, MultipleChoice, Matrix)(WaveRules(_options, renames=True))
WAVE_RULES.register(Rating)(WaveRules(_points, changed=_scale_changed))
WAVE_RULES.register(Recommendation, OpenText, Number, OrganisationPicker)(WaveRules(_no_values))


def option_ids(question: QuestionBase) -> tuple[str, ...]:
    """The ids a question's answers take: its options, or the points of a scale (as text)."""
    return WAVE_RULES.of(question).values(question)


def option_map(newer: QuestionBase, older: QuestionBase) -> dict[str, str]:
    """Old option id -> the newer wave's option id: an id both waves have maps to itself, and each id a newer
    option lists in ``previous`` to that option. Old options missing here have no counterpart."""
    old_ids = set(option_ids(older))
    if not WAVE_RULES.of(newer).renames:
        return {i: i for i in option_ids(newer) if i in old_ids}
    mapping: dict[str, str] = {}
    for option in getattr(newer, "options", ()):
        for old in (option.id, *option.previous):
            if old in old_ids:
                mapping[old] = option.id
    return mapping


def not_comparable(newer: QuestionBase, older: QuestionBase) -> str | None:
    """Why the two waves' answers to a question cannot be compared, or None when they can."""
    if newer.type_name != older.type_name:
        return f"the type changed from {older.type_name} to {newer.type_name}"
    return WAVE_RULES.of(newer).changed(newer, older)
