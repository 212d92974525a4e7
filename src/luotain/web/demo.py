"""The demo: the built-in partner survey's 2024 and 2025 waves with their demo answers, a staff user of each
role, demo contacts with invitations in every state, and both reports, made by the report job as the
Reports page makes them (``luotain demo``).

Everything here is invented: the contacts' names are common Finnish and Swedish names put together at
random, their addresses are under ``example.fi``, and no message is sent to anyone.
"""

from __future__ import annotations

import os
import random
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from luotain.web.audit.services import Actor
from luotain.web.backoffice import jobs
from luotain.web.backoffice.models import Job, StaffRole
from luotain.web.collect.models import Draft, Response
from luotain.web.collect.services import hash_token
from luotain.web.distribution.models import Invitation, SurveyContact
from luotain.web.distribution.services import token_for
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.surveys.models import Survey

DEMO_SLUG = "mll-2024"
DEMO_SLUG_2025 = "mll-2025"
DEMO_USER = "admin"
ACTOR = Actor.command("demo")  # what the demo does is in the audit log as the command's
PASSWORD_FILE = "demo-password"  # noqa: S105 - the name of the file, not a password

FIRST_NAMES_FI = (
    "Anna", "Maria", "Laura", "Sanna", "Johanna", "Katja", "Heidi", "Tiina", "Elina", "Minna", "Riikka",
    "Paula", "Jussi", "Mikko", "Timo", "Antti", "Jari", "Petri", "Ville", "Sami", "Teemu", "Markus",
)  # fmt: skip
LAST_NAMES_FI = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Kinnunen", "Turunen", "Salo",
)  # fmt: skip
FIRST_NAMES_SV = ("Anna", "Maria", "Sofia", "Linda", "Camilla", "Johan", "Mikael", "Peter", "Henrik", "Erik")
LAST_NAMES_SV = (
    "Lindqvist",
    "Nyström",
    "Holmberg",
    "Sjöblom",
    "Forsman",
    "Lindholm",
    "Björklund",
    "Wikström",
)
# Municipalities whose partners the demo addresses in Swedish (Swedish-speaking majority).
SWEDISH_MUNICIPALITIES = frozenset(
    {"kunta:149", "kunta:287", "kunta:288", "kunta:322", "kunta:440", "kunta:445", "kunta:475", "kunta:499",
     "kunta:545", "kunta:599", "kunta:710", "kunta:893", "kunta:946"}
)  # fmt: skip
ROLE_TITLES = {
    "johto": "Johtava viranhaltija",
    "paallikko": "Palvelupäällikkö",
    "asiantuntija": "Perhekeskuskoordinaattori",
    "tyontekija": "Perhetyöntekijä",
    "muu": "Hyvinvointikoordinaattori",
}
# Invitations that did not end in an answer, in the order a district's are dealt: sent and not opened,
# opened, started, opted out, bounced (the address did not exist).
UNANSWERED = ("sent", "opened", "started", "opted_out", "bounced", "sent", "opened")


@dataclass
class DemoInfo:
    waves: list[tuple[str, str, int]]  # (slug, wave, responses)
    users: list[tuple[str, str]]  # (user name, role)
    password: str
    reports: list[Path]
    invitations: int


def demo(out_dir: Path, seed: int = 2024) -> DemoInfo:
    """Set up (or bring up to date) the demo, write both reports to ``out_dir`` and keep them on the Reports
    page. Running it again adds nothing twice; the reports are made anew from the answers there are."""
    from luotain.mll import demo_2024, demo_2025
    from luotain.web.startup import migrate

    migrate()
    with transaction.atomic():
        surveys = [
            _demo_wave(DEMO_SLUG, demo_2024.TEMPLATE, lambda: demo_2024.generate(seed).records),
            _demo_wave(DEMO_SLUG_2025, demo_2025.TEMPLATE, lambda: demo_2025.generate(seed + 1).records),
        ]
        password = demo_password()
        users = demo_users(password)
        invitations = demo_invitations(surveys, seed)
        _closed_in_2024(surveys[0])
    admin = get_user_model().objects.get(username=DEMO_USER)
    reports = [path for survey in surveys for path in demo_report(survey, out_dir, admin)]
    return DemoInfo(
        waves=[(s.slug, s.wave, s.responses.count()) for s in surveys],
        users=users,
        password=password,
        reports=reports,
        invitations=invitations,
    )


def _closed_in_2024(survey: Survey) -> None:
    """Last year's wave answered in May 2024 and closed (once: a window set by hand stays): the results of a
    closed survey are what district coordinators see (docs/privacy.md)."""
    if survey.opens_at is None and survey.closes_at is None:
        helsinki = ZoneInfo("Europe/Helsinki")
        survey.opens_at = datetime(2024, 5, 6, 8, 0, tzinfo=helsinki)
        survey.closes_at = datetime(2024, 6, 2, 23, 59, tzinfo=helsinki)
        survey.save(update_fields=["opens_at", "closes_at"])


def demo_password() -> str:
    """LUOTAIN_DEMO_PASSWORD, else the one kept beside the secret key (var/demo-password), made once: the
    password stays the same however often the demo is run again."""
    given = os.environ.get("LUOTAIN_DEMO_PASSWORD")
    if given:
        return given
    path = Path(settings.VAR_DIR) / PASSWORD_FILE
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def _demo_wave(slug: str, template: str, records: Callable[[], list[Any]]) -> Survey:
    """A demo survey of a built-in template with its demo answers, chosen quotes and coding (once)."""
    from luotain.mll.demo_2024 import quote_flags
    from luotain.questionnaire import builtin_template_path, load_questionnaire
    from luotain.text.codebook import builtin_codebook
    from luotain.web.coding.services import apply_rules, set_codebook
    from luotain.web.collect.models import QuoteSelection
    from luotain.web.collect.services import import_responses as store
    from luotain.web.surveys.services import create_survey as create

    path = builtin_template_path(template)
    questionnaire = load_questionnaire(path)
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        survey = create(
            questionnaire, slug, actor=ACTOR, source=path.read_text(encoding="utf-8"), file=path.name
        )
    elif not survey.family and survey.questionnaire_id == questionnaire.id:
        # A demo database from before waves: the survey joins its family (its questionnaire stays as it was).
        survey.family, survey.wave = questionnaire.family or "", questionnaire.wave or ""
        survey.save(update_fields=["family", "wave"])
    if not survey.responses.filter(source="demo").exists():
        made = records()
        store(survey, made, actor=ACTOR, source="demo")
        by_id = {r.public_id: r for r in survey.responses.filter(source="demo")}
        QuoteSelection.objects.bulk_create(
            [QuoteSelection(response=by_id[rid], question_id=qid) for qid, rid in quote_flags(made)]
        )
        for question in survey.questionnaire.questions():
            builtin = builtin_codebook(survey.questionnaire_id, question.id)
            if builtin is not None:
                set_codebook(survey, builtin, actor=ACTOR)
                apply_rules(survey, question.id, actor=ACTOR)
    return survey


def demo_users(password: str) -> list[tuple[str, str]]:
    """One user of each back-office role, a coordinator for every district; all with the same password.
    Returns (user name, role) pairs."""
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


class _People:
    """Invented contacts, the same for the same seed: one person a position at an organisation."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.taken: set[str] = set()
        self.at: dict[str, list[Contact]] = {}

    def contact(self, organisation: Organisation, index: int, role: str) -> Contact:
        """The ``index``-th contact person of ``organisation`` (made when there is none yet)."""
        people = self.at.setdefault(organisation.code, [])
        while len(people) <= index:
            people.append(self._new(organisation, role))
        return people[index]

    def _new(self, organisation: Organisation, role: str) -> Contact:
        swedish = organisation.code in SWEDISH_MUNICIPALITIES
        first_names, last_names = (
            (FIRST_NAMES_SV, LAST_NAMES_SV) if swedish else (FIRST_NAMES_FI, LAST_NAMES_FI)
        )
        while True:
            first, last = self.rng.choice(first_names), self.rng.choice(last_names)
            email = f"{_ascii(first)}.{_ascii(last)}@{_ascii(organisation.name_fi)}.example.fi"
            if email not in self.taken:
                break
        self.taken.add(email)
        contact, _created = Contact.objects.get_or_create(
            email=email,
            organisation=organisation,
            defaults={
                "name": f"{first} {last}",
                "role": ROLE_TITLES.get(role, ""),
                "language": Contact.Language.SV if swedish else Contact.Language.FI,
            },
        )
        return contact


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isalnum() else "-" for c in folded).strip("-")


def demo_invitations(surveys: Sequence[Survey], seed: int) -> int:
    """Demo contacts in every district and their invitations to each wave (once): each demo answer came
    through a contact's personal link, and beside them are invitations that were sent and not opened,
    opened, started, opted out of and bounced, so that the response rates have something to show. Returns how
    many invitations there are."""
    if Invitation.objects.filter(survey__in=surveys).exists():
        return Invitation.objects.filter(survey__in=surveys).count()
    people = _People(seed)
    districts = {
        county_id: district
        for district in District.objects.prefetch_related("counties")
        for county_id in district.counties.values_list("pk", flat=True)
    }
    organisations = {o.code: o for o in Organisation.objects.all()}

    def district_of(organisation: Organisation) -> District | None:
        county = organisation.pk if organisation.kind == Organisation.Kind.COUNTY else organisation.county_id
        return districts.get(county) if county is not None else None

    made = 0
    for survey in surveys:
        rng = random.Random(f"{seed}:{survey.slug}")
        seen: dict[str, int] = {}
        responses = list(survey.responses.filter(source="demo", draft__isnull=True).order_by("submitted_at"))
        for response in responses:
            organisation = organisations.get(str(response.answers.get("organisation", "")))
            district = district_of(organisation) if organisation else None
            if organisation is None or district is None:
                continue
            index = seen[organisation.code] = seen.get(organisation.code, -1) + 1
            contact = people.contact(organisation, index, str(response.answers.get("role", "")))
            sent = response.submitted_at - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            draft = _invite(survey, contact, district, sent, rng)
            draft.opened_at = sent + timedelta(hours=rng.randint(1, 48))
            if draft.opened_at >= response.submitted_at:
                draft.opened_at = response.submitted_at - timedelta(minutes=20)
            draft.answers, draft.page = response.answers, len(survey.questionnaire.sections)
            draft.submitted_at = response.submitted_at
            draft.save(update_fields=["opened_at", "answers", "page", "submitted_at"])
            Response.objects.filter(pk=response.pk).update(draft=draft, district=district)
            made += 1
        start = min((r.submitted_at for r in responses), default=None)
        if start is None:
            continue
        for district in District.objects.prefetch_related("counties").order_by("slug"):
            candidates = sorted(
                (
                    o
                    for o in organisations.values()
                    if o.active and district_of(o) == district and o.code not in seen
                ),
                key=lambda o: o.code,
            )
            for state, organisation in zip(
                UNANSWERED, rng.sample(candidates, min(len(candidates), 7)), strict=False
            ):
                contact = people.contact(organisation, 0, rng.choice(("johto", "paallikko", "asiantuntija")))
                _unanswered(survey, contact, district, start - timedelta(days=1), state, rng)
                made += 1
    return made


def _invite(
    survey: Survey, contact: Contact, district: District, sent: datetime, rng: random.Random
) -> Draft:
    """An invitation of ``contact`` sent at ``sent``, with its draft; the link works as a real one."""
    nonce = secrets.token_hex(16)
    draft = Draft.objects.create(survey=survey, token_hash=hash_token(token_for(nonce)), district=district)
    reminded = rng.random() < 0.3
    Invitation.objects.create(
        survey=survey,
        contact=contact,
        organisation=contact.organisation,
        district=district,
        draft=draft,
        nonce=nonce,
        sent_at=sent,
        last_message_at=sent + timedelta(days=7) if reminded else sent,
        reminders_sent=1 if reminded else 0,
    )
    SurveyContact.objects.get_or_create(survey=survey, contact=contact)
    return draft


def _unanswered(
    survey: Survey, contact: Contact, district: District, sent: datetime, state: str, rng: random.Random
) -> None:
    draft = _invite(survey, contact, district, sent, rng)
    invitation = draft.invitation
    if state in ("opened", "started", "opted_out"):
        draft.opened_at = sent + timedelta(hours=rng.randint(2, 72))
    if state == "started":
        kind = contact.organisation.kind
        draft.answers, draft.page = {"org_type": kind, "role": "asiantuntija"}, 2
    draft.save(update_fields=["opened_at", "answers", "page"])
    if state == "opted_out":
        invitation.opted_out_at = draft.opened_at
        invitation.save(update_fields=["opted_out_at"])
    elif state == "bounced":
        invitation.delivery = Invitation.Delivery.BOUNCED
        invitation.error = f"550 5.1.1 <{contact.email}>: Recipient address rejected: User unknown"
        invitation.save(update_fields=["delivery", "error"])


def demo_report(survey: Survey, out_dir: Path, user: Any) -> list[Path]:
    """The survey's report in every format, made by the report job (as the Reports page asks for it) and
    kept there; the files also written to ``out_dir``. The demo's earlier reports give way to the new one."""
    Job.objects.filter(survey=survey, kind=Job.Kind.REPORT, params__demo=True).delete()
    job = Job.objects.create(
        kind=Job.Kind.REPORT,
        survey=survey,
        params={"formats": list(jobs.FORMATS), "language": "fi", "demo": True},
        requested_by=user,
    )
    jobs.run(job.pk)  # here and now: the demo prints where the files are
    job.refresh_from_db()
    if job.status != Job.Status.DONE:
        raise RuntimeError(f"the report of {survey.slug} failed: {job.error}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file in job.files.all():
        path = out_dir / file.filename
        path.write_bytes(bytes(file.content))
        written.append(path)
    return written
