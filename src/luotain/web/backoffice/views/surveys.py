"""Surveys: the list, a new survey from a questionnaire file, its window, opening and closing, a preview."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luotain.questionnaire import QuestionnaireError, parse_questionnaire
from luotain.web.audit.services import Actor
from luotain.web.collect import forms as collect_forms
from luotain.web.distribution.services import close_survey
from luotain.web.surveys.models import Survey
from luotain.web.surveys.services import create_survey, open_survey, set_window

from ..access import ADMIN, ALL, staff_view
from ..forms import NewSurveyForm, WindowForm
from .common import page, survey_for


@staff_view(*ALL)
def home(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.annotate(n_responses=Count("responses")).order_by("-created_at")
    rows = [(s, s.state(), s.questionnaire.title.get("fi")) for s in surveys]
    return page(request, "backoffice/home.html", {"rows": rows, "title": _("Surveys")})


@staff_view(ADMIN)
def new_survey(request: HttpRequest) -> HttpResponse:
    problems: list[str] = []
    form = NewSurveyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
            questionnaire = parse_questionnaire(text, upload.name)
        except UnicodeDecodeError:
            problems = [_("%(file)s: the file is not UTF-8 text.") % {"file": upload.name}]
        except QuestionnaireError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            survey = create_survey(
                questionnaire,
                form.cleaned_data["slug"],
                actor=Actor.of(request),
                source=text,
                file=upload.name,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
            )
            messages.success(request, _("The survey was created."))
            return HttpResponseRedirect(reverse("backoffice:survey", args=[survey.slug]))
    return page(
        request,
        "backoffice/new_survey.html",
        {"form": form, "problems": problems, "title": _("New survey")},
        status=400 if request.method == "POST" else 200,
    )


@staff_view(*ALL)
def survey(request: HttpRequest, slug: str) -> HttpResponse:
    current = survey_for(slug)
    form = WindowForm(
        initial={
            "opens_at": timezone.localtime(current.opens_at) if current.opens_at else None,
            "closes_at": timezone.localtime(current.closes_at) if current.closes_at else None,
        }
    )
    return page(request, "backoffice/survey.html", _survey_context(current, form))


def _survey_context(current: Survey, form: WindowForm) -> dict[str, object]:
    questionnaire = current.questionnaire
    return {
        "survey": current,
        "state": current.state(),
        "title": questionnaire.title.get("fi"),
        "n_responses": current.responses.count(),
        "n_questions": len(questionnaire.questions()),
        "n_sections": len(questionnaire.sections),
        "form": form,
    }


@require_POST
@staff_view(ADMIN)
def window(request: HttpRequest, slug: str) -> HttpResponse:
    current = survey_for(slug)
    form = WindowForm(request.POST)
    if not form.is_valid():
        return page(request, "backoffice/survey.html", _survey_context(current, form), status=400)
    set_window(
        current, form.cleaned_data["opens_at"], form.cleaned_data["closes_at"], actor=Actor.of(request)
    )
    messages.success(request, _("The answering window was saved."))
    return HttpResponseRedirect(reverse("backoffice:survey", args=[slug]))


@require_POST
@staff_view(ADMIN)
def open_now(request: HttpRequest, slug: str) -> HttpResponse:
    open_survey(survey_for(slug), actor=Actor.of(request))
    messages.success(request, _("The survey is open."))
    return HttpResponseRedirect(reverse("backoffice:survey", args=[slug]))


@require_POST
@staff_view(ADMIN)
def close_now(request: HttpRequest, slug: str) -> HttpResponse:
    cut = close_survey(survey_for(slug), actor=Actor.of(request))
    messages.success(
        request,
        _("The survey is closed. Links between contacts and answers cut: %(n)s.") % {"n": cut},
    )
    return HttpResponseRedirect(reverse("backoffice:survey", args=[slug]))


@staff_view(*ALL)
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every page as a respondent sees it, on one page; nothing is saved."""
    current = survey_for(slug)
    questionnaire = current.questionnaire
    wanted = request.GET.get("lang", "")
    lang = wanted if wanted in questionnaire.languages else "fi"
    sections = [
        (
            section.title.get(lang),
            section.description.get(lang) if section.description else "",
            bool(section.show_if),
            collect_forms.build_fields(questionnaire, section, {}, {}, [], lang),
        )
        for section in questionnaire.sections
    ]
    return page(
        request,
        "backoffice/preview.html",
        {
            "survey": current,
            "title": questionnaire.title.get(lang),
            "sections": sections,
            "languages": questionnaire.languages,
            "lang": lang,
        },
    )
