"""Question types as a registry: every layer says what each registered type does there, a layer that lacks a
type fails here, and a type of the test's own is carried through every layer to the report (docs/
architecture.md, "How to add a question type")."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal

import pytest
from pptx import Presentation

from luotain.questionnaire import QUESTION_TYPES, Column, QuestionBase, Text, parse_questionnaire
from luotain.questionnaire.layers import LAYER_MODULES, MissingLayer, TypeLayer, layers
from luotain.questionnaire.model import Option, register_question_type, unregister_question_type

SRC = Path(__file__).resolve().parents[1] / "src" / "luotain"


def test_every_registered_type_has_every_layer():
    found = layers()
    assert {name: layer.missing() for name, layer in found.items() if layer.missing()} == {}
    assert all(layer.types() <= set(QUESTION_TYPES) for layer in found.values())  # nothing for no type


def test_every_layer_in_the_code_is_listed():
    """A module that defines a layer is in LAYER_MODULES, so that the test above sees its layer."""
    defining = {
        ".".join(("luotain", *path.relative_to(SRC).with_suffix("").parts))
        for path in SRC.rglob("*.py")
        if re.search(r"^[A-Z_]+ = TypeLayer\[", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert defining == set(LAYER_MODULES)
    assert len(layers()) == len(LAYER_MODULES)  # one a module


def test_a_type_a_layer_does_not_know_is_an_error_that_names_both():
    layer = TypeLayer[str]("a layer of the test", listed=False)
    with pytest.raises(MissingLayer, match="'single_choice' has nothing registered for the layer 'a layer"):
        layer.of("single_choice")
    assert layer.missing() == sorted(QUESTION_TYPES)
    with pytest.raises(ValueError, match="exists already"):
        TypeLayer[str]("analysis")


# -- a question type of the test's own, through every layer --------------------------------------------


class YesNo(QuestionBase):
    """A yes-or-no question, with its two answers fixed (the file gives none): kyllä / ei."""

    type_name: ClassVar[str] = "yes_no"
    type: Literal["yes_no"]

    @property
    def options(self) -> list[Option]:
        return [
            Option(id="kylla", label=Text(fi="Kyllä", sv="Ja", en="Yes")),
            Option(id="ei", label=Text(fi="Ei", sv="Nej", en="No")),
        ]

    def option_ids(self) -> tuple[str, ...]:
        return ("kylla", "ei")

    def other_option(self) -> Option | None:
        return None

    def make_columns(self) -> list[Column]:
        return [Column(name=self.id, question_id=self.id, kind="choice", options=self.option_ids())]

    def answer_values(self) -> set[str] | None:
        return set(self.option_ids())


@contextlib.contextmanager
def yes_no_registered() -> Iterator[None]:
    """The type in the model and, in every layer, a handler: a yes-or-no question is a single choice with
    fixed options, so each layer's single-choice handler serves it."""
    register_question_type(YesNo)
    all_layers = layers()
    try:
        for layer in all_layers.values():
            layer.add(YesNo.type_name, layer.of("single_choice"))
        yield
    finally:
        for layer in all_layers.values():
            layer.remove(YesNo.type_name)
        unregister_question_type(YesNo.type_name)


YAML = """
id: kyllaei
title: {fi: Kyllä vai ei, sv: Ja eller nej}
languages: [fi, sv]
disclosure_threshold: 2
sections:
  - id: tausta
    title: Tausta
    questions:
      - id: org_type
        type: single_choice
        required: true
        text: Organisaatio
        options:
          - {id: hyvinvointialue, label: Hyvinvointialue}
          - {id: kunta, label: Kunta}
  - id: kysymys
    title: Kysymys
    show_if: {question: org_type, any_of: [hyvinvointialue, kunta]}
    questions:
      - id: jatkuu
        type: yes_no
        required: true
        text: {fi: "Jatkuuko yhteistyö?", sv: "Fortsätter samarbetet?"}
  - id: perustelu
    title: Perustelu
    show_if: {question: jatkuu, equals: ei}
    questions:
      - id: miksi
        type: text
        text: Miksi?
"""

ANSWERS = [
    ("kunta", "kylla"),
    ("kunta", "kylla"),
    ("hyvinvointialue", "ei"),
    ("kunta", "kylla"),
    ("hyvinvointialue", "kylla"),
]


@pytest.mark.django_db
def test_a_new_question_type_through_every_layer_to_the_report(client, tmp_path):
    from luotain.analysis import ResponseFrame, analyse
    from luotain.interop.dictionary import data_dictionary
    from luotain.interop.mapping import apply_mapping, draft_mapping, read_table
    from luotain.interop.xlsform_write import check_xlsform, write_xlsform
    from luotain.questionnaire.waves import option_map
    from luotain.report.make import make_deck
    from luotain.report.render import render
    from luotain.responses import read_csv, to_csv_text
    from luotain.web.audit.services import Actor
    from luotain.web.backoffice.dashboard import build_blocks, csv_text
    from luotain.web.collect.models import Response
    from luotain.web.collect.services import response_records
    from luotain.web.partners.services import seed_registry
    from luotain.web.surveys.models import Survey
    from luotain.web.surveys.services import create_survey

    with yes_no_registered():
        # The model: a file with the type is read and checked; conditions may name its answers.
        questionnaire = parse_questionnaire(YAML, "kyllaei.yaml")
        question = questionnaire.question("jatkuu")
        assert isinstance(question, YesNo) and [c.name for c in question.columns()] == ["jatkuu"]
        with pytest.raises(Exception, match="'kumpi' is not an option of 'jatkuu'"):
            parse_questionnaire(YAML.replace("equals: ei", "equals: kumpi"), "kyllaei.yaml")

        # The respondent's pages (the form widget, the answer checks): answered through the web, in Swedish.
        seed_registry()
        create_survey(questionnaire, "kyllaei", actor=Actor.command("test"))
        for org_type, answer in ANSWERS:
            client.cookies.clear()
            start = client.post("/s/kyllaei/?lang=sv")
            base = start["Location"].rsplit("/", 2)[0] + "/"
            client.post(base + "1/", {"action": "next", "org_type": org_type})
            page = client.get(base + "2/").content.decode()
            assert 'value="kylla"' in page and ">Ja<" in page and ">Nej<" in page
            missing = client.post(base + "2/", {"action": "next"})
            assert missing.status_code == 200 and "Svara på den här frågan." in missing.content.decode()
            done = client.post(base + "2/", {"action": "next", "jatkuu": answer})
            if answer == "ei":  # the condition on the type's answer shows the page that asks why
                assert done["Location"].endswith("/3/")
                done = client.post(base + "3/", {"action": "next", "miksi": "Ei tarvetta"})
            assert done.status_code == 302 and done["Location"].endswith("/kiitos/")
        stored = [r.answers for r in Response.objects.order_by("submitted_at", "id")]
        assert [a["jatkuu"] for a in stored] == [a for _, a in ANSWERS]
        assert "miksi" in stored[2] and "miksi" not in stored[0]  # asked only after "ei"

        # The response table: CSV out and back.
        records = response_records(Survey.objects.get(slug="kyllaei"))
        text = to_csv_text(questionnaire, records)
        assert [r.answers["jatkuu"] for r in read_csv(questionnaire, io.StringIO(text))] == [
            a for _, a in ANSWERS
        ]

        # The analysis, overall and broken down by organisation type (its cells under disclosure control).
        frame = ResponseFrame.from_records(questionnaire, records)
        result = analyse(frame, by="org_type")
        figures = result.questions["jatkuu"]
        assert (figures.n, figures.counts) == (5, {"kylla": 4, "ei": 1})
        assert figures.percent == {"kylla": 80.0, "ei": 20.0}
        groups = result.breakdowns.questions["jatkuu"].groups
        assert (groups["kunta"].n, groups["hyvinvointialue"].n) == (3, 2)
        assert set(groups["kunta"].counts) == {"kylla", "ei"}  # a cell an answer, each checked against k

        # Waves: the same question in an earlier wave maps its answers to themselves.
        assert option_map(question, question) == {"kylla": "kylla", "ei": "ei"}

        # The dashboard and its CSV (in Finnish).
        block = next(
            b for b in build_blocks(questionnaire, analyse(frame), "fi") if b.question.id == "jatkuu"
        )
        assert [(bar.label, bar.count, bar.shown) for bar in block.bars] == [
            ("Kyllä", 4, "80\u00a0%"),
            ("Ei", 1, "20\u00a0%"),
        ]
        assert "jatkuu,,kylla,,5,4,80.00," in csv_text(questionnaire, analyse(frame), "fi")

        # The report: a report without a spec gives the question a chart, drawn in every format.
        deck = make_deck(questionnaire, records)
        slide = next(s for s in deck.slides if s.chart is not None and s.title.startswith("Jatkuuko"))
        assert slide.chart.categories == ("Kyllä", "Ei") and slide.chart.series[0].values == (80.0, 20.0)
        assert "Kyllä 80\u00a0%" in render(deck, "html").decode()
        pptx = Presentation(io.BytesIO(render(deck, "pptx")))
        charts = [shape.chart for s in pptx.slides for shape in s.shapes if shape.has_chart]
        assert any(list(c.plots[0].categories) == ["Kyllä", "Ei"] for c in charts)

        # XLSForm out, checked by pyxform; the exports' variables (Excel's codebook sheet, SPSS).
        form = tmp_path / "kyllaei.xlsx"
        write_xlsform(questionnaire, form)
        check_xlsform(form)  # pyxform converts it (an error would be raised)
        variable = next(v for v in data_dictionary(questionnaire).variables if v.column == "jatkuu")
        assert variable.kind == "code" and variable.values == (("kylla", "Kyllä"), ("ei", "Ei"))

        # Another tool's answers in: its labels matched to the type's answers.
        foreign = tmp_path / "muu.csv"
        foreign.write_text(
            "Organisaatio,Jatkuuko yhteistyö?\nKunta,Kyllä\nHyvinvointialue,Ei\n", encoding="utf-8"
        )
        table = read_table(foreign)
        mapping = draft_mapping(table, questionnaire)
        assert mapping.columns["Jatkuuko yhteistyö?"].values == {"Ei": "ei", "Kyllä": "kylla"}
        imported = apply_mapping(table, questionnaire, mapping, "muu")
        assert [r.answers["jatkuu"] for r in imported.records] == ["kylla", "ei"] and not imported.problems

    # Unregistered again: a file with the type is refused, and no layer keeps a handler for it.
    with pytest.raises(Exception, match="unknown type 'yes_no'"):
        parse_questionnaire(YAML, "kyllaei.yaml")
    assert all("yes_no" not in layer.types() for layer in layers().values())
