"""Coding of open answers: which theme an answer has, who gave it and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luotain.web.collect.models import Response
from luotain.web.surveys.models import Survey


class SurveyCodebook(models.Model):
    """The codebook of one open question of a survey (luotain.text.codebook.Codebook as JSON)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codebooks")
    question_id = models.CharField(max_length=100)
    definition = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "question_id"], name="one_codebook_a_question")
        ]
        verbose_name = _("codebook")
        verbose_name_plural = _("codebooks")

    def __str__(self) -> str:
        return f"{self.survey} / {self.question_id}"


class CodeAssignment(models.Model):
    """A code an answer has. ``removed`` records that an analyst took a code away, so that rules do not give
    it back; it does not count as coded."""

    class Source(models.TextChoices):
        RULE = "rule", _("keyword rule")
        MANUAL = "manual", _("by hand")
        REMOVED = "removed", _("removed by hand")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="codes")
    question_id = models.CharField(max_length=100)
    code = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices)
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    coded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question_id", "code"], name="a_code_once_an_answer")
        ]
        verbose_name = _("theme code")
        verbose_name_plural = _("theme codes")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.code}"


class RejectedSuggestion(models.Model):
    """A theme suggestion an analyst rejected (by its key terms), not suggested again."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rejected_suggestions")
    question_id = models.CharField(max_length=100)
    terms = models.JSONField()
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rejected theme suggestion")
        verbose_name_plural = _("rejected theme suggestions")

    def __str__(self) -> str:
        return f"{self.question_id}: {', '.join(self.terms)}"
