"""Privacy duties (docs/privacy.md): retention, one contact's data exported and erased, the privacy notice on
the first page, and no IP addresses stored."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from luotain.questionnaire import json_schema, load_builtin, parse_questionnaire
from luotain.web.audit.services import Actor
from luotain.web.collect.models import Draft, Response
from luotain.web.distribution.models import Invitation, SurveyContact
from luotain.web.distribution.services import find_by_token, invite, response_rates
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.partners.services import seed_registry
from luotain.web.privacy.services import RETIRED, apply_retention, erase_contact, export_contact
from luotain.web.surveys.models import Survey
from luotain.web.surveys.services import create_survey

from .conftest import SMALL

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

SECRET_ANSWER = "Salainen vastaus 4711"


def link_of(message) -> str:
    return re.search(r"http://testserver(/s/[a-z0-9-]+/v/[^\s]+/)", message.body).group(1)


def answer(link: str) -> None:
    """Answer the small survey through a personal link, as a respondent's browser does."""
    client = Client()
    base = client.get(link)["Location"].rsplit("/", 2)[0] + "/"
    client.post(base + "1/", {"action": "next", "org_type": "kunta"})
    client.post(base + "2/", {"action": "next", "organisation": "kunta:091"})
    client.post(base + "3/", {"action": "next"})
    done = client.post(
        base + "4/",
        {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "9", "comments": SECRET_ANSWER},
    )
    assert done["Location"].endswith("/kiitos/")


def invitations_to(mailoutbox, email: str) -> list[str]:
    return [link_of(m) for m in mailoutbox if m.to == [email]]


def link_for(mailoutbox, survey: Survey, contact: Contact) -> str:
    """The personal link of this contact row (a person with two rows gets two messages)."""
    for link in invitations_to(mailoutbox, contact.email):
        token = link.rstrip("/").rsplit("/", 1)[1]
        found = find_by_token(survey, token)
        if found is not None and found.contact == contact:
            return link
    raise AssertionError(f"no link for {contact}")


@pytest.fixture()
def world(db, small, mailoutbox, settings):
    """Two surveys. 'vanha' (identified) invited Uusimaa and Häme and closed 400 days ago; 'uusi' (open)
    invited Häme. Liisa has two contact rows (Helsinki, Itä-Uusimaa) and answered 'vanha'; Tuula (Tampere,
    Häme) is in both; Ville (Turku) was never invited."""
    settings.LUOTAIN_EMAIL_PER_SECOND = 0
    settings.LUOTAIN_BASE_URL = "http://testserver"
    seed_registry()
    org = {o.code: o for o in Organisation.objects.filter(code__in=["kunta:091", "hva:01", "kunta:049"])}
    org.update({o.code: o for o in Organisation.objects.filter(code__in=["kunta:837", "kunta:853"])})
    people = {
        "liisa": Contact.objects.create(
            name="Liisa Virtanen", email="liisa@example.fi", organisation=org["kunta:091"]
        ),
        "liisa2": Contact.objects.create(
            name="Liisa Virtanen", email="liisa@example.fi", organisation=org["hva:01"]
        ),
        "eero": Contact.objects.create(
            name="Eero Esimerkki", email="eero@example.fi", organisation=org["kunta:049"]
        ),
        "tuula": Contact.objects.create(
            name="Tuula Tamminen", email="tuula@example.fi", organisation=org["kunta:837"]
        ),
        "ville": Contact.objects.create(
            name="Ville Vieras", email="ville@example.fi", organisation=org["kunta:853"]
        ),
    }
    old = create_survey(small, "vanha", actor=ACTOR)
    Survey.objects.filter(pk=old.pk).update(anonymity=Survey.Anonymity.IDENTIFIED)
    old.refresh_from_db()
    new = create_survey(
        parse_questionnaire(SMALL.replace("id: pieni", "id: uusi"), "uusi.yaml"), "uusi", actor=ACTOR
    )
    uusimaa, hame = District.objects.get(slug="uusimaa"), District.objects.get(slug="hame")
    invite(old, uusimaa, actor=ACTOR)
    invite(old, hame, actor=ACTOR)
    invite(new, hame, actor=ACTOR)
    answer(link_for(mailoutbox, old, people["liisa"]))
    Invitation.objects.filter(survey=old, contact=people["eero"]).update(
        error="recipient refused: eero@example.fi"
    )
    Survey.objects.filter(pk=old.pk).update(closes_at=timezone.now() - timedelta(days=400))
    old.refresh_from_db()
    # The admin's history of a contact names it.
    for person in (people["liisa"], people["tuula"]):
        LogEntry.objects.create(
            user=_staff(),
            content_type=ContentType.objects.get_for_model(Contact),
            object_id=str(person.pk),
            object_repr=str(person),
            action_flag=CHANGE,
        )
    return {"old": old, "new": new, **people}


def _staff():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="yllapito", defaults={"is_staff": True})
    return user


def snapshot() -> dict:
    return {
        "contacts": sorted(Contact.objects.values_list("pk", flat=True)),
        "linked": sorted(Invitation.objects.values_list("pk", "contact_id", "nonce", "error")),
        "drafts": sorted(Draft.objects.values_list("pk", "token_hash", "answers", "submitted_at")),
        "responses": sorted(Response.objects.values_list("pk", "answers")),
        "records": sorted(SurveyContact.objects.values_list("survey_id", "contact_id")),
        "surveys": sorted(Survey.objects.values_list("pk", "retention_applied_at", "anonymised_at")),
        "log": LogEntry.objects.count(),
    }


# Retention


def test_retention_deletes_what_it_should_and_nothing_more(world, mailoutbox):
    old, new = world["old"], world["new"]
    assert Survey._meta.get_field("retention_days").default == 365
    rates = response_rates(old)
    responses = list(Response.objects.values_list("public_id", "answers"))
    old_links = invitations_to(mailoutbox, "liisa@example.fi")
    tuula_new = next(i for i in Invitation.objects.filter(survey=new))
    before = snapshot()

    report = apply_retention(dry_run=True, actor=ACTOR)
    assert snapshot() == before  # a dry run changes nothing
    [item] = report.surveys
    assert (item.slug, item.contact_links_cut, item.answering_links_disabled, item.contacts_deleted) == (
        "vanha",
        4,  # two rows of Liisa, Eero, Tuula
        4,
        3,  # Liisa's two rows and Eero; Tuula is still needed by 'uusi'
    )
    assert report.contacts_deleted == 3 and item.applied_at is None
    assert any("would be deleted" in line for line in report.lines())

    done = apply_retention(actor=ACTOR)
    assert [(s.contact_links_cut, s.answering_links_disabled, s.contacts_deleted) for s in done.surveys] == [
        (4, 4, 3)
    ]
    assert done.admin_log_entries_deleted == 1  # Liisa's; Tuula's stays
    remaining = set(Contact.objects.values_list("name", flat=True))
    assert remaining == {"Tuula Tamminen", "Ville Vieras"}  # still needed, or never invited
    # Every link between people and the old survey's answers is gone; the answers and statistics stay.
    assert not Invitation.objects.filter(survey=old).exclude(contact=None).exists()
    assert not Invitation.objects.filter(survey=old).exclude(error="").exists()
    assert all(d.token_hash.startswith(RETIRED) for d in Draft.objects.filter(survey=old))
    assert all(i.nonce.startswith(RETIRED) for i in Invitation.objects.filter(survey=old))
    assert not SurveyContact.objects.filter(survey=old).exists()
    assert list(Response.objects.values_list("public_id", "answers")) == responses
    assert response_rates(old) == rates
    old.refresh_from_db()
    assert old.retention_applied_at is not None
    # The emailed link no longer leads anywhere.
    for link in old_links:
        page = Client().get(link)
        assert page.status_code == 404 and "Liisa" not in page.content.decode()
    # The open survey is untouched: Tuula keeps her invitation and her link.
    tuula_new.refresh_from_db()
    assert tuula_new.contact == world["tuula"] and not tuula_new.draft.token_hash.startswith(RETIRED)
    assert SurveyContact.objects.filter(survey=new).count() == 1
    assert LogEntry.objects.filter(object_id=str(world["tuula"].pk)).exists()

    # Idempotent: a second run changes nothing and says so.
    after = snapshot()
    again = apply_retention(actor=ACTOR)
    assert snapshot() == after
    assert [(s.contact_links_cut, s.answering_links_disabled, s.contacts_deleted) for s in again.surveys] == [
        (0, 0, 0)
    ]
    assert again.surveys[0].applied_at == old.retention_applied_at
    assert "vanha: closed" in again.lines()[1] and "nothing left to delete" in again.lines()[1]


def test_a_contact_goes_when_its_last_survey_passes_retention(world):
    new = world["new"]
    apply_retention(actor=ACTOR)
    Survey.objects.filter(pk=new.pk).update(closes_at=timezone.now() - timedelta(days=10), retention_days=30)
    report = apply_retention(actor=ACTOR)
    new.refresh_from_db()
    assert report.waiting == [("uusi", new.closes_at + timedelta(days=30))]
    # Closed by its closing time without `luotain close`: the daily run anonymises it as closing would.
    assert report.anonymised == [("uusi", 1)]
    assert Contact.objects.filter(name="Tuula Tamminen").exists()  # the survey is within retention
    assert apply_retention(actor=ACTOR).anonymised == []
    report = apply_retention(now=timezone.now() + timedelta(days=21), actor=ACTOR)
    assert report.contacts_deleted == 1
    assert set(Contact.objects.values_list("name", flat=True)) == {"Ville Vieras"}


def test_no_retention_period_keeps_everything(world):
    Survey.objects.filter(slug="vanha").update(retention_days=None)
    before = snapshot()
    report = apply_retention(now=timezone.now() + timedelta(days=3650), actor=ACTOR)
    assert report.surveys == [] and report.contacts_deleted == 0 and "vanha" in report.kept
    assert snapshot() == before


def test_invitations_are_made_in_random_order(db, mailoutbox, small, settings):
    """Invitation ids must not follow the contacts' order: after closing cuts the link, the order would
    tell who had which invitation."""
    settings.LUOTAIN_EMAIL_PER_SECOND = 0
    seed_registry()
    helsinki = Organisation.objects.get(code="kunta:091")
    for i in range(12):
        Contact.objects.create(name=f"Henkilö {i:02d}", email=f"h{i}@example.fi", organisation=helsinki)
    survey = create_survey(small, "pieni", actor=ACTOR)
    invite(survey, District.objects.get(slug="uusimaa"), actor=ACTOR)
    by_invitation = list(Invitation.objects.order_by("pk").values_list("contact_id", flat=True))
    assert sorted(by_invitation) != by_invitation  # 1 in 12! to fail by chance
    recorded = list(SurveyContact.objects.order_by("pk").values_list("contact_id", flat=True))
    assert recorded == sorted(by_invitation)  # the record of who was invited is in contact order


# One contact's data


def test_export_has_the_persons_data_and_no_answers_of_anonymised_surveys(world, mailoutbox):
    data = export_contact("  LIISA@example.FI ", actor=ACTOR)
    json.dumps(data)  # JSON as it is
    assert [c["organisation"]["code"] for c in data["contacts"]] == ["kunta:091", "hva:01"]
    first = data["contacts"][0]
    assert first["name"] == "Liisa Virtanen" and first["invited_to"] == ["vanha"]
    [invitation] = first["invitations"]
    assert invitation["survey"] == "vanha" and invitation["answered"] is True
    assert invitation["answers"]["comments"] == SECRET_ANSWER  # an identified survey: the answers are hers
    assert data["contacts"][1]["invitations"][0]["answered"] is False

    # The same person in an anonymised survey that is still open: whether she answered, not what.
    Survey.objects.filter(slug="uusi").update(anonymity=Survey.Anonymity.ANONYMISED)
    answer(link_for(mailoutbox, world["new"], world["tuula"]))
    data = export_contact("tuula@example.fi", actor=ACTOR)
    new = next(i for i in data["contacts"][0]["invitations"] if i["survey"] == "uusi")
    assert new["answered"] is True and "submitted_at" not in new
    assert SECRET_ANSWER not in json.dumps(data)
    assert export_contact("nobody@example.fi", actor=ACTOR)["contacts"] == []


def test_erasure_removes_the_person_and_links_and_keeps_statistics(world, mailoutbox):
    old = world["old"]
    rates = response_rates(old)
    before = snapshot()
    planned = erase_contact("Liisa@Example.fi", dry_run=True, actor=ACTOR)
    assert snapshot() == before
    assert planned.contacts == ["Liisa Virtanen (Helsinki)", "Liisa Virtanen (Itä-Uudenmaan hyvinvointialue)"]
    assert (planned.invitations_unlinked, planned.answering_links_disabled) == (2, 2)
    assert planned.surveys == ["vanha"] and planned.admin_log_entries_deleted == 1

    done = erase_contact("liisa@example.fi", actor=ACTOR)
    assert (done.invitations_unlinked, done.answering_links_disabled, done.admin_log_entries_deleted) == (
        2,
        2,
        1,
    )
    assert not Contact.objects.filter(email="liisa@example.fi").exists()
    assert not SurveyContact.objects.filter(contact__email="liisa@example.fi").exists()
    assert Invitation.objects.filter(survey=old, contact=None).count() == 2  # kept, without the person
    assert response_rates(old) == rates
    assert Response.objects.filter(answers__comments=SECRET_ANSWER).count() == 1  # the answer stays, unlinked
    assert [Client().get(link).status_code for link in invitations_to(mailoutbox, "liisa@example.fi")] == [
        404
    ] * 2
    assert export_contact("liisa@example.fi", actor=ACTOR)["contacts"] == []
    assert Contact.objects.count() == 3  # nobody else
    assert erase_contact("liisa@example.fi", actor=ACTOR).contacts == []


# The privacy notice


NOTICE = """
privacy_notice:
  fi: "Rekisterinpitäjä on Esimerkki ry. <script>alert('fi')</script>"
  sv: "Personuppgiftsansvarig är Exempel rf. <script>alert('sv')</script>"
"""


def test_the_privacy_notice_is_on_the_first_page_escaped_and_in_the_respondents_language(db):
    seed_registry()
    text = SMALL.replace("languages: [fi, sv]\n", "languages: [fi, sv]\n" + NOTICE.lstrip())
    create_survey(parse_questionnaire(text, "notice.yaml"), "pieni", actor=ACTOR)
    html = Client().get("/s/pieni/").content.decode()
    assert "Rekisterinpitäjä on Esimerkki ry." in html
    assert "&lt;script&gt;alert(&#x27;fi&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    html = Client().get("/s/pieni/?lang=sv").content.decode()
    assert "Personuppgiftsansvarig är Exempel rf." in html and "Dataskydd" in html
    assert "<script>alert" not in html and "Esimerkki ry" not in html


def test_without_a_notice_a_general_one_in_finnish_and_swedish(db, small):
    seed_registry()
    create_survey(small, "pieni", actor=ACTOR)
    html = Client().get("/s/pieni/").content.decode()
    assert "Tietosuoja" in html and "IP-osoitteita ei tallenneta." in html
    assert "alle 5 vastaajan ryhmiä ei näytetä" in html
    html = Client().get("/s/pieni/?lang=sv").content.decode()
    assert "Inga IP-adresser sparas." in html
    # An identified survey says how long the link between people and answers is kept.
    Survey.objects.filter(slug="pieni").update(anonymity=Survey.Anonymity.IDENTIFIED, retention_days=90)
    html = Client().get("/s/pieni/").content.decode()
    assert "90 päivän kuluttua" in html


def test_a_personal_link_shows_the_notice_on_its_first_page(world, mailoutbox):
    client = Client()
    first = client.get(link_for(mailoutbox, world["new"], world["tuula"]))["Location"]
    html = client.get(first).content.decode()
    assert "Tietosuoja" in html and "IP-osoitteita ei tallenneta." in html
    client.post(first, {"action": "next", "org_type": "kunta"})
    assert "Tietosuoja" not in client.get(first.rsplit("/", 2)[0] + "/2/").content.decode()


def test_the_2024_template_has_a_finnish_notice_and_the_schema_knows_the_field():
    notice = load_builtin("mll-kumppanikysely-2024").privacy_notice
    assert notice is not None and "Mannerheimin Lastensuojeluliitto" in notice.fi
    assert "IP-osoitteita ei tallenneta" in notice.fi
    assert "privacy_notice" in json_schema()["properties"]


# No IP addresses


def test_no_model_has_a_field_for_an_address_or_a_browser():
    """Every installed app's models, Django's own included (admin history, sessions, users)."""
    from django.apps import apps

    suspect = re.compile(r"(^|_)ip($|_)|addr|remote|user_?agent|browser|host", re.IGNORECASE)
    fields = [f"{m._meta.label}.{f.name}" for m in apps.get_models() for f in m._meta.get_fields()]
    known = {"admin.LogEntry.object_repr", "sessions.Session.session_data", "partners.Contact.email"}
    assert known <= set(fields)
    assert [f for f in fields if suspect.search(f.rsplit(".", 1)[1])] == []


def test_no_ip_address_or_user_agent_is_stored_anywhere(db, small, settings):
    """Answer a survey and sign in to the admin from a known address and browser, then look through every
    table (sessions decoded): neither appears."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    seed_registry()
    create_survey(small, "pieni", actor=ACTOR)
    meta = {
        "REMOTE_ADDR": "198.51.100.73",
        "HTTP_X_FORWARDED_FOR": "203.0.113.41",
        "HTTP_USER_AGENT": "KoetinSelain/9.1",
    }
    client = Client(**meta)
    start = client.post("/s/pieni/")
    base = start["Location"].rsplit("/", 2)[0] + "/"
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    client.post(base + "2/", {"action": "next", "organisation": "hva:01"})
    client.post(base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "10"})
    assert Response.objects.count() == 1
    get_user_model().objects.create_superuser("yllapito", password="Koe-salasana-31")
    staff = Client(**meta)
    staff.post("/admin/login/?next=/admin/", {"username": "yllapito", "password": "Koe-salasana-31"})
    staff.post("/admin/login/?next=/admin/", {"username": "yllapito", "password": "wrong"})
    assert Session.objects.exists()
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue() + "".join(json.dumps(s.get_decoded()) for s in Session.objects.all())
    for trace in ("198.51.100.73", "203.0.113.41", "KoetinSelain"):
        assert trace not in text


# The commands, as real processes


def run(tmp_path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUOTAIN_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_the_commands_run_as_processes(tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "name,email,organisation,role,language\nAnna Sjöberg,anna@example.fi,hva:01,rektor,sv\n",
        encoding="utf-8",
    )
    assert run(tmp_path, "contacts", "import", str(contacts)).returncode == 0

    result = run(tmp_path, "retention", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "Dry run: nothing was changed." in result.stdout and "Contacts would be deleted: 0" in result.stdout
    )

    result = run(tmp_path, "contact", "export", "ANNA@example.fi")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["contacts"][0]["name"] == "Anna Sjöberg" and data["contacts"][0]["language"] == "sv"

    refused = run(tmp_path, "contact", "erase", "anna@example.fi")
    assert refused.returncode == 2
    assert "Contact rows would be deleted: 1" in refused.stdout and "--yes" in refused.stderr
    assert json.loads(run(tmp_path, "contact", "export", "anna@example.fi").stdout)["contacts"]

    erased = run(tmp_path, "contact", "erase", "anna@example.fi", "--yes")
    assert erased.returncode == 0 and "Contact rows were deleted: 1" in erased.stdout
    assert json.loads(run(tmp_path, "contact", "export", "anna@example.fi").stdout)["contacts"] == []

    result = run(tmp_path, "retention")
    assert (
        result.returncode == 0 and "Retention applied." in result.stdout and "Traceback" not in result.stderr
    )


def test_the_nightly_job_applies_retention(world):
    """The queue's periodic task (luotain.web.backoffice.tasks.retention) runs apply_retention."""
    from luotain.web.backoffice.tasks import retention

    retention.call_local()
    assert not Invitation.objects.filter(survey=world["old"], contact__isnull=False).exists()
    assert not Contact.objects.filter(email="eero@example.fi").exists()
    assert Contact.objects.filter(email="tuula@example.fi").exists()  # still needed by 'uusi'
    assert Survey.objects.get(pk=world["old"].pk).retention_applied_at is not None
