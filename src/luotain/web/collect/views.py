"""The respondent's pages (the public side; staff pages live elsewhere and share nothing with these)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luotain.questionnaire import Questionnaire, Section
from luotain.responses import visible_questions
from luotain.web.partners.models import District
from luotain.web.security import limit_posts
from luotain.web.surveys.models import Survey

from . import forms, services
from .models import Draft
from .privacy import privacy_notice

COOKIE_SALT = "luotain.draft"
COOKIE_AGE = 60 * 60 * 24 * 120


def _cookie_name(survey: Survey) -> str:
    return f"luotain-{survey.pk}"


def _language(request: HttpRequest, questionnaire: Questionnaire) -> str:
    wanted = request.GET.get("lang") or request.COOKIES.get("luotain-lang")
    return wanted if wanted in questionnaire.languages else questionnaire.languages[0]


def _message(request: HttpRequest, title: str, text: str, status: int, lang: str = "fi") -> HttpResponse:
    return render(
        request, "collect/message.html", {"title": title, "text": text, "lang": lang}, status=status
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override("fi"):
        return _message(
            request,
            _("Page not found"),
            _("Check the address. If you came from a survey link, copy the whole link from the message."),
            404,
        )


def server_error(request: HttpRequest) -> HttpResponse:
    with translation.override("fi"):
        return _message(
            request,
            _("Something went wrong"),
            _("Your answers saved so far are safe. Please try again in a moment."),
            500,
        )


def _survey_or_none(slug: str) -> Survey | None:
    return services.respondent_survey(slug)


def _link(slug: str, token: str) -> tuple[Survey | None, Draft | None]:
    """The survey and the draft of an answering link, in one query; the survey alone if the link is not
    one of its drafts, and neither if there is no such survey."""
    draft = services.find_link(slug, token)
    if draft is not None:
        return draft.survey, draft
    return _survey_or_none(slug), None


def _closed_page(request: HttpRequest, survey: Survey, lang: str) -> HttpResponse | None:
    state = survey.state()
    title = survey.questionnaire.title.get(lang)
    if state == Survey.State.NOT_OPEN:
        opens = timezone.localtime(survey.opens_at).strftime("%-d.%-m.%Y %H.%M") if survey.opens_at else ""
        return _message(
            request,
            title,
            _("The survey is not open yet. It opens on %(date)s.") % {"date": opens},
            403,
            lang,
        )
    if state == Survey.State.CLOSED:
        return _message(request, title, _("The survey has closed. Thank you for your interest."), 410, lang)
    return None


def _unknown_survey(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        _("Survey not found"),
        _("There is no survey at this address. Check the link; if it came in a message, copy it whole."),
        404,
    )


def _unknown_link(request: HttpRequest, lang: str) -> HttpResponse:
    return _message(
        request,
        _("This link does not work"),
        _("The answering link is not valid. Open the survey from its original link to start again."),
        404,
        lang,
    )


def _shown_sections(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[int]:
    shown = set(visible_questions(questionnaire, answers))
    return [
        i for i, s in enumerate(questionnaire.sections, start=1) if any(q.id in shown for q in s.questions)
    ]


def _page_url(survey: Survey, token: str, page: int) -> str:
    return reverse("collect:page", args=[survey.slug, token, page])


def _with_cookie(response: HttpResponse, survey: Survey, token: str, lang: str) -> HttpResponse:
    response.set_signed_cookie(
        _cookie_name(survey), token, salt=COOKIE_SALT, max_age=COOKIE_AGE, httponly=True, samesite="Lax"
    )
    response.set_cookie("luotain-lang", lang, max_age=COOKIE_AGE, httponly=True, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
@limit_posts("start", per_client="LUOTAIN_RATE_START_CLIENT")
def survey_home(request: HttpRequest, slug: str, district: str | None = None) -> HttpResponse:
    """The survey's open link; ``district``: a district's own open link, its answers tagged with it."""
    survey = _survey_or_none(slug)
    if survey is None:
        with translation.override("fi"):
            return _unknown_survey(request)
    questionnaire = survey.questionnaire
    lang = _language(request, questionnaire)
    with translation.override(lang):
        token = str(request.get_signed_cookie(_cookie_name(survey), default="", salt=COOKIE_SALT) or "")
        draft = services.find_link(slug, token) if token else None
        # A draft in progress in this browser continues where it was; after a submit, a new answer may start.
        if draft is not None and draft.submitted_at is None and survey.state() == Survey.State.OPEN:
            return HttpResponseRedirect(_page_url(survey, token, draft.page or 1))
        closed = _closed_page(request, survey, lang)
        if closed is not None:
            return closed
        if request.method == "POST":
            tag = District.objects.filter(slug=district).first() if district else None
            draft, token = services.start_draft(survey, tag)
            first = _shown_sections(questionnaire, {})[0]
            return _with_cookie(HttpResponseRedirect(_page_url(survey, token, first)), survey, token, lang)
        context = {
            "survey": survey,
            "title": questionnaire.title.get(lang),
            "intro": questionnaire.intro.get(lang) if questionnaire.intro else "",
            "pages": len(questionnaire.sections),
            "privacy_notice": privacy_notice(survey, lang),
            "lang": lang,
            "languages": _language_links(questionnaire, lang),
        }
        response = render(request, "collect/start.html", context)
        response.set_cookie("luotain-lang", lang, max_age=COOKIE_AGE, httponly=True, samesite="Lax")
        return response


def _language_links(questionnaire: Questionnaire, current: str) -> list[tuple[str, str, bool]]:
    names = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
    if len(questionnaire.languages) < 2:
        return []
    return [(code, names[code], code == current) for code in questionnaire.languages]


@require_http_methods(["GET"])
def resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    survey, draft = _link(slug, token)
    if survey is None:
        with translation.override("fi"):
            return _unknown_survey(request)
    if draft is None:
        with translation.override("fi"):
            return _unknown_link(request, "fi")
    if draft.submitted_at is not None:
        return HttpResponseRedirect(reverse("collect:thanks", args=[slug, token]))
    return HttpResponseRedirect(_page_url(survey, token, draft.page or 1))


@require_http_methods(["GET", "POST"])
@limit_posts("page", per_client="LUOTAIN_RATE_PAGE_CLIENT", per_link="LUOTAIN_RATE_PAGE_LINK")
def page(request: HttpRequest, slug: str, token: str, number: int) -> HttpResponse:
    survey, draft = _link(slug, token)
    if survey is None:
        with translation.override("fi"):
            return _unknown_survey(request)
    questionnaire = survey.questionnaire
    lang = _language(request, questionnaire)
    with translation.override(lang):
        if draft is None:
            return _unknown_link(request, lang)
        if draft.submitted_at is not None:
            return HttpResponseRedirect(reverse("collect:thanks", args=[slug, token]))
        try:
            services.require_open(survey, grace=True)  # a draft begun before closing may still finish
        except services.SurveyNotOpen:
            return _closed_page(request, survey, lang) or _unknown_link(request, lang)
        shown = _shown_sections(questionnaire, draft.answers)
        if number not in shown:
            later = [n for n in shown if n > number]
            return HttpResponseRedirect(_page_url(survey, token, later[0] if later else shown[-1]))
        section = questionnaire.sections[number - 1]
        if request.method == "POST":  # saving the page also marks the draft opened
            return _post_page(request, survey, draft, token, section, number, shown, lang)
        if draft.opened_at is None:
            services.mark_opened(draft)
        return _render_page(
            request,
            survey,
            draft,
            token,
            section,
            number,
            shown,
            lang,
            forms.display_values(draft.answers),
            [],
        )


def _post_page(
    request: HttpRequest,
    survey: Survey,
    draft: Draft,
    token: str,
    section: Section,
    number: int,
    shown: list[int],
    lang: str,
) -> HttpResponse:
    questionnaire = survey.questionnaire
    action = request.POST.get("action", "next")
    raw = forms.raw_values(section, request.POST)
    org_kind = services.org_kind_lookup()
    values, problems = forms.check_section(questionnaire, section, raw, draft.answers, org_kind)
    index = shown.index(number)
    if action == "back":
        services.save_page(draft, section, values, number)  # the link resumes on the page gone back from
        target = shown[index - 1] if index > 0 else number
        return HttpResponseRedirect(_page_url(survey, token, target))  # the page shown sets the cookies
    if problems:
        if draft.opened_at is None:
            services.mark_opened(draft)
        shown_raw = {**forms.display_values(draft.answers), **{k: v for k, v in raw.items()}}
        return _render_page(request, survey, draft, token, section, number, shown, lang, shown_raw, problems)
    # The answers may change which pages come next.
    shown = _shown_sections(questionnaire, services.page_answers(draft.answers, section, values))
    later = [n for n in shown if n > number]
    if later:
        services.save_page(draft, section, values, later[0])
        return HttpResponseRedirect(_page_url(survey, token, later[0]))  # the page shown sets the cookies
    # The last page: its answers are written with the submit, in one transaction; kept if it fails.
    try:
        services.submit_response(draft.pk, (section, values, number))
    except services.IncompleteResponse as exc:
        services.save_page(draft, section, values, number)
        first = _first_page_with_problem(questionnaire, exc.problems, shown)
        return HttpResponseRedirect(_page_url(survey, token, first) + "?incomplete=1")
    except services.SurveyNotOpen:
        services.save_page(draft, section, values, number)
        return _closed_page(request, survey, lang) or HttpResponseRedirect(_page_url(survey, token, number))
    return _with_cookie(
        HttpResponseRedirect(reverse("collect:thanks", args=[survey.slug, token])), survey, token, lang
    )


def _first_page_with_problem(questionnaire: Questionnaire, problems: list[Any], shown: list[int]) -> int:
    columns = {p.column for p in problems}
    for number in shown:
        section = questionnaire.sections[number - 1]
        if any(c.name in columns for q in section.questions for c in q.columns()):
            return number
    return shown[0]


def _render_page(
    request: HttpRequest,
    survey: Survey,
    draft: Draft,
    token: str,
    section: Section,
    number: int,
    shown: list[int],
    lang: str,
    values: dict[str, Any],
    problems: list[Any],
) -> HttpResponse:
    questionnaire = survey.questionnaire
    if not problems and request.GET.get("incomplete"):
        _, problems = forms.check_section(
            questionnaire, section, values, draft.answers, services.org_kind_lookup()
        )
    fields = forms.build_fields(questionnaire, section, values, draft.answers, problems, lang)
    index = shown.index(number)
    context = {
        "survey": survey,
        "title": questionnaire.title.get(lang),
        "section_title": section.title.get(lang),
        "section_description": section.description.get(lang) if section.description else "",
        "fields": fields,
        "errors": [f for f in fields if f.has_error],
        "position": index + 1,
        "total": len(shown),
        "is_first": index == 0,
        "is_last": index == len(shown) - 1,
        "resume_url": request.build_absolute_uri(reverse("collect:resume", args=[survey.slug, token])),
        # A personal link opens the first question page, not the start page: the notice is shown there.
        "privacy_notice": privacy_notice(survey, lang) if index == 0 and hasattr(draft, "invitation") else "",
        "lang": lang,
    }
    response = render(request, "collect/page.html", context)
    return _with_cookie(response, survey, token, lang)


@require_http_methods(["GET"])
def thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    survey, draft = _link(slug, token)
    if survey is None:
        with translation.override("fi"):
            return _unknown_survey(request)
    questionnaire = survey.questionnaire
    lang = _language(request, questionnaire)
    with translation.override(lang):
        if draft is None or draft.submitted_at is None:
            return _unknown_link(request, lang)
        text = questionnaire.thanks.get(lang) if questionnaire.thanks else _("Thank you for your answers!")
        return _message(request, questionnaire.title.get(lang), text, 200, lang)
