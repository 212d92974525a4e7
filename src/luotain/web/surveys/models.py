"""Surveys: a questionnaire frozen at creation, a public slug and an answering window."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luotain.questionnaire import Questionnaire
from luotain.questionnaire.waves import wave_key

# Parsed questionnaires by survey id, each with the hash of the definition it was parsed from. The respondent
# pages read the survey on every request without its definition (16 KB of JSON) and its file (15 KB): the
# short hash picks the questionnaire parsed once per process.
_PARSED: dict[int, tuple[str, Questionnaire]] = {}
_PARSED_MAX = 100


def definition_hash(definition: Any) -> str:
    """SHA-256 of the definition's canonical JSON."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Survey(models.Model):
    class State(models.TextChoices):
        NOT_OPEN = "not_open", _("not yet open")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(_("link name"), max_length=80, unique=True)
    questionnaire_id = models.CharField(_("questionnaire"), max_length=100)
    definition = models.JSONField(_("questionnaire (frozen)"))
    # Kept by save(): lets the respondent pages use a parsed questionnaire without reading the definition.
    definition_sha256 = models.CharField(max_length=64, editable=False, default="")
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

    # What the respondent pages leave out when they read a survey (``defer``): the stored questionnaire and
    # its file. ``questionnaire`` still works, by the definition's hash.
    HEAVY_FIELDS = ("definition", "source")

    def __str__(self) -> str:
        return self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "definition" in fields:  # else the definition is not written (nor read)
            self.definition_sha256 = definition_hash(self.definition)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "definition_sha256"}
        super().save(*args, **kwargs)

    @cached_property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire, parsed once per process and survey. Where the definition was fetched, its own
        hash is compared, so that a survey never gets a questionnaire parsed from other JSON (a reused id
        after a rollback, a definition changed in a shell); where it was left out (``HEAVY_FIELDS``), the
        stored hash is, and the definition is read only when the cache does not have it."""
        loaded = "definition" not in self.get_deferred_fields()
        version = definition_hash(self.definition) if loaded else self.definition_sha256
        cached = _PARSED.get(self.pk) if self.pk is not None else None
        if cached is not None and cached[0] == version:
            return cached[1]
        definition = self.definition  # read now if it was left out
        questionnaire = Questionnaire.model_validate(definition)  # frozen: safe to share between threads
        if self.pk is not None:
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[self.pk] = (version if loaded else definition_hash(definition), questionnaire)
        return questionnaire

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
