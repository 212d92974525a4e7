"""The database side of the ``luotain`` command: ``luotain.cli`` reaches the web layer's services only
through these, after ``setup()``. They raise ``luotain.errors.LuotainError`` for what a person must read
(a survey that does not exist, say); the command line turns it into a message and an exit status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from luotain.errors import InvalidInput, NotAllowedNow, NotFound
from luotain.web.server import exec_serve, run_worker, serve
from luotain.web.startup import migrate, setup

if TYPE_CHECKING:  # the models are imported only once Django is set up
    from luotain.analysis import ResponseFrame
    from luotain.web.surveys.models import Survey

# The CLI's way to the server (luotain.web.server) and to starting up (luotain.web.startup).
__all__ = ["exec_serve", "migrate", "run_worker", "serve", "setup"]


def get_survey(slug: str) -> Survey:
    from luotain.web.surveys.models import Survey

    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        slugs = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
        raise NotFound(f"error: no survey '{slug}' (surveys: {slugs})")
    return survey


def create_survey(path: Path, slug: str) -> str:
    from luotain.questionnaire import load_questionnaire
    from luotain.web.surveys.models import Survey
    from luotain.web.surveys.services import create_survey as create

    questionnaire = load_questionnaire(path)
    if Survey.objects.filter(slug=slug).exists():
        raise InvalidInput(f"error: a survey '{slug}' exists already")
    create(
        questionnaire,
        slug,
        actor=_actor("create-survey"),
        source=path.read_text(encoding="utf-8"),
        file=path.name,
    )
    return slug


def export_responses(slug: str, out: TextIO) -> int:
    from luotain.responses import write_csv
    from luotain.web.collect.services import export_responses as export

    survey = get_survey(slug)
    return write_csv(
        survey.questionnaire, export(survey, actor=_actor("export-responses"), format="csv"), out
    )


def survey_questionnaire(slug: str) -> Any:
    return get_survey(slug).questionnaire


def survey_responses(slug: str, format: str) -> tuple[Any, list[Any]]:
    """A survey's questionnaire and its stored responses, to export in ``format`` (recorded)."""
    from luotain.web.collect.services import export_responses as export

    survey = get_survey(slug)
    return survey.questionnaire, export(survey, actor=_actor("export-responses"), format=format)


def import_responses(slug: str, stream: TextIO) -> int:
    from luotain.responses import read_csv
    from luotain.web.collect.services import import_responses as store
    from luotain.web.partners.services import known_codes

    survey = get_survey(slug)
    records = read_csv(survey.questionnaire, stream, known_orgs=known_codes())
    return store(survey, records, actor=_actor("import-responses"))


def analysis_frame(slug: str, by: str | None, filters: dict[str, list[str]]) -> ResponseFrame:
    """The survey's answers as a response frame, for ``luotain analyse`` (which takes results out: recorded
    as the results page's download is)."""
    from luotain.analysis import ResponseFrame
    from luotain.web.audit.services import Action, record
    from luotain.web.collect.services import response_records

    migrate()
    survey = get_survey(slug)
    record(_actor("analyse"), Action.RESULTS_DOWNLOADED, survey.slug, filters=filters, by=by or "")
    return ResponseFrame.from_records(survey.questionnaire, response_records(survey))


def wave_frame(slug: str, other: str) -> tuple[str, Any]:
    """The label and response frame of an earlier wave of the survey's family, named by its survey's link
    name or by its wave."""
    from luotain.analysis import ResponseFrame
    from luotain.web.collect.services import response_records

    earlier = get_survey(slug).earlier_waves()
    wave = next((w for w in earlier if other in (w.slug, w.wave)), None)
    if wave is None:
        named = ", ".join(f"{w.slug} ({w.wave})" for w in earlier) or "none"
        raise NotFound(
            f"error: '{other}' is not an earlier wave of the family of '{slug}' (earlier waves: {named})"
        )
    return wave.wave or wave.slug, ResponseFrame.from_records(wave.questionnaire, response_records(wave))


def write_report(slug: str, out_dir: Path, formats: tuple[str, ...] = (), lang: str = "fi") -> list[Path]:
    """The survey's report in each format (``luotain.report.formats``; all of them unless named), with the
    earlier waves of its family for the trend slides."""
    from luotain.report.formats import REPORT_FORMATS
    from luotain.report.make import write_all
    from luotain.web.audit.services import Action, record
    from luotain.web.backoffice.jobs import report_inputs

    formats = formats or tuple(REPORT_FORMATS)
    survey = get_survey(slug)
    inputs = report_inputs(survey)
    records = inputs.pop("records")
    record(_actor("report"), Action.REPORT_REQUESTED, survey.slug, formats=list(formats), language=lang)
    return write_all(survey.questionnaire, records, out_dir, survey.slug, formats, lang=lang, **inputs)


def import_contacts(path: Path, skip_invalid: bool) -> tuple[int, list[str]]:
    from luotain.web.partners.contacts import import_contacts as run

    result = run(path, actor=_actor("contacts import"), skip_invalid=skip_invalid)
    return result.created, [str(p) for p in result.problems]


def invite(slug: str, district_slug: str, base_url: str | None) -> Any:
    from luotain.web.distribution.services import invite as run
    from luotain.web.partners.models import District

    district = District.objects.filter(slug=district_slug).first()
    if district is None:
        slugs = ", ".join(District.objects.values_list("slug", flat=True))
        raise NotFound(f"error: no district '{district_slug}' (districts: {slugs})")
    with _not_open("invitations go out only while it is open"):
        return run(get_survey(slug), district, actor=_actor("invite"), base_url=base_url)


def remind(slug: str, max_reminders: int, min_days: int, base_url: str | None) -> Any:
    from luotain.web.distribution.services import remind as run

    with _not_open("reminders go out only while it is open"):
        return run(
            get_survey(slug),
            actor=_actor("remind"),
            max_reminders=max_reminders,
            min_days=min_days,
            base_url=base_url,
        )


@contextmanager
def _not_open(why: str) -> Iterator[None]:
    """A survey that is not open, worded for the command line."""
    from luotain.web.collect.services import SurveyNotOpen

    try:
        yield
    except SurveyNotOpen as exc:
        raise NotAllowedNow(f"error: the survey is {exc.state.replace('_', ' ')}: {why}") from None


def close(slug: str) -> int:
    from luotain.web.distribution.services import close_survey

    return close_survey(get_survey(slug), actor=_actor("close"))


def install_codebook(slug: str, question: str, given: Any) -> int | None:
    """Store the codebook (``given``, else the built-in one) for the survey's question and code its answers
    by the rules (codes given by hand stay); how many codes the rules gave, None when there is no codebook."""
    from luotain.text.codebook import builtin_codebook
    from luotain.text.themes import open_question
    from luotain.web.coding.services import apply_rules, set_codebook

    survey = get_survey(slug)
    open_question(survey.questionnaire, question, given)
    codebook = given or builtin_codebook(survey.questionnaire_id, question)
    if codebook is None:
        return None
    actor = _actor("themes --apply-rules")
    set_codebook(survey, codebook, actor=actor)
    return apply_rules(survey, question, actor=actor)


def themes(slug: str, question: str, given: Any, *, suggest: bool, top: int, lang: str) -> Any:
    """The open question's themes (luotain.web.coding.services.question_themes)."""
    from luotain.web.coding.services import question_themes

    return question_themes(get_survey(slug), question, given, suggest=suggest, top=top, lang=lang)


def coding_of(slug: str) -> Any:
    """Every stored codebook of the survey and the codes of its answers (luotain.report.make.Coding)."""
    from luotain.web.coding.services import stored_coding as run

    return run(get_survey(slug))


def response_rates(slug: str) -> dict[str, Any]:
    from luotain.web.distribution.services import response_rates as run

    return run(get_survey(slug))


def retention(dry_run: bool) -> Any:
    from luotain.web.privacy.services import apply_retention

    return apply_retention(actor=_actor("retention"), dry_run=dry_run)


def export_contact(email: str) -> dict[str, Any]:
    from luotain.web.privacy.services import export_contact as run

    return run(email, actor=_actor("contact export"))


def erase_contact(email: str, dry_run: bool) -> Any:
    from luotain.web.privacy.services import erase_contact as run

    return run(email, actor=_actor("contact erase"), dry_run=dry_run)


def demo(out_dir: Path, seed: int = 2024) -> Any:
    """The demo's surveys, users, contacts and reports (luotain.web.demo)."""
    from luotain.web.demo import demo as run

    return run(out_dir, seed)


def _actor(command: str) -> Any:
    """The audit log's actor of a command run at this machine."""
    from luotain.web.audit.services import Actor

    return Actor.command(command)
