"""Middleware of our own.

The interface language: Finnish unless the user chose another with the language switch (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language and show English to anyone whose browser
is set to English; MLL's staff work in Finnish, so the browser's wish is not followed. The respondent pages
choose their language from the questionnaire's languages themselves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response (Django 5.2 has none of its own)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.LUOTAIN_CSP)
        return response
