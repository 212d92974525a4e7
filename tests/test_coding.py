"""Stored coding of open answers: rules, codes by hand with who and when, and the ranking as coded."""

from __future__ import annotations

from html import escape

import pytest
from django.contrib.auth import get_user_model

from luotain.analysis import analyse
from luotain.mll.demo_2024 import generate
from luotain.questionnaire import Text
from luotain.text.codebook import builtin_codebook
from luotain.web.audit.services import Actor
from luotain.web.coding import services
from luotain.web.coding.models import CodeAssignment
from luotain.web.collect.services import import_responses
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db


@pytest.fixture()
def survey(mll):
    seed_registry()
    survey = create_survey(mll, "mll-2024", actor=ACTOR)
    data = generate()
    import_responses(survey, data.records, source="demo", actor=ACTOR)
    services.set_codebook(survey, builtin_codebook(mll.id, "cooperation_wishes"), actor=ACTOR)
    return survey


def test_rules_then_hand_coding_with_who_and_when(survey):
    given = services.apply_rules(survey, "cooperation_wishes", actor=ACTOR)
    assert given > 0
    top, _ = services.ranked(survey, "cooperation_wishes")
    assert top[0].code == "kohtaamispaikat"

    analyst = get_user_model().objects.create_user("analyytikko")
    response = next(
        r for r in survey.responses.all() if "kerho" in r.answers.get("cooperation_wishes", "").lower()
    )
    services.assign(response, "cooperation_wishes", "kriisit", actor=Actor.of(analyst))
    manual = CodeAssignment.objects.get(response=response, code="kriisit")
    assert manual.source == "manual" and manual.coded_by == analyst and manual.coded_at is not None
    # Running the rules again keeps what the analyst did.
    services.apply_rules(survey, "cooperation_wishes", actor=ACTOR)
    assert CodeAssignment.objects.filter(response=response, code="kriisit", source="manual").exists()
    services.remove(response, "cooperation_wishes", "kriisit", actor=Actor.of(analyst))
    assert "kriisit" not in services.codes_of(survey, "cooperation_wishes")[response.public_id]

    # A code the rules gave and the analyst took away stays away when the rules run again.
    rule_given = CodeAssignment.objects.filter(source="rule").select_related("response").first()
    before = services.codes_of(survey, "cooperation_wishes")[rule_given.response.public_id]
    services.remove(rule_given.response, "cooperation_wishes", rule_given.code, actor=Actor.of(analyst))
    services.apply_rules(survey, "cooperation_wishes", actor=ACTOR)
    after = services.codes_of(survey, "cooperation_wishes")[rule_given.response.public_id]
    assert rule_given.code in before and rule_given.code not in after
    with pytest.raises(services.CodingError, match="not a code"):
        services.assign(response, "cooperation_wishes", "nope", actor=Actor.of(analyst))
    with pytest.raises(services.CodingError, match="no codebook"):
        services.apply_rules(survey, "impacts", actor=ACTOR)


def test_suggestions_accepted_renamed_merged_and_rejected(mll):
    seed_registry()
    survey = create_survey(mll, "uusi", actor=ACTOR)
    import_responses(survey, generate().records, source="demo", actor=ACTOR)
    analyst = get_user_model().objects.create_user("analyytikko")
    question = "cooperation_wishes"

    suggested = services.suggestions(survey, question)
    assert len(suggested) >= 3
    first, second = suggested[:2]
    services.accept_suggestion(
        survey,
        question,
        "eka",
        Text(fi="Ensimmäinen"),
        first.members,
        ["kerho"],
        actor=Actor.of(analyst),
    )
    codebook = services.codebook_of(survey, question)
    assert [c.id for c in codebook.codes] == ["eka"] and codebook.codes[0].keywords == ["kerho"]
    coded = services.codes_of(survey, question)
    assert all(coded[m] == ["eka"] for m in first.members)
    assert CodeAssignment.objects.filter(code="eka", source="manual", coded_by=analyst).count() == len(
        first.members
    )

    # The next suggestions are drawn from the answers not yet coded.
    remaining = services.suggestions(survey, question)
    assert not set(first.members) & {m for s in remaining for m in s.members}

    services.accept_suggestion(
        survey, question, "toka", Text(fi="Toinen"), second.members, actor=Actor.of(analyst)
    )
    services.rename(survey, question, "toka", Text(fi="Toinen teema", sv="Andra temat"), actor=ACTOR)
    assert services.codebook_of(survey, question).codes[1].name.sv == "Andra temat"
    with pytest.raises(services.CodingError, match="already a code"):
        services.accept_suggestion(survey, question, "toka", Text(fi="X"), [], actor=ACTOR)

    services.merge(survey, question, ["toka"], into="eka", actor=Actor.of(analyst))
    assert [c.id for c in services.codebook_of(survey, question).codes] == ["eka"]
    coded = services.codes_of(survey, question)
    assert all(coded[m] == ["eka"] for m in [*first.members, *second.members])
    top, _ = services.ranked(survey, question)
    assert top[0].code == "eka" and top[0].count == len(first.members) + len(second.members)
    with pytest.raises(services.CodingError, match="not a code"):
        services.merge(survey, question, ["nope"], into="eka", actor=ACTOR)

    rejected = services.suggestions(survey, question)[0]
    services.reject_suggestion(survey, question, rejected.terms, actor=Actor.of(analyst))
    assert rejected.terms not in [s.terms for s in services.suggestions(survey, question)]
    with pytest.raises(services.CodingError, match="not an open question"):
        services.suggestions(survey, "org_type")


def test_the_report_and_analysis_rank_the_stored_codes(survey, tmp_path):
    from luotain.web import commands

    services.apply_rules(survey, "cooperation_wishes", actor=ACTOR)
    # The analyst moves every "kohtaamispaikat" answer to "kriisit" by hand: the report must follow.
    for assignment in CodeAssignment.objects.filter(code="kohtaamispaikat").select_related("response"):
        services.remove(assignment.response, "cooperation_wishes", "kohtaamispaikat", actor=ACTOR)
        services.assign(assignment.response, "cooperation_wishes", "kriisit", actor=ACTOR)
    books, codes = services.stored_coding(survey)
    frame = commands.analysis_frame(survey.slug, None, {})
    themes = analyse(frame, codebooks=list(books.values()), coded=codes).themes["cooperation_wishes"]
    assert themes.top[0].code == "kriisit"
    assert "kohtaamispaikat" not in [t.code for t in [*themes.top, *themes.other_mentions]]
    by_rules = analyse(frame, codebooks=list(books.values())).themes["cooperation_wishes"]
    assert by_rules.top[0].code == "kohtaamispaikat"

    written = commands.write_report(survey.slug, tmp_path, formats=("html",))
    html = written[0].read_text(encoding="utf-8")
    wishes = html[html.index("Millaista yhteistyötä toivotaan lisää?") :]
    first_item = wishes[wishes.index("<li") :][:400]
    kriisit = books["cooperation_wishes"].codes
    name = next(c.name.fi for c in kriisit if c.id == "kriisit")
    assert escape(name) in first_item
