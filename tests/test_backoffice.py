"""The back office: sign-in, every role against every staff view, and what each page does."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from luotain.mll.demo_2024 import generate
from luotain.text.codebook import builtin_codebook
from luotain.web.audit.services import Actor
from luotain.web.backoffice import jobs
from luotain.web.backoffice.models import Job, StaffRole
from luotain.web.coding import services as coding
from luotain.web.collect.models import QuoteSelection, Response
from luotain.web.collect.services import import_responses
from luotain.web.demo import demo_users
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.models import Survey
from luotain.web.surveys.services import create_survey
from tests.conftest import district_count

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db
PASSWORD = "salasana-testi-1"


@pytest.fixture()
def world(mll):
    seed_registry()
    survey = create_survey(mll, "mll-2024", actor=ACTOR)
    records = generate().records
    import_responses(survey, records, source="demo", actor=ACTOR)
    coding.set_codebook(survey, builtin_codebook(mll.id, "cooperation_wishes"), actor=ACTOR)
    coding.apply_rules(survey, "cooperation_wishes", actor=ACTOR)
    uusimaa, lappi = District.objects.get(slug="uusimaa"), District.objects.get(slug="lappi")
    helsinki = Organisation.objects.get(code="kunta:091")
    rovaniemi = Organisation.objects.get(code="kunta:698")
    Contact.objects.create(name="Liisa Virtanen", email="liisa@example.fi", organisation=helsinki)
    Contact.objects.create(name="Pekka Lappalainen", email="pekka@example.fi", organisation=rovaniemi)
    demo_users(PASSWORD)
    return {"survey": survey, "uusimaa": uusimaa, "lappi": lappi, "records": records}


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


ADMIN, ANALYST, COORD = "admin", "analyytikko", "koordinaattori-uusimaa"


def staff_urls(world):
    s = "mll-2024"
    report = jobs.submit("report", world["survey"], formats=["html"], language="fi")  # runs at once here
    return {
        "download": reverse("backoffice:download", args=[s, report.pk, "html"]),
        "jobs": reverse("backoffice:jobs"),
        "audit": reverse("backoffice:audit"),
        "home": reverse("backoffice:home"),
        "new_survey": reverse("backoffice:new_survey"),
        "survey": reverse("backoffice:survey", args=[s]),
        "preview": reverse("backoffice:preview", args=[s]),
        "results": reverse("backoffice:results", args=[s]),
        "results_csv": reverse("backoffice:results", args=[s]) + "?format=csv",
        "coding": reverse("backoffice:coding", args=[s]),
        "coding_question": reverse("backoffice:coding_question", args=[s, "cooperation_wishes"]),
        "reports": reverse("backoffice:reports", args=[s]),
        "districts": reverse("backoffice:districts"),
        "own_district": reverse("backoffice:district", args=["uusimaa"]),
        "other_district": reverse("backoffice:district", args=["lappi"]),
    }


# Who gets what (GET): 200 allowed, 403 refused, 404 another district's object.
EXPECTED = {
    "download": (200, 200, 403),
    "jobs": (200, 403, 403),
    "audit": (200, 403, 403),
    "home": (200, 200, 200),
    "new_survey": (200, 403, 403),
    "survey": (200, 200, 200),
    "preview": (200, 200, 200),
    "results": (200, 200, 200),
    "results_csv": (200, 200, 200),
    "coding": (200, 200, 403),
    "coding_question": (200, 200, 403),
    "reports": (200, 200, 403),
    "districts": (200, 403, 200),
    "own_district": (200, 403, 200),
    "other_district": (200, 403, 404),
}


# Views that only take POSTs (test_posts_check_permissions_too), and the sign-in pages.
NOT_GET = {"window", "open", "close", "invite", "login", "logout"}


def test_every_role_against_every_staff_view(client, world):
    from luotain.web.backoffice.urls import urlpatterns

    urls = staff_urls(world)
    assert set(urls) == set(EXPECTED)
    # Every staff view is in the table: a new page cannot be added without saying who may see it.
    named = {pattern.name for pattern in urlpatterns}
    assert named - NOT_GET <= {name.removesuffix("_csv") for name in urls} | {"district"}, named
    for url in urls.values():  # signed out: to the sign-in page
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("backoffice:login")), url
    for index, username in enumerate((ADMIN, ANALYST, COORD)):
        client.logout()
        signed_in(client, username)
        for name, url in urls.items():
            assert client.get(url).status_code == EXPECTED[name][index], (username, name)


def test_posts_check_permissions_too(client, world):
    s = "mll-2024"
    posts = {
        reverse("backoffice:window", args=[s]): (ANALYST, COORD),
        reverse("backoffice:open", args=[s]): (ANALYST, COORD),
        reverse("backoffice:close", args=[s]): (ANALYST, COORD),
        reverse("backoffice:coding_question", args=[s, "cooperation_wishes"]): (COORD,),
        reverse("backoffice:reports", args=[s]): (COORD,),
        reverse("backoffice:invite", args=["uusimaa", s]): (ANALYST,),
    }
    for url, refused in posts.items():
        for username in refused:
            client.logout()
            signed_in(client, username)
            assert client.post(url, {"action": "apply_rules", "format": "html"}).status_code == 403, url
    signed_in(client, COORD)
    assert client.post(reverse("backoffice:invite", args=["lappi", s])).status_code == 404
    # A report's files are the analysts' and administrators': a coordinator cannot download them.
    job = Job.objects.create(kind="report", survey=world["survey"], params={"formats": ["html"]})
    url = reverse("backoffice:download", args=[s, job.pk, "html"])
    assert client.get(url).status_code == 403
    # A user without a role (e.g. a respondent's account, if ever) gets nothing.
    get_user_model().objects.create_user("nobody", password=PASSWORD)
    client.logout()
    signed_in(client, "nobody")
    assert client.get(reverse("backoffice:home")).status_code == 403


def test_sign_in_page_and_wrong_password(client, world):
    r = client.get(reverse("backoffice:login"))
    html = r.content.decode()
    assert r.status_code == 200 and 'autocomplete="current-password"' in html and '<html lang="fi">' in html
    r = client.post(reverse("backoffice:login"), {"username": ADMIN, "password": "väärä"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    r = client.post(reverse("backoffice:login"), {"username": ADMIN, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("backoffice:home")


def test_demo_users_one_of_each_role(world):
    roles = StaffRole.objects.values_list("role", flat=True)
    assert list(roles).count("admin") == 1 and list(roles).count("analyst") == 1
    coordinators = StaffRole.objects.filter(role="coordinator")
    assert coordinators.count() == District.objects.count() == 10
    assert set(coordinators.values_list("district__slug", flat=True)) == set(
        District.objects.values_list("slug", flat=True)
    )


def test_coordinator_sees_own_district_contacts_only(client, world):
    signed_in(client, COORD)
    html = client.get(reverse("backoffice:district", args=["uusimaa"])).content.decode()
    assert "Liisa Virtanen" in html and "Pekka Lappalainen" not in html
    html = client.get(reverse("backoffice:districts")).content.decode()
    assert "Uudenmaan piiri" in html and "Lapin piiri" not in html


def test_upload_a_questionnaire_with_problems_then_a_good_one(client, world, small):
    from tests.conftest import SMALL

    signed_in(client, ADMIN)
    url = reverse("backoffice:new_survey")
    bad = SMALL.replace("type: single_choice", "type: single_choise", 1)
    r = client.post(url, {"file": SimpleUploadedFile("pieni.yaml", bad.encode()), "slug": "pieni"})
    html = r.content.decode()
    assert r.status_code == 400 and "pieni.yaml:" in html and "single_choise" in html
    r = client.post(
        url,
        {
            "file": SimpleUploadedFile("pieni.yaml", SMALL.encode()),
            "slug": "pieni",
            "opens_at": "2026-01-10T08:00",
            "closes_at": "2026-01-05T08:00",
        },
    )
    assert r.status_code == 400 and "täytyy sulkeutua vasta avautumisen jälkeen" in r.content.decode()
    r = client.post(url, {"file": SimpleUploadedFile("pieni.yaml", SMALL.encode()), "slug": "pieni"})
    assert r.status_code == 302 and r["Location"] == reverse("backoffice:survey", args=["pieni"])
    # The window: close it now, and the respondent's page says so; open it again.
    assert client.post(reverse("backoffice:close", args=["pieni"])).status_code == 302
    assert client.get("/s/pieni/").status_code == 410
    assert client.post(reverse("backoffice:open", args=["pieni"])).status_code == 302
    assert client.get("/s/pieni/").status_code == 200
    html = client.get(reverse("backoffice:preview", args=["pieni"])).content.decode()
    assert "Pieni kysely" in html and 'class="preview"' in html and 'value="next"' not in html


def test_dashboard_filters_breakdown_suppression_and_csv(client, world):
    signed_in(client, ANALYST)
    url = reverse("backoffice:results", args=["mll-2024"])
    html = client.get(url).content.decode()
    assert "80 vastausta" in html
    assert "Suositteleminen" in html or "NPS" in html
    r = client.get(url, {"district": "uusimaa"})
    html = r.content.decode()
    n_uusimaa = district_count(Survey.objects.get(slug="mll-2024"), "uusimaa")
    assert f"{n_uusimaa} vastausta vastaa rajauksia" in html
    r = client.get(url, {"by": "district"})
    assert "Uudenmaan piiri" in r.content.decode() and "<caption>" in r.content.decode()
    # Organisation type crosses the districts: on 80 answers it is not published beside them.
    assert "Mitään ei näytetä" in client.get(url, {"org_type": "kunta"}).content.decode()
    # A filter that leaves fewer than k answers shows nothing.
    r = client.get(url, {"district": "kainuu"})
    kainuu = Response.objects.filter(district__slug="kainuu").count()
    assert kainuu < 5
    assert "Mitään ei näytetä" in r.content.decode() and f"{kainuu} vastaus" not in r.content.decode()
    # The CSV is the view: filtered figures, suppressed cells marked.
    body = client.get(url, {"district": "uusimaa", "by": "role", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["question", "row", "option", "group"]
    org_type = [r for r in rows[1:] if r and r[0] == "org_type" and r[3] == ""]
    assert sum(int(r[5]) for r in org_type) == n_uusimaa
    suppressed = rows[0].index("suppressed")
    assert rows[0][suppressed] == "suppressed"
    assert "filters: district=uusimaa" in body
    # Uusimaa by role: roles are not published on the demo, so no role group is shown.
    hidden = {r[3] for r in rows[1:] if len(r) > suppressed and r[suppressed] == "yes"}
    assert hidden and all(g.startswith("role=") for g in hidden)


def test_a_coordinator_sees_results_once_the_survey_has_closed(client, world):
    signed_in(client, COORD)
    url = reverse("backoffice:results", args=["mll-2024"])
    html = client.get(url).content.decode()
    assert "kun kysely on suljettu" in html and "80 vastausta" not in html
    assert "80" not in client.get(url, {"format": "csv"}).content.decode()
    survey = world["survey"]
    survey.closes_at = timezone.now() - timedelta(days=1)
    survey.save()
    html = client.get(url).content.decode()
    assert "80 vastausta" in html
    # Her own district, not another's; no breakdown by district.
    assert "Uudenmaan piiri" in html and "Lapin piiri" not in html
    assert 'value="district"' not in html
    html = client.get(url, {"district": "lappi"}).content.decode()
    assert "oman piirisi" in html and "80 vastausta" not in html


def test_dashboard_reflects_a_new_answer_on_reload(client, world):
    signed_in(client, ANALYST)
    url = reverse("backoffice:results", args=["mll-2024"])
    assert "80 " in client.get(url).content.decode()
    record = generate(seed=99).records[0]
    record = type(record)("uusi-1", None, record.answers)
    import_responses(world["survey"], [record], actor=ACTOR)
    assert "81 " in client.get(url).content.decode()


def test_coding_screen_assign_remove_quote_and_suggestions(client, world):
    signed_in(client, ANALYST)
    url = reverse("backoffice:coding_question", args=["mll-2024", "cooperation_wishes"])
    html = client.get(url).content.decode()
    assert "Alkuperäinen" in html
    response = Response.objects.filter(answers__has_key="cooperation_wishes").first()
    rid = response.public_id
    client.post(url, {"action": "assign", "response": rid, "code": "kriisit"})
    assert "kriisit" in coding.codes_of(world["survey"], "cooperation_wishes")[rid]
    client.post(url, {"action": "remove", "response": rid, "code": "kriisit"})
    assert "kriisit" not in coding.codes_of(world["survey"], "cooperation_wishes")[rid]
    client.post(url, {"action": "quote", "response": rid})
    assert QuoteSelection.objects.filter(response=response, question_id="cooperation_wishes").exists()
    client.post(url, {"action": "unquote", "response": rid})
    assert not QuoteSelection.objects.filter(response=response, question_id="cooperation_wishes").exists()
    r = client.post(url, {"action": "assign", "response": rid, "code": "ei-ole"}, follow=True)
    assert "ei-ole" in r.content.decode()  # the service's complaint is shown, nothing breaks
    # Suggestions on another question, accepted as a theme.
    url = reverse("backoffice:coding_question", args=["mll-2024", "development_ideas"])
    html = client.get(url, {"ehdotukset": "1"}).content.decode()
    assert 'name="member"' in html
    first = coding.suggestions(world["survey"], "development_ideas")[0]
    client.post(
        url,
        {
            "action": "accept",
            "code": "eka",
            "name": "Ensimmäinen",
            "keywords": "",
            "member": list(first.members),
        },
    )
    assert coding.codebook_of(world["survey"], "development_ideas").codes[0].id == "eka"
    assert client.get(reverse("backoffice:coding_question", args=["mll-2024", "org_type"])).status_code == 404


def test_reports_page_makes_files_to_download(client, world):
    signed_in(client, ANALYST)
    url = reverse("backoffice:reports", args=["mll-2024"])
    r = client.post(url, {"format": ["html", "pptx"]})
    assert r.status_code == 302
    job = Job.objects.get()
    assert job.kind == "report" and job.status == "done" and job.progress == 100 and job.attempts == 1
    html = client.get(url).content.decode()
    assert "mll-2024.pptx" in html and "mll-2024.html" in html
    r = client.get(reverse("backoffice:download", args=["mll-2024", job.pk, "pptx"]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "attachment" in r["Content-Disposition"]
    assert client.post(url, {}).status_code == 400


def test_language_switch(client, world):
    signed_in(client, ADMIN)
    r = client.post(reverse("set_language"), {"language": "sv", "next": reverse("backoffice:home")})
    assert r.status_code == 302
    html = client.get(reverse("backoffice:home")).content.decode()
    assert '<html lang="sv">' in html
