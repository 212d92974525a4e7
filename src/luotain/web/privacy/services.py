"""Retention, and one contact's data exported or erased (docs/privacy.md).

``apply_retention()`` is what a daily job runs: for every survey whose retention period has ended it cuts
every link between contacts and answers and deletes the contacts no survey needs any more. The answers stay:
they are the survey's data.

A contact is deleted when every survey it was invited to is past its retention period. Which surveys a
contact was invited to is read from ``SurveyContact`` (kept after closing cuts the invitations' link) and
from invitations that still name it; a contact never invited to any survey is kept (a district may be about
to invite it) until it is erased by hand.
"""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from luotain.web.audit.services import Action, Actor, record
from luotain.web.collect.models import Draft, Response
from luotain.web.distribution.models import Invitation, SurveyContact
from luotain.web.partners.models import Contact
from luotain.web.surveys.models import Survey

# A retired answering link's stored hash and an invitation's retired nonce start with this. A SHA-256 in hex
# never contains ':', so no token can match a retired hash, and a retired row is not retired twice.
RETIRED = "retired:"


def _retired(length: int) -> str:
    return RETIRED + secrets.token_hex((length - len(RETIRED)) // 2)


def _retire_links(invitations: QuerySet[Invitation], drafts: QuerySet[Draft]) -> int:
    """Give the drafts' stored link hashes and the invitations' nonces new random values, so that a link kept
    in a mailbox, a browser's cookie or a mail server's log no longer leads to the answers. Returns how many
    links stopped working."""
    live = list(drafts.exclude(token_hash__startswith=RETIRED).only("pk"))
    for draft in live:
        draft.token_hash = _retired(64)
    Draft.objects.bulk_update(live, ["token_hash"], batch_size=500)
    nonces = list(invitations.exclude(nonce__startswith=RETIRED).only("pk"))
    for invitation in nonces:
        invitation.nonce = _retired(32)
    Invitation.objects.bulk_update(nonces, ["nonce"], batch_size=500)
    return len(live)


def _admin_history(contact_ids: set[int]) -> QuerySet[LogEntry]:
    """The admin's change history of these contacts: its rows name the contact (their text is its name)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact),
        object_id__in=[str(pk) for pk in contact_ids],
    )


def _contacts_of(surveys: Any) -> set[int]:
    """Contacts invited to these surveys (a queryset or list of survey ids), linked or not."""
    recorded = SurveyContact.objects.filter(survey__in=surveys).values_list("contact_id", flat=True)
    linked = Invitation.objects.filter(survey__in=surveys, contact__isnull=False)
    return set(recorded) | set(linked.values_list("contact_id", flat=True))


# Retention


@dataclass
class SurveyRetention:
    """What retention did (or, in a dry run, would do) to one survey past its retention period."""

    slug: str
    closed_at: datetime
    retention_days: int
    ended_at: datetime
    contact_links_cut: int = 0  # invitations that still named their contact
    answering_links_disabled: int = 0  # drafts whose link still led to them
    contacts_deleted: int = 0  # of this survey's contacts, those no other survey needs
    applied_at: datetime | None = None  # when retention first changed this survey (None: not yet)

    @property
    def changed(self) -> bool:
        return bool(self.contact_links_cut or self.answering_links_disabled or self.contacts_deleted)


@dataclass
class RetentionReport:
    now: datetime
    dry_run: bool
    surveys: list[SurveyRetention] = field(default_factory=list)
    contacts_deleted: int = 0
    admin_log_entries_deleted: int = 0
    waiting: list[tuple[str, datetime]] = field(default_factory=list)  # closed, retention not yet over
    kept: list[str] = field(default_factory=list)  # closed, no retention period: kept until deleted by hand
    # Anonymised surveys that closed by their closing time, without `luotain close`: (slug, invitations cut).
    anonymised: list[tuple[str, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report in plain English, for the command and the job's log."""
        verb = "would be" if self.dry_run else "were"
        out = ["Dry run: nothing was changed." if self.dry_run else "Retention applied."]
        for s in self.surveys:
            head = (
                f"{s.slug}: closed {s.closed_at:%Y-%m-%d}, retention {s.retention_days} days, "
                f"ended {s.ended_at:%Y-%m-%d}"
            )
            if s.changed:
                out.append(
                    f"{head}: {s.contact_links_cut} invitation(s) {verb} unlinked from their contact, "
                    f"{s.answering_links_disabled} answering link(s) {verb} disabled, "
                    f"{s.contacts_deleted} contact(s) {verb} deleted"
                )
            else:
                out.append(f"{head}: nothing left to delete")
        for slug, ended in self.waiting:
            out.append(f"{slug}: retention ends {ended:%Y-%m-%d}")
        for slug in self.kept:
            out.append(f"{slug}: no retention period, kept until deleted by hand")
        for slug, cut in self.anonymised:
            out.append(
                f"{slug}: closed and anonymised: {cut} invitation(s) {verb} unlinked from their contact"
            )
        out.append(
            f"Contacts {verb} deleted: {self.contacts_deleted} (every survey they were invited to is past "
            "its retention period)."
        )
        return out


def apply_retention(*, actor: Actor, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Apply every survey's retention period (``Survey.retention_days`` after closing): for each survey past
    it, invitations lose their contact and their delivery errors, every answering link stops working, the
    record of who was invited goes, and contacts that no survey within its retention period needs are
    deleted (with the admin's history of them). Responses stay. An anonymised survey that closed by its
    closing time, without `luotain close`, is anonymised as closing would have done. Idempotent: a second
    run changes nothing. With ``dry_run`` nothing is changed and the report says what would be. ``now``:
    for tests. What it changed is recorded in the audit log (a run that changed nothing is not)."""
    now = now or timezone.now()
    report = RetentionReport(now=now, dry_run=dry_run)
    due: list[tuple[Survey, datetime]] = []
    closed_anonymised: list[Survey] = []
    for survey in Survey.objects.order_by("closes_at", "slug"):
        ended = survey.retention_due_at()
        if ended is not None and ended <= now:
            due.append((survey, ended))
            continue
        if survey.state(now) != Survey.State.CLOSED:
            continue
        if ended is not None:
            report.waiting.append((survey.slug, ended))
        else:
            report.kept.append(survey.slug)
        if survey.anonymity == Survey.Anonymity.ANONYMISED:
            closed_anonymised.append(survey)
    due_ids = [s.pk for s, _ in due]
    with nullcontext() if dry_run else transaction.atomic():
        # Decided before anything changes: cutting the links below hides who was invited where.
        gone = _contacts_of(due_ids) - _contacts_of(Survey.objects.exclude(pk__in=due_ids))
        for survey, ended in due:
            assert survey.closes_at is not None and survey.retention_days is not None
            item = SurveyRetention(survey.slug, survey.closes_at, survey.retention_days, ended)
            item.applied_at = survey.retention_applied_at
            linked = survey.invitations.exclude(contact=None)
            drafts = Draft.objects.filter(survey=survey)
            item.contact_links_cut = linked.count()
            item.contacts_deleted = len(_contacts_of([survey.pk]) & gone)
            if dry_run:
                item.answering_links_disabled = drafts.exclude(token_hash__startswith=RETIRED).count()
            else:
                linked.update(contact=None)
                survey.invitations.exclude(error="").update(error="")  # an error may name the address
                item.answering_links_disabled = _retire_links(survey.invitations.all(), drafts)
                SurveyContact.objects.filter(survey=survey).delete()
                if item.changed or survey.retention_applied_at is None:
                    item.applied_at = now
                    Survey.objects.filter(pk=survey.pk).update(retention_applied_at=now)
            report.surveys.append(item)
        for survey in closed_anonymised:  # what closing does, for a survey closed by its closing time
            linked = survey.invitations.exclude(contact=None)
            cut = linked.count() if dry_run else linked.update(contact=None)
            if cut or survey.anonymised_at is None:
                report.anonymised.append((survey.slug, cut))
                if not dry_run:
                    Survey.objects.filter(pk=survey.pk).update(anonymised_at=now)
        report.contacts_deleted = len(gone)
        if not dry_run:
            report.admin_log_entries_deleted = _admin_history(gone).delete()[0]
            Contact.objects.filter(pk__in=gone).delete()
            changed = [s.slug for s in report.surveys if s.changed]
            if changed or report.anonymised or report.contacts_deleted:
                record(
                    actor,
                    Action.RETENTION_APPLIED,
                    "",
                    surveys=changed,
                    anonymised=[slug for slug, _cut in report.anonymised],
                    contacts_deleted=report.contacts_deleted,
                )
    return report


# One contact's data


def _contacts_by_email(email: str) -> QuerySet[Contact]:
    return Contact.objects.filter(email__iexact=email.strip()).select_related("organisation").order_by("pk")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _invitation_data(invitation: Invitation) -> dict[str, Any]:
    survey, draft = invitation.survey, invitation.draft
    data: dict[str, Any] = {
        "survey": survey.slug,
        "title": survey.questionnaire.title.fi,
        "anonymity": survey.anonymity,
        "district": invitation.district.slug if invitation.district else None,
        "sent_at": _when(invitation.sent_at),
        "last_message_at": _when(invitation.last_message_at),
        "reminders_sent": invitation.reminders_sent,
        "delivery": invitation.delivery,
        "delivery_error": invitation.error,
        "opted_out_at": _when(invitation.opted_out_at),
        "answered": draft.submitted_at is not None,
    }
    if survey.anonymity != Survey.Anonymity.IDENTIFIED:
        # The survey promised anonymity: its answers never leave with a person's data (nor the times that
        # would find them among the responses).
        data["answers"] = "not included: the survey is anonymised"
        return data
    response = Response.objects.filter(draft=draft).first()
    data["opened_at"] = _when(draft.opened_at)
    data["submitted_at"] = _when(draft.submitted_at)
    data["response_id"] = response.public_id if response else None
    data["answers"] = dict(response.answers) if response else None
    if response is None and draft.answers:
        data["answers_in_progress"] = dict(draft.answers)
    return data


def export_contact(email: str, *, actor: Actor) -> dict[str, Any]:
    """Everything stored about the person with this email address, as JSON-ready data: each contact row (one
    per organisation), the surveys they were invited to, and each invitation that still names them: when it
    was sent, reminders, opting out, whether they answered, and their answers if the survey is identified.
    The export is recorded in the audit log, without the address."""
    contacts = []
    for contact in _contacts_by_email(email):
        invitations = contact.invitations.select_related("survey", "draft", "district")
        invitations = invitations.order_by("survey__slug")
        invited_to = contact.invited_to.select_related("survey").order_by("survey__slug")
        contacts.append(
            {
                "name": contact.name,
                "email": contact.email,
                "organisation": {"code": contact.organisation.code, "name": contact.organisation.name_fi},
                "role": contact.role,
                "language": contact.language,
                "created_at": _when(contact.created_at),
                "invited_to": [r.survey.slug for r in invited_to],
                "invitations": [_invitation_data(i) for i in invitations],
            }
        )
    record(actor, Action.CONTACTS_EXPORTED, "", contacts=len(contacts))
    return {"email": email.strip(), "exported_at": timezone.now().isoformat(), "contacts": contacts}


@dataclass
class Erasure:
    """What erasing one person's data did (or, in a dry run, would do)."""

    email: str
    dry_run: bool
    contacts: list[str] = field(default_factory=list)  # "name (organisation)" of each contact row
    surveys: list[str] = field(default_factory=list)  # slugs of the surveys they were invited to
    invitations_unlinked: int = 0
    answering_links_disabled: int = 0
    admin_log_entries_deleted: int = 0

    def lines(self) -> list[str]:
        if not self.contacts:
            return [f"No contact has the address {self.email}: nothing to erase."]
        verb = "would be" if self.dry_run else "were"
        return [
            f"Contact rows {verb} deleted: {len(self.contacts)}",
            *(f"  {c}" for c in self.contacts),
            f"Surveys they were invited to: {', '.join(self.surveys) or 'none'}",
            f"Invitations {verb} unlinked from the person: {self.invitations_unlinked} (they keep "
            "organisation and district, so response rates stay)",
            f"Answering links {verb} disabled: {self.answering_links_disabled}",
            f"Admin history entries {verb} deleted: {self.admin_log_entries_deleted}",
        ]


def erase_contact(email: str, *, actor: Actor, dry_run: bool = False) -> Erasure:
    """Delete every contact row with this email address and cut every link between the person and answers:
    their invitations lose the contact (keeping organisation and district for response rates), their
    answering links stop working, the admin's history of the contact goes. Answers stay, unlinked. The
    erasure is recorded in the audit log with its counts, without the address."""
    result = Erasure(email=email.strip(), dry_run=dry_run)
    with nullcontext() if dry_run else transaction.atomic():
        contacts = list(_contacts_by_email(email))
        ids = {c.pk for c in contacts}
        result.contacts = [f"{c.name} ({c.organisation.name_fi})" for c in contacts]
        invited = Q(invited_contacts__contact__in=ids) | Q(invitations__contact__in=ids)
        result.surveys = sorted(set(Survey.objects.filter(invited).values_list("slug", flat=True)))
        invitations = Invitation.objects.filter(contact__in=ids)
        invitation_ids = list(invitations.values_list("pk", flat=True))
        drafts = Draft.objects.filter(invitation__in=invitation_ids)
        result.invitations_unlinked = len(invitation_ids)
        history = _admin_history(ids)
        if dry_run:
            result.answering_links_disabled = drafts.exclude(token_hash__startswith=RETIRED).count()
            result.admin_log_entries_deleted = history.count()
            return result
        mine = Invitation.objects.filter(pk__in=invitation_ids)
        mine.update(contact=None, error="")
        result.answering_links_disabled = _retire_links(mine, drafts)
        result.admin_log_entries_deleted = history.delete()[0]
        Contact.objects.filter(pk__in=ids).delete()  # and, by cascade, the record of surveys invited to
        if ids:
            record(
                actor,
                Action.CONTACTS_ERASED,
                "",
                contacts=len(ids),
                surveys=result.surveys,
                invitations_unlinked=result.invitations_unlinked,
            )
    return result
