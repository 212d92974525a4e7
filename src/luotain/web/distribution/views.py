"""The public opt-out page of an invitation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luotain.web.surveys.models import Survey

from . import services


@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    survey = Survey.objects.filter(slug=slug).first()
    invitation = services.find_by_token(survey, token) if survey else None
    lang = invitation.contact.language if invitation and invitation.contact else "fi"
    with translation.override(lang):
        if invitation is None:
            # The same page whatever was wrong: it never tells who was invited.
            return render(
                request,
                "collect/message.html",
                {
                    "title": _("This link does not work"),
                    "text": _("The link is not valid. If you came from a message, copy the whole link."),
                    "lang": lang,
                },
                status=404,
            )
        if request.method == "POST":
            services.opt_out(invitation)
            text = _("You will get no more messages about this survey.")
            return render(request, "collect/message.html", {"title": _("Done"), "text": text, "lang": lang})
        return render(request, "distribution/opt_out.html", {"lang": lang, "title": _("No more messages?")})
