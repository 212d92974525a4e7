"""The database side of the ``luotain`` command. ``luotain.cli`` calls these after ``setup()``."""

from __future__ import annotations

import io
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import django
from django.conf import settings


def setup() -> None:
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luotain.web.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:  # a setting is missing or unsafe: say which, no traceback
        stderr(f"error: {exc}")
        raise SystemExit(2) from None
    # The embedded default keeps its database under ./var/.
    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    from luotain.web.partners.services import seed_registry

    call_command("migrate", interactive=False, verbosity=verbosity)
    seed_registry()


def get_survey(slug: str):  # type: ignore[no-untyped-def]
    from luotain.web.surveys.models import Survey

    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        slugs = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
        stderr(f"error: no survey '{slug}' (surveys: {slugs})")
        raise SystemExit(2)
    return survey


def create_survey(path: Path, slug: str) -> str:
    from luotain.questionnaire import load_questionnaire
    from luotain.web.surveys.models import Survey
    from luotain.web.surveys.services import create_survey as create

    questionnaire = load_questionnaire(path)
    if Survey.objects.filter(slug=slug).exists():
        raise SystemExit(f"error: a survey '{slug}' exists already")
    create(questionnaire, slug, source=path.read_text(encoding="utf-8"))
    return slug


def export_responses(slug: str, out: TextIO) -> int:
    from luotain.responses import write_csv
    from luotain.web.collect.services import response_records

    survey = get_survey(slug)
    return write_csv(survey.questionnaire, response_records(survey), out)


def survey_questionnaire(slug: str) -> Any:
    return get_survey(slug).questionnaire


def survey_responses(slug: str) -> tuple[Any, list[Any]]:
    """A survey's questionnaire and its stored responses (exports in other formats)."""
    from luotain.web.collect.services import response_records

    survey = get_survey(slug)
    return survey.questionnaire, list(response_records(survey))


def import_responses(slug: str, stream: TextIO) -> int:
    from luotain.responses import read_csv
    from luotain.web.collect.services import import_responses as store
    from luotain.web.partners.services import known_codes

    survey = get_survey(slug)
    records = read_csv(survey.questionnaire, stream, known_orgs=known_codes())
    return store(survey, records)


def analysis_frame(slug: str):  # type: ignore[no-untyped-def]
    from luotain.analysis import ResponseFrame
    from luotain.web.collect.services import response_records

    migrate()
    survey = get_survey(slug)
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
        stderr(f"error: '{other}' is not an earlier wave of the family of '{slug}' (earlier waves: {named})")
        raise SystemExit(2)
    return wave.wave or wave.slug, ResponseFrame.from_records(wave.questionnaire, response_records(wave))


def write_report(
    slug: str, out_dir: Path, formats: tuple[str, ...] = ("html", "pdf", "pptx", "table"), lang: str = "fi"
) -> list[Path]:
    """The survey's report in each format: the deck (html, pdf, pptx) and the table report (table); with the
    earlier waves of its family for the trend slides."""
    from luotain.report.make import write_all
    from luotain.web.backoffice.jobs import report_inputs

    survey = get_survey(slug)
    inputs = report_inputs(survey)
    records = inputs.pop("records")
    return write_all(survey.questionnaire, records, out_dir, survey.slug, formats, lang=lang, **inputs)


def import_contacts(path: Path, skip_invalid: bool) -> tuple[int, list[str]]:
    from luotain.web.partners.contacts import import_contacts as run

    result = run(path, skip_invalid=skip_invalid)
    return result.created, [str(p) for p in result.problems]


def invite(slug: str, district_slug: str, base_url: str | None) -> Any:
    from luotain.web.distribution.services import invite as run
    from luotain.web.partners.models import District

    district = District.objects.filter(slug=district_slug).first()
    if district is None:
        slugs = ", ".join(District.objects.values_list("slug", flat=True))
        stderr(f"error: no district '{district_slug}' (districts: {slugs})")
        raise SystemExit(2)
    return run(get_survey(slug), district, base_url=base_url)


def remind(slug: str, max_reminders: int, min_days: int, base_url: str | None) -> Any:
    from luotain.web.distribution.services import remind as run

    return run(get_survey(slug), max_reminders=max_reminders, min_days=min_days, base_url=base_url)


def close(slug: str) -> int:
    from luotain.web.distribution.services import close_survey

    return close_survey(get_survey(slug))


def install_codebook(slug: str, codebook: Any) -> int:
    """Store a codebook for the survey and code its answers by the rules (codes given by hand stay)."""
    from luotain.web.coding.services import apply_rules, set_codebook

    survey = get_survey(slug)
    set_codebook(survey, codebook)
    return apply_rules(survey, codebook.question)


def stored_coding(slug: str, question: str) -> tuple[Any, dict[str, list[str]]] | None:
    """The question's stored codebook and each answer's codes, or None when it has no codebook."""
    from luotain.web.coding.services import codes_of, stored_codebook

    survey = get_survey(slug)
    codebook = stored_codebook(survey, question)
    return None if codebook is None else (codebook, codes_of(survey, question))


def coding_of(slug: str) -> Any:
    """Every stored codebook of the survey and the codes of its answers (luotain.report.make.Coding)."""
    from luotain.web.coding.services import stored_coding as run

    return run(get_survey(slug))


def suggestions(slug: str, question: str) -> list[Any]:
    """Theme suggestions among the answers not yet coded, without rejected ones."""
    from luotain.web.coding.services import suggestions as run

    return run(get_survey(slug), question)


def open_answers(slug: str, question: str) -> tuple[Any, dict[str, str]]:
    from luotain.web.collect.services import response_records

    survey = get_survey(slug)
    texts = {r.response_id: r.answers[question] for r in response_records(survey) if r.answers.get(question)}
    return survey.questionnaire, texts


def response_rates(slug: str) -> dict[str, Any]:
    from luotain.web.distribution.services import response_rates as run

    return run(get_survey(slug))


def retention(dry_run: bool) -> Any:
    from luotain.web.privacy.services import apply_retention

    return apply_retention(dry_run=dry_run)


def export_contact(email: str) -> dict[str, Any]:
    from luotain.web.privacy.services import export_contact as run

    return run(email)


def erase_contact(email: str, dry_run: bool) -> Any:
    from luotain.web.privacy.services import erase_contact as run

    return run(email, dry_run=dry_run)


DEMO_SLUG = "mll-2024"
DEMO_SLUG_2025 = "mll-2025"
DEMO_USER = "admin"


def demo(out_dir: Path, seed: int = 2024) -> dict[str, Any]:
    """Set up the built-in partner survey's two waves, 2024 and 2025, with their demo answers and the staff
    users; write both reports (the 2025 one compares with 2024)."""
    from django.db import transaction

    from luotain.responses import demo as demo_2024
    from luotain.responses import demo_2025

    migrate()
    info: dict[str, Any] = {}
    with transaction.atomic():
        surveys = [
            _demo_wave(DEMO_SLUG, demo_2024.TEMPLATE, lambda: demo_2024.generate(seed).records),
            _demo_wave(DEMO_SLUG_2025, demo_2025.TEMPLATE, lambda: demo_2025.generate(seed + 1).records),
        ]
        password = os.environ.get("LUOTAIN_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        users = demo_users(password)
    info["survey"] = DEMO_SLUG
    info["responses"] = str(surveys[0].responses.count())
    info["waves"] = [(s.slug, s.wave, s.responses.count()) for s in surveys]
    info["user"] = DEMO_USER
    info["password"] = password
    info["users"] = users
    info["report"] = ", ".join(str(p) for s in surveys for p in write_report(s.slug, out_dir))
    return info


def _demo_wave(slug: str, template: str, records: Callable[[], list[Any]]) -> Any:
    """A demo survey of a built-in template with its demo answers, chosen quotes and coding (once)."""
    from luotain.questionnaire import builtin_template_path, load_questionnaire
    from luotain.responses.demo import quote_flags
    from luotain.text.codebook import builtin_codebook
    from luotain.web.coding.services import apply_rules, set_codebook
    from luotain.web.collect.models import QuoteSelection
    from luotain.web.collect.services import import_responses as store
    from luotain.web.surveys.models import Survey
    from luotain.web.surveys.services import create_survey as create

    path = builtin_template_path(template)
    questionnaire = load_questionnaire(path)
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        survey = create(questionnaire, slug, source=path.read_text(encoding="utf-8"))
    elif not survey.family and survey.questionnaire_id == questionnaire.id:
        # A demo database from before waves: the survey joins its family (its questionnaire stays as it was).
        survey.family, survey.wave = questionnaire.family or "", questionnaire.wave or ""
        survey.save(update_fields=["family", "wave"])
    if not survey.responses.filter(source="demo").exists():
        made = records()
        store(survey, made, source="demo")
        by_id = {r.public_id: r for r in survey.responses.filter(source="demo")}
        QuoteSelection.objects.bulk_create(
            [QuoteSelection(response=by_id[rid], question_id=qid) for qid, rid in quote_flags(made)]
        )
        for question in survey.questionnaire.questions():
            builtin = builtin_codebook(survey.questionnaire_id, question.id)
            if builtin is not None:
                set_codebook(survey, builtin)
                apply_rules(survey, question.id)
    return survey


def demo_users(password: str) -> list[tuple[str, str]]:
    """One user of each back-office role, a coordinator for every district; all with the same password.
    Returns (user name, role) pairs."""
    from django.contrib.auth import get_user_model

    from luotain.web.backoffice.models import StaffRole
    from luotain.web.partners.models import District

    user_model = get_user_model()
    wanted: list[tuple[str, str, Any]] = [
        (DEMO_USER, StaffRole.Role.ADMIN, None),
        ("analyytikko", StaffRole.Role.ANALYST, None),
    ]
    wanted += [
        (f"koordinaattori-{d.slug}", StaffRole.Role.COORDINATOR, d) for d in District.objects.order_by("slug")
    ]
    made = []
    for username, role, district in wanted:
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.is_staff = role == StaffRole.Role.ADMIN  # Django's own admin is for administrators only
        user.is_superuser = role == StaffRole.Role.ADMIN
        user.set_password(password)
        user.save()
        StaffRole.objects.update_or_create(user=user, defaults={"role": role, "district": district})
        made.append((username, str(StaffRole.Role(role).label)))
    return made


def worker() -> None:
    """Run the job queue's consumer: first put back jobs that a dead worker left behind."""
    from django.core.management import call_command

    from luotain.web.backoffice.jobs import recover_stale

    lost = recover_stale()
    if lost:
        stderr(f"Jobs left unfinished by a stopped worker, run again: {', '.join(map(str, lost))}")
    call_command("run_huey")


def serve(
    host: str, port: int, *, workers: int | None = None, threads: int | None = None, with_worker: bool = True
) -> None:
    """Serve the site with gunicorn: ``workers`` processes of ``threads`` threads (LUOTAIN_WORKERS,
    LUOTAIN_THREADS; by default two processes a core, four threads each). No access log: it would keep
    the respondents' IP addresses. ``with_worker``: also run a job-queue worker beside it (one machine)."""
    import atexit
    import subprocess

    from gunicorn.app.base import BaseApplication

    migrate()
    if with_worker and not settings.HUEY.get("immediate"):
        consumer = subprocess.Popen([sys.executable, "-m", "luotain", "worker"])

        def stop_consumer() -> None:
            consumer.terminate()
            try:
                consumer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                consumer.kill()

        atexit.register(stop_consumer)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or int(os.environ.get("LUOTAIN_WORKERS") or 2 * (os.cpu_count() or 1)),
        "threads": threads or int(os.environ.get("LUOTAIN_THREADS") or 4),
        "worker_class": "gthread",
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "luotain",
    }

    class Luotain(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from luotain.web.wsgi import application

            return application

    Luotain().run()


def csv_text_of(slug: str) -> str:
    buf = io.StringIO()
    export_responses(slug, buf)
    return buf.getvalue()


def stderr(message: str) -> None:
    print(message, file=sys.stderr)
