"""The questionnaire as typed, validated models.

A questionnaire is a list of sections, each a list of questions. Every question type is a pydantic model
registered in ``QUESTION_TYPES`` under the name used in files (``type: matrix``); the discriminated union
``Question`` is built from that registry, so adding a type is adding a class and registering it.

Answers are kept flat, in the columns of the response table (see ``luotain.responses``): a question owns one
or more columns (a matrix one per row, a choice with a free-text "other" option one more for that text).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo

from luotain.registry import ORGANISATION_KINDS, OrgKind

LANGUAGES = ("fi", "sv", "en")
Language = Literal["fi", "sv", "en"]
IDENT = r"^[a-z][a-z0-9_]*$"
OPTION_IDENT = r"^[a-z0-9][a-z0-9_]*$"
OTHER_SUFFIX = "other"


class Text(BaseModel):
    """Text in several languages; Finnish is required, Swedish and English fall back to Finnish."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fi: str = Field(min_length=1)
    sv: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_finnish(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"fi": value}
        return value

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to Finnish."""
        value = getattr(self, lang, None) if lang in LANGUAGES else None
        return value or self.fi


class Condition(BaseModel):
    """Show a question or section only when an earlier answer matches.

    ``equals`` compares a single choice, rating or number; ``any_of`` is true when the answer (or, for a
    multiple choice, any selected option) is one of the listed values.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    equals: str | int | None = None
    any_of: list[str | int] | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        if (self.equals is None) == (self.any_of is None):
            raise ValueError("show_if needs exactly one of 'equals' or 'any_of'")
        return self

    def values(self) -> list[str | int]:
        return [self.equals] if self.equals is not None else list(self.any_of or [])

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.question)
        if answer is None or answer == "" or answer == []:
            return False
        wanted = {str(v) for v in self.values()}
        if isinstance(answer, list):
            return any(str(a) in wanted for a in answer)
        return str(answer) in wanted


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=OPTION_IDENT)
    label: Text
    other: bool = Field(default=False, description="Asks for free text when chosen ('muu, mikä?').")
    previous: list[Annotated[str, Field(pattern=OPTION_IDENT)]] = Field(
        default_factory=list,
        description="Option ids of the family's previous wave that this option renames or merges; an id "
        "the previous wave shares with this option needs no listing.",
    )


class Column(BaseModel):
    """One column of the response table, owned by one question."""

    model_config = ConfigDict(frozen=True)

    name: str
    question_id: str
    kind: Literal["choice", "choices", "integer", "number", "text", "organisation"]
    row_id: str | None = None
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None


class QuestionBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type_name: ClassVar[str]
    id: str = Field(pattern=IDENT)
    text: Text
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None

    def columns(self) -> list[Column]:
        """The question's columns of the response table (built once: a question does not change)."""
        return list(self.column_tuple)

    @cached_property
    def column_tuple(self) -> tuple[Column, ...]:
        return tuple(self.make_columns())

    def make_columns(self) -> list[Column]:
        raise NotImplementedError

    def answer_values(self) -> set[str] | None:
        """The values a condition on this question may name (None: any value)."""
        return None


class _ChoiceQuestion(QuestionBase):
    options: list[Option] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[Option]) -> list[Option]:
        _require_unique([o.id for o in options], "option")
        if sum(o.other for o in options) > 1:
            raise ValueError("only one option may be 'other'")
        _check_previous(options)
        return options

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def other_option(self) -> Option | None:
        return next((o for o in self.options if o.other), None)

    def other_column(self) -> str:
        return f"{self.id}/{OTHER_SUFFIX}"

    def _other_columns(self) -> list[Column]:
        if self.other_option() is None:
            return []
        return [Column(name=self.other_column(), question_id=self.id, kind="text", max_length=1000)]

    def answer_values(self) -> set[str] | None:
        return set(self.option_ids())


class SingleChoice(_ChoiceQuestion):
    type_name: ClassVar[str] = "single_choice"
    type: Literal["single_choice"]

    def make_columns(self) -> list[Column]:
        return [
            Column(name=self.id, question_id=self.id, kind="choice", options=self.option_ids()),
            *self._other_columns(),
        ]


class MultipleChoice(_ChoiceQuestion):
    type_name: ClassVar[str] = "multiple_choice"
    type: Literal["multiple_choice"]
    max_choices: int | None = Field(default=None, ge=1)

    def make_columns(self) -> list[Column]:
        return [
            Column(name=self.id, question_id=self.id, kind="choices", options=self.option_ids()),
            *self._other_columns(),
        ]


class MatrixRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=IDENT)
    text: Text


class Matrix(QuestionBase):
    """Rows that share one scale of options; one choice per row."""

    type_name: ClassVar[str] = "matrix"
    type: Literal["matrix"]
    rows: list[MatrixRow] = Field(min_length=1)
    options: list[Option] = Field(min_length=2)

    @field_validator("rows")
    @classmethod
    def _unique_rows(cls, rows: list[MatrixRow]) -> list[MatrixRow]:
        _require_unique([r.id for r in rows], "row")
        return rows

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[Option]) -> list[Option]:
        _require_unique([o.id for o in options], "option")
        if any(o.other for o in options):
            raise ValueError("a matrix option cannot ask for free text")
        _check_previous(options)
        return options

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def row_column(self, row_id: str) -> str:
        return f"{self.id}/{row_id}"

    def make_columns(self) -> list[Column]:
        return [
            Column(
                name=self.row_column(r.id),
                question_id=self.id,
                kind="choice",
                row_id=r.id,
                options=self.option_ids(),
            )
            for r in self.rows
        ]


class ScalePoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int
    label: Text


class Rating(QuestionBase):
    """A rating scale with labelled points (Likert); the answer is the point's value."""

    type_name: ClassVar[str] = "rating"
    type: Literal["rating"]
    points: list[ScalePoint] = Field(min_length=2)
    agree: list[int] | None = Field(
        default=None, description="Values that count as agreeing; by default the top two points."
    )

    @model_validator(mode="after")
    def _check_points(self) -> Rating:
        values = [p.value for p in self.points]
        _require_unique([str(v) for v in values], "point value")
        unknown = sorted(set(self.agree or []) - set(values))
        if unknown:
            raise ValueError(f"'agree' names values that are not points: {unknown}")
        return self

    def agree_values(self) -> list[int]:
        if self.agree is not None:
            return list(self.agree)
        return sorted(p.value for p in self.points)[-2:]

    def make_columns(self) -> list[Column]:
        values = [p.value for p in self.points]
        return [
            Column(
                name=self.id,
                question_id=self.id,
                kind="integer",
                options=tuple(str(v) for v in values),
                minimum=min(values),
                maximum=max(values),
            )
        ]

    def answer_values(self) -> set[str] | None:
        return {str(p.value) for p in self.points}


class Recommendation(QuestionBase):
    """The 0–10 'would you recommend' scale from which NPS is computed."""

    type_name: ClassVar[str] = "recommendation"
    type: Literal["recommendation"]
    low_label: Text = Text(fi="Erittäin epätodennäköistä", sv="Mycket osannolikt", en="Not at all likely")
    high_label: Text = Text(fi="Erittäin todennäköistä", sv="Mycket sannolikt", en="Extremely likely")

    def make_columns(self) -> list[Column]:
        return [
            Column(
                name=self.id,
                question_id=self.id,
                kind="integer",
                options=tuple(str(v) for v in range(11)),
                minimum=0,
                maximum=10,
            )
        ]

    def answer_values(self) -> set[str] | None:
        return {str(v) for v in range(11)}


class OpenText(QuestionBase):
    type_name: ClassVar[str] = "text"
    type: Literal["text"]
    long: bool = False
    max_length: int = Field(default=5000, ge=1, le=100_000)

    def make_columns(self) -> list[Column]:
        return [Column(name=self.id, question_id=self.id, kind="text", max_length=self.max_length)]


class Number(QuestionBase):
    type_name: ClassVar[str] = "number"
    type: Literal["number"]
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    unit: Text | None = None

    @model_validator(mode="after")
    def _check_range(self) -> Number:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is greater than maximum")
        return self

    def make_columns(self) -> list[Column]:
        return [
            Column(
                name=self.id,
                question_id=self.id,
                kind="integer" if self.integer else "number",
                minimum=self.minimum,
                maximum=self.maximum,
            )
        ]


OrgType = OrgKind
ORGANISATION_TYPES: tuple[OrgType, ...] = ORGANISATION_KINDS  # the registry's kinds of organisation


def _all_org_types() -> list[OrgType]:
    return list(ORGANISATION_TYPES)


def _finnish_only() -> list[Language]:
    return ["fi"]


class OrganisationPicker(QuestionBase):
    """An organisation from the partner registry, narrowed by an earlier organisation-type question.

    The value is a registry code: ``hva:NN`` for a wellbeing services county (``hva:90`` the City of
    Helsinki) and ``kunta:NNN`` for a municipality.
    """

    type_name: ClassVar[str] = "organisation"
    type: Literal["organisation"]
    type_question: str | None = Field(
        default=None, description="A single choice whose option ids are organisation types."
    )
    types: list[OrgType] = Field(default_factory=_all_org_types)

    def make_columns(self) -> list[Column]:
        return [Column(name=self.id, question_id=self.id, kind="organisation")]


QUESTION_TYPES: dict[str, type[QuestionBase]] = {
    cls.type_name: cls
    for cls in (
        SingleChoice,
        MultipleChoice,
        Matrix,
        Rating,
        Recommendation,
        OpenText,
        Number,
        OrganisationPicker,
    )
}

# The union the file format takes, one member a registered type, told apart by ``type``.
Question = Annotated[
    SingleChoice | MultipleChoice | Matrix | Rating | Recommendation | OpenText | Number | OrganisationPicker,
    Field(discriminator="type"),
]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=IDENT)
    title: Text
    description: Text | None = None
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1)


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    family: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="The questionnaire family: the waves of a survey repeated year after year share it.",
    )
    wave: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="This version's wave in its family, e.g. '2025'; waves are ordered by it (see wave_key).",
    )
    languages: list[Language] = Field(default_factory=_finnish_only)
    intro: Text | None = None
    thanks: Text | None = None
    privacy_notice: Text | None = Field(
        default=None,
        description="Shown on the first page: who processes the answers, why, for how long, whom to ask. "
        "Without it a short general notice is shown.",
    )
    disclosure_threshold: int = Field(default=5, ge=1, description="Smallest group shown in a breakdown.")
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_references(self) -> Questionnaire:
        problems: list[str] = []
        seen: dict[str, QuestionBase] = {}
        section_ids: set[str] = set()
        for section in self.sections:
            if section.id in section_ids:
                problems.append(f"section '{section.id}': duplicate section id")
            section_ids.add(section.id)
            # A condition may only look back at earlier pages: the pages work without JavaScript.
            earlier = dict(seen)
            if section.show_if is not None:
                problems += _check_condition(f"section '{section.id}'", section.show_if, earlier)
            for q in section.questions:
                if q.id in seen:
                    problems.append(f"question '{q.id}': duplicate question id")
                if q.show_if is not None:
                    problems += _check_condition(f"question '{q.id}'", q.show_if, earlier)
                if isinstance(q, OrganisationPicker) and q.type_question is not None:
                    problems += _check_type_question(q, seen)
                seen[q.id] = q
        if "fi" not in self.languages:
            problems.append("languages: Finnish ('fi') is required")
        if (self.family is None) != (self.wave is None):
            problems.append("family and wave go together: give both or neither")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def questions(self) -> list[QuestionBase]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> QuestionBase:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def columns(self) -> list[Column]:
        return [c for q in self.questions() for c in q.columns()]


def _check_condition(where: str, cond: Condition, earlier: dict[str, QuestionBase]) -> list[str]:
    target = earlier.get(cond.question)
    if target is None:
        return [f"{where}: show_if names '{cond.question}', which is not a question on an earlier page"]
    allowed = target.answer_values()
    if allowed is None:
        return []
    bad = [str(v) for v in cond.values() if str(v) not in allowed]
    if bad:
        return [
            f"{where}: show_if value {', '.join(repr(b) for b in bad)} is not an option of '{cond.question}'"
        ]
    return []


def _check_type_question(q: OrganisationPicker, seen: dict[str, QuestionBase]) -> list[str]:
    target = seen.get(q.type_question or "")
    if not isinstance(target, SingleChoice):
        return [
            f"question '{q.id}': type_question '{q.type_question}' is not an earlier single choice question"
        ]
    unknown = sorted(set(target.option_ids()) - set(ORGANISATION_TYPES))
    if unknown:
        return [
            f"question '{q.id}': options {unknown} of '{target.id}' are not organisation types "
            f"({', '.join(ORGANISATION_TYPES)})"
        ]
    return []


def _check_previous(options: list[Option]) -> None:
    """Each old option id maps to one new option: not listed twice, and not an id another option keeps."""
    ids = {o.id for o in options}
    claimed: dict[str, str] = {}
    for option in options:
        for old in option.previous:
            if old in ids and old != option.id:
                raise ValueError(
                    f"option '{option.id}': previous names '{old}', which is another option of this question"
                )
            if old in claimed and claimed[old] != option.id:
                raise ValueError(
                    f"previous option '{old}' is named by both '{claimed[old]}' and '{option.id}'"
                )
            claimed[old] = option.id


def _require_unique(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate {what} id {', '.join(repr(d) for d in dupes)}")


def _rebuild() -> None:
    """The models that hold questions, rebuilt for the registered types: the union of their classes."""
    members: Any = tuple(QUESTION_TYPES.values())  # a union built at run time: no static type
    union: Any = Annotated[Union[members], Field(discriminator="type")]  # noqa: UP007 - built from a tuple
    Section.__pydantic_fields__["questions"] = FieldInfo.from_annotated_attribute(
        list[union], Field(min_length=1)
    )
    Section.model_rebuild(force=True)
    Questionnaire.model_rebuild(force=True)


def register_question_type(cls: type[QuestionBase]) -> type[QuestionBase]:
    """Add a question type: a subclass of ``QuestionBase`` with its own ``type_name`` and a ``type`` field of
    that literal value. Questionnaires then take it; each layer needs its handler too
    (``luotain.questionnaire.layers``; docs/architecture.md, "How to add a question type")."""
    if cls.type_name in QUESTION_TYPES:
        raise ValueError(f"a question type '{cls.type_name}' exists already")
    QUESTION_TYPES[cls.type_name] = cls
    _rebuild()
    return cls


def unregister_question_type(type_name: str) -> None:
    """Take a type added by ``register_question_type`` away again (a test's own type)."""
    QUESTION_TYPES.pop(type_name, None)
    _rebuild()
