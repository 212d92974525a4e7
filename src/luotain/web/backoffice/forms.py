"""Back-office forms (Django forms: they keep what was typed when something is wrong)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luotain.web.surveys.models import Survey

MAX_QUESTIONNAIRE_BYTES = 2_000_000


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=DateTimeInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The survey must close after it opens."))
        return data


class NewSurveyForm(WindowForm):
    file = forms.FileField(
        label=_("Questionnaire file"),
        help_text=_("A questionnaire in YAML, as docs/questionnaire.md describes."),
    )
    slug = forms.SlugField(
        label=_("Link name"),
        max_length=80,
        help_text=_("The survey's address: /s/link-name/. Lower-case letters, digits and hyphens."),
    )

    field_order = ["file", "slug", "opens_at", "closes_at"]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if Survey.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A survey with this link name exists already."))
        return slug

    def clean_file(self) -> Any:
        """A YAML file (.yaml or .yml) of at most 2 MB that is UTF-8 text; it is read with yaml.safe_load
        only (luotain.questionnaire.parse_questionnaire), so it cannot make objects or run code."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("The file must be a questionnaire in YAML (.yaml or .yml)."))
        if upload.size > MAX_QUESTIONNAIRE_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        head = upload.read(8192)
        upload.seek(0)
        if b"\x00" in head or head.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
            raise forms.ValidationError(_("The file is not text: save the questionnaire as YAML."))
        return upload


class NewCodeForm(forms.Form):
    code = forms.SlugField(label=_("Identifier"), max_length=100)
    name = forms.CharField(label=_("Name of the theme"), max_length=300)
    keywords = forms.CharField(
        label=_("Keywords (base forms, separated by commas)"), max_length=1000, required=False
    )
