"""Staff roles and report jobs of the back office."""

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


class ReportJob(models.Model):
    """A report asked for in the back office, made in the background; its files are kept in the database so
    that every app server can hand them out."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="report_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    formats = models.JSONField()
    language = models.CharField(max_length=5, default="fi")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self) -> str:
        return f"{self.survey} {', '.join(self.formats)} ({self.status})"


class ReportFile(models.Model):
    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["format"]

    def __str__(self) -> str:
        return self.filename
