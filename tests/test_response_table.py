from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luotain.mll.demo_2024 import generate
from luotain.responses import ResponseRecord, TableError, read_csv, to_csv_text, write_csv


def test_demo_round_trip(mll):
    records = generate().records
    text = to_csv_text(mll, records)
    back = read_csv(mll, io.StringIO(text))
    assert [(r.response_id, r.submitted_at, r.answers) for r in back] == [
        (r.response_id, r.submitted_at, r.answers) for r in records
    ]


def test_layout(small):
    rec = ResponseRecord(
        "r1",
        datetime(2024, 5, 20, 10, 0, tzinfo=UTC),
        {
            "org_type": "kunta",
            "role": "muu",
            "role/other": 'Rehtori, "koulu"',
            "grid/a": "kunta",
            "forms": ["x", "muu"],
            "forms/other": "Rivi\nvaihto",
            "agree": 3,
            "recommend": 10,
            "kunta_only": 12,
        },
    )
    text = to_csv_text(small, [rec])
    lines = text.splitlines()
    assert lines[0] == (
        "response_id,submitted_at,org_type,role,role/other,organisation,kunta_only,grid/a,grid/b,forms,"
        "forms/other,agree,recommend,comments"
    )
    assert lines[1].startswith(
        'r1,2024-05-20T10:00:00+00:00,kunta,muu,"Rehtori, ""koulu""",,12,kunta,,x muu,"Rivi'
    )
    assert read_csv(small, io.StringIO(text))[0].answers == rec.answers


def test_bad_cells_are_listed_with_line_and_column(small):
    text = (
        "response_id,org_type,recommend,forms,kunta_only\n"
        "a,kunta,11,x,3\n"
        "b,city,9,x z,kolme\n"
        "a,kunta,9,,2.5\n"
    )
    with pytest.raises(TableError) as info:
        read_csv(small, io.StringIO(text))
    got = [str(p) for p in info.value.problems]
    assert got == [
        "line 2, column 'recommend': 11 is above the maximum 10",
        "line 3, column 'org_type': 'city' is not an option (options: hyvinvointialue, kunta)",
        "line 3, column 'forms': 'z' not an option (options: x, y, muu)",
        "line 3, column 'kunta_only': 'kolme' is not a number",
        "line 4, column 'response_id': response id 'a' appears twice",
        "line 4, column 'kunta_only': '2.5' is not a whole number",
    ]


def test_unknown_and_missing_columns(small):
    with pytest.raises(TableError, match="columns not in the questionnaire: colour"):
        read_csv(small, io.StringIO("response_id,colour\nx,red\n"))
    with pytest.raises(TableError, match="'response_id' is missing"):
        read_csv(small, io.StringIO("org_type\nkunta\n"))
    with pytest.raises(TableError, match="empty"):
        read_csv(small, io.StringIO(""))


def test_unknown_organisation_is_an_error_when_the_registry_is_given(small):
    text = "response_id,organisation\nx,kunta:999\n"
    assert read_csv(small, io.StringIO(text))[0].answers == {"organisation": "kunta:999"}
    with pytest.raises(TableError, match="not an organisation in the registry"):
        read_csv(small, io.StringIO(text), known_orgs={"kunta:091"})


def test_a_byte_order_mark_and_blank_lines_are_accepted(small):
    records = read_csv(small, io.StringIO("\ufeffresponse_id,org_type\n\nx,kunta\n"))
    assert records[0].answers == {"org_type": "kunta"}


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=50
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    org=st.sampled_from(["hyvinvointialue", "kunta", None]),
    forms=st.lists(st.sampled_from(["x", "y", "muu"]), unique=True),
    agree=st.sampled_from([1, 2, 3, None]),
    recommend=st.integers(0, 10),
    comment=texts,
    clubs=st.integers(0, 500),
)
def test_round_trip_property(small, org, forms, agree, recommend, comment, clubs):
    answers = {"recommend": recommend, "kunta_only": clubs}
    if org:
        answers["org_type"] = org
    if forms:
        answers["forms"] = [f for f in ["x", "y", "muu"] if f in forms]
    if agree:
        answers["agree"] = agree
    if comment:
        answers["comments"] = comment
    buf = io.StringIO()
    write_csv(small, [ResponseRecord("id1", None, answers)], buf)
    assert read_csv(small, io.StringIO(buf.getvalue()))[0].answers == answers
