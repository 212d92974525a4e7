"""The coding screen: an open question's answers (original and redacted), their codes, theme suggestions,
and quotes chosen for the report. Administrators and analysts only: the answers are unredacted here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from luotain.analysis.kinds import is_written
from luotain.questionnaire import Text
from luotain.text.codebook import builtin_codebook, rank_themes
from luotain.text.redact import redact
from luotain.web.audit.services import Actor
from luotain.web.coding import services
from luotain.web.collect.models import QuoteSelection, Response
from luotain.web.surveys.models import Survey

from ..access import ADMIN, ANALYST, staff_view
from ..forms import NewCodeForm
from .common import page, survey_for

PAGE_SIZE = 50


@staff_view(ADMIN, ANALYST)
def index(request: HttpRequest, slug: str) -> HttpResponse:
    current = survey_for(slug)
    questions = [q for q in current.questionnaire.questions() if is_written(q)]
    all_answers = list(current.responses.values_list("answers", flat=True))  # read once, not once a question
    rows = []
    for q in questions:
        answered = sum(1 for a in all_answers if str(a.get(q.id) or "").strip())
        rows.append((q, q.text.get("fi"), answered, services.stored_codebook(current, q.id)))
    return page(
        request, "backoffice/coding_index.html", {"survey": current, "rows": rows, "title": _("Coding")}
    )


@staff_view(ADMIN, ANALYST)
def question(request: HttpRequest, slug: str, question_id: str) -> HttpResponse:
    current = survey_for(slug)
    try:
        q = current.questionnaire.question(question_id)
    except KeyError:
        raise Http404 from None
    if not is_written(q):
        raise Http404
    if request.method == "POST":
        try:
            _act(request, current, question_id)
        except services.CodingError as exc:
            messages.error(request, str(exc))
        target = reverse("backoffice:coding_question", args=[slug, question_id])
        return HttpResponseRedirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)

    codebook = services.stored_codebook(current, question_id)
    codes = services.codes_of(current, question_id)
    responses = [
        r
        for r in current.responses.order_by("submitted_at", "id")
        if str(r.answers.get(question_id) or "").strip()
    ]
    try:
        number = max(1, int(request.GET.get("sivu", "1")))
    except ValueError:
        number = 1
    pages = max(1, -(-len(responses) // PAGE_SIZE))
    number = min(number, pages)
    chosen = set(
        QuoteSelection.objects.filter(response__survey=current, question_id=question_id).values_list(
            "response_id", flat=True
        )
    )
    names = {c.id: c.name.get("fi") for c in codebook.codes} if codebook else {}
    type_q, role_q = _attribution_questions(current)
    answers = []
    for r in responses[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]:
        text = r.answers[question_id]
        masked = redact(text)
        answers.append(
            {
                "response": r,
                "text": text,
                "redacted": masked.text,
                "changed": masked.text != text,
                "codes": [(c, names.get(c, c)) for c in codes.get(r.public_id, [])],
                "quoted": r.pk in chosen,
                "who": " · ".join(x for x in (_label(current, type_q, r), _label(current, role_q, r)) if x),
            }
        )
    ranked = rank_themes(codebook, codes)[0] if codebook else []  # the codebook and codes read above
    suggestions = services.suggestions(current, question_id) if request.GET.get("ehdotukset") else None
    return page(
        request,
        "backoffice/coding.html",
        {
            "survey": current,
            "question": q,
            "title": q.text.get("fi"),
            "codebook": codebook,
            "builtin": builtin_codebook(current.questionnaire_id, question_id) is not None,
            "ranked": [(t, names.get(t.code, t.code)) for t in ranked],
            "answers": answers,
            "answered": len(responses),
            "page_number": number,
            "pages": pages,
            "suggestions": suggestions,
            "new_code": NewCodeForm(),
        },
    )


def _attribution_questions(current: Survey) -> tuple[str, str]:
    from luotain.report.spec import builtin_spec

    spec = builtin_spec(current.questionnaire_id)
    attribution = spec.attribution if spec else None
    return (attribution.type_question, attribution.role_question) if attribution else ("", "")


def _label(current: Survey, question_id: str, response: Response) -> str:
    value = response.answers.get(question_id)
    if not question_id or value is None:
        return ""
    try:
        q = current.questionnaire.question(question_id)
    except KeyError:
        return ""
    return next((o.label.get("fi") for o in getattr(q, "options", []) if o.id == value), str(value))


def _act(request: HttpRequest, current: Survey, question_id: str) -> None:
    action = request.POST.get("action", "")
    actor = Actor.of(request)
    if action == "apply_rules":
        if services.stored_codebook(current, question_id) is None:
            builtin = builtin_codebook(current.questionnaire_id, question_id)
            if builtin is None:
                raise services.CodingError(_("There is no codebook for this question yet."))
            services.set_codebook(current, builtin, actor=actor)
        n = services.apply_rules(current, question_id, actor=actor)
        messages.success(request, _("Coded by the keyword rules: %(n)s codes.") % {"n": n})
        return
    if action in ("assign", "remove", "quote", "unquote"):
        response = Response.objects.filter(survey=current, public_id=request.POST.get("response", "")).first()
        if response is None:
            raise Http404
        code = request.POST.get("code", "")
        if action == "assign":
            services.assign(response, question_id, code, actor=actor)
        elif action == "remove":
            services.remove(response, question_id, code, actor=actor)
        elif action == "quote":
            services.choose_quote(response, question_id, actor=actor)
        else:
            services.drop_quote(response, question_id, actor=actor)
        return
    if action in ("accept", "new_code"):
        form = NewCodeForm(request.POST)
        if not form.is_valid():
            raise services.CodingError(
                "; ".join(
                    f"{form.fields[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()
                )
            )
        keywords = [k for k in form.cleaned_data["keywords"].split(",") if k.strip()]
        members = request.POST.getlist("member") if action == "accept" else []
        services.accept_suggestion(
            current,
            question_id,
            form.cleaned_data["code"],
            Text(fi=form.cleaned_data["name"]),
            members,
            keywords,
            actor=actor,
        )
        messages.success(request, _("The theme was added."))
        return
    if action == "reject":
        services.reject_suggestion(current, question_id, request.POST.getlist("term"), actor=actor)
        return
    if action == "rename":
        name = request.POST.get("name", "").strip()
        if not name:
            raise services.CodingError(_("Give the theme a name."))
        services.rename(current, question_id, request.POST.get("code", ""), Text(fi=name), actor=actor)
        return
    if action == "merge":
        services.merge(
            current, question_id, request.POST.getlist("source"), request.POST.get("into", ""), actor=actor
        )
        messages.success(request, _("The themes were merged."))
        return
    raise services.CodingError(_("Unknown action."))
