"""Staff roles and background jobs of the back office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luotain.web.partners.models import District
from luotain.web.surveys.models import Survey


class StaffRole(models.Model):
    """What a staff user may do. A superuser is an administrator whatever this says."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        COORDINATOR = "coordinator", _("district coordinator")
        ANALYST = "analyst", _("analyst")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_role")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("A district coordinator's own district."),
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="coordinator") | models.Q(district__isnull=False),
                name="a_coordinator_has_a_district",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Job(models.Model):
    """Work done in the background by the job queue (luotain.web.backoffice.jobs): a report, a district's
    invitations, reminders. Its progress and outcome are read here by the back office; report files are kept
    in the database, so that every app server can hand them out."""

    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        INVITE = "invite", _("invitations")
        REMIND = "remind", _("reminders")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="jobs")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # a running job older than this was lost
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.survey} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ReportFile(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["format"]

    def __str__(self) -> str:
        return self.filename
