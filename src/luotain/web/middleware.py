"""The interface language: Finnish unless the user chose another with the language switch (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language and show English to anyone whose browser
is set to English; MLL's staff work in Finnish, so the browser's wish is not followed. The respondent pages
choose their language from the questionnaire's languages themselves."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
