from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    OrganisationPicker,
    QuestionnaireError,
    Rating,
    Recommendation,
    SingleChoice,
    builtin_template_path,
    json_schema,
    load_questionnaire,
    parse_questionnaire,
)

from .conftest import SMALL


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text, "bad.yaml")
    return [str(p) for p in info.value.problems]


def test_the_2024_template_has_the_fixed_ids(mll):
    assert isinstance(mll.question("org_type"), SingleChoice)
    assert mll.question("org_type").option_ids() == ("hyvinvointialue", "kunta")
    assert isinstance(mll.question("organisation"), OrganisationPicker)
    for qid in (
        "role",
        "cooperation_status",
        "cooperation_wishes",
        "funding_secured",
        "mll_image",
        "awareness",
    ):
        mll.question(qid)
    assert isinstance(mll.question("recommend"), Recommendation)
    matrix = mll.question("responsibilities")
    assert isinstance(matrix, Matrix)
    assert [r.id for r in matrix.rows] == [
        "prof_meeting_places_grant",
        "support_person_grant",
        "district_cooperation",
        "volunteer_coordination_grant",
        "childcare_grant",
        "ngo_coordination",
        "meeting_place_cooperation",
        "local_association_cooperation",
        "local_activity_grant",
        "premises",
    ]
    assert matrix.option_ids() == ("kunta", "hyvinvointialue", "molemmat", "ei_kummallekaan", "en_osaa_sanoa")


def test_the_2024_template_covers_the_reports_questions(mll):
    ids = {q.id for q in mll.questions()}
    expected = {
        "family_centre_org",
        "meeting_place_org",
        "cooperation_forms",
        "importance_families",
        "importance_professionals",
        "development_ideas",
        "cooperation_experience",
        "comments",
        "family_centre_partner",
    }
    assert expected <= ids
    assert isinstance(mll.question("awareness"), MultipleChoice)
    assert len(mll.question("awareness").options) >= 15
    assert isinstance(mll.question("funding_secured"), Rating)


def test_the_template_validates_against_the_generated_json_schema():
    schema = json_schema()
    data = yaml.safe_load(builtin_template_path("mll-kumppanikysely-2024").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    json.dumps(schema)  # serialisable
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "id": "x",
                "title": "t",
                "sections": [
                    {"id": "s", "title": "s", "questions": [{"id": "q", "type": "slider", "text": "t"}]}
                ],
            },
            schema,
        )


def test_every_question_type_loads(small):
    types = {q.type_name for q in small.questions()}
    assert types == {
        "single_choice",
        "organisation",
        "number",
        "matrix",
        "multiple_choice",
        "rating",
        "recommendation",
        "text",
    }
    assert small.title.get("sv") == "En liten enkät"
    assert small.question("role").columns()[1].name == "role/other"
    assert [c.name for c in small.question("grid").columns()] == ["grid/a", "grid/b"]


def test_load_from_file_and_missing_file(write_file):
    path = write_file(SMALL)
    assert load_questionnaire(path).id == "pieni"
    with pytest.raises(QuestionnaireError, match="no such file"):
        load_questionnaire(path.parent / "nope.yaml")


BASE = """id: t
title: Testi
sections:
  - id: s1
    title: Osa
    questions:
"""


def test_unknown_type_names_file_line_and_question():
    problems = problems_of(BASE + "      - {id: a, type: slider, text: A}\n")
    assert problems == [
        "bad.yaml:7: question 'a': unknown type 'slider' (known types: matrix, multiple_choice, number, "
        "organisation, rating, recommendation, single_choice, text)"
    ]


def test_duplicate_question_id():
    text = BASE + "      - {id: a, type: text, text: A}\n      - {id: a, type: text, text: B}\n"
    assert problems_of(text) == ["bad.yaml:8: question 'a': duplicate question id"]


def test_duplicate_option_and_missing_options():
    text = BASE + (
        "      - id: a\n        type: single_choice\n        text: A\n        options:\n"
        "          - {id: x, label: X}\n          - {id: x, label: Y}\n"
        "      - {id: b, type: multiple_choice, text: B}\n"
    )
    problems = problems_of(text)
    assert any("question 'a'" in p and "duplicate option id 'x'" in p for p in problems)
    assert any(p.startswith("bad.yaml:13: question 'b'") and "'options' is missing" in p for p in problems)


def test_show_if_must_name_an_earlier_question():
    text = BASE + "      - {id: a, type: text, text: A, show_if: {question: nope, equals: x}}\n"
    assert problems_of(text) == [
        "bad.yaml:7: question 'a': show_if names 'nope', which is not a question on an earlier page"
    ]
    same_page = BASE + (
        "      - {id: a, type: single_choice, text: A, options: [{id: x, label: X}]}\n"
        "      - {id: b, type: text, text: B, show_if: {question: a, equals: x}}\n"
    )
    assert "not a question on an earlier page" in problems_of(same_page)[0]


def test_show_if_value_must_be_an_option():
    text = BASE + (
        "      - {id: a, type: single_choice, text: A, options: [{id: x, label: X}]}\n"
        "  - id: s2\n    title: Toinen\n    questions:\n"
        "      - {id: b, type: text, text: B, show_if: {question: a, equals: y}}\n"
    )
    assert problems_of(text) == ["bad.yaml:11: question 'b': show_if value 'y' is not an option of 'a'"]


def test_finnish_text_is_required_and_unknown_fields_are_named():
    problems = problems_of(BASE + "      - {id: a, type: text, text: {sv: Svar}}\n")
    assert problems == ["bad.yaml:7: question 'a': 'fi' is missing"]
    problems = problems_of(BASE + "      - {id: a, type: text, text: A, colour: red}\n")
    assert problems == ["bad.yaml:7: question 'a': unknown field 'colour'"]


def test_bad_ids_and_bad_yaml():
    problems = problems_of(BASE + "      - {id: A-1, type: text, text: A}\n")
    assert "is not a valid id" in problems[0]
    problems = problems_of("id: t\ntitle: [unclosed\n")
    assert problems[0].startswith("bad.yaml:") and "not valid YAML" in problems[0]
    assert problems_of("- just a list\n") == [
        "bad.yaml:1: the file must be a mapping with 'id', 'title', 'sections'"
    ]


def test_organisation_picker_needs_an_organisation_type_question():
    text = BASE + (
        "      - {id: a, type: single_choice, text: A, options: [{id: x, label: X}]}\n"
        "      - {id: org, type: organisation, text: O, type_question: a}\n"
    )
    assert "are not organisation types" in problems_of(text)[0]


def test_rating_agree_values_must_be_points():
    text = BASE + (
        "      - id: r\n        type: rating\n        text: R\n        agree: [9]\n        points:\n"
        "          - {value: 1, label: A}\n          - {value: 2, label: B}\n"
    )
    assert "'agree' names values that are not points: [9]" in problems_of(text)[0]
