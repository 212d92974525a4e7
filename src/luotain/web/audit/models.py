"""The audit log: what staff did, who and when. No IP addresses or user agents (docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        SIGN_OUT = "sign_out", _("signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        SURVEY_CREATED = "survey_created", _("survey created")
        WINDOW_CHANGED = "window_changed", _("answering window changed")
        SURVEY_OPENED = "survey_opened", _("survey opened")
        SURVEY_CLOSED = "survey_closed", _("survey closed")
        RESULTS_VIEWED = "results_viewed", _("results viewed (page or CSV)")
        RESULTS_DOWNLOADED = "results_downloaded", _("results downloaded (CSV)")
        REPORT_REQUESTED = "report_requested", _("report requested")
        REPORT_DOWNLOADED = "report_downloaded", _("report downloaded")
        CODING_CHANGED = "coding_changed", _("coding changed")
        INVITATIONS_SENT = "invitations_sent", _("invitations sent")
        REMINDERS_SENT = "reminders_sent", _("reminders sent")
        CONTACTS_IMPORTED = "contacts_imported", _("contacts imported")
        CONTACTS_EXPORTED = "contacts_exported", _("contact data exported")
        CONTACTS_ERASED = "contacts_erased", _("contact data erased")
        RESPONSES_IMPORTED = "responses_imported", _("responses imported")
        RESPONSES_EXPORTED = "responses_exported", _("responses exported")
        RETENTION_APPLIED = "retention_applied", _("retention applied")

    class Channel(models.TextChoices):
        WEB = "web", _("back office")
        COMMAND = "command", _("command")
        SYSTEM = "system", _("scheduled job")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The user name at the time (kept if the user is deleted); for a failed sign-in, the name tried if such
    # a user exists, otherwise empty: a password typed into the name field is never logged.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    # Where it was done: the back office (or the admin), a `luotain` command (its name in ``via``, the
    # operating system's user in ``username``), or a scheduled job.
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    via = models.CharField(_("command or job"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.target}"
