"""Surveys: a questionnaire frozen at creation, a public slug and an answering window."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luotain.questionnaire import Questionnaire


class Survey(models.Model):
    class State(models.TextChoices):
        NOT_OPEN = "not_open", _("not yet open")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(_("link name"), max_length=80, unique=True)
    questionnaire_id = models.CharField(_("questionnaire"), max_length=100)
    definition = models.JSONField(_("questionnaire (frozen)"))
    source = models.TextField(_("questionnaire file"), blank=True)

    class Anonymity(models.TextChoices):
        ANONYMISED = "anonymised", _("anonymised at closing")
        IDENTIFIED = "identified", _("identified")

    anonymity = models.CharField(
        _("anonymity"),
        max_length=12,
        choices=Anonymity.choices,
        default=Anonymity.ANONYMISED,
        help_text=_("Anonymised: at closing the link between contacts and their answers is cut."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.slug

    @cached_property
    def questionnaire(self) -> Questionnaire:
        return Questionnaire.model_validate(self.definition)

    def state(self, now: datetime | None = None) -> State:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return self.State.NOT_OPEN
        if self.closes_at and now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN
