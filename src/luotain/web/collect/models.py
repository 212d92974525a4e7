"""What respondents leave: drafts saved page by page, and submitted responses.

No IP address, user agent or other technical trace of the respondent is stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luotain.web.surveys.models import Survey


class Draft(models.Model):
    """Answers in progress, reachable only through the respondent's own link (its token is stored hashed)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    token_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)
    page = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)  # first time a page of it was shown
    # The district whose link (a personal invitation or its open link) the respondent came through.
    district = models.ForeignKey(
        "partners.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    public_id = models.CharField(max_length=64)
    # One draft gives at most one response: a double click or a resent form cannot make two.
    draft = models.OneToOneField(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    answers = models.JSONField()
    submitted_at = models.DateTimeField()
    source = models.CharField(max_length=20, default="web")  # web | import | demo
    district = models.ForeignKey(
        "partners.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "public_id"], name="response_public_id_unique")
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return self.public_id


class QuoteSelection(models.Model):
    """An open answer an analyst chose for the report. Reports attribute it by organisation type and role
    only, and leave it out where that group is smaller than the disclosure threshold."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="quote_selections")
    question_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_id", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "question_id"], name="quote_once")]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return f"{self.question_id} / {self.response_id}"
