"""The results dashboard: every question as a chart and a table with n and intervals, filters, a breakdown,
and the current view as CSV. Coordinators see the same aggregates: nothing below the disclosure threshold."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from luotain.analysis import AnalysisError, ResponseFrame
from luotain.web.audit.services import Action, Actor, record
from luotain.web.collect.services import response_records
from luotain.web.partners.models import District

from .. import dashboard
from ..access import ALL, COORDINATOR, own_district, staff_view
from ..comparison import compared, earlier_frames, trend_table
from .common import page, survey_for


@staff_view(*ALL)
def results(request: HttpRequest, slug: str) -> HttpResponse:
    current = survey_for(slug)
    questionnaire = current.questionnaire
    lang = "fi"
    k = questionnaire.disclosure_threshold
    filter_questions = dashboard.filter_questions(questionnaire)
    filters: dict[str, list[str]] = {}
    for question in filter_questions:
        wanted = [v for v in request.GET.getlist(question.id) if v in question.option_ids()]
        if wanted:
            filters[question.id] = wanted
    districts = list(District.objects.order_by("name_fi"))
    coordinator = request.staff_role == COORDINATOR  # type: ignore[attr-defined]
    if coordinator:  # the national figures and her own district's (docs/privacy.md, "Who sees what")
        own = own_district(request.user)
        districts = [d for d in districts if own is not None and d.pk == own.pk]
    asked_districts = request.GET.getlist("district")
    wanted_districts = [v for v in asked_districts if v in {d.slug for d in districts}]
    not_hers = coordinator and any(v not in wanted_districts for v in asked_districts)
    if wanted_districts:
        filters[dashboard.DISTRICT] = wanted_districts
    groupings = [(q.id, q.text.get(lang)) for q in filter_questions]
    if not coordinator:
        groupings.append((dashboard.DISTRICT, _("MLL district")))
    by = request.GET.get("by") or ""
    if by not in {g for g, _label in groupings}:
        by = ""
    # While answers still arrive, two loads of a page differ by the answers in between: coordinators see
    # figures once the survey is closed.
    fieldwork = coordinator and current.state() != current.State.CLOSED

    frame = ResponseFrame.from_records(questionnaire, response_records(current))
    problem = ""
    try:
        result = dashboard.run(frame, filters, by or None, k)
    except AnalysisError as exc:  # a filter the data cannot take: show everything instead
        problem, filters, by = str(exc), {}, ""
        result = dashboard.run(frame, {}, None, k)
    withheld = bool(result.withheld) or not_hers or fieldwork
    too_few = withheld or 0 < result.n_responses < k
    earlier = earlier_frames(current)
    compared_with = request.GET.get("compare") or ""
    # Nothing is shown: no earlier wave is analysed for it either.
    chosen = None if too_few else next((w for w in earlier if w.survey.slug == compared_with), None)
    result, comparison = compared(result, frame, chosen, k)
    csv_wanted = request.GET.get("format") == "csv"
    record(  # every look at the results, not only downloads: the same attack through the page leaves a trace
        Actor.of(request),
        Action.RESULTS_DOWNLOADED if csv_wanted else Action.RESULTS_VIEWED,
        slug,
        filters=filters,
        by=by,
        compare=compared_with,
        shown=not too_few,
    )
    if fieldwork:
        reason = _(
            "Coordinators see the results once the survey has closed: while answers still arrive, two "
            "looks at the results at different times would show the answers given in between."
        )
    elif not_hers:
        reason = _("As a district coordinator you see the national results and those of your own district.")
    elif too_few:
        reason = _(
            "These answers cannot be shown: the group is smaller than %(k)s respondents, or it could be "
            "worked out from other views of the results. Nothing is shown, so that no respondent can be "
            "identified."
        ) % {"k": k}
    else:
        reason = ""
    if csv_wanted:
        body = reason if too_few else dashboard.csv_text(questionnaire, result, lang)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{current.slug}-tulokset.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return page(
        request,
        "backoffice/results.html",
        {
            "survey": current,
            "title": questionnaire.title.get(lang),
            "result": result,
            "blocks": [] if too_few else dashboard.build_blocks(questionnaire, result, lang),
            "too_few": too_few,
            "reason": reason,
            "k": k,
            "problem": problem,
            "filter_questions": [
                (
                    q.id,
                    q.text.get(lang),
                    [(o.id, o.label.get(lang), o.id in filters.get(q.id, [])) for o in q.options],
                )
                for q in filter_questions
            ],
            "districts": [
                (d.slug, d.name_fi, d.slug in filters.get(dashboard.DISTRICT, [])) for d in districts
            ],
            "groupings": groupings,
            "by": by,
            "csv_query": query.urlencode(),
            "filtered": bool(filters),
            "waves": [(w.survey.slug, w.label, w.survey.slug == compared_with) for w in earlier],
            "comparison": comparison,
            "trend": None if too_few else trend_table(current, frame, earlier, filters, k, lang),
            "coordinator": coordinator,
        },
    )
