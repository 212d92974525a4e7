"""Invitations through a real SMTP server on 127.0.0.1, following the emailed link to a submitted answer,
reminders, opting out and response rates."""

from __future__ import annotations

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.test import Client, override_settings

from luotain.web.audit.services import Actor
from luotain.web.distribution.models import Invitation
from luotain.web.distribution.services import invite, remind, response_rates
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield inbox
    controller.stop()


@pytest.fixture()
def setup(small):
    seed_registry()
    survey = create_survey(small, "pieni", actor=ACTOR)
    uusimaa = District.objects.get(slug="uusimaa")
    helsinki = Organisation.objects.get(code="kunta:091")
    espoo = Organisation.objects.get(code="kunta:049")
    itauusimaa = Organisation.objects.get(code="hva:01")
    Contact.objects.create(name="Liisa Virtanen", email="liisa@example.fi", organisation=helsinki)
    Contact.objects.create(
        name="Anna Sjöberg", email="anna@example.fi", organisation=itauusimaa, language="sv"
    )
    Contact.objects.create(name="Eero Esimerkki", email="eero@example.fi", organisation=espoo)
    Contact.objects.create(
        name="Tampere", email="t@example.fi", organisation=Organisation.objects.get(code="kunta:837")
    )
    return survey, uusimaa


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://testserver(/s/pieni/v/[^\s]+/)", body).group(1)


def test_invite_follow_the_link_and_answer(smtp, setup):
    survey, uusimaa = setup
    result = invite(survey, uusimaa, base_url="http://testserver", actor=ACTOR)
    assert (result.sent, result.failed) == (3, 0)  # the Tampere contact belongs to another district
    assert sorted(m["To"] for m in smtp.messages) == [
        "anna@example.fi",
        "eero@example.fi",
        "liisa@example.fi",
    ]
    liisa = next(m for m in smtp.messages if m["To"] == "liisa@example.fi")
    assert liisa["Subject"] == "Pieni kysely"
    body = liisa.get_body(preferencelist=("plain",)).get_content()
    assert "Henkilökohtainen vastauslinkkisi" in body and "/optout/" in body
    anna = next(m for m in smtp.messages if m["To"] == "anna@example.fi")
    assert "personliga svarslänk" in anna.get_body(preferencelist=("plain",)).get_content()
    # Each invitation repeats nothing: the second round sends none.
    assert invite(survey, uusimaa, base_url="http://testserver", actor=ACTOR).skipped == 3

    client = Client()
    start = client.get(link_in(liisa))
    assert start.status_code == 302
    base = start["Location"].rsplit("/", 2)[0] + "/"
    client.get(start["Location"])
    rates = response_rates(survey)
    assert rates["total"] == {
        "invited": 3,
        "opened": 1,
        "started": 0,
        "submitted": 0,
        "opted_out": 0,
        "failed": 0,
    }
    client.post(base + "1/", {"action": "next", "org_type": "kunta"})
    client.post(base + "2/", {"action": "next", "organisation": "kunta:091"})
    client.post(base + "3/", {"action": "next"})
    done = client.post(
        base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "9"}
    )
    assert done["Location"].endswith("/kiitos/")
    # A second submit through the same personal link gives no second response.
    client.post(base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "9"})
    rates = response_rates(survey)
    assert rates["total"]["submitted"] == 1 and rates["total"]["started"] == 1
    assert rates["districts"]["uusimaa"]["submitted"] == 1
    assert rates["organisation_types"]["kunta"] == {
        "invited": 2,
        "opened": 1,
        "started": 1,
        "submitted": 1,
        "opted_out": 0,
        "failed": 0,
    }
    assert rates["organisations"]["kunta:091"]["submitted"] == 1
    assert rates["coverage"]["kunta"] == {"answered": 1, "total": 292}
    assert survey.responses.count() == 1

    # Reminders go to those who have not answered, and not too soon after the last message.
    smtp.messages.clear()
    assert remind(survey, min_days=7, base_url="http://testserver", actor=ACTOR).skipped == 2
    sent = remind(survey, min_days=0, base_url="http://testserver", actor=ACTOR)
    assert sent.sent == 2 and sorted(m["To"] for m in smtp.messages) == ["anna@example.fi", "eero@example.fi"]
    reminder = next(m for m in smtp.messages if m["To"] == "eero@example.fi")
    assert reminder["Subject"].startswith("Muistutus")
    first_eero_link = link_in(reminder)
    assert Client().get(first_eero_link).status_code == 302  # the reminder carries the same personal link
    assert remind(survey, min_days=0, max_reminders=1, actor=ACTOR).sent == 0


def test_opt_out_and_forged_links(smtp, setup):
    survey, uusimaa = setup
    invite(survey, uusimaa, base_url="http://testserver", actor=ACTOR)
    eero = next(m for m in smtp.messages if m["To"] == "eero@example.fi")
    body = eero.get_body(preferencelist=("plain",)).get_content()
    opt_out = re.search(r"http://testserver(/s/pieni/optout/[^\s]+/)", body).group(1)
    client = Client()
    assert client.get(opt_out).status_code == 200
    assert client.post(opt_out).status_code == 200
    assert Invitation.objects.get(contact__email="eero@example.fi").opted_out_at is not None
    smtp.messages.clear()
    remind(survey, min_days=0, base_url="http://testserver", actor=ACTOR)
    assert "eero@example.fi" not in [m["To"] for m in smtp.messages]
    forged = client.get("/s/pieni/optout/forged-token/")
    assert forged.status_code == 404 and "eero" not in forged.content.decode().lower()
    assert client.get("/s/pieni/v/forged-token/1/").status_code == 404
    assert response_rates(survey)["total"]["opted_out"] == 1


def test_a_failing_mail_server_is_recorded_per_contact(setup, monkeypatch):
    from luotain.web.distribution import services

    attempts: list[float] = []
    monkeypatch.setattr(services.time, "sleep", attempts.append)
    survey, uusimaa = setup
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_TIMEOUT=2,
        LUOTAIN_EMAIL_RETRIES=2,
        LUOTAIN_EMAIL_RETRY_SECONDS=1.0,
        LUOTAIN_EMAIL_PER_SECOND=0,
    ):
        result = invite(survey, uusimaa, base_url="http://testserver", actor=ACTOR)
    assert result.failed == 3
    assert attempts == [1.0, 2.0] * 3  # two retries a message, backing off
    assert all(i.delivery == "failed" and i.error for i in Invitation.objects.all())
    assert response_rates(survey)["total"]["failed"] == 3


def test_answers_are_tagged_with_the_district_and_anonymised_at_closing(smtp, setup):
    from luotain.cli import main

    survey, uusimaa = setup
    invite(survey, uusimaa, base_url="http://testserver", actor=ACTOR)
    client = Client()
    base = client.get(link_in(smtp.messages[0]))["Location"].rsplit("/", 2)[0] + "/"
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    client.post(base + "2/", {"action": "next", "organisation": "hva:01"})
    client.post(base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "10"})
    # The district's open link for forwarding tags its answers too.
    other = Client()
    start = other.post("/s/pieni/piiri/lappi/")
    page = start["Location"].rsplit("/", 2)[0] + "/"
    other.post(page + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    other.post(page + "2/", {"action": "next", "organisation": "hva:21"})
    other.post(page + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "8"})
    assert sorted(r.district.slug for r in survey.responses.all()) == ["lappi", "uusimaa"]

    response = survey.responses.get(district__slug="uusimaa")
    assert response.draft.invitation.contact is not None
    assert main(["close", "--survey", "pieni"]) == 0
    response.refresh_from_db()
    invitation = response.draft.invitation
    assert invitation.contact is None and invitation.organisation.code  # the person is gone, the org stays
    assert Invitation.objects.exclude(contact=None).count() == 0
    assert response_rates(survey)["total"]["submitted"] == 1
    assert Client().post("/s/pieni/").status_code == 410


def test_commands(smtp, setup, capsys, settings):
    from luotain.cli import main

    settings.LUOTAIN_BASE_URL = "http://testserver"
    assert main(["invite", "--survey", "pieni", "--district", "uusimaa"]) == 0
    assert "Invitations sent: 3, failed: 0, already invited: 0." in capsys.readouterr().out
    assert len(smtp.messages) == 3
    assert main(["invite", "--survey", "pieni", "--district", "atlantis"]) == 2
    assert "no district 'atlantis'" in capsys.readouterr().err
    assert main(["remind", "--survey", "pieni", "--days", "0"]) == 0
    assert "Reminders sent: 3" in capsys.readouterr().out
    assert main(["response-rates", "--survey", "pieni", "--json"]) == 0
    import json

    rates = json.loads(capsys.readouterr().out)
    assert rates["districts"]["uusimaa"]["invited"] == 3


def test_a_line_break_in_the_title_does_not_stop_the_invitations(smtp, small):
    from luotain.questionnaire import parse_questionnaire
    from tests.conftest import SMALL

    seed_registry()
    broken = SMALL.replace("title: {fi: Pieni kysely,", 'title: {fi: "Pieni\\nkysely",', 1)
    assert broken != SMALL
    survey = create_survey(parse_questionnaire(broken, "rivit.yaml"), "rivit", actor=ACTOR)
    helsinki = Organisation.objects.get(code="kunta:091")
    Contact.objects.create(name="Liisa Virtanen", email="liisa@example.fi", organisation=helsinki)
    result = invite(survey, District.objects.get(slug="uusimaa"), base_url="http://testserver", actor=ACTOR)
    assert (result.sent, result.failed) == (1, 0)
    assert smtp.messages[0]["Subject"] == "Pieni kysely"
