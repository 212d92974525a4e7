"""The production shape: gunicorn serving, the health endpoint, security headers, and settings that refuse
to start when they are unsafe."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.process_support import free_port

ROOT = Path(__file__).resolve().parent.parent
SAFE = {
    "LUOTAIN_PRODUCTION": "1",
    "LUOTAIN_SECRET_KEY": secrets.token_urlsafe(50),
    "LUOTAIN_ALLOWED_HOSTS": "kysely.example.fi",
    "LUOTAIN_BASE_URL": "https://kysely.example.fi",
}


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("LUOTAIN_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(  # noqa: S603 - runs our own command
        args,
        env={**clean, "LUOTAIN_HOME": str(tmp_path), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        SAFE,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"LUOTAIN_SECRET_KEY": ""}, "LUOTAIN_SECRET_KEY is not"),
        ({"LUOTAIN_SECRET_KEY": "lyhyt"}, "at least 50 characters"),
        ({"LUOTAIN_ALLOWED_HOSTS": "*"}, "LUOTAIN_ALLOWED_HOSTS must name"),
        ({"LUOTAIN_BASE_URL": "http://kysely.example.fi"}, "https://"),
        ({"LUOTAIN_DEBUG": "1"}, "LUOTAIN_DEBUG must be off"),
    ],
)
def test_unsafe_production_settings_stop_start_up_with_a_clear_message(tmp_path, change, message):
    env = {**SAFE, **change}
    env = {k: v for k, v in env.items() if v}
    luotain = str(Path(sys.executable).parent / "luotain")
    result = run([luotain, "serve", "--port", "1"], env, tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_health_endpoint_and_security_headers(client, monkeypatch):
    r = client.get("/health/")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}
    assert (
        "frame-ancestors 'none'" in r["Content-Security-Policy"]
        and "script-src 'self'" in r["Content-Security-Policy"]
    )
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"

    from django.db import connection

    def broken(*args, **kwargs):
        raise connection.OperationalError("the database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    r = client.get("/health/")
    assert r.status_code == 503 and r.json()["database"] == "unavailable"


def test_luotain_serve_runs_gunicorn_and_keeps_no_access_log(tmp_path):
    port = free_port()
    luotain = str(Path(sys.executable).parent / "luotain")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LUOTAIN_") and k != "DATABASE_URL"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - runs our own command
        [luotain, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env={**clean, "LUOTAIN_HOME": str(tmp_path)},
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    assert r.status == 200 and r.headers["Server"] == "gunicorn"
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("luotain serve did not answer: " + (tmp_path / "serve.log").read_text())
        urllib.request.urlopen(f"http://127.0.0.1:{port}/hallinta/kirjaudu/", timeout=5).read()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert "127.0.0.1" not in output.replace(f"127.0.0.1:{port}", "")  # no client addresses logged


def test_a_worker_imports_every_view_as_it_starts_not_on_its_first_request(tmp_path):
    """luotain.web.wsgi imports the URLconf: a worker's first respondent does not wait for the back office's
    libraries to load (about a second)."""
    code = (
        "import sys, luotain.web.wsgi; "
        "print(all(m in sys.modules for m in "
        "('luotain.web.collect.views', 'luotain.web.backoffice.urls', 'luotain.web.distribution.urls')))"
    )
    done = run([sys.executable, "-c", code], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_nothing_forks_once_polars_is_imported():
    """The server's master refuses to fork a worker while a thread pool that does not survive a fork may
    have started (polars' made the demo's results page hang for ever): gunicorn's pre_fork hook halts it."""
    import polars  # noqa: F401 - this test process has it imported anyway: that is the point
    from gunicorn.errors import HaltServer

    from luotain.web.server import _pre_fork, fork_hazards

    assert any(h.startswith("polars is imported") for h in fork_hazards())
    with pytest.raises(HaltServer, match="refusing to fork workers that would hang: polars is imported"):
        _pre_fork(None, None)


def test_luotain_serve_after_polars_stops_before_forking(tmp_path):
    port = free_port()
    code = (
        "import polars; polars.DataFrame({'a': [1, 2]}).sum(); "
        "from luotain.web import commands; commands.setup(); "
        f"commands.serve('127.0.0.1', {port}, workers=1, threads=1, with_worker=False)"
    )
    done = run([sys.executable, "-c", code], {}, tmp_path)
    assert done.returncode != 0
    assert "refusing to fork workers that would hang: polars is imported" in done.stderr


def test_a_fresh_server_process_may_fork(tmp_path):
    """What the master imports to serve (settings, the database, the migrations) starts no thread pool."""
    code = (
        "from luotain.web import commands; commands.setup(); commands.migrate(); "
        "from luotain.web.server import fork_hazards; print(fork_hazards())"
    )
    done = run([sys.executable, "-c", code], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.django_db
def test_the_root_address_leads_to_the_back_office_and_there_is_a_favicon(client):
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == "/hallinta/"
    assert client.get("/hallinta/")["Location"].startswith("/hallinta/kirjaudu/")
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
    page = client.get("/hallinta/kirjaudu/").content.decode()
    assert '<link rel="icon" href="/static/luotain/favicon.svg" type="image/svg+xml">' in page


def test_importing_the_settings_writes_nothing(tmp_path):
    """The settings only read; luotain.web.home.prepare (the command, manage.py, the WSGI module) makes var/
    and the secret key file."""
    done = run(
        [sys.executable, "-c", "import luotain.web.settings as s; print(len(s.SECRET_KEY))"], {}, tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 50 and list(tmp_path.iterdir()) == []
    prepared = run([sys.executable, "-c", "from luotain.web import home; home.prepare()"], {}, tmp_path)
    assert prepared.returncode == 0, prepared.stderr
    key = tmp_path / "var" / "secret.key"
    assert key.stat().st_mode & 0o077 == 0 and len(key.read_text()) >= 50
    again = run([sys.executable, "-c", "import luotain.web.settings as s; print(s.SECRET_KEY)"], {}, tmp_path)
    assert again.stdout.strip() == key.read_text()  # every process of the home shares the key
