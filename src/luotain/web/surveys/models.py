"""Surveys: a questionnaire frozen at creation, a public slug and an answering window."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luotain.questionnaire import Questionnaire
from luotain.questionnaire.waves import wave_key

# Parsed questionnaires by survey id, each with the definition it was parsed from: the respondent pages fetch
# the survey on every request, and validating its definition again each time (about 0.4 ms for the 2024
# questionnaire, twice on the last page) was a tenth of a page post's work.
_PARSED: dict[int, tuple[Any, Questionnaire]] = {}
_PARSED_MAX = 100


def _parsed(pk: int | None, definition: Any) -> Questionnaire:
    """The questionnaire of ``definition``, parsed once per process for survey ``pk``. A definition does not
    change after creation, but it is compared anyway (a few microseconds), so that a survey never gets a
    questionnaire parsed from other JSON (a reused id after a rollback, a definition changed in a shell)."""
    cached = _PARSED.get(pk) if pk is not None else None
    if cached is not None and cached[0] == definition:
        return cached[1]
    questionnaire = Questionnaire.model_validate(definition)  # frozen: safe to share between threads
    if pk is not None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        # A copy: a change to this instance's definition must not change what the cache compares with.
        _PARSED[pk] = (json.loads(json.dumps(definition)), questionnaire)
    return questionnaire


class Survey(models.Model):
    class State(models.TextChoices):
        NOT_OPEN = "not_open", _("not yet open")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(_("link name"), max_length=80, unique=True)
    questionnaire_id = models.CharField(_("questionnaire"), max_length=100)
    definition = models.JSONField(_("questionnaire (frozen)"))
    source = models.TextField(_("questionnaire file"), blank=True)
    family = models.SlugField(
        _("questionnaire family"),
        max_length=100,
        blank=True,
        help_text=_("Surveys repeated year after year share a family; each of them is one wave of it."),
    )
    wave = models.CharField(_("wave"), max_length=40, blank=True, help_text=_("For example 2025."))

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
    # docs/privacy.md: after this many days from closing, contact data no longer needed and every link
    # between contacts and answers are deleted (luotain.web.privacy.services.apply_retention).
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        null=True,
        blank=True,
        default=365,
        help_text=_(
            "Days after closing until contact data and every link between contacts and answers are "
            "deleted. Empty: kept until deleted by hand."
        ),
    )
    retention_applied_at = models.DateTimeField(_("retention applied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.slug

    @cached_property
    def questionnaire(self) -> Questionnaire:
        return _parsed(self.pk, self.definition)

    def waves(self) -> list[Survey]:
        """The surveys of this survey's family, itself included, oldest wave first."""
        if not self.family:
            return [self]
        family = Survey.objects.filter(family=self.family)
        return sorted(family, key=lambda s: (wave_key(s.wave), s.created_at))

    def earlier_waves(self) -> list[Survey]:
        """The waves of the family before this one, oldest first: what it can be compared with (a later
        wave cannot: it is the later questionnaire that maps old options to new ones)."""
        waves = self.waves()
        return waves[: waves.index(self)]

    def state(self, now: datetime | None = None) -> State:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return self.State.NOT_OPEN
        if self.closes_at and now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN

    def retention_due_at(self) -> datetime | None:
        """When the retention period ends: ``retention_days`` after closing. None while the survey has no
        closing time or keeps its data without a limit."""
        if self.closes_at is None or self.retention_days is None:
            return None
        return self.closes_at + timedelta(days=self.retention_days)
