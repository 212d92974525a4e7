"""The report spec: which slides a report has, in which order, and the wording of its text slides.

A spec is a YAML file beside the questionnaire (``NAME.report.yaml``). Texts are templates with
placeholders filled from the analysis, so an analyst edits the wording without touching code:

- ``{n}`` responses; ``{n:QID}`` those who answered a question;
- ``{pct:QID=OPTION}`` the share choosing an option, as the report writes it ("59 %");
  ``{pct:QID/ROW=OPTION}`` the same for a matrix row;
- ``{words:QID=OPTION}`` / ``{Words:...}`` the share in words ("yli puolet" / "Yli puolet");
- ``{agree:QID}`` the agreeing share of a rating scale; ``{nps:QID}``, ``{mean:QID}``;
- ``{orgs:hyvinvointialue}`` / ``{orgs:kunta}`` distinct organisations that answered.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from luotain.questionnaire import Text
from luotain.questionnaire.loader import Problem, QuestionnaireError

PLACEHOLDER = re.compile(r"\{(?P<kind>[A-Za-z]+)(?::(?P<arg>[^{}]+))?\}")
KINDS = {"n", "pct", "words", "Words", "agree", "nps", "mean", "orgs"}


class _Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text | None = None


class TitleSlide(_Slide):
    kind: Literal["title"]


class ContentsSlide(_Slide):
    kind: Literal["contents"]


class ChartSlide(_Slide):
    """One question as a chart: bars for choices, stacked bars for a matrix, a distribution for a scale."""

    kind: Literal["chart"]
    question: str
    sort: bool = Field(default=True, description="Sort the bars of a multiple choice by share.")
    rows: list[str] | None = Field(default=None, description="Only these rows of a matrix, in this order.")


class RankingSlide(_Slide):
    """Matrix rows ranked by the share choosing one option: "Molemmille kuuluvat tehtävät"."""

    kind: Literal["ranking"]
    question: str
    option: str
    top: int = Field(default=5, ge=1)
    lead: Text | None = None


class BulletsSlide(_Slide):
    kind: Literal["bullets"]
    bullets: list[Text] = Field(min_length=1)


class QuotesSlide(_Slide):
    """Open answers chosen for the report, attributed by organisation type and role only."""

    kind: Literal["quotes"]
    question: str
    limit: int = Field(default=3, ge=1)


class ThemesSlide(_Slide):
    """The ranked themes of an open question, coded with its codebook: "1. Perhekahvila- ja ... (n = 12)"."""

    kind: Literal["themes"]
    question: str
    top: int = Field(default=10, ge=1)


class WordCloudSlide(_Slide):
    """A word cloud of an open question's answers, on base forms."""

    kind: Literal["wordcloud"]
    question: str


class NpsSlide(_Slide):
    kind: Literal["nps"]
    question: str


class TrendItem(BaseModel):
    """One figure of a trend slide: an option's share (of a choice question, of a matrix ``row``, or a point
    of a rating scale), or a scale's key ``figure`` (nps, agree, mean)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str | None = Field(default=None, description="Another question than the slide's.")
    option: str | None = None
    row: str | None = None
    figure: Literal["nps", "agree", "mean"] | None = None
    subject: Text | None = Field(
        default=None, description="The sentence's subject: 'Vakiintunutta yhteistyötä kokevien osuus'."
    )


class TrendSlide(_Slide):
    """Figures in every wave of the questionnaire family as a chart, and each one's change from the previous
    wave in words. Left out when the survey has no previous wave. The items are of ``question`` unless they
    name another; they share a unit (shares, NPS or means)."""

    kind: Literal["trend"]
    question: str
    items: list[TrendItem] = Field(
        default_factory=list,
        description="The figures to follow; none: every option, or a scale's key figure (NPS, agreement).",
    )


class ContactSlide(_Slide):
    kind: Literal["contact"]
    lines: list[Text] = Field(default_factory=list)


Slide = Annotated[
    TitleSlide
    | ContentsSlide
    | ChartSlide
    | RankingSlide
    | BulletsSlide
    | QuotesSlide
    | ThemesSlide
    | WordCloudSlide
    | NpsSlide
    | TrendSlide
    | ContactSlide,
    Field(discriminator="kind"),
]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    divider: bool = True
    slides: list[Slide] = Field(default_factory=list)


class Attribution(BaseModel):
    """How a quote is attributed: organisation type and role only, never a name or an organisation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type_question: str = "org_type"
    role_question: str = "role"
    types: dict[str, Text] = Field(default_factory=dict)  # "kunta" -> "Kunnan"
    roles: dict[str, Text] = Field(default_factory=dict)  # "paallikko" -> "päällikkö/esihenkilö"
    fallback_role: Text = Text(fi="edustaja", sv="representant", en="representative")


class ReportSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    subtitle: Text | None = None
    date: str = Field(description="The report's date as printed; fixed, so that reruns give the same report.")
    brand: str = Field(
        default="neutral",
        validation_alias=AliasChoices("brand", "theme"),  # "theme" in spec files written before 2026-12
        description="The report's colours and fonts (luotain.report.brands): neutral or mll.",
    )
    logo: str | None = Field(default=None, description="A PNG or JPEG file, relative to the spec file.")
    logo_alt: Text | None = None
    attribution: Attribution = Attribution()
    sections: list[Section] = Field(min_length=1)

    def texts(self) -> list[Text]:
        found: list[Text] = [self.title]
        for section in self.sections:
            found.append(section.title)
            for slide in section.slides:
                if isinstance(slide, BulletsSlide):
                    found += slide.bullets
                if isinstance(slide, ContactSlide):
                    found += slide.lines
                if slide.title is not None:
                    found.append(slide.title)
        return found


def load_spec(path: str | Path) -> ReportSpec:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = ReportSpec.model_validate(data)
        if spec.logo and not Path(spec.logo).is_absolute():
            spec = spec.model_copy(update={"logo": str(path.parent / spec.logo)})
    except FileNotFoundError:
        raise QuestionnaireError([Problem(str(path), None, None, "no such report spec")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QuestionnaireError(
            [Problem(str(path), mark.line + 1 if mark else None, None, f"not valid YAML: {exc}")]
        ) from None
    except ValidationError as exc:
        problems = [
            Problem(str(path), None, None, f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
            for e in exc.errors(include_url=False)
        ]
        raise QuestionnaireError(problems) from None
    unknown = sorted(
        {
            m.group("kind")
            for t in spec.texts()
            for v in (t.fi, t.sv, t.en)
            if v
            for m in PLACEHOLDER.finditer(v)
        }
        - KINDS
    )
    if unknown:
        raise QuestionnaireError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"unknown placeholders: {', '.join(unknown)} (known: {sorted(KINDS)})",
                )
            ]
        )
    return spec


def spec_path_for(questionnaire_path: str | Path) -> Path:
    """The spec beside a questionnaire file: survey.yaml → survey.report.yaml."""
    path = Path(questionnaire_path)
    return path.with_name(path.name.removesuffix(".yaml") + ".report.yaml")


def builtin_spec(questionnaire_id: str) -> ReportSpec | None:
    """The spec shipped beside a built-in questionnaire, if there is one."""
    from luotain.questionnaire.loader import builtin_file

    path = builtin_file(f"{questionnaire_id}.report.yaml")
    return load_spec(path) if path.exists() else None
