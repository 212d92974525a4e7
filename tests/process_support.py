"""Support for the tests that run Luotain as real processes: a free port, a clean environment, a server that
answers, and a browser without JavaScript."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without Luotain's, Django's and the database's settings: a command run
    with it uses SQLite under ``home`` (whatever database the suite runs on)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LUOTAIN_", "DATABASE_URL", "DJANGO_"))}
    return {**clean, "LUOTAIN_HOME": str(home), **extra}


def wait_until_serving(base: str, seconds: float, alive: object = None) -> bool:
    """Whether ``base``/health/ answered within ``seconds``; stops early when ``alive()`` says the server
    process has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            return False
        try:
            with urllib.request.urlopen(base + "/health/", timeout=2):  # noqa: S310 - a local http:// address
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Browser:
    """A browser without JavaScript: cookies, the CSRF token of each page, no redirects followed, and a
    timeout on every request (``timeout`` seconds: a request that takes longer raises TimeoutError)."""

    def __init__(self, base: str, timeout: float = 20) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, body, Location)."""
        try:
            with self.opener.open(self.base + path, timeout=self.timeout) as r:
                return r.status, r.read().decode(), r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers.get("Location", "")

    def post(self, path: str, data: dict[str, str], token_from: str) -> tuple[int, str]:
        """(status, Location) of a form sent with the CSRF token of the page ``token_from``."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token_from)
        fields = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        request = urllib.request.Request(  # noqa: S310 - a local http:// address of the test
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as r:
                return r.status, r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location", "")

    def sign_in(self, username: str, password: str) -> None:
        _, form, _ = self.get("/hallinta/kirjaudu/")
        status, _ = self.post("/hallinta/kirjaudu/", {"username": username, "password": password}, form)
        if status != 302:
            raise AssertionError(f"signing in as {username} gave {status}, not a redirect")
