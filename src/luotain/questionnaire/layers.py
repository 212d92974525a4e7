"""What each question type does in each layer: one registry a layer, keyed by the type's name.

A question type is a pydantic class in ``QUESTION_TYPES`` (``luotain.questionnaire.model``: its file format,
validation and response-table columns). Every other layer that treats questions by type keeps a
``TypeLayer`` of its own and registers a handler for each type:

    ANSWER_RULES = TypeLayer[AnswerRules]("answer checks")

    @ANSWER_RULES.register(SingleChoice, MultipleChoice)
    ...

and asks for the question's handler with ``ANSWER_RULES.of(question)``, never with ``isinstance``: a type
that a layer does not know is an error that names the type and the layer (``MissingLayer``), not a branch
that quietly does nothing. ``LAYER_MODULES`` lists the modules that define layers; ``tests/
test_question_types.py`` imports them and fails when any registered type lacks any layer, and carries a
test-only type through every layer to the report (docs/architecture.md, "How to add a question type").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from luotain.errors import LuotainError

from .model import QUESTION_TYPES, QuestionBase

H = TypeVar("H")

# Every module that defines a TypeLayer, in the order the layers come in the flow. Pure packages first; the
# web layer's modules are imported only when the layers are listed (they need Django set up).
LAYER_MODULES = (
    "luotain.responses.answers",  # answer checks
    "luotain.questionnaire.waves",  # waves: an earlier wave's answers in the newer one's terms
    "luotain.analysis.kinds",  # analysis
    "luotain.analysis.breakdown",  # analysis breakdown
    "luotain.present.answers",  # answer labels
    "luotain.report.charts",  # report chart
    "luotain.interop.xlsform_write",  # XLSForm out
    "luotain.interop.dictionary",  # export variables (Excel's codebook sheet, SPSS)
    "luotain.interop.mapping",  # answers from another tool
    "luotain.web.collect.forms",  # form widget
    "luotain.web.backoffice.dashboard",  # dashboard
)

_LAYERS: dict[str, TypeLayer[object]] = {}


class MissingLayer(LuotainError):
    """A question type that a layer has nothing registered for."""


class TypeLayer(Generic[H]):
    """One layer's handlers of the question types, by type name."""

    def __init__(self, name: str, *, listed: bool = True) -> None:
        """``listed``: among ``layers()``, which every registered type must cover (a test's own layer is
        not)."""
        if listed and name in _LAYERS:
            raise ValueError(f"a layer '{name}' exists already")
        self.name = name
        self._handlers: dict[str, H] = {}
        if listed:
            _LAYERS[name] = self  # type: ignore[assignment]

    def register(self, *types: type[QuestionBase]) -> Callable[[H], H]:
        """Register the decorated handler (a function or any object) for these question types."""

        def add(handler: H) -> H:
            for cls in types:
                self.add(cls.type_name, handler)
            return handler

        return add

    def add(self, type_name: str, handler: H) -> None:
        if type_name in self._handlers:
            raise ValueError(f"the layer '{self.name}' has a handler for '{type_name}' already")
        self._handlers[type_name] = handler

    def remove(self, type_name: str) -> None:
        self._handlers.pop(type_name, None)

    def of(self, question: QuestionBase | type[QuestionBase] | str) -> H:
        """The handler of the question's type."""
        name = question if isinstance(question, str) else question.type_name
        try:
            return self._handlers[name]
        except KeyError:
            raise MissingLayer(
                f"the question type '{name}' has nothing registered for the layer '{self.name}'"
            ) from None

    def types(self) -> set[str]:
        return set(self._handlers)

    def missing(self) -> list[str]:
        """Registered question types this layer has no handler for."""
        return sorted(set(QUESTION_TYPES) - set(self._handlers))


def layers() -> dict[str, TypeLayer[object]]:
    """Every layer, its modules imported (the web layer's need Django set up)."""
    for module in LAYER_MODULES:
        importlib.import_module(module)
    return dict(_LAYERS)


@contextmanager
def handlers_added(layer: TypeLayer[H], type_name: str, handler: H) -> Iterator[None]:
    """``handler`` registered for ``type_name`` while the block runs (a test's own question type)."""
    layer.add(type_name, handler)
    try:
        yield
    finally:
        layer.remove(type_name)
