"""Security: CSRF on every form, rate limits, secrets compared safely, uploads, escaping of everything
an author or a respondent typed in every output, spreadsheet-safe exports and the audit log
(docs/security.md)."""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook
from pypdf import PdfReader

from luotain.questionnaire import QuestionnaireError, parse_questionnaire
from luotain.report.make import default_spec, make_deck
from luotain.report.render import render
from luotain.responses import ResponseRecord, neutralise, read_csv, restore, to_csv_text, write_csv
from luotain.web.audit.models import AuditEvent
from luotain.web.audit.services import Actor
from luotain.web.collect.models import Draft, QuoteSelection, Response
from luotain.web.collect.services import find_link, hash_token, response_records, start_draft
from luotain.web.demo import demo_users
from luotain.web.distribution.models import Invitation
from luotain.web.distribution.services import token_for
from luotain.web.partners.contacts import ContactImportError, import_contacts
from luotain.web.partners.models import Contact, Organisation
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

ROOT = Path(__file__).resolve().parent.parent
GOOD_YAML = (
    b"id: uusi\ntitle: Uusi\nsections:\n  - id: s\n    title: S\n    questions:\n"
    b"      - {id: q, type: text, text: Q}\n"
)
PASSWORD = "salasana-testi-1"
SCRIPT = "<script>alert(1)</script>"


def payload(tag: str) -> str:
    """What a hostile author or respondent types: markup, template syntax and a spreadsheet formula."""
    return f'=HYPERLINK("http://evil","x") {SCRIPT} {{{{ 7*7 }}}} {{% debug %}} #{tag}'


# Every text field of a questionnaire carries the payload, tagged with where it is.
PAYLOAD_YAML = """
id: payload
title: {fi: 'P[title]', sv: 'P[title-sv]'}
languages: [fi, sv]
intro: 'P[intro]'
thanks: 'P[thanks]'
disclosure_threshold: 1
sections:
  - id: tausta
    title: 'P[s1-title]'
    description: 'P[s1-description]'
    questions:
      - id: org_type
        type: single_choice
        required: true
        text: 'P[q-org_type]'
        help: 'P[help-org_type]'
        options:
          - {id: hyvinvointialue, label: 'P[o-hyvinvointialue]'}
          - {id: kunta, label: 'P[o-kunta]'}
      - id: role
        type: single_choice
        text: 'P[q-role]'
        options:
          - {id: johto, label: 'P[o-johto]'}
          - {id: muu, label: 'P[o-muu]', other: true}
      - id: organisation
        type: organisation
        type_question: org_type
        text: 'P[q-organisation]'
        help: 'P[help-organisation]'
  - id: arviot
    title: 'P[s2-title]'
    description: 'P[s2-description]'
    questions:
      - id: grid
        type: matrix
        text: 'P[q-grid]'
        rows:
          - {id: a, text: 'P[row-a]'}
          - {id: b, text: 'P[row-b]'}
        options:
          - {id: kunta, label: 'P[o-grid-kunta]'}
          - {id: molemmat, label: 'P[o-grid-molemmat]'}
      - id: forms
        type: multiple_choice
        text: 'P[q-forms]'
        options:
          - {id: x, label: 'P[o-x]'}
          - {id: muu, label: 'P[o-forms-muu]', other: true}
      - id: agree
        type: rating
        text: 'P[q-agree]'
        points:
          - {value: 1, label: 'P[point-1]'}
          - {value: 2, label: 'P[point-2]'}
      - id: recommend
        type: recommendation
        text: 'P[q-recommend]'
        low_label: 'P[low]'
        high_label: 'P[high]'
      - id: clubs
        type: number
        text: 'P[q-clubs]'
        unit: 'P[unit]'
        minimum: -10
        maximum: 10
      - id: comments
        type: text
        long: true
        text: 'P[q-comments]'
        help: 'P[help-comments]'
"""
AUTHOR_TAGS = re.findall(r"P\[([^\]]+)\]", PAYLOAD_YAML)
ANSWER_TAGS = ("a-role-other", "a-forms-other", "a-comments")


def payload_questionnaire():
    text = re.sub(r"P\[([^\]]+)\]", lambda m: payload(m[1]), PAYLOAD_YAML)
    return parse_questionnaire(text, "payload.yaml")


def payload_answers() -> dict[str, object]:
    return {
        "org_type": "kunta",
        "role": "muu",
        "role/other": payload("a-role-other"),
        "organisation": "kunta:091",
        "grid/a": "kunta",
        "grid/b": "molemmat",
        "forms": ["x", "muu"],
        "forms/other": payload("a-forms-other"),
        "agree": 1,
        "recommend": 9,
        "clubs": -5,
        "comments": payload("a-comments"),
    }


def assert_markup_safe(markup: str, tags=(), where: str = "") -> None:
    """Nothing of the payload is live: no script element, no evaluated template, and each tagged payload is
    there as text exactly as it was typed."""
    assert SCRIPT not in markup and "<script" not in markup.lower(), where
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup, where
    shown = html.unescape(markup)
    assert "{{ 7*7 }} {% debug %}" in shown, where
    assert "</script> 49" not in shown and "sql_queries" not in shown, where
    for tag in tags:
        assert payload(tag) in shown, f"{where}: {tag} missing"


@pytest.fixture()
def staff(db, settings):
    settings.LUOTAIN_JOBS = "inline"
    seed_registry()
    demo_users(PASSWORD)
    return get_user_model()


def signed_in(username: str = "admin", **kwargs) -> Client:
    client = Client(**kwargs)
    assert client.login(username=username, password=PASSWORD)
    return client


# -- 1. CSRF -------------------------------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p.callback


def sample_path(route: str) -> str:
    """A path that the route matches (CSRF is checked before the view runs, so values need not exist)."""
    if route.startswith("^") or "(?P" in route:  # a regex route (the admin's): a plain sample of it
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "1" if "id" in m[1] else "x", route)
        route = route.replace("\\", "")
        return "/" + re.sub(r"[()?*+\[\]|]", "", route)
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m[1] in ("int", "path") else "x", route)


# Every view of ours, classified: those that change something on POST, and pages that only show.
POST_VIEWS = {
    "collect:home",
    "collect:district_home",
    "collect:page",
    "distribution:opt_out",
    "backoffice:login",
    "backoffice:logout",
    "backoffice:new_survey",
    "backoffice:window",
    "backoffice:open",
    "backoffice:close",
    "backoffice:coding_question",
    "backoffice:reports",
    "backoffice:invite",
    "set_language",
}
GET_VIEWS = {
    "root",
    "health",
    "collect:resume",
    "collect:thanks",
    "backoffice:home",
    "backoffice:survey",
    "backoffice:preview",
    "backoffice:results",
    "backoffice:coding",
    "backoffice:download",
    "backoffice:districts",
    "backoffice:district",
    "backoffice:jobs",
    "backoffice:audit",
}
CSRF_EXEMPT_ALLOWED: set[str] = set()  # none: every view that takes a POST checks its token


def our_patterns():
    return [(r, n, c) for r, n, c in walk(get_resolver().url_patterns) if not r.startswith("admin/")]


def test_every_view_is_classified_and_none_is_csrf_exempt():
    names = {n for _r, n, _c in our_patterns()}
    assert names - POST_VIEWS - GET_VIEWS == set(), "a new view: add it to POST_VIEWS or GET_VIEWS"
    assert (POST_VIEWS | GET_VIEWS) - names == set()
    exempt = {n for _r, n, c in walk(get_resolver().url_patterns) if getattr(c, "csrf_exempt", False)}
    assert exempt <= CSRF_EXEMPT_ALLOWED


@pytest.mark.django_db
def test_a_post_without_its_token_is_refused_everywhere(staff):
    """Every URL pattern, ours and the admin's, refuses a POST without a CSRF token with 403 and a plain
    page, whoever sends it."""
    admin = signed_in(enforce_csrf_checks=True)
    anonymous = Client(enforce_csrf_checks=True)
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 40
    for route, name, _callback in routes:
        path = sample_path(route)
        for client in (admin, anonymous):
            r = client.post(path, {"action": "next"})
            assert r.status_code == 403, f"{name} {path}: {r.status_code}"
            if name in POST_VIEWS:
                assert "Lomake on vanhentunut" in r.content.decode(), name


def csrf_client(path: str, username: str | None = None) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    if username:
        assert client.login(username=username, password=PASSWORD)
    client.get(path)
    if "csrftoken" not in client.cookies:  # a page without a form: take the token from one with a form
        client.get(reverse("backoffice:home") if username else reverse("backoffice:login"))
    return client, client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_every_form_works_with_its_token(staff, small):
    survey = create_survey(small, "pieni", actor=ACTOR)
    _draft, token = start_draft(survey)
    nonce = "a" * 32
    draft = Draft.objects.create(survey=survey, token_hash=hash_token(token_for(nonce)))
    helsinki = Organisation.objects.get(code="kunta:091")
    Invitation.objects.create(survey=survey, organisation=helsinki, draft=draft, nonce=nonce)
    cases = {
        "collect:home": (reverse("collect:home", args=["pieni"]), None, {}),
        "collect:district_home": (reverse("collect:district_home", args=["pieni", "uusimaa"]), None, {}),
        "collect:page": (
            reverse("collect:page", args=["pieni", token, 1]),
            None,
            {"action": "next", "org_type": "kunta"},
        ),
        "distribution:opt_out": (reverse("distribution:opt_out", args=["pieni", token_for(nonce)]), None, {}),
        "backoffice:login": (reverse("backoffice:login"), None, {"username": "admin", "password": PASSWORD}),
        "backoffice:logout": (reverse("backoffice:logout"), "admin", {}),
        "backoffice:new_survey": (
            reverse("backoffice:new_survey"),
            "admin",
            {"slug": "uusi", "file": SimpleUploadedFile("uusi.yaml", GOOD_YAML)},
        ),
        "backoffice:window": (reverse("backoffice:window", args=["pieni"]), "admin", {"opens_at": ""}),
        "backoffice:open": (reverse("backoffice:open", args=["pieni"]), "admin", {}),
        "backoffice:close": (reverse("backoffice:close", args=["pieni"]), "admin", {}),
        "backoffice:coding_question": (
            reverse("backoffice:coding_question", args=["pieni", "comments"]),
            "analyytikko",
            {"action": "rename", "code": "x", "name": ""},
        ),
        "backoffice:reports": (reverse("backoffice:reports", args=["pieni"]), "analyytikko", {"format": "x"}),
        "backoffice:invite": (reverse("backoffice:invite", args=["uusimaa", "pieni"]), "admin", {}),
        "set_language": (reverse("set_language"), None, {"language": "sv", "next": "/hallinta/"}),
    }
    assert set(cases) == POST_VIEWS
    for name, (path, user, data) in cases.items():
        client, csrf = csrf_client(path if "logout" not in name else reverse("backoffice:home"), user)
        r = client.post(path, {**data, "csrfmiddlewaretoken": csrf})
        assert r.status_code not in (403, 404, 405, 500), f"{name}: {r.status_code}"
        r = Client(enforce_csrf_checks=True).post(path, data)
        assert r.status_code == 403, name


# -- 2. Rate limits ------------------------------------------------------------------------------------------


def sign_in_post(client: Client, username: str, password: str):
    return client.post(reverse("backoffice:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_sign_in_is_limited_per_user_name_with_a_clear_finnish_page(staff, settings):
    settings.LUOTAIN_RATE_SIGNIN_USER = "3/15min"
    client = Client()
    for _ in range(3):
        r = sign_in_post(client, "admin", "väärin")
        assert r.status_code == 200 and "login-error" in r.content.decode()
    r = sign_in_post(client, "admin", PASSWORD)  # even the right password waits now
    assert r.status_code == 429
    page = r.content.decode()
    assert "Liian monta yritystä" in page and "minuutin" in page and '<html lang="fi">' in page
    assert 0 < int(r["Retry-After"]) <= 15 * 60
    assert "Content-Security-Policy" in r
    # Another user is not held up by the failures of the first, and a success does not count.
    assert sign_in_post(Client(), "analyytikko", PASSWORD).status_code == 302
    cache.clear()
    assert sign_in_post(client, "admin", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sign_in_is_limited_per_client_and_the_counters_hold_no_address_or_name(staff, settings):
    settings.LUOTAIN_RATE_SIGNIN_CLIENT = "4/15min"
    client = Client(REMOTE_ADDR="192.0.2.77")
    for i in range(4):
        assert sign_in_post(client, f"arvaus-{i}", "x").status_code == 200
    assert sign_in_post(client, "admin", PASSWORD).status_code == 429
    assert sign_in_post(Client(REMOTE_ADDR="192.0.2.78"), "admin", PASSWORD).status_code == 302
    keys = " ".join(str(k) for k in cache._cache)  # the local-memory cache's keys
    assert keys and "192.0.2" not in keys and "arvaus" not in keys and "admin" not in keys
    assert all(k.count(":") >= 4 for k in cache._cache)


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_counted(staff, settings):
    settings.LUOTAIN_RATE_SIGNIN_CLIENT = "2/15min"
    settings.LUOTAIN_TRUSTED_PROXIES = 1
    for _ in range(2):
        sign_in_post(Client(HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1"), "x", "x")
    assert sign_in_post(Client(HTTP_X_FORWARDED_FOR="198.51.100.1"), "x", "x").status_code == 429
    assert sign_in_post(Client(HTTP_X_FORWARDED_FOR="198.51.100.2"), "x", "x").status_code == 200


@pytest.mark.django_db
def test_starting_and_sending_pages_are_limited(staff, small, settings):
    settings.LUOTAIN_RATE_START_CLIENT = "2/min"
    settings.LUOTAIN_RATE_PAGE_LINK = "3/min"
    create_survey(small, "pieni", actor=ACTOR)
    client = Client()
    first = client.post("/s/pieni/")
    assert first.status_code == 302
    assert Client().post("/s/pieni/").status_code == 302
    r = Client().post("/s/pieni/")
    assert r.status_code == 429 and "Liian monta yritystä" in r.content.decode() and r["Retry-After"]
    assert Draft.objects.count() == 2  # the refused start made no draft
    assert Client().get("/s/pieni/").status_code == 200  # reading is not limited
    page = first["Location"]
    for _ in range(3):
        assert client.post(page, {"action": "next"}).status_code in (200, 302)
    r = client.post(page, {"action": "next", "org_type": "kunta"})
    assert r.status_code == 429 and int(r["Retry-After"]) <= 60
    assert client.get(page).status_code == 200
    # The limit is per answering link: another respondent from the same place goes on.
    _draft, token = start_draft(Draft.objects.first().survey)
    assert client.post(f"/s/pieni/v/{token}/1/", {"action": "next"}).status_code in (200, 302)


@pytest.mark.django_db
def test_a_swedish_respondent_gets_the_limit_page_in_swedish(staff, small, settings):
    settings.LUOTAIN_RATE_START_CLIENT = "1/min"
    create_survey(small, "pieni", actor=ACTOR)
    client = Client()
    client.get("/s/pieni/?lang=sv")
    client.post("/s/pieni/")
    client.cookies.pop("luotain-1", None)
    for name in list(client.cookies):
        if name.startswith("luotain-") and name != "luotain-lang":
            client.cookies.pop(name)
    r = client.post("/s/pieni/")
    assert r.status_code == 429 and "För många försök" in r.content.decode()


@pytest.mark.django_db
def test_limits_fail_open_when_the_cache_is_down_and_can_be_turned_off(staff, small, settings, monkeypatch):
    settings.LUOTAIN_RATE_START_CLIENT = "1/min"
    create_survey(small, "pieni", actor=ACTOR)

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "add", down)
    monkeypatch.setattr(cache, "incr", down)
    for _ in range(3):
        assert Client().post("/s/pieni/").status_code == 302
    monkeypatch.undo()
    settings.LUOTAIN_RATE_LIMITS = False
    for _ in range(3):
        assert Client().post("/s/pieni/").status_code == 302


def test_a_limit_counts_every_try_and_keeps_nothing_readable(settings):
    from luotain.web import security

    cache.clear()
    settings.LUOTAIN_RATE_TEST = "2/min"
    settings.LUOTAIN_RATE_LIMITS = True
    check = [("testi", "198.51.100.7", "LUOTAIN_RATE_TEST")]
    if time.time() % 60 > 57:  # the counters are per minute: start well inside one
        time.sleep(4)
    window = int(time.time() // 60)
    assert security.hit(check) is None and security.hit(check) is None
    third = security.hit(check)
    assert third is not None and 1 <= third <= 60
    assert security.hit(check) is not None
    assert cache.get(security._key("testi", "198.51.100.7", window)) == 4  # the refused tries counted too
    assert security.hit([("testi", "198.51.100.8", "LUOTAIN_RATE_TEST")]) is None  # another client
    keys = list(cache._cache)  # locmem: the keys as stored
    assert keys and not any("198.51.100" in k for k in keys)
    settings.LUOTAIN_RATE_LIMITS = False
    assert security.hit(check) is None


def test_rates_are_read_clearly():
    from luotain.web.security import Rate

    assert Rate.parse("10/15min") == Rate(10, 900)
    assert Rate.parse("60/min") == Rate(60, 60)
    assert Rate.parse("1000 / h") == Rate(1000, 3600)
    with pytest.raises(ValueError, match="not a rate"):
        Rate.parse("lots")


def test_the_cache_comes_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "LUOTAIN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "luotain.web.settings"}
    for url, backend in (("redis://127.0.0.1:6379/1", "redis.RedisCache"), ("", "locmem.LocMemCache")):
        out = subprocess.run(  # noqa: S603 - our own settings
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env={**env, "LUOTAIN_CACHE_URL": url} if url else env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip().endswith(backend)


# -- 3. Secrets compared in constant time --------------------------------------------------------------------

SECRET_NAME = re.compile(r"token|secret|digest|signature|nonce|password|hmac|hash", re.IGNORECASE)


def secret_comparisons(code: str) -> list[str]:
    """Comparisons with == or != of two values, at least one with a secret-looking name. Comparing with a
    constant (a parser's token kind) or comparing lengths is not comparing secrets."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Compare) or not any(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            continue
        sides = [node.left, *node.comparators]
        if any(isinstance(side, ast.Constant) for side in sides):
            continue
        sides = [s for s in sides if not (isinstance(s, ast.Call) and ast.unparse(s.func) == "len")]
        for side in sides:
            names = [n.id for n in ast.walk(side) if isinstance(n, ast.Name)]
            names += [n.attr for n in ast.walk(side) if isinstance(n, ast.Attribute)]
            if any(SECRET_NAME.search(name) for name in names):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
                break
    return found


def test_no_secret_is_compared_with_equals_in_python():
    """A secret compared with == can leak through timing: every comparison of secrets must go through
    hmac.compare_digest. Lookups by a hash in the database are fine (they compare hashes of the secrets in the
    database, not the secrets in Python)."""
    assert secret_comparisons("if request.GET['t'] == invitation.token: pass")
    assert secret_comparisons("ok = expected_digest != given")
    assert not secret_comparisons("ok = hmac.compare_digest(expected_digest, given)")
    assert not secret_comparisons("if token.kind == 'str' or end != len(tokens): pass")
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in (ROOT / "src" / "luotain").rglob("*.py")
        for line in secret_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_drafts_and_invitations_are_found_by_the_tokens_hash_only(small):
    seed_registry()
    survey = create_survey(small, "pieni", actor=ACTOR)
    draft, token = start_draft(survey)
    with CaptureQueriesContext(connection) as queries:
        assert find_link(survey.slug, token) == draft
        assert find_link(survey.slug, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert token not in sql and hash_token(token) in sql
    assert Draft._meta.get_field("token_hash") and not any(
        f.name == "token" for f in Draft._meta.get_fields()
    )


# -- 4. Uploads ----------------------------------------------------------------------------------------------


def upload_questionnaire(client: Client, name: str, content: bytes, slug: str = "uusi"):
    return client.post(
        reverse("backoffice:new_survey"), {"slug": slug, "file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.django_db
def test_a_questionnaire_upload_must_be_small_yaml_text(staff):
    client = signed_in()
    r = upload_questionnaire(client, "kysely.xlsx", GOOD_YAML)
    assert r.status_code == 400 and "(.yaml tai .yml)" in r.content.decode()
    r = upload_questionnaire(client, "kysely.yaml", b"PK\x03\x04" + b"\x00" * 100)
    assert r.status_code == 400 and "ei ole tekstiä" in r.content.decode()
    r = upload_questionnaire(client, "kysely.yaml", b"# " + b"x" * 2_100_000)
    assert r.status_code == 400 and "enintään 2 Mt" in r.content.decode()
    r = upload_questionnaire(client, "kysely.yml", GOOD_YAML)
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="survey_created", target="uusi").exists()


@pytest.mark.django_db
def test_a_questionnaire_cannot_make_objects_or_expand_without_end(staff, tmp_path):
    client = signed_in()
    pwned = tmp_path / "pwned"
    hostile = f"!!python/object/apply:os.system ['touch {pwned}']\n".encode()
    r = upload_questionnaire(client, "kysely.yaml", hostile)
    assert r.status_code == 400 and not pwned.exists()
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    started = time.perf_counter()
    r = upload_questionnaire(client, "kysely.yaml", laughs.encode())
    assert r.status_code == 400 and "YAML aliases" in r.content.decode()
    assert time.perf_counter() - started < 5
    with pytest.raises(QuestionnaireError, match="refers to itself"):
        parse_questionnaire("a: &a [*a]\n")
    with pytest.raises(QuestionnaireError, match="nested too deeply"):
        parse_questionnaire("[" * 5000 + "]" * 5000)


@pytest.mark.django_db
def test_a_request_over_the_size_limit_is_refused_before_it_is_read(staff, settings):
    settings.LUOTAIN_MAX_REQUEST_BYTES = 1000
    r = Client().post("/s/pieni/", {"x": "y" * 2000})
    assert r.status_code == 413 and "Liikaa tietoa" in r.content.decode()


def xlsx_with(tmp_path: Path, name: str, rows, replace: dict[str, bytes] | None = None, extra=None) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item, (replace or {}).get(item.filename, source.read(item.filename)))
        for entry, data in (extra or {}).items():
            target.writestr(entry, data)
    return path


HEADER = ["name", "email", "organisation", "role", "language"]
ROW = ["Liisa Virtanen", "liisa@example.fi", "kunta:091", "rehtori", "fi"]


@pytest.mark.django_db
def test_contacts_only_from_csv_or_plain_xlsx(tmp_path):
    seed_registry()
    macro = xlsx_with(tmp_path, "c.xlsm", [HEADER, ROW])
    with pytest.raises(ContactImportError, match=r"not a \.csv or \.xlsx"):
        import_contacts(macro, actor=ACTOR)
    hidden = xlsx_with(tmp_path, "c.xlsx", [HEADER, ROW], extra={"xl/vbaProject.bin": b"\x00macro"})
    with pytest.raises(ContactImportError, match="has macros"):
        import_contacts(hidden, actor=ACTOR)
    (tmp_path / "fake.xlsx").write_bytes(b"name,email\n")
    with pytest.raises(ContactImportError, match="not an XLSX workbook"):
        import_contacts(tmp_path / "fake.xlsx", actor=ACTOR)
    (tmp_path / "latin.csv").write_bytes(
        "name,email,organisation\nÄäni,a@example.fi,kunta:091\n".encode("latin-1")
    )
    with pytest.raises(ContactImportError, match="not UTF-8"):
        import_contacts(tmp_path / "latin.csv", actor=ACTOR)
    assert Contact.objects.count() == 0
    assert import_contacts(xlsx_with(tmp_path, "ok.xlsx", [HEADER, ROW]), actor=ACTOR).created == 1


LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c>
<c r="C1" t="inlineStr"><is><t>organisation</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;&xxe;</t></is></c>
<c r="B2" t="inlineStr"><is><t>a@example.fi</t></is></c>
<c r="C2" t="inlineStr"><is><t>kunta:091</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.django_db
def test_an_xlsx_with_entity_expansion_is_refused_quickly(tmp_path):
    seed_registry()
    bomb = xlsx_with(tmp_path, "bomb.xlsx", [HEADER], replace={"xl/worksheets/sheet1.xml": LAUGHS})
    started = time.perf_counter()
    with pytest.raises(ContactImportError, match="declares entities or a DTD, which are not read"):
        import_contacts(bomb, actor=ACTOR)
    assert time.perf_counter() - started < 5 and Contact.objects.count() == 0


@pytest.mark.django_db
def test_a_formula_in_a_contact_sheet_is_never_evaluated(tmp_path):
    seed_registry()
    path = xlsx_with(tmp_path, "f.xlsx", [HEADER, ["=A1&B1", "liisa@example.fi", "kunta:091", "", "fi"]])
    with pytest.raises(ContactImportError, match="line 2: a formula in name"):
        import_contacts(path, actor=ACTOR)
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_the_import_commands_refuse_files_over_their_limits(tmp_path, small, monkeypatch, capsys):
    from luotain import cli
    from luotain.responses import table
    from luotain.web.partners import contacts

    seed_registry()
    create_survey(small, "pieni", actor=ACTOR)
    path = tmp_path / "r.csv"
    path.write_text(to_csv_text(small, []), encoding="utf-8")
    monkeypatch.setattr(table, "MAX_IMPORT_BYTES", 10)
    assert cli.main(["import-responses", str(path), "--survey", "pieni"]) == 2
    assert "at most" in capsys.readouterr().err
    monkeypatch.setattr(contacts, "MAX_BYTES", 10)
    (tmp_path / "c.csv").write_text("name,email,organisation\n" + "x,x@example.fi,kunta:091\n" * 3)
    assert cli.main(["contacts", "import", str(tmp_path / "c.csv")]) == 2
    assert "is over" in capsys.readouterr().err


# -- 5. Payloads in every text field, checked in every output ------------------------------------------------


@pytest.fixture()
def hostile(staff):
    """A survey whose every text is hostile, answered once through the pages with hostile answers, and a
    contact with a hostile name."""
    questionnaire = payload_questionnaire()
    survey = create_survey(questionnaire, "vaarallinen", actor=ACTOR)
    helsinki = Organisation.objects.get(code="kunta:091")
    Contact.objects.create(
        name=payload("contact-name"),
        email="c@example.fi",
        organisation=helsinki,
        role=payload("contact-role"),
    )
    return survey


@pytest.mark.django_db
def test_payloads_on_the_respondent_pages(hostile):
    client = Client()
    start = client.get("/s/vaarallinen/")
    assert_markup_safe(start.content.decode(), ["title", "intro"], "start page")
    assert_markup_safe(client.get("/s/vaarallinen/?lang=sv").content.decode(), ["title-sv"], "start page sv")
    client.get("/s/vaarallinen/?lang=fi")
    first = client.post("/s/vaarallinen/")["Location"]
    base = first.rsplit("/", 2)[0]
    page1 = client.get(first).content.decode()
    tags1 = [
        "title",
        "s1-title",
        "s1-description",
        "q-org_type",
        "help-org_type",
        "o-hyvinvointialue",
        "o-kunta",
    ]
    tags1 += ["q-role", "o-johto", "o-muu", "q-organisation", "help-organisation"]
    assert_markup_safe(page1, tags1, "page 1")
    answers = payload_answers()
    # What was typed comes back escaped beside an error (the organisation is missing).
    r = client.post(
        first, {"action": "next", "org_type": "kunta", "role": "muu", "role/other": answers["role/other"]}
    )
    if r.status_code == 200:
        assert_markup_safe(r.content.decode(), ["a-role-other"], "page 1 with an error")
    r = client.post(
        first,
        {
            "action": "next",
            "org_type": "kunta",
            "role": "muu",
            "role/other": answers["role/other"],
            "organisation": "kunta:091",
        },
    )
    assert r.status_code == 302
    second = r["Location"]
    page2 = client.get(second).content.decode()
    tags2 = ["s2-title", "s2-description", "q-grid", "row-a", "row-b", "o-grid-kunta", "o-grid-molemmat"]
    tags2 += ["q-forms", "o-x", "o-forms-muu", "q-agree", "point-1", "point-2", "q-recommend", "low", "high"]
    tags2 += ["q-clubs", "unit", "q-comments", "help-comments"]
    assert_markup_safe(page2, tags2, "page 2")
    data = {
        "action": "next",
        "grid/a": "kunta",
        "grid/b": "molemmat",
        "forms": ["x", "muu"],
        "forms/other": answers["forms/other"],
        "agree": "1",
        "recommend": "9",
        "clubs": "-5",
        "comments": answers["comments"],
    }
    r = client.post(second, {**data, "action": "back"})
    page2_again = client.get(second).content.decode()
    assert_markup_safe(page2_again, ["a-forms-other", "a-comments"], "page 2 with saved answers")
    r = client.post(second, data)
    assert r.status_code == 302 and r["Location"].endswith("/kiitos/"), base
    assert_markup_safe(client.get(r["Location"]).content.decode(), ["thanks"], "thank-you page")
    stored = Response.objects.get(survey=hostile).answers
    assert stored["comments"] == answers["comments"] and stored["clubs"] == -5


def answered(survey) -> Response:
    from luotain.web.collect.services import import_responses

    import_responses(survey, [ResponseRecord("r1", None, payload_answers())], actor=ACTOR)
    response = Response.objects.get(survey=survey)
    QuoteSelection.objects.create(response=response, question_id="comments")
    return response


@pytest.mark.django_db
def test_payloads_on_the_back_office_pages(hostile):
    answered(hostile)
    client = signed_in()
    every_question = [t for t in AUTHOR_TAGS if t.startswith(("q-", "o-", "row-", "point-"))]
    pages = {
        reverse("backoffice:home"): ["title"],
        reverse("backoffice:survey", args=["vaarallinen"]): ["title"],
        reverse("backoffice:preview", args=["vaarallinen"]): [
            t for t in AUTHOR_TAGS if t not in ("title-sv", "intro", "thanks")
        ],
        reverse("backoffice:preview", args=["vaarallinen"]) + "?lang=sv": ["title-sv"],
        reverse("backoffice:results", args=["vaarallinen"]): [
            t for t in every_question if t != "q-organisation"
        ],
        reverse("backoffice:results", args=["vaarallinen"]) + "?by=role": ["o-johto", "o-muu"],
        reverse("backoffice:coding", args=["vaarallinen"]): ["q-comments"],
        reverse("backoffice:coding_question", args=["vaarallinen", "comments"]): ["q-comments", "a-comments"],
        reverse("backoffice:coding_question", args=["vaarallinen", "comments"]) + "?ehdotukset=1": [
            "a-comments"
        ],
        reverse("backoffice:district", args=["uusimaa"]): ["contact-name", "contact-role"],
        reverse("backoffice:audit"): [],
    }
    for url, tags in pages.items():
        r = client.get(url)
        assert r.status_code == 200, url
        markup = r.content.decode()
        if tags:
            assert_markup_safe(markup, tags, url)
        else:
            assert SCRIPT not in markup
    # The dashboard's CSV has identifiers and figures only, nothing a spreadsheet would run.
    body = client.get(reverse("backoffice:results", args=["vaarallinen"]) + "?format=csv&by=role").content
    assert_spreadsheet_safe(body.decode())


def assert_spreadsheet_safe(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _is_number(cell)):
                pytest.fail(f"a cell a spreadsheet would take for a formula: {cell!r}")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.django_db
def test_payloads_in_the_deck_the_table_report_and_the_exports(hostile):
    from luotain.questionnaire import Text
    from luotain.report import spec as s

    answered(hostile)
    questionnaire = hostile.questionnaire
    records = response_records(hostile)
    quotes = s.Section(
        title=Text(fi="Lainaukset"), slides=[s.QuotesSlide(kind="quotes", question="comments")]
    )
    base = default_spec(questionnaire)
    spec = base.model_copy(update={"sections": [*base.sections, quotes]})
    deck = make_deck(questionnaire, records, spec, quote_flags=[("comments", "r1")])
    chart_tags = ["title", "q-org_type", "o-kunta", "q-grid", "row-a", "o-grid-kunta", "point-1", "s2-title"]

    deck_html = render(deck, "html").decode()
    assert_markup_safe(deck_html, chart_tags, "deck html")
    assert "{{ 7*7 }}" in html.unescape(deck_html)

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(deck, "pdf"))).pages)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", f"{SCRIPT} {{{{ 7*7 }}}} {{% debug %}}") in flat  # as text, not run
    assert "</script>49" not in flat

    package = zipfile.ZipFile(io.BytesIO(render(deck, "pptx")))
    runs = []
    for name in package.namelist():
        data = package.read(name)
        if name.endswith(".xml") or name.endswith(".rels"):
            root = ElementTree.fromstring(data)  # noqa: S314 - our own output; well-formed: the text was escaped
            runs += [t.text or "" for t in root.iter() if t.tag.endswith("}t")]
            assert b"<script" not in data and b"hlinkClick" not in data, name
        if name.endswith(".xlsx"):  # a chart's embedded workbook: labels are text, never formulas or links
            book = zipfile.ZipFile(io.BytesIO(data))
            sheets = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
            assert b"<f>" not in sheets and b"<f " not in sheets and b"hyperlink" not in sheets, name
    joined = "\n".join(runs)
    assert payload("title") in joined and payload("a-comments").split(" #")[0] in joined

    table = render(deck, "table").decode()
    assert_markup_safe(table, ["title", "s1-title", "q-org_type", "o-kunta", "row-a"], "table report")

    exported = to_csv_text(questionnaire, records)
    assert_spreadsheet_safe(exported)
    row = next(r for r in csv.DictReader(io.StringIO(exported)))
    assert row["comments"] == "'" + payload("a-comments") and row["clubs"] == "-5"
    assert read_csv(questionnaire, io.StringIO(exported))[0].answers == records[0].answers


def test_report_templates_escape_and_author_text_is_never_a_template():
    from luotain.report.render import html as deck_html
    from luotain.report.render import table

    for module in (table, deck_html):
        env = module._environment()
        assert env.autoescape(None) is True and env.autoescape("x.html.j2") is True
    for path in (ROOT / "src" / "luotain").rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        if "jinja2" not in code:
            continue
        for call in re.findall(r"from_string\(([^)]*)\)", code):
            assert call.strip() == "source", f"{path}: from_string({call})"  # only our template files


# -- 6. Spreadsheet-safe exports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+358 40", "'+358 40"),
        ("-ei", "'-ei"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),
        ("''", "'''"),
        ("'tavallinen'", "'tavallinen'"),
        ("tavallinen", "tavallinen"),
        ("", ""),
    ],
)
def test_cells_are_neutralised_and_restored_exactly(text, cell):
    assert neutralise(text) == cell and restore(cell) == text


risky = st.tuples(
    st.sampled_from(["", "=", "+", "-", "@", "'", "''", "'=", "'-"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=20),
).map(lambda p: (p[0] + p[1]).strip())


@hsettings(max_examples=100, deadline=None)
@given(comment=risky, other=risky)
def test_export_then_import_gives_back_every_text(small, comment, other):
    answers = {"recommend": 5, "role": "muu"}
    if comment:
        answers["comments"] = comment
    if other:
        answers["role/other"] = other
    buf = io.StringIO()
    write_csv(small, [ResponseRecord("=id", None, answers)], buf)
    assert_spreadsheet_safe(buf.getvalue())
    back = read_csv(small, io.StringIO(buf.getvalue()))[0]
    assert back.answers == answers and back.response_id == "=id"


def test_the_analysis_reads_an_export_as_the_import_does(small, tmp_path):
    from luotain.analysis import ResponseFrame

    answers = {"recommend": 5, "comments": "=HYPERLINK(1)", "role": "muu", "role/other": "-muu"}
    path = tmp_path / "r.csv"
    path.write_text(to_csv_text(small, [ResponseRecord("r1", None, answers)]), encoding="utf-8")
    frame = ResponseFrame.from_csv(small, path)
    assert frame.df["comments"].to_list() == ["=HYPERLINK(1)"]
    assert frame.df["role/other"].to_list() == ["-muu"]


# -- 7. Audit log --------------------------------------------------------------------------------------------


def events(action: str):
    return list(AuditEvent.objects.filter(action=action))


@pytest.mark.django_db
def test_sign_in_out_and_failures_are_logged_without_addresses(staff):
    client = Client()
    sign_in_post(client, "admin", PASSWORD)
    client.post(reverse("backoffice:logout"))
    sign_in_post(client, "admin", "väärin")
    sign_in_post(client, "ei-ketään", "salasana-väärässä-kentässä")
    assert [e.username for e in events("sign_in")] == ["admin"]
    assert [e.username for e in events("sign_out")] == ["admin"]
    assert sorted(e.username for e in events("sign_in_failed")) == ["", "admin"]  # an unknown name: not kept
    fields = {f.name for f in AuditEvent._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "address", "user_agent", "remote_addr"}
    assert "salasana" not in str(list(AuditEvent.objects.values()))


@pytest.mark.django_db
def test_every_staff_action_writes_an_event(staff, small, mailoutbox):
    survey = create_survey(small, "pieni", actor=ACTOR)
    helsinki = Organisation.objects.get(code="kunta:091")
    Contact.objects.create(name="Liisa", email="liisa@example.fi", organisation=helsinki)
    from luotain.web.collect.services import import_responses

    import_responses(
        survey,
        [
            ResponseRecord(
                f"r{i}", None, {"org_type": "kunta", "recommend": 9, "comments": "kerhot ja tilat"}
            )
            for i in range(6)
        ],
        actor=ACTOR,
    )
    admin = signed_in()
    analyst = signed_in("analyytikko")
    AuditEvent.objects.all().delete()

    admin.post(
        reverse("backoffice:new_survey"), {"slug": "uusi", "file": SimpleUploadedFile("u.yaml", GOOD_YAML)}
    )
    admin.post(reverse("backoffice:window", args=["uusi"]), {"opens_at": "2030-01-01T10:00", "closes_at": ""})
    admin.post(reverse("backoffice:open", args=["pieni"]))
    analyst.get(reverse("backoffice:results", args=["pieni"]) + "?format=csv&org_type=kunta&by=role")
    analyst.get(reverse("backoffice:results", args=["pieni"]) + "?district=uusimaa")
    analyst.post(reverse("backoffice:reports", args=["pieni"]), {"format": "table"})
    from luotain.web.backoffice.models import ReportFile

    file = ReportFile.objects.get(job__survey=survey, format="table")
    analyst.get(reverse("backoffice:download", args=["pieni", file.job_id, "table"]))
    coding = reverse("backoffice:coding_question", args=["pieni", "comments"])
    analyst.post(coding, {"action": "new_code", "code": "tilat", "name": "Tilat", "keywords": "tila"})
    analyst.post(coding, {"action": "assign", "response": "r1", "code": "tilat"})
    analyst.post(coding, {"action": "quote", "response": "r1"})
    analyst.post(coding, {"action": "rename", "code": "tilat", "name": "Tilat ja paikat"})
    admin.post(reverse("backoffice:invite", args=["uusimaa", "pieni"]))
    admin.post(reverse("backoffice:close", args=["pieni"]))

    got = {(e.action, e.username, e.target): e.detail for e in AuditEvent.objects.exclude(action="sign_in")}
    assert got[("survey_created", "admin", "uusi")] == {"file": "u.yaml"}
    assert got[("window_changed", "admin", "uusi")]["opens_at"].startswith("2030-01-01T")
    assert ("survey_opened", "admin", "pieni") in got
    assert got[("results_downloaded", "analyytikko", "pieni")] == {
        "filters": {"org_type": ["kunta"]},
        "by": "role",
        "compare": "",
        "shown": True,
    }
    # A look at the page is recorded too, with what it asked for.
    assert got[("results_viewed", "analyytikko", "pieni")]["filters"] == {"district": ["uusimaa"]}
    assert got[("report_requested", "analyytikko", "pieni")] == {"formats": ["table"]}
    assert got[("report_downloaded", "analyytikko", "pieni")]["format"] == "table"
    changes = [
        e.detail["change"] for e in AuditEvent.objects.filter(action="coding_changed").order_by("at", "id")
    ]
    assert changes == ["new_code", "assign", "quote", "rename"]
    assert AuditEvent.objects.filter(action="coding_changed", detail__response="r1").count() == 2
    assert got[("invitations_sent", "admin", "pieni")] == {
        "district": "uusimaa",
        "sent": 1,
        "failed": 0,
        "skipped": 0,
    }
    assert ("survey_closed", "admin", "pieni") in got


@pytest.mark.django_db
def test_the_log_is_for_administrators_and_read_only_in_the_admin(staff):
    from django.contrib import admin as django_admin

    signed_in()  # writes a sign-in event
    assert signed_in("analyytikko").get(reverse("backoffice:audit")).status_code == 403
    page = signed_in().get(reverse("backoffice:audit") + "?action=sign_in").content.decode()
    assert "analyytikko" in page and "kirjautui sisään" in page
    model_admin = django_admin.site._registry[AuditEvent]
    request = type("R", (), {"user": get_user_model().objects.get(username="admin")})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
    superuser = get_user_model().objects.create_superuser("pääkäyttäjä", "p@example.fi", PASSWORD)
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200


# -- 8. Headers ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers_on_pages_and_refusals(staff, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000  # as LUOTAIN_PRODUCTION sets it (tests/test_production.py)
    settings.SECURE_SSL_REDIRECT = False
    for r in (
        Client().get("/s/ei-ole/", secure=True),
        Client(enforce_csrf_checks=True).post("/hallinta/kirjaudu/", secure=True),
        Client().get(reverse("backoffice:login"), secure=True),
    ):
        assert "frame-ancestors 'none'" in r["Content-Security-Policy"]
        assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
        assert r["Strict-Transport-Security"].startswith("max-age=31536000")
