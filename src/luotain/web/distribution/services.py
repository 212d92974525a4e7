"""Sending invitations and reminders, opting out, and response rates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from luotain.analysis.kinds import ANALYSES
from luotain.registry import KINDS, ORGANISATION_KINDS
from luotain.web.audit.services import Action, Actor, record
from luotain.web.collect.models import Draft, Response
from luotain.web.collect.services import hash_token, require_open
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.surveys.models import Survey

from .models import Invitation, SurveyContact


def token_for(nonce: str) -> str:
    """The invitation link's token: an HMAC of its nonce, so that a reminder can carry the same link while
    only the token's hash is stored. 24 bytes, 192 bits."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"luotain.invitation:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode("ascii")


def district_contacts(district: District) -> Any:
    counties = district.counties.all()
    return Contact.objects.filter(Q(organisation__in=counties) | Q(organisation__county__in=counties))


@dataclass
class Sending:
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "skipped": self.skipped}


def invite(survey: Survey, district: District, *, actor: Actor, base_url: str | None = None) -> Sending:
    """Invite the district's contacts who have no invitation to this survey yet, one email each; the
    sending is recorded in the audit log with its counts."""
    require_open(survey)
    result = Sending()
    invited = set(survey.invitations.values_list("contact_id", flat=True))
    contacts = list(district_contacts(district).select_related("organisation"))
    result.skipped = sum(1 for c in contacts if c.pk in invited)
    new = sorted((c for c in contacts if c.pk not in invited), key=lambda c: c.pk)
    # Who was invited is recorded in contact order (retention, docs/privacy.md); the invitations and their
    # drafts are made in random order, so that their ids and times say nothing about which contact had which
    # once closing has cut the link.
    SurveyContact.objects.bulk_create(
        [SurveyContact(survey=survey, contact=c) for c in new], ignore_conflicts=True
    )
    secrets.SystemRandom().shuffle(new)
    for contact in new:
        with transaction.atomic():
            nonce = secrets.token_hex(16)
            draft = Draft.objects.create(
                survey=survey, token_hash=hash_token(token_for(nonce)), district=district
            )
            invitation = Invitation.objects.create(
                survey=survey,
                contact=contact,
                organisation=contact.organisation,
                district=district,
                draft=draft,
                nonce=nonce,
            )
        if _send(invitation, "invitation", base_url):
            result.sent += 1
        else:
            result.failed += 1
    record(actor, Action.INVITATIONS_SENT, survey.slug, district=district.slug, **result.counts())
    return result


def remind(
    survey: Survey,
    *,
    actor: Actor,
    max_reminders: int = 2,
    min_days: int = 7,
    base_url: str | None = None,
) -> Sending:
    """Remind those who have not submitted nor opted out, at most ``max_reminders`` times, not sooner than
    ``min_days`` after the last message; recorded in the audit log with its counts."""
    require_open(survey)
    result = Sending()
    cutoff = timezone.now() - timedelta(days=min_days)
    candidates = survey.invitations.filter(
        contact__isnull=False,
        opted_out_at__isnull=True,
        draft__submitted_at__isnull=True,
        reminders_sent__lt=max_reminders,
    ).select_related("contact", "survey", "draft")
    for invitation in candidates:
        if invitation.last_message_at and invitation.last_message_at > cutoff:
            result.skipped += 1
            continue
        if _send(invitation, "reminder", base_url):
            Invitation.objects.filter(pk=invitation.pk).update(reminders_sent=invitation.reminders_sent + 1)
            result.sent += 1
        else:
            result.failed += 1
    record(actor, Action.REMINDERS_SENT, survey.slug, **result.counts())
    return result


def _send(invitation: Invitation, kind: str, base_url: str | None) -> bool:
    contact = invitation.contact
    assert contact is not None
    base = (base_url or settings.LUOTAIN_BASE_URL).rstrip("/")
    survey = invitation.survey
    token = token_for(invitation.nonce)
    lang = contact.language if contact.language in survey.questionnaire.languages else "fi"
    with translation.override(contact.language):
        context = {
            "title": survey.questionnaire.title.get(lang),
            "link": base + reverse("collect:resume", args=[survey.slug, token]),
            "opt_out": base + reverse("distribution:opt_out", args=[survey.slug, token]),
            "closes": timezone.localtime(survey.closes_at).strftime("%-d.%-m.%Y") if survey.closes_at else "",
            "reminder": kind == "reminder",
        }
        # One line: a line break in the questionnaire's title would make the mail library refuse the header.
        subject = " ".join(render_to_string("distribution/subject.txt", context).split())
        body = render_to_string("distribution/invitation.txt", context)
    message = EmailMessage(subject, body, to=[contact.email])
    error = _deliver(message)
    now = timezone.now()
    if error is not None:
        Invitation.objects.filter(pk=invitation.pk).update(
            delivery=Invitation.Delivery.FAILED, error=error[:500]
        )
        return False
    Invitation.objects.filter(pk=invitation.pk).update(
        delivery=Invitation.Delivery.SENT, error="", last_message_at=now, sent_at=invitation.sent_at or now
    )
    return True


@transaction.atomic
def close_survey(survey: Survey, *, actor: Actor) -> int:
    """Close the survey now (if it is not closed yet) and, if it is anonymised, cut the link between
    contacts and their answers: invitations keep organisation and district, not the person. Returns how
    many invitations were anonymised."""
    now = timezone.now()
    if survey.closes_at is None or survey.closes_at > now:
        survey.closes_at = now
    cut = 0
    if survey.anonymity == Survey.Anonymity.ANONYMISED:
        cut = survey.invitations.exclude(contact=None).update(contact=None)
        survey.anonymised_at = now
    survey.save(update_fields=["closes_at", "anonymised_at"])
    record(actor, Action.SURVEY_CLOSED, survey.slug, anonymised_invitations=cut)
    return cut


_last_sent = 0.0


def _deliver(message: EmailMessage) -> str | None:
    """Send with retries (LUOTAIN_EMAIL_RETRIES, backing off) and at most LUOTAIN_EMAIL_PER_SECOND messages a
    second. None when sent, else the last error. A refused recipient is not retried."""
    global _last_sent
    per_second = settings.LUOTAIN_EMAIL_PER_SECOND
    error = None
    for attempt in range(settings.LUOTAIN_EMAIL_RETRIES + 1):
        if per_second > 0:
            wait = _last_sent + 1 / per_second - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        _last_sent = time.monotonic()
        try:
            message.send()
            return None
        except smtplib.SMTPRecipientsRefused as exc:
            return f"recipient refused: {exc}"
        except (smtplib.SMTPException, OSError) as exc:
            error = str(exc) or exc.__class__.__name__
            if attempt < settings.LUOTAIN_EMAIL_RETRIES:
                time.sleep(settings.LUOTAIN_EMAIL_RETRY_SECONDS * (2**attempt))
    return error


def find_by_token(survey: Survey, token: str) -> Invitation | None:
    # By the hash of the token, as find_link: no comparison of the secret in Python.
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(survey=survey, draft__token_hash=hash_token(token)).first()


def opt_out(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, opted_out_at__isnull=True).update(opted_out_at=timezone.now())


def _counts(invitations: Any) -> dict[str, int]:
    return {
        "invited": invitations.count(),
        "opened": invitations.filter(draft__opened_at__isnull=False).count(),
        "started": invitations.exclude(draft__answers={}).count(),
        "submitted": invitations.filter(draft__submitted_at__isnull=False).count(),
        "opted_out": invitations.filter(opted_out_at__isnull=False).count(),
        "failed": invitations.filter(delivery=Invitation.Delivery.FAILED).count(),
    }


def response_rates(survey: Survey) -> dict[str, Any]:
    """Invited, opened, started and submitted per district, organisation type and, while the survey is open
    (for reminders), organisation; and how many counties and municipalities answered (through any link) out
    of all of them. Once it has closed, which organisations answered is nobody's business: no list of them
    is given, to any role (docs/privacy.md)."""
    invitations = survey.invitations.all()
    rates: dict[str, Any] = {"survey": survey.slug, "total": _counts(invitations)}
    rates["districts"] = {
        d.slug: {"name": d.name_fi, **_counts(invitations.filter(district=d))}
        for d in District.objects.filter(invitations__survey=survey).distinct()
    }
    rates["organisation_types"] = {
        kind: _counts(invitations.filter(organisation__kind=kind)) for kind in ORGANISATION_KINDS
    }
    if survey.state() != Survey.State.CLOSED:
        rates["organisations"] = {
            o.code: {"name": o.name_fi, **_counts(invitations.filter(organisation=o))}
            for o in Organisation.objects.filter(pk__in=invitations.values("organisation")).order_by("code")
        }
    answered = set()
    question = next((q.id for q in survey.questionnaire.questions() if ANALYSES.of(q).organisation), None)
    if question:
        answered = {
            r.get(question) for r in Response.objects.filter(survey=survey).values_list("answers", flat=True)
        }
    rates["coverage"] = {
        kind: {
            "answered": sum(1 for code in answered if code and code.startswith(prefix)),
            "total": Organisation.objects.filter(kind=kind, active=True).count(),
        }
        for kind, prefix in ((k.id, f"{k.prefix}:") for k in KINDS.values())
    }
    return rates
