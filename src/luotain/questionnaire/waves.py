"""Waves of one questionnaire family: how a question of one wave corresponds to the same question of another.

A question keeps its id from wave to wave. An option keeps its id too, unless the newer wave renames or merges
it: then the newer option lists the old ids in ``previous``. A question only one of two waves asks is "not
asked" in the other; a question whose type or scale changed is not comparable.
"""

from __future__ import annotations

import re

from .model import Matrix, MultipleChoice, QuestionBase, Rating, SingleChoice


def wave_key(label: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a wave label: numbers compare as numbers, so '2024' < '2025' and 'kevät 9' < 'kevät 10'."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", label))


def option_ids(question: QuestionBase) -> tuple[str, ...]:
    """The ids a question's answers take: its options, or the points of a scale (as text)."""
    if isinstance(question, SingleChoice | MultipleChoice | Matrix):
        return question.option_ids()
    if isinstance(question, Rating):
        return tuple(str(p.value) for p in question.points)
    return ()


def option_map(newer: QuestionBase, older: QuestionBase) -> dict[str, str]:
    """Old option id -> the newer wave's option id: an id both waves have maps to itself, and each id a newer
    option lists in ``previous`` to that option. Old options missing here have no counterpart."""
    old_ids = set(option_ids(older))
    mapping: dict[str, str] = {}
    if isinstance(newer, SingleChoice | MultipleChoice | Matrix):
        for option in newer.options:
            for old in (option.id, *option.previous):
                if old in old_ids:
                    mapping[old] = option.id
    else:
        mapping = {i: i for i in option_ids(newer) if i in old_ids}
    return mapping


def not_comparable(newer: QuestionBase, older: QuestionBase) -> str | None:
    """Why the two waves' answers to a question cannot be compared, or None when they can."""
    if newer.type_name != older.type_name:
        return f"the type changed from {older.type_name} to {newer.type_name}"
    if isinstance(newer, Rating) and isinstance(older, Rating):
        if [p.value for p in newer.points] != [p.value for p in older.points]:
            return "the scale's points changed"
        if newer.agree_values() != older.agree_values():
            return "the agreeing points changed"
    return None
