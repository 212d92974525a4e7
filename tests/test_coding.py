"""Stored coding of open answers: rules, codes by hand with who and when, and the ranking as coded."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from luotain.responses.demo import generate
from luotain.text.codebook import builtin_codebook
from luotain.web.coding import services
from luotain.web.coding.models import CodeAssignment
from luotain.web.collect.services import import_responses
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

pytestmark = pytest.mark.django_db


@pytest.fixture()
def survey(mll):
    seed_registry()
    survey = create_survey(mll, "mll-2024")
    data = generate()
    import_responses(survey, data.records, source="demo")
    services.set_codebook(survey, builtin_codebook(mll.id, "cooperation_wishes"))
    return survey


def test_rules_then_hand_coding_with_who_and_when(survey):
    given = services.apply_rules(survey, "cooperation_wishes")
    assert given > 0
    top, _ = services.ranked(survey, "cooperation_wishes")
    assert top[0].code == "kohtaamispaikat"

    analyst = get_user_model().objects.create_user("analyytikko")
    response = next(
        r for r in survey.responses.all() if "kerho" in r.answers.get("cooperation_wishes", "").lower()
    )
    services.assign(response, "cooperation_wishes", "kriisit", analyst)
    manual = CodeAssignment.objects.get(response=response, code="kriisit")
    assert manual.source == "manual" and manual.coded_by == analyst and manual.coded_at is not None
    # Running the rules again keeps what the analyst did.
    services.apply_rules(survey, "cooperation_wishes")
    assert CodeAssignment.objects.filter(response=response, code="kriisit", source="manual").exists()
    services.remove(response, "cooperation_wishes", "kriisit")
    assert not CodeAssignment.objects.filter(response=response, code="kriisit").exists()
    with pytest.raises(services.CodingError, match="not a code"):
        services.assign(response, "cooperation_wishes", "nope", analyst)
    with pytest.raises(services.CodingError, match="no codebook"):
        services.apply_rules(survey, "impacts")
