"""The respondent's pages, page by page through Django's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luotain.questionnaire import load_builtin
from luotain.web.audit.services import Actor
from luotain.web.collect.models import Draft, Response
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.models import Survey
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db


@pytest.fixture()
def registry_db():
    seed_registry()


@pytest.fixture()
def survey(registry_db, small):
    return create_survey(small, "pieni", actor=ACTOR)


def start(client, slug="pieni"):
    response = client.post(f"/s/{slug}/")
    assert response.status_code == 302
    return response["Location"]


def base_of(url: str) -> str:
    return url.rsplit("/", 2)[0] + "/"


def test_start_page_is_finnish_and_plain_html(client, survey):
    page = client.get("/s/pieni/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="fi">' in html
    assert "Pieni kysely" in html
    assert "<script" not in html
    assert "Aloita" in html


def test_answer_the_whole_survey_page_by_page(client, survey):
    first = start(client)
    base = base_of(first)
    assert first == base + "1/"

    page = client.get(first)
    html = page.content.decode()
    assert "<fieldset" in html and "<legend" in html
    assert 'for="q-org_type-kunta"' in html

    # Page 1: background.
    r = client.post(first, {"action": "next", "org_type": "kunta", "role": "johto"})
    assert r.status_code == 302 and r["Location"] == base + "2/"
    # Page 2: the organisation picker lists only municipalities once the type is known.
    html = client.get(base + "2/").content.decode()
    assert 'value="kunta:091"' in html and 'value="hva:05"' not in html
    r = client.post(base + "2/", {"action": "next", "organisation": "kunta:091"})
    assert r["Location"] == base + "3/"
    # Page 3 is shown to municipalities only.
    r = client.post(base + "3/", {"action": "next", "kunta_only": "12"})
    assert r["Location"] == base + "4/"
    html = client.get(base + "4/").content.decode()
    assert '<table class="matrix">' in html and '<th scope="row"' in html
    r = client.post(
        base + "4/",
        {
            "action": "next",
            "grid/a": "kunta",
            "grid/b": "molemmat",
            "forms": ["x", "muu"],
            "forms/other": "Yhteiset tapahtumat",
            "agree": "3",
            "recommend": "9",
            "comments": "Kiitos!",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("/kiitos/")
    thanks = client.get(r["Location"])
    assert thanks.status_code == 200
    stored = Response.objects.get()
    assert stored.answers == {
        "org_type": "kunta",
        "role": "johto",
        "organisation": "kunta:091",
        "kunta_only": 12,
        "grid/a": "kunta",
        "grid/b": "molemmat",
        "forms": ["x", "muu"],
        "forms/other": "Yhteiset tapahtumat",
        "agree": 3,
        "recommend": 9,
        "comments": "Kiitos!",
    }


def test_conditional_page_is_skipped(client, survey):
    base = base_of(start(client))
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    r = client.post(base + "2/", {"action": "next", "organisation": "hva:05"})
    assert r["Location"] == base + "4/"  # "Vain kunnille" is not shown
    assert client.get(base + "3/")["Location"] == base + "4/"
    html = client.get(base + "4/").content.decode()
    assert "Sivu 3 / 3" in html


def test_validation_errors_are_shown_beside_the_field_and_keep_what_was_typed(client, survey):
    base = base_of(start(client))
    r = client.post(base + "1/", {"action": "next", "role": "muu", "role/other": ""})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="error-summary"' in html
    assert 'id="q-org_type-error"' in html and 'id="q-role--other-error"' in html
    assert 'value="muu" checked' in html

    client.post(base + "1/", {"action": "next", "org_type": "kunta"})
    r = client.post(base + "2/", {"action": "next", "organisation": "hva:05"})  # a county, but type was kunta
    assert r.status_code == 200
    assert 'id="q-organisation-error"' in r.content.decode()
    client.post(base + "2/", {"action": "next", "organisation": "kunta:091"})
    r = client.post(base + "3/", {"action": "next", "kunta_only": "paljon"})
    html = r.content.decode()
    assert 'value="paljon"' in html and 'aria-invalid="true"' in html
    client.post(base + "3/", {"action": "next", "kunta_only": "3"})
    long_text = "x" * 201
    r = client.post(
        base + "4/", {"action": "next", "grid/a": "kunta", "recommend": "5", "comments": long_text}
    )
    html = r.content.decode()
    assert 'id="q-grid--b-error"' in html  # the unanswered required row
    assert long_text in html  # the too long text is kept for editing
    assert 'value="kunta" checked' in html
    assert Response.objects.count() == 0


def test_back_keeps_answers_and_resume_continues_from_the_same_link(client, survey):
    first = start(client)
    base = base_of(first)
    client.post(first, {"action": "next", "org_type": "kunta", "role": "johto"})
    r = client.post(base + "2/", {"action": "back", "organisation": "kunta:091"})
    assert r["Location"] == first
    assert 'value="kunta" checked' in client.get(first).content.decode()
    # Leave and come back: the survey link continues in the same browser ...
    assert client.get("/s/pieni/")["Location"] == base + "2/"
    # ... and the personal link continues in another browser.
    token = base.rstrip("/").rsplit("/", 1)[1]
    from django.test import Client

    other = Client()
    r = other.get(f"/s/pieni/v/{token}/")
    assert r["Location"] == base + "2/"
    assert 'value="kunta:091" selected' in other.get(base + "2/").content.decode()


def test_double_submit_stores_one_response(client, survey):
    base = base_of(start(client))
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    client.post(base + "2/", {"action": "next", "organisation": "hva:05"})
    final = {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "10"}
    first = client.post(base + "4/", final)
    second = client.post(base + "4/", final)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1
    from luotain.web.collect.services import submit_response

    draft = Draft.objects.get()
    assert submit_response(draft.pk).pk == Response.objects.get().pk
    assert Response.objects.count() == 1


def test_a_skipped_required_page_sends_the_respondent_back(client, survey):
    base = base_of(start(client))
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    # Jump straight to the last page without choosing the organisation.
    r = client.post(base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "10"})
    assert r["Location"] == base + "2/?incomplete=1"
    assert 'id="q-organisation-error"' in client.get(r["Location"]).content.decode()
    assert Response.objects.count() == 0
    # The last page's answers were kept for when the respondent comes back to it.
    draft = Draft.objects.get()
    assert (draft.answers["grid/a"], draft.answers["recommend"], draft.page) == ("kunta", 10, 4)
    assert draft.submitted_at is None


def test_unknown_closed_and_not_yet_open_surveys_get_clear_pages(client, survey, small):
    r = client.get("/s/ei-ole/")
    assert r.status_code == 404 and "<h1>" in r.content.decode()
    assert "Traceback" not in r.content.decode()
    r = client.get("/s/pieni/v/forged-token/1/")
    assert r.status_code == 404
    now = timezone.now()
    create_survey(small, "tuleva", opens_at=now + timedelta(days=3), actor=ACTOR)
    r = client.get("/s/tuleva/")
    assert r.status_code == 403
    assert client.post("/s/tuleva/").status_code == 403
    create_survey(
        small, "mennyt", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), actor=ACTOR
    )
    r = client.get("/s/mennyt/")
    assert r.status_code == 410
    assert Draft.objects.filter(survey__slug__in=["tuleva", "mennyt"]).count() == 0


def test_closing_stops_a_draft_after_the_grace_period(client, survey, settings):
    settings.LUOTAIN_CLOSING_GRACE_MINUTES = 60
    base = base_of(start(client))
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    # Within the grace period a draft begun before closing goes on; a new one cannot start.
    r = client.post(base + "1/", {"action": "next", "org_type": "kunta"})
    assert r.status_code == 302
    from django.test import Client

    assert Client().post("/s/pieni/").status_code == 410
    survey.closes_at = timezone.now() - timedelta(minutes=61)
    survey.save()
    r = client.post(base + "2/", {"action": "next", "organisation": "kunta:091"})
    assert r.status_code == 410
    assert Response.objects.count() == 0


def test_the_2024_survey_renders_every_page(client, registry_db):
    create_survey(load_builtin("mll-kumppanikysely-2024"), "mll-2024", actor=ACTOR)
    base = base_of(start(client, "mll-2024"))
    html = client.get(base + "1/").content.decode()
    assert "Organisaatio, jossa työskentelet" in html
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue", "role": "asiantuntija"})
    html = client.get(base + "2/").content.decode()
    assert html.count('<option value="hva:') == 22 and "kunta:" not in html
    for page in range(3, 9):
        r = client.get(f"{base}{page}/")
        assert r.status_code == 200, page
    html = client.get(base + "5/").content.decode()
    assert html.count('<th scope="row"') == 10  # the responsibility matrix
    html = client.get(base + "8/").content.decode()
    assert html.count('name="recommend"') == 11


def test_no_ip_address_is_stored():
    from django.apps import apps

    fields = [
        f.name
        for m in apps.get_models()
        if m._meta.app_label in ("collect", "surveys", "partners")
        for f in m._meta.fields
    ]
    assert not any(f == "ip" or "ip_" in f or "user_agent" in f for f in fields)


def test_swedish_pages_for_a_questionnaire_in_swedish(client, survey):
    html = client.get("/s/pieni/?lang=sv").content.decode()
    assert '<html lang="sv">' in html and "En liten enkät" in html and "Börja" in html
    first = start(client)
    html = client.get(first).content.decode()  # the language choice is remembered
    assert '<html lang="sv">' in html and "Sida 1 av 3" in html and "Nästa" in html
    # A language the questionnaire does not have falls back to its first language.
    from django.test import Client

    html = Client().get("/s/pieni/?lang=en").content.decode()
    assert '<html lang="fi">' in html


def test_organisation_names_in_swedish(client, survey):
    client.get("/s/pieni/?lang=sv")
    base = base_of(start(client))
    client.post(base + "1/", {"action": "next", "org_type": "kunta"})
    html = client.get(base + "2/").content.decode()
    assert ">Helsingfors</option>" in html and "Kommuner" in html


def test_a_huge_odd_answer_is_stored_as_text_and_shown_escaped(client, registry_db):
    """100,000 characters with tags, control characters and emoji: kept as typed, escaped on every page,
    and exported and read back unchanged; one character more is refused with the text kept."""
    import io

    from luotain.questionnaire import parse_questionnaire
    from luotain.responses import read_csv, write_csv
    from luotain.web.collect.services import response_records
    from tests.conftest import SMALL

    questionnaire = parse_questionnaire(SMALL.replace("max_length: 200", "max_length: 100000"), "big.yaml")
    survey = create_survey(questionnaire, "pieni", actor=ACTOR)
    head = '<script>alert(1)</script> <b>lihava</b> \x01\x07 😀 & "lainaus" '
    answer = (head + "sana " * 20_000)[:99_999] + "!"
    assert len(answer) == 100_000
    base = base_of(start(client))
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue"})
    client.post(base + "2/", {"action": "next", "organisation": "hva:05"})
    fields = {"grid/a": "kunta", "grid/b": "kunta", "recommend": "10"}

    too_long = client.post(base + "4/", {"action": "next", **fields, "comments": answer + "x"})
    assert too_long.status_code == 200
    html = too_long.content.decode()
    assert "100000" in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;lihava&lt;/b&gt;" in html  # what was typed is kept
    assert html.count("sana ") >= 19_000

    client.post(base + "4/", {"action": "back", **fields, "comments": answer})
    html = client.get(base + "4/").content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html and "<b>lihava" not in html
    assert "😀 &amp; &quot;lainaus&quot;" in html

    r = client.post(base + "4/", {"action": "next", **fields, "comments": answer})
    assert r.status_code == 302 and r["Location"].endswith("/kiitos/")
    stored = Response.objects.get()
    assert stored.answers["comments"] == answer

    out = io.StringIO()
    write_csv(questionnaire, response_records(survey), out)
    records = read_csv(questionnaire, io.StringIO(out.getvalue()))
    assert records[0].answers["comments"] == answer


def test_a_page_post_asks_the_registry_only_for_the_organisation_answered(
    client, survey, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luotain.web.collect.services import org_kind_lookup

    kind = org_kind_lookup()
    with django_assert_num_queries(1):
        assert kind("kunta:091") == "kunta"
        assert kind("kunta:091") == "kunta"  # asked once
    with django_assert_num_queries(1):
        assert kind("kunta:999") is None

    def registry_queries(url, data):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 302
        return [q["sql"] for q in queries.captured_queries if "partners_organisation" in q["sql"]]

    base = base_of(start(client))
    # A page without an organisation question does not read the registry at all ...
    assert registry_queries(base + "1/", {"action": "next", "org_type": "kunta", "role": "johto"}) == []
    # ... and one with it asks for the kind of the one organisation answered, not for the whole registry.
    (query,) = registry_queries(base + "2/", {"action": "next", "organisation": "kunta:091"})
    assert "kunta:091" in query


def test_a_surveys_questionnaire_is_parsed_once_and_never_from_other_json(survey, small):

    first = Survey.objects.get(pk=survey.pk).questionnaire
    assert Survey.objects.get(pk=survey.pk).questionnaire is first  # the next request's instance shares it
    # A definition that changes (it should not: it is frozen at creation) gives its own questionnaire.
    definition = {**survey.definition, "title": {"fi": "Toinen otsikko"}}
    Survey.objects.filter(pk=survey.pk).update(definition=definition)
    again = Survey.objects.get(pk=survey.pk).questionnaire
    assert again is not first and again.title.get("fi") == "Toinen otsikko"
    # Changing an instance's definition in place does not change what the cache compares with.
    changed = Survey.objects.get(pk=survey.pk)
    changed.definition["title"] = {"fi": "Kolmas"}
    assert changed.questionnaire.title.get("fi") == "Kolmas"
    assert Survey.objects.get(pk=survey.pk).questionnaire.title.get("fi") == "Toinen otsikko"
    # The respondent pages fetch the survey without its definition: the stored hash picks the parsed
    # questionnaire, and a definition saved anew (save() keeps the hash) is read and parsed again.
    Survey.objects.get(pk=survey.pk).save()  # save() keeps the hash; update() above went round it
    light = Survey.objects.defer("definition", "source")
    shared = light.get(pk=survey.pk).questionnaire
    assert light.get(pk=survey.pk).questionnaire is shared and shared.title.get("fi") == "Toinen otsikko"
    changed.save()
    assert light.get(pk=survey.pk).questionnaire.title.get("fi") == "Kolmas"


def test_the_respondent_pages_keep_no_session(client, survey):
    """The respondent pages run Django's whole middleware stack, but neither read nor write a session: their
    state is the answering link and a signed cookie, and no session row is made for a respondent."""
    from django.contrib.sessions.models import Session

    for response in (client.get("/s/pieni/"), client.post("/s/pieni/")):
        assert "sessionid" not in response.cookies
        assert response.wsgi_request.session.accessed is False
    assert Session.objects.count() == 0


def test_each_respondent_request_runs_its_few_statements(client, survey):
    """A whole answer, page by page, with the statements each request runs (Zulip's query-count tests, on the
    ORM code that production runs): the link's draft with its survey in one read, at most the registry's
    kind of the organisation answered, and one write; the submit in one transaction with the draft's row
    locked. A field left out of a read and then used would show here as a statement of its own."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(method, url, data=None):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {})
        statements = [re.sub(r"\s+", " ", q["sql"]) for q in queries.captured_queries]
        return response, statements

    def tables(statements):
        found = []
        for s in statements:
            match = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', s)
            found.append(match[1] if match else s.split()[0])
        return found

    client.get("/s/pieni/")  # a survey's first request in a process may read its definition (parsed once)
    r, done = run("get", "/s/pieni/")
    assert r.status_code == 200 and tables(done) == ["surveys_survey"], done
    r, done = run("post", "/s/pieni/")
    assert r.status_code == 302 and tables(done) == ["surveys_survey", "collect_draft"], done
    base = base_of(r["Location"])
    r, done = run("get", base + "1/")  # the first page shown: the draft marked opened
    assert r.status_code == 200, done
    assert tables(done) == ["collect_draft", "collect_draft", "distribution_invitation"], done
    pages = [
        ("1/", {"org_type": "kunta", "role": "johto"}, ["collect_draft", "collect_draft"]),
        ("2/", {"organisation": "kunta:091"}, ["collect_draft", "partners_organisation", "collect_draft"]),
        ("3/", {"kunta_only": "3"}, ["collect_draft", "collect_draft"]),
    ]
    for page, data, expected in pages:
        r, done = run("post", base + page, {"action": "next", **data})
        assert r.status_code == 302 and tables(done) == expected, (page, done)
    read, write = done
    assert '"definition"' not in read and '"source"' not in read  # the survey's heavy fields are left out
    assert write.startswith('UPDATE "collect_draft" SET "answers" =')
    r, done = run("get", base + "4/")
    assert r.status_code == 200 and tables(done) == ["collect_draft"], done
    r, done = run(
        "post", base + "4/", {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "8"}
    )
    assert r.status_code == 302 and r["Location"].endswith("/kiitos/")
    # The submit: the link's read, then in one transaction the draft read again with its row locked, the
    # organisation's kind checked again, the draft marked submitted and the response stored.
    transactional = [t for t in tables(done) if t not in ("SAVEPOINT", "RELEASE")]
    assert transactional == [
        "collect_draft",
        "collect_draft",
        "partners_organisation",
        "collect_draft",
        "collect_response",
    ], done
    if connection.features.has_select_for_update_of:  # PostgreSQL: the draft's row only, not the survey's
        locking = next(s for s in done if "FOR UPDATE" in s)
        assert locking.endswith('FOR UPDATE OF "collect_draft"'), locking
    r, done = run("get", r["Location"])
    assert r.status_code == 200 and tables(done) == ["collect_draft"], done
