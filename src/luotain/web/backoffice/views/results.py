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
from ..access import ALL, staff_view
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
    wanted_districts = [v for v in request.GET.getlist("district") if v in {d.slug for d in districts}]
    if wanted_districts:
        filters[dashboard.DISTRICT] = wanted_districts
    groupings = [(q.id, q.text.get(lang)) for q in dashboard.grouping_questions(questionnaire)]
    groupings.append((dashboard.DISTRICT, _("MLL district")))
    by = request.GET.get("by") or ""
    if by not in {g for g, _label in groupings}:
        by = ""

    frame = ResponseFrame.from_records(questionnaire, response_records(current))
    problem = ""
    try:
        result = dashboard.run(frame, filters, by or None, k)
    except AnalysisError as exc:  # a filter the data cannot take: show everything instead
        problem, filters, by = str(exc), {}, ""
        result = dashboard.run(frame, {}, None, k)
    too_few = 0 < result.n_responses < k or (filters and result.n_responses < k)
    earlier = earlier_frames(current)
    compared_with = request.GET.get("compare") or ""
    chosen = next((w for w in earlier if w.survey.slug == compared_with), None)
    result, comparison = compared(result, frame, chosen, k)
    if request.GET.get("format") == "csv":
        if too_few:
            body = _("Fewer than %(k)s answers match the filters: nothing is shown.") % {"k": k}
        else:
            body = dashboard.csv_text(questionnaire, result, lang)
        record(Actor.of(request), Action.RESULTS_DOWNLOADED, slug, filters=filters, by=by, shown=not too_few)
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
        },
    )
