"""The demo answers reproduce every figure the 2024 report publishes, rounded as the report rounds."""

from __future__ import annotations

import pytest

from luotain.analysis import ResponseFrame, analyse
from luotain.mll.demo_2024 import generate
from luotain.present.numbers import round_half_up
from luotain.responses import to_csv_text


def pct(value: float) -> int:
    return int(round_half_up(value))


@pytest.fixture(scope="module", params=[2024, 7])
def figures(request, mll):
    records = generate(request.param).records
    return records, analyse(ResponseFrame.from_records(mll, records)).questions


def test_respondents_and_organisations(figures):
    records, f = figures
    assert len(records) == 80
    org = f["org_type"]
    assert org.n == 80
    assert pct(org.percent["hyvinvointialue"]) == 45
    assert pct(org.percent["kunta"]) == 55
    assert f["organisation"].organisations == {"hyvinvointialue": 14, "kunta": 34}
    # Each organisation answered under its own type.
    for r in records:
        prefix = "hva:" if r.answers["org_type"] == "hyvinvointialue" else "kunta:"
        assert r.answers["organisation"].startswith(prefix)


def test_established_cooperation_and_funding(figures):
    _, f = figures
    assert pct(f["cooperation_status"].percent["vakiintunut"]) == 59
    assert pct(f["funding_secured"].agree_percent) == 95


def test_recommendation(figures):
    _, f = figures
    rec = f["recommend"]
    assert rec.n == 78
    assert pct(rec.nps) == 82
    assert str(round_half_up(rec.mean, 1)) == "9.3"


PUBLISHED = {
    "molemmat": {
        "ngo_coordination": 86,
        "meeting_place_cooperation": 86,
        "premises": 79,
        "district_cooperation": 72,
        "local_association_cooperation": 61,
    },
    "kunta": {
        "local_association_cooperation": 30,
        "local_activity_grant": 30,
        "childcare_grant": 23,
        "premises": 16,
    },
    "hyvinvointialue": {
        "prof_meeting_places_grant": 27,
        "support_person_grant": 23,
        "district_cooperation": 18,
        "volunteer_coordination_grant": 18,
        "childcare_grant": 15,
    },
    "en_osaa_sanoa": {"volunteer_coordination_grant": 23, "childcare_grant": 18},
}


@pytest.mark.parametrize("option", list(PUBLISHED))
def test_responsibility_rankings(figures, mll, option):
    _, f = figures
    rows = f["responsibilities"].rows
    order = [r.id for r in mll.question("responsibilities").rows]
    # Rank rows by the share choosing the option (ties in questionnaire order), as the report lists them.
    ranked = sorted(order, key=lambda row: (-rows[row].percent[option], order.index(row)))
    top = ranked[: len(PUBLISHED[option])]
    assert {row: pct(rows[row].percent[option]) for row in top} == PUBLISHED[option]
    assert top == list(PUBLISHED[option])


def test_single_mentions_of_neither(figures):
    _, f = figures
    rows = f["responsibilities"].rows
    for row in ("childcare_grant", "support_person_grant", "local_activity_grant"):
        assert 1 <= rows[row].counts.get("ei_kummallekaan", 0) <= 2


def test_same_seed_same_data_other_seed_other_data(mll):
    assert to_csv_text(mll, generate(2024).records) == to_csv_text(mll, generate(2024).records)
    assert to_csv_text(mll, generate(2024).records) != to_csv_text(mll, generate(5).records)


def test_open_answers_are_not_the_reports_quotes(mll):
    report_quotes = ["pyhällä hengellä", "Ratkaisevan tärkeä", "kavereita lapsille ja nuorille sekä aikuisia"]
    text = to_csv_text(mll, generate().records)
    assert all(q not in text for q in report_quotes)
    data = generate()
    assert len(data.wish_themes) >= 40
