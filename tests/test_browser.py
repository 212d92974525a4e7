"""The respondent's pages in a real browser: Debian's Chromium driven by Playwright against a live server.

One respondent answers the whole 2024 survey with the keyboard only, and axe-core checks every page a
respondent can see against WCAG 2.1 A and AA. Without Chromium, Playwright or the fetched axe-core the tests
skip, except in CI (``CI`` or ``LUOTAIN_REQUIRE_BROWSER`` set), where they fail instead.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from luotain.mll import demo_2025
from luotain.mll.demo_2024 import generate
from luotain.questionnaire import load_builtin
from luotain.web.audit.services import Actor
from luotain.web.backoffice import jobs
from luotain.web.collect.models import Response
from luotain.web.collect.services import import_responses
from luotain.web.demo import demo_users
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.models import Survey
from luotain.web.surveys.services import create_survey
from tests.browser_support import (
    blocking,
    browser_required,
    describe_violations,
    focused_description,
    launch_chromium,
    missing_axe,
    missing_browser,
    run_axe,
    tab_to,
)
from tests.conftest import district_count

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

SLUG = "mll-2024"
STAFF_PASSWORD = "selain-testi-salasana"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("LUOTAIN_SHOTS") or Path(tempfile.gettempdir()) / "shots")


def skip_or_fail(reason: str | None) -> None:
    if reason is None:
        return
    if browser_required():
        pytest.fail(f"browser tests must run here (CI or LUOTAIN_REQUIRE_BROWSER is set), but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    skip_or_fail(missing_browser())
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls of the tests are
    # still plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def axe(browser) -> None:
    skip_or_fail(missing_axe())


@pytest.fixture()
def survey_2024(transactional_db):
    seed_registry()
    return create_survey(load_builtin("mll-kumppanikysely-2024"), SLUG, actor=ACTOR)


def new_page(browser: Any, live_server: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="fi-FI")
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture()
def page(browser, live_server) -> Iterator[Any]:
    page = new_page(browser, live_server, DESKTOP)
    yield page
    page.context.close()


# Keyboard only --------------------------------------------------------------------------------------------


def choose_radio(page: Any, name: str, value: str) -> None:
    """Tab into a radio group, then Space and arrow keys to the wanted option."""
    selector = f'input[type=radio][name="{name}"]'
    tab_to(page, selector)
    values = page.evaluate("selector => [...document.querySelectorAll(selector)].map(e => e.value)", selector)
    page.keyboard.press("Space")  # the focused option, when none was chosen yet
    current = page.evaluate("() => document.activeElement.value")
    steps = values.index(value) - values.index(current)
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.evaluate("() => [document.activeElement.value, document.activeElement.checked]") == [
        value,
        True,
    ], focused_description(page)


def check_box(page: Any, name: str, value: str) -> None:
    tab_to(page, f'input[type=checkbox][name="{name}"][value="{value}"]')
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), focused_description(page)


def type_into(page: Any, input_id: str, text: str) -> None:
    tab_to(page, f"#{input_id}")
    page.keyboard.type(text)


def press_button(page: Any, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def next_page(page: Any) -> None:
    press_button(page, 'button[name=action][value="next"]')


def answer_matrix(page: Any, question: str, answers: dict[str, str]) -> None:
    for row, value in answers.items():
        choose_radio(page, f"{question}/{row}", value)


def heading(page: Any) -> str:
    return str(page.locator("h1").inner_text())


RESPONSIBILITIES = {
    "prof_meeting_places_grant": "hyvinvointialue",
    "support_person_grant": "molemmat",
    "district_cooperation": "kunta",
    "volunteer_coordination_grant": "ei_kummallekaan",
    "childcare_grant": "en_osaa_sanoa",
    "ngo_coordination": "molemmat",
    "meeting_place_cooperation": "kunta",
    "local_association_cooperation": "kunta",
    "local_activity_grant": "molemmat",
    "premises": "kunta",
}
IMPORTANCE_FAMILIES = {
    "perhekahvilat": "erittain_tarkea",
    "tapahtumat": "melko_tarkea",
    "lnpuhelin": "erittain_tarkea",
    "kerhot": "melko_tarkea",
    "kohtaamispaikat": "erittain_tarkea",
    "lastenhoito": "ei_kovin_tarkea",
    "tukihenkilo": "melko_tarkea",
    "vanhempainryhmat": "melko_tarkea",
    "vanhempainpuhelin": "en_osaa_sanoa",
    "kaverit": "melko_tarkea",
    "tukioppilas": "ei_lainkaan_tarkea",
    "kiusaaminen": "erittain_tarkea",
}
IMPORTANCE_PROFESSIONALS = {
    "koulutukset": "erittain_tarkea",
    "seminaarit": "melko_tarkea",
    "materiaalit": "melko_tarkea",
    "konsultaatio": "ei_kovin_tarkea",
    "verkostot": "erittain_tarkea",
}
EXPERIENCE = {
    "verkosto": "erittain_tyytyvainen",
    "asiantuntija": "melko_tyytyvainen",
    "toiminta": "erittain_tyytyvainen",
    "suunnittelu": "ei_tyytyvainen_eika_tyytymaton",
    "tiedotus": "melko_tyytymaton",
}


@pytest.mark.django_db(transaction=True)
def test_the_whole_2024_survey_with_the_keyboard_only(page, survey_2024, browser, live_server, settings):
    """A respondent answers with the keyboard only; then a staff user sees the answer in the dashboard,
    filters by organisation type and downloads the deck."""
    import_responses(
        survey_2024, generate().records, source="demo", actor=ACTOR
    )  # the answer joins 80 others
    page.goto(f"/s/{SLUG}/")
    assert heading(page) == "MLL hyvinvointialueiden ja kuntien kumppanina 2024"
    press_button(page, "button.primary")

    # 1 Taustatiedot: the type with arrow keys, the position "other" with its text.
    assert heading(page) == "Taustatiedot"
    choose_radio(page, "org_type", "kunta")
    choose_radio(page, "role", "muu")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "q-role--other"
    page.keyboard.type("Perhekeskuskoordinaattori")
    # Back to the group with Shift+Tab: the chosen option has the focus, and stays chosen.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => [document.activeElement.value, document.activeElement.checked]") == [
        "muu",
        True,
    ]
    next_page(page)

    # 2 Organisaatiosi: type-ahead on the focused select, then an arrow key.
    assert heading(page) == "Organisaatiosi"
    tab_to(page, "select#q-organisation")
    page.keyboard.type("Helsinki")
    assert page.evaluate("() => document.activeElement.value") == "kunta:091"
    next_page(page)

    # 3 Perhekeskus; then Previous with Space, and Next again: the answers are kept.
    assert heading(page) == "Perhekeskuskehittämisen tilanne"
    choose_radio(page, "family_centre_org", "yhdessa")
    choose_radio(page, "meeting_place_org", "jarjestot")
    press_button(page, 'button[name=action][value="back"]', key="Space")
    assert heading(page) == "Organisaatiosi"
    tab_to(page, "select#q-organisation")
    assert page.evaluate("() => document.activeElement.value") == "kunta:091"
    next_page(page)
    assert heading(page) == "Perhekeskuskehittämisen tilanne"
    tab_to(page, 'input[name="family_centre_org"]')
    assert page.evaluate("() => [document.activeElement.value, document.activeElement.checked]") == [
        "yhdessa",
        True,
    ]
    next_page(page)

    # 4 Yhteistyö: check boxes with Space, a long text.
    assert heading(page) == "Yhteistyö MLL:n kanssa"
    for value in ("ohjaus", "verkosto", "tapahtumat"):
        check_box(page, "cooperation_forms", value)
    check_box(page, "cooperation_status", "vakiintunut")
    check_box(page, "cooperation_status", "toivomme_lisaa")
    type_into(page, "q-cooperation_wishes", "Enemmän yhteisiä koulutuksia.")
    next_page(page)

    # 5 Vastuut: ten matrix rows, each its own radio group, and the required rating.
    assert heading(page) == "Vastuut ja avustukset"
    answer_matrix(page, "responsibilities", RESPONSIBILITIES)
    screenshot(page, "desktop-keyboard-focus-matrix", full_page=False)
    choose_radio(page, "funding_secured", "5")
    next_page(page)

    # 6 Tunnettuus.
    assert heading(page) == "MLL:n toiminnan tunnettuus"
    type_into(page, "q-mll_image", "Luotettava ja lapsilähtöinen")
    for value in ("perhekahvilat", "lnpuhelin", "kiusaaminen"):
        check_box(page, "awareness", value)
    next_page(page)

    # 7 Merkitys: a rating, open texts and two matrices.
    assert heading(page) == "MLL:n merkitys ja toiminnan vaikutukset"
    choose_radio(page, "family_centre_partner", "4")
    type_into(page, "q-service_paths", "Tärkeä osa ennaltaehkäisyä.")
    type_into(page, "q-volunteering_role", "Kasvava.")
    type_into(page, "q-impacts", "Yksinäisyys vähenee.")
    answer_matrix(page, "importance_families", IMPORTANCE_FAMILIES)
    answer_matrix(page, "importance_professionals", IMPORTANCE_PROFESSIONALS)
    type_into(page, "q-development_ideas", "Yhteiset tiedotteet.")
    next_page(page)

    # 8 Kokemukset: a matrix, the 0-10 recommendation and the last word.
    assert heading(page) == "Kokemukset yhteistyöstä MLL:n kanssa"
    answer_matrix(page, "cooperation_experience", EXPERIENCE)
    choose_radio(page, "recommend", "9")
    type_into(page, "q-comments", "Kiitos!")
    press_button(page, 'button[name=action][value="next"]')

    assert page.url.endswith("/kiitos/")
    assert "Kiitos vastauksestasi" in page.locator("main").inner_text()

    stored = Response.objects.get(survey=survey_2024, source="web")
    answers = stored.answers
    assert answers["org_type"] == "kunta"
    assert answers["role"] == "muu" and answers["role/other"] == "Perhekeskuskoordinaattori"
    assert answers["organisation"] == "kunta:091"
    assert answers["family_centre_org"] == "yhdessa" and answers["meeting_place_org"] == "jarjestot"
    assert answers["cooperation_forms"] == ["ohjaus", "verkosto", "tapahtumat"]
    assert answers["cooperation_status"] == ["vakiintunut", "toivomme_lisaa"]
    assert answers["cooperation_wishes"] == "Enemmän yhteisiä koulutuksia."
    for question, rows in (
        ("responsibilities", RESPONSIBILITIES),
        ("importance_families", IMPORTANCE_FAMILIES),
        ("importance_professionals", IMPORTANCE_PROFESSIONALS),
        ("cooperation_experience", EXPERIENCE),
    ):
        assert {row: answers[f"{question}/{row}"] for row in rows} == rows
    assert answers["funding_secured"] == 5
    assert answers["family_centre_partner"] == 4
    assert answers["awareness"] == ["perhekahvilat", "lnpuhelin", "kiusaaminen"]
    assert answers["mll_image"] == "Luotettava ja lapsilähtöinen"
    assert answers["recommend"] == 9
    assert answers["comments"] == "Kiitos!"

    staff = new_page(browser, live_server, DESKTOP)
    try:
        see_the_answer_as_staff(staff)
    finally:
        staff.context.close()


def sign_in(page: Any, username: str) -> None:
    page.goto("/hallinta/")
    assert "/hallinta/kirjaudu/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("main button.primary").click()
    assert page.url.endswith("/hallinta/"), page.url


def see_the_answer_as_staff(page: Any) -> None:
    import io

    from pptx import Presentation

    demo_users(STAFF_PASSWORD)
    sign_in(page, "analyytikko")
    page.goto(f"/hallinta/kyselyt/{SLUG}/tulokset/")
    assert "81 vastausta" in page.locator("p.summary").inner_text()
    answered = [r.answers["recommend"] for r in Response.objects.all() if "recommend" in r.answers]
    nps_block = page.locator("section[aria-labelledby=q-recommend]").inner_text()
    assert f"n = {len(answered)}" in nps_block
    nines = page.locator("section[aria-labelledby=q-recommend] tbody tr").filter(
        has=page.locator("th", has_text=re.compile(r"^9$"))
    )
    assert nines.locator("td").nth(2).inner_text() == str(answered.count(9))

    # Filter: one district (organisation type crosses the districts and is not published on the demo).
    uusimaa = district_count(Survey.objects.get(slug=SLUG), "uusimaa")
    page.locator('input[name="district"][value="uusimaa"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Näytä").click()
    assert "district=uusimaa" in page.url
    assert f"{uusimaa} vastausta vastaa rajauksia" in page.locator("p.summary").inner_text()
    role_block = page.locator("section[aria-labelledby=q-role]")
    assert f"n = {uusimaa}" in role_block.inner_text()
    assert "Muu, mikä?" in role_block.inner_text()

    # The deck, made on the reports page and downloaded.
    page.goto(f"/hallinta/kyselyt/{SLUG}/raportit/")
    for fmt in ("html", "pdf", "table"):
        page.locator(f'input[name="format"][value="{fmt}"]').uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Tee raportti").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{SLUG}.pptx").click()
    deck = Presentation(io.BytesIO(Path(download.value.path()).read_bytes()))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any(f"n = {len(answered)}" in text for text in texts), "the deck counts the new answer"


# Accessibility --------------------------------------------------------------------------------------------


def assert_accessible(page: Any, what: str) -> None:
    """No serious or critical axe-core violation, and at phone width no sideways scrolling of the page."""
    bad = blocking(run_axe(page))
    if bad:
        pytest.fail(f"axe-core on {what} ({page.url}):\n{describe_violations(bad)}", pytrace=False)
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{what} is {scroll_width} px wide in a {width} px window"


def screenshot(page: Any, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def submit(page: Any) -> None:
    with page.expect_navigation():
        page.locator('button[name=action][value="next"]').click()


def test_axe_finds_violations_on_a_bad_page(browser, axe):
    """The check is not blind: a page with known faults gets them reported."""
    page = browser.new_page()
    try:
        page.set_content(
            "<html><head><title>Huono</title></head><body>"
            '<p style="color:#bbb;background:#fff">Vaalea teksti</p><input type="text" name="nimi">'
            "</body></html>"
        )
        found = {v["id"] for v in blocking(run_axe(page))}
        assert {"color-contrast", "label", "html-has-lang"} <= found
    finally:
        page.close()


PAGES_WITH_REQUIRED = {1, 2, 5}  # these are also checked in their error state


def answer_required(page: Any, number: int) -> None:
    if number == 1:
        page.locator('input[name="org_type"][value="hyvinvointialue"]').check()
        page.locator('input[name="role"][value="johto"]').check()
    elif number == 2:
        page.locator("select#q-organisation").select_option("hva:05")
    elif number == 5:
        page.locator('input[name="funding_secured"][value="4"]').check()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_respondent_page_passes_axe(browser, axe, live_server, survey_2024, viewport):
    """Start, every questionnaire page (three with matrices), error states, thanks, and the pages of closed,
    not yet open and unknown surveys and links; at desktop and at phone width. Screenshots go to
    $LUOTAIN_SHOTS (default /tmp/shots)."""
    page = new_page(browser, live_server, viewport)
    size = "desktop" if viewport is DESKTOP else "phone"
    try:
        page.goto(f"/s/{SLUG}/")
        assert_accessible(page, "the start page")
        screenshot(page, f"{size}-start")
        with page.expect_navigation():
            page.locator("button.primary").click()
        for number in range(1, 9):
            assert page.url.endswith(f"/{number}/"), page.url
            assert_accessible(page, f"page {number}")
            screenshot(page, f"{size}-page{number}")
            if number in PAGES_WITH_REQUIRED:
                submit(page)  # with the required questions unanswered
                assert page.locator(".error-summary").is_visible()
                assert_accessible(page, f"page {number} with errors")
                screenshot(page, f"{size}-page{number}-errors")
            answer_required(page, number)
            submit(page)
        assert page.url.endswith("/kiitos/")
        assert_accessible(page, "the thank-you page")
        screenshot(page, f"{size}-thanks")

        now = timezone.now()
        questionnaire = load_builtin("mll-kumppanikysely-2024")
        create_survey(questionnaire, "mennyt", opens_at=now - timedelta(days=30), closes_at=now, actor=ACTOR)
        create_survey(questionnaire, "tuleva", opens_at=now + timedelta(days=3), actor=ACTOR)
        for path, status, what, name in (
            ("/s/mennyt/", 410, "a closed survey", "closed"),
            ("/s/tuleva/", 403, "a survey not open yet", "not-open"),
            ("/s/ei-ole/", 404, "an unknown survey", "unknown-survey"),
            (f"/s/{SLUG}/v/vaara-linkki/1/", 404, "a broken answering link", "broken-link"),
            ("/ei-ole/", 404, "an unknown address", "not-found"),
        ):
            response = page.goto(path)
            assert response is not None and response.status == status, path
            assert_accessible(page, what)
            screenshot(page, f"{size}-{name}")
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_staff_page_passes_axe(browser, axe, live_server, survey_2024, viewport, settings):
    """The back office: sign-in (and its error), surveys, a new survey with a broken file, the overview,
    preview, the dashboard (plain, filtered, broken down, too few, compared with the previous wave), coding
    with suggestions, reports, districts, the background jobs and the audit log; at desktop and phone
    width."""
    import_responses(survey_2024, generate().records, source="demo", actor=ACTOR)
    wave_2025 = create_survey(load_builtin("mll-kumppanikysely-2025"), "mll-2025", actor=ACTOR)
    import_responses(wave_2025, demo_2025.generate().records, source="demo", actor=ACTOR)
    demo_users(STAFF_PASSWORD)
    jobs.submit("report", survey_2024, formats=["html"], language="fi")  # a finished job on the jobs page
    page = new_page(browser, live_server, viewport)
    size = "desktop" if viewport is DESKTOP else "phone"
    try:
        page.goto("/hallinta/kirjaudu/")
        assert_accessible(page, "the sign-in page")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "väärä")
        with page.expect_navigation():
            page.locator("main button.primary").click()
        assert page.locator(".problem").is_visible()
        assert_accessible(page, "the sign-in page with an error")
        sign_in(page, "admin")
        results = f"/hallinta/kyselyt/{SLUG}/tulokset/"
        coding = f"/hallinta/kyselyt/{SLUG}/koodaus/"
        for path, what, name in (
            ("/hallinta/", "the surveys", "staff-home"),
            (f"/hallinta/kyselyt/{SLUG}/", "a survey's overview", "staff-survey"),
            (f"/hallinta/kyselyt/{SLUG}/esikatselu/", "the preview", "staff-preview"),
            (results, "the dashboard", "staff-results"),
            (
                results + "?org_type=kunta&by=role",
                "the dashboard filtered and broken down",
                "staff-results-by",
            ),
            (results + "?district=kainuu", "the dashboard with too few answers", "staff-results-few"),
            (
                "/hallinta/kyselyt/mll-2025/tulokset/?compare=mll-2024&by=org_type",
                "the dashboard compared with the previous wave, with its trend",
                "staff-results-compared",
            ),
            (coding, "the open questions", "staff-coding"),
            (
                coding + "cooperation_wishes/?ehdotukset=1",
                "the coding page with suggestions",
                "staff-coding-q",
            ),
            (f"/hallinta/kyselyt/{SLUG}/raportit/", "the reports", "staff-reports"),
            ("/hallinta/piirit/", "the districts", "staff-districts"),
            ("/hallinta/piirit/uusimaa/", "a district", "staff-district"),
            ("/hallinta/tyot/", "the background jobs", "staff-jobs"),
            ("/hallinta/loki/", "the audit log", "staff-audit"),
            ("/hallinta/kyselyt/uusi/", "a new survey", "staff-new"),
        ):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert_accessible(page, what)
            screenshot(page, f"{size}-{name}")
        broken = Path(tempfile.mkdtemp()) / "rikki.yaml"
        broken.write_text("id: rikki\ntitle: {fi: Rikki}\nsections: []\n", encoding="utf-8")
        page.set_input_files("#id_file", str(broken))
        page.fill("#id_slug", "rikki")
        with page.expect_navigation():
            page.locator("main button.primary").click()
        assert page.locator(".problems").is_visible()
        assert_accessible(page, "a new survey with a broken file")
        screenshot(page, f"{size}-staff-new-errors")
    finally:
        page.context.close()
