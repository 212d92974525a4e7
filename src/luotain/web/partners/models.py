"""The partner registry in the database: organisations (counties, municipalities) and MLL's districts.

Seeded from ``luotain.registry``'s shipped data by ``seed_registry``; an administrator edits it afterwards.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luotain import registry


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNTY = registry.COUNTY, _("Wellbeing services county")
        MUNICIPALITY = registry.MUNICIPALITY, _("Municipality")

    code = models.CharField(_("code"), max_length=20, unique=True, help_text="hva:NN or kunta:NNN")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    county = models.ForeignKey(
        "self",
        verbose_name=_("wellbeing services county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="municipalities",
        limit_choices_to={"kind": registry.COUNTY},
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Offered in the organisation picker.")
    )

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name_fi

    def name(self, lang: str = "fi") -> str:
        return self.name_sv if lang == "sv" and self.name_sv else self.name_fi


class District(models.Model):
    slug = models.SlugField(_("identifier"), unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    counties = models.ManyToManyField(
        Organisation,
        verbose_name=_("wellbeing services counties"),
        blank=True,
        related_name="districts",
        limit_choices_to={"kind": registry.COUNTY},
    )
    source = models.URLField(_("source"), blank=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name_fi


class Contact(models.Model):
    """A person at a partner organisation whom a district invites to answer."""

    class Language(models.TextChoices):
        FI = "fi", "suomi"
        SV = "sv", "svenska"

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="contacts"
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FI)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name_fi", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["email", "organisation"], name="contact_once_per_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def district(self) -> District | None:
        county = self.organisation if self.organisation.kind == registry.COUNTY else self.organisation.county
        return county.districts.first() if county is not None else None
