"""Middleware of our own.

The interface language: Finnish unless the user chose another with the language switch (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language and show English to anyone whose browser
is set to English; MLL's staff work in Finnish, so the browser's wish is not followed. The respondent pages
choose their language from the questionnaire's languages themselves."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger("luotain")


class LanguageMiddleware:
    """In place of Django's LocaleMiddleware: the language of the cookie or Finnish. No URL has a language
    prefix, so the response varies by the cookie only."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.languages = frozenset(code for code, _name in settings.LANGUAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response: HttpResponse = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response (Django 5.2 has none of its own)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.LUOTAIN_CSP)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, the user gets a page that says to try again (503), not an error.

    Nothing half-done is kept: a response is stored in one transaction, and the answers of the pages sent
    before are already in the draft. The browser's Back button returns to the form with what was typed."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        response = render(
            request,
            "collect/message.html",
            {
                "title": _("Please try again in a moment"),
                "text": _(
                    "The service could not save right now. The answers of the pages you sent before are "
                    "safe. Go back with your browser's Back button: what you typed on this page is still "
                    "there. Then send the page again in a moment."
                ),
                "lang": translation.get_language() or "fi",
            },
            status=503,
        )
        response["Retry-After"] = "30"
        return response
