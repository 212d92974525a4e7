"""The answers a question can have, as a reader sees them (the layer "answer labels"): its options, the
points of a scale, the 0–10 of the recommendation; in the order the questionnaire gives them. Every output
that lists a question's answers takes them from here (the deck's charts, the table report, the trends, the
dashboard and its CSV)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from luotain.questionnaire import (
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
from luotain.questionnaire.layers import TypeLayer


@dataclass(frozen=True)
class AnswerLabel:
    id: str  # the value in the response table (an option id, a point as text)
    label: str
    point: int | None = None  # a scale's point, which a numbered label starts with

    def text(self, numbered: bool = False) -> str:
        if numbered and self.point is not None and self.label != str(self.point):
            return f"{self.point} {self.label}"
        return self.label


Labeller = Callable[[Any, str], list[AnswerLabel]]
ANSWER_LABELS = TypeLayer[Labeller]("answer labels")


@ANSWER_LABELS.register(SingleChoice, MultipleChoice, Matrix)
def _options(question: SingleChoice | MultipleChoice | Matrix, lang: str) -> list[AnswerLabel]:
    return [AnswerLabel(o.id, o.label.get(lang)) for o in question.options]


@ANSWER_LABELS.register(Rating)
def _points(question: Rating, lang: str) -> list[AnswerLabel]:
    return [AnswerLabel(str(p.value), p.label.get(lang), p.value) for p in question.points]


@ANSWER_LABELS.register(Recommendation)
def _zero_to_ten(question: Recommendation, lang: str) -> list[AnswerLabel]:
    return [AnswerLabel(str(v), str(v), v) for v in range(11)]


@ANSWER_LABELS.register(OpenText, Number, OrganisationPicker)
def _no_labels(question: QuestionBase, lang: str) -> list[AnswerLabel]:
    """Answers that are not chosen from a list: written text, numbers, the registry's organisations."""
    return []


def answer_labels(question: QuestionBase, lang: str, *, numbered: bool = False) -> dict[str, str]:
    """Value -> label of the question's answers, in order (``numbered``: a scale's labels with their
    points, "3 Melko tärkeä"); empty for a question whose answers are not chosen from a list."""
    return {a.id: a.text(numbered) for a in ANSWER_LABELS.of(question)(question, lang)}
