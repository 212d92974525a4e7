"""Invitations: a personal answering link per contact, its delivery and what became of it.

Progress (opened, started, submitted) is read from the invitation's draft, never kept in counters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luotain.web.collect.models import Draft
from luotain.web.partners.models import Contact, District, Organisation
from luotain.web.surveys.models import Survey


class Invitation(models.Model):
    class Delivery(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, null=True, on_delete=models.SET_NULL, related_name="invitations")
    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="invitation")
    # The link's token is an HMAC of this random nonce under the secret key; only the token's hash is stored.
    nonce = models.CharField(max_length=32, unique=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.SENT)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    opted_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "contact"], name="invite_contact_once")]

    def __str__(self) -> str:
        return f"{self.survey} / {self.organisation}"


class SurveyContact(models.Model):
    """That a contact was invited to a survey, and nothing more: no invitation, draft or time. Closing an
    anonymised survey cuts the invitation's link to its contact; this record stays until the survey's
    retention period ends, so that retention deletes a contact only when no survey needs it any more
    (docs/privacy.md). Rows are written in contact order, never in the order of the invitations."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invited_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invited_to")

    class Meta:
        verbose_name = _("invited contact")
        verbose_name_plural = _("invited contacts")
        constraints = [models.UniqueConstraint(fields=["survey", "contact"], name="survey_contact_once")]

    def __str__(self) -> str:
        return f"{self.survey} / {self.contact_id}"
