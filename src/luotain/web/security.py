"""Rate limits, and the pages of a refused request (too many tries: 429; a form without its CSRF token: 403).

Counters live only in Django's cache (memory of the process by default; ``LUOTAIN_CACHE_URL`` points several
app servers at one Redis), never in the database. A counter's key is a keyed hash (BLAKE2b, keyed with a key
derived from the secret key) of what is counted: the client's address, a user name or an answering link's
token. So nothing readable about who tried is kept, and a counter disappears with its period (a fixed window:
at most twice the limit can pass around a window's edge, which is enough to stop guessing and flooding).

If the cache fails (Redis down), requests are let through and a warning is logged: the survey must stay
answerable.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|min|m|h)\s*$")
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"10/15min"``: ten in fifteen minutes; units s, min, h."""
        match = _RATE.match(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"'{text}' is not a rate such as 10/15min, 60/min or 1000/h")
        return cls(int(match[1]), int(match[2] or 1) * _UNIT[match[3]])


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with LUOTAIN_TRUSTED_PROXIES = N proxies in front, the address
    the outermost of them saw (the N-th entry from the end of X-Forwarded-For). Used only for counting."""
    proxies = settings.LUOTAIN_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: str, ident: str, window: int) -> str:
    # 96 bits tell the counters apart; a short key, because Django's cache checks every key a character at a
    # time on every use.
    digest = hashlib.blake2b(f"{scope}\0{ident}".encode(), key=_hash_key(settings.SECRET_KEY), digest_size=12)
    return f"rl:{scope}:{digest.hexdigest()}:{window}"


@lru_cache(maxsize=4)
def _hash_key(secret: str) -> bytes:
    return hashlib.sha256(b"luotain.web.security.rate-limit\0" + secret.encode()).digest()


def _rate(setting: str) -> Rate:
    return _parsed_rate(getattr(settings, setting))


@lru_cache(maxsize=64)
def _parsed_rate(text: str) -> Rate:
    return Rate.parse(text)


def wait_seconds(checks: Iterable[tuple[str, str, str]]) -> int | None:
    """Seconds until the first exceeded limit frees up, or None if none is exceeded. ``checks`` are (scope,
    identity, setting name of its rate); nothing is counted here."""
    if not settings.LUOTAIN_RATE_LIMITS:
        return None
    now = time.time()
    for scope, ident, setting in checks:
        rate = _rate(setting)
        window = int(now // rate.seconds)
        try:
            used = cache.get(_key(scope, ident, window), 0)
        except Exception:  # the cache is down: let the request through
            log.warning("rate limit: the cache cannot be read", exc_info=True)
            return None
        if used >= rate.count:
            return max(1, int(rate.seconds - now % rate.seconds))
    return None


def _increment(key: str, rate: Rate) -> int:
    """Add one to the counter ``key`` (made if missing, to expire after the rate's period) and return it.
    Raises what the cache raises."""
    try:  # the counter is there for every try but a window's first: one operation (Redis: two round trips)
        return int(cache.incr(key))
    except ValueError:  # the window's first try
        if cache.add(key, 1, timeout=rate.seconds + 1):
            return 1
        return int(cache.incr(key))  # made meanwhile by another request


def count(scope: str, ident: str, setting: str) -> None:
    """Count one try against the limit of ``scope`` for ``ident``."""
    if not settings.LUOTAIN_RATE_LIMITS:
        return
    rate = _rate(setting)
    try:
        _increment(_key(scope, ident, int(time.time() // rate.seconds)), rate)
    except Exception:
        log.warning("rate limit: the cache cannot be written", exc_info=True)


def hit(checks: Iterable[tuple[str, str, str]]) -> int | None:
    """Count one try against each limit in ``checks`` (scope, identity, setting name of its rate), and
    return the seconds until the first exceeded one frees up, or None if none is exceeded. Each counter is
    one atomic add or increment: tries that are turned away count too, so a flood stays out until its
    window ends."""
    if not settings.LUOTAIN_RATE_LIMITS:
        return None
    now = time.time()
    wait = None
    for scope, ident, setting in checks:
        rate = _rate(setting)
        try:
            used = _increment(_key(scope, ident, int(now // rate.seconds)), rate)
        except Exception:  # the cache is down: let the request through
            log.warning("rate limit: the cache cannot be used", exc_info=True)
            return None
        if used > rate.count and wait is None:
            wait = max(1, int(rate.seconds - now % rate.seconds))
    return wait


def too_many(request: HttpRequest, wait: int, lang: str | None = None) -> HttpResponse:
    """429 with a page that says what happened and when to try again, and Retry-After."""
    minutes = max(1, -(-wait // 60))
    with translation.override(lang or translation.get_language() or settings.LANGUAGE_CODE):
        response = render(
            request,
            "collect/message.html",
            {
                "title": _("Too many tries"),
                "text": ngettext(
                    "There were too many tries from here in a short time. Please try again in a minute.",
                    "There were too many tries from here in a short time. Please try again in %(n)s minutes.",
                    minutes,
                )
                % {"n": minutes},
                "lang": lang or translation.get_language(),
            },
            status=429,
        )
    response["Retry-After"] = str(wait)
    return response


def limit_posts(
    scope: str, per_client: str, per_link: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit the view's POSTs per client (setting ``per_client``) and, with ``per_link``, per answering link
    (the view's ``token`` argument). Every POST counts; GETs are not limited."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            checks = [(f"{scope}-client", client_address(request), per_client)]
            if per_link is not None:
                checks.append((f"{scope}-link", str(kwargs.get("token", "")), per_link))
            wait = hit(checks)
            if wait is not None:
                lang = request.COOKIES.get("luotain-lang")
                return too_many(request, wait, lang if lang in dict(settings.LANGUAGES) else None)
            return view(request, *args, **kwargs)

        wrapped.rate_limited = scope  # type: ignore[attr-defined]
        return wrapped

    return decorate


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form came without its security check (CSRF): usually an old page or cookies turned off."""
    return render(
        request,
        "collect/message.html",
        {
            "title": _("The form has expired"),
            "text": _(
                "For your security the form could not be accepted. Go back, reload the page and send it "
                "again. Cookies must be allowed for this site."
            ),
            "lang": translation.get_language(),
        },
        status=403,
    )


class RequestSizeMiddleware:
    """Refuse a request whose body is larger than LUOTAIN_MAX_REQUEST_BYTES (413) before anything reads it:
    otherwise the CSRF check would read a huge upload sent to any form into a temporary file. A body without
    a Content-Length is read by Django as empty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LUOTAIN_MAX_REQUEST_BYTES:
            limit = settings.LUOTAIN_MAX_REQUEST_BYTES / 1_000_000
            return render(
                request,
                "collect/message.html",
                {
                    "title": _("Too much data"),
                    "text": _("What was sent is larger than %(mb)s MB, so it was not accepted.")
                    % {"mb": f"{limit:g}"},
                    "lang": translation.get_language(),
                },
                status=413,
            )
        return self.get_response(request)
