"""Load benchmark: respondents answering the built-in 2024 survey on ``luotain serve`` at a fixed rate while a
report job runs, then a burst of respondents starting at once; on SQLite and on PostgreSQL.

    .venv/bin/python bench/load_bench.py    # --rate 100 --seconds 60 --burst 200 --burst-seconds 10; ~6 min

The targets (docs/performance.md, "Load"), on the project's 2-core machine with ``luotain serve``'s defaults:

- **sustained**: the respondent path serves ``--rate`` (100) page requests a second for ``--seconds`` with
  a p99 of at most ``--max-p99`` (300) ms, while report jobs run one after another on the queue worker beside
  the server (the 80 demo answers' deck in every format);
- **burst**: ``--burst`` (200) respondents who all start within ``--burst-seconds`` (10) each complete their
  answer: nothing is lost;
- **every completed flow stored exactly once**, with the answers it sent; no other response, no draft for a
  flow that was not started.

The load is open: respondents arrive on a fixed schedule whatever the server does, each in a thread of its
own with a keep-alive connection, cookies and an address of its own (``X-Forwarded-For``; the server runs
with ``LUOTAIN_TRUSTED_PROXIES=1``, so its rate limits stay on and count each respondent apart). A respondent
does what a browser without JavaScript does, with no pause between pages:

    GET  /s/mll-2024/                 the start page (the CSRF cookie)
    POST /s/mll-2024/                 a new draft, 302 to page 1
    GET, POST .../v/TOKEN/N/          each of the 8 pages shown, then sent with its answers (302 onwards)
    GET  .../kiitos/                  the thanks page, after the last page has stored the response

19 requests a response; the answers are the 80 demo responses in turn. A request's latency is timed from
when it was sent; a respondent that arrives while the others are still waiting is sent anyway (no
coordinated omission).

In the same run, as information and not as a target, the same schedule goes to a bare Django endpoint
(``bench/baseline_app``: no middleware, one view that inserts a page's answers as one JSON row, under
gunicorn with the options ``luotain serve`` uses): the floor of Django, gunicorn and the database on this
machine. Only 127.0.0.1 is contacted; every phase ends by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "src/luotain/mll/templates/mll-kumppanikysely-2024.yaml"
SLUG = "mll-2024"
HOST = "127.0.0.1"  # the only host this benchmark talks to
REPORT_FORMATS = ["html", "pdf", "pptx", "table"]

Pages = list[tuple[str, dict[str, Any], list[tuple[str, str]]]]


def page_bodies() -> list[Pages]:
    """Per demo response, per shown page: (section id, the page's answers, the form fields to post)."""
    from luotain.mll.demo_2024 import generate
    from luotain.questionnaire import load_builtin
    from luotain.responses import visible_questions

    questionnaire = load_builtin("mll-kumppanikysely-2024")
    out = []
    for record in generate().records:
        shown = set(visible_questions(questionnaire, record.answers))
        pages: Pages = []
        for section in questionnaire.sections:
            if not any(q.id in shown for q in section.questions):
                continue  # a page skipped by show_if is not posted
            answers: dict[str, Any] = {}
            fields: list[tuple[str, str]] = []
            for question in section.questions:
                for column in question.columns():
                    value = record.answers.get(column.name)
                    if value is None or value == "" or value == []:
                        continue
                    answers[column.name] = value
                    for v in value if isinstance(value, list) else [value]:
                        fields.append((column.name, str(v)))
            pages.append((section.id, answers, fields))
        out.append(pages)
    return out


# ---------------------------------------------------------------------------------------------- the client


class FlowFailed(Exception):
    pass


@dataclass
class Sample:
    kind: str
    sent: float  # perf_counter when sent
    seconds: float


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    completed: list[tuple[str, int]] = field(default_factory=list)  # (flow key, demo record index)
    failures: list[str] = field(default_factory=list)
    started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One respondent's browser: a keep-alive connection to 127.0.0.1, a cookie jar and an address."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.samples: list[Sample] = []

    def close(self) -> None:
        self.conn.close()

    def request(
        self, kind: str, method: str, path: str, fields: list[tuple[str, str]] | None = None
    ) -> http.client.HTTPResponse:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        headers = {
            "Host": f"{HOST}:{self.port}",
            "Referer": f"http://{HOST}:{self.port}{path}",
            "X-Forwarded-For": self.address,
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            sent = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: as a browser, reconnect and send again
                # (a page saved twice is the same page; a submit sent again returns the stored response).
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt == 2:
                    raise
                continue
            self.samples.append(Sample(kind, sent, time.perf_counter() - sent))
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
            return response
        raise AssertionError("unreachable")


def luotain_flow(browser: Browser, pages: Pages) -> str:
    """One complete response as a browser sends it; returns the draft's token."""
    start = f"/s/{SLUG}/"
    r = browser.request("start GET", "GET", start)
    if r.status != 200 or "csrftoken" not in browser.cookies:
        raise FlowFailed(f"start page: {r.status}")
    csrf = [("csrfmiddlewaretoken", browser.cookies["csrftoken"])]
    r = browser.request("start POST", "POST", start, csrf)
    location = r.getheader("Location", "")
    if r.status != 302 or "/v/" not in location:
        raise FlowFailed(f"start post: {r.status} {location}")
    token = location.split("/v/")[1].split("/")[0]
    base = f"/s/{SLUG}/v/{token}/"
    for number, (_, _, fields) in enumerate(pages, start=1):
        url = f"{base}{number}/"
        if location != url:
            raise FlowFailed(f"page {number}: redirected to {location}")
        r = browser.request("page GET", "GET", url)
        if r.status != 200:
            raise FlowFailed(f"page {number} GET: {r.status}")
        last = number == len(pages)
        r = browser.request(
            "submit POST" if last else "page POST", "POST", url, [*csrf, ("action", "next"), *fields]
        )
        location = r.getheader("Location", "")
        if r.status != 302:
            raise FlowFailed(f"page {number} POST: {r.status}")
    if not location.endswith("/kiitos/"):
        raise FlowFailed(f"after the last page: {location}")
    r = browser.request("thanks GET", "GET", location)
    if r.status != 200:
        raise FlowFailed(f"thanks: {r.status}")
    return token


def baseline_flow(browser: Browser, pages: Pages, key: str) -> str:
    """As many requests to the bare endpoint as a Luotain flow makes (19): each page's answers inserted."""
    bodies = [fields for _, _, fields in pages]
    for n in range(2 * len(bodies) + 3):
        fields = bodies[n % len(bodies)]
        r = browser.request("insert POST", "POST", "/insert/", [("flow", key), ("page", str(n + 1)), *fields])
        if r.status != 200:
            raise FlowFailed(f"baseline request {n + 1}: {r.status}")
    return key


def address(i: int) -> str:
    """An address of the respondent's own (10.0.0.0/8), for the server's rate limits."""
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def open_load(
    port: int, starts: list[float], flow: Callable[[Browser, int], str], first: int = 0
) -> tuple[Tally, float]:
    """Respondent ``i`` arrives ``starts[i]`` seconds after the beginning, whatever the others are doing, and
    runs ``flow`` in a thread of its own. Returns the tally and the wall time until the last one ended."""
    tally = Tally()
    begin = time.perf_counter()

    def respondent(i: int) -> None:
        browser = Browser(port, address(first + i))
        try:
            key = flow(browser, first + i)
            with tally.lock:
                tally.completed.append((key, first + i))
        except (FlowFailed, OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.failures.append(f"respondent {first + i}: {exc!r}")
        finally:
            browser.close()
            with tally.lock:
                tally.samples += browser.samples

    threads = []
    for i, at in enumerate(starts):
        wait = begin + at - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        thread = threading.Thread(target=respondent, args=(i,), daemon=True)
        thread.start()
        threads.append(thread)
        with tally.lock:
            tally.started += 1
    for thread in threads:
        thread.join(timeout=300)
    return tally, time.perf_counter() - begin


# ---------------------------------------------------------------------------------------------- the servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, cwd: Path, log: Path) -> Iterator[int]:
    """Run ``command`` in its own session until /health/ answers; yields its pid, stops it afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 (our own command line)
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited with {proc.returncode}; see {log}")
                try:
                    conn = http.client.HTTPConnection(HOST, port, timeout=5)
                    conn.request("GET", "/health/")
                    ok = conn.getresponse().status == 200
                    conn.close()
                    if ok:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not answer /health/ in 120 s; see {log}")
                time.sleep(0.2)
            yield proc.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # the server's own session: its master and workers
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def gunicorn_flags(port: int) -> list[str]:
    """The options of ``luotain serve`` (luotain.web.server.gunicorn_options), for the baseline."""
    from luotain.web.server import gunicorn_options

    options = gunicorn_options(HOST, port, None, None)
    return [
        "--bind", options["bind"],
        "--workers", str(options["workers"]),
        "--threads", str(options["threads"]),
        "--worker-class", options["worker_class"],
        "--timeout", str(options["timeout"]),
        "--graceful-timeout", str(options["graceful_timeout"]),
        "--error-logfile", "-",
        "--log-level", "warning",
        "--no-control-socket",
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------- databases


@dataclass
class Database:
    name: str  # "SQLite" or "PostgreSQL"
    luotain_url: str | None  # DATABASE_URL for luotain (None: SQLite in LUOTAIN_HOME/var)
    baseline_url: str
    query: Callable[[str, str, tuple[Any, ...]], list[tuple[Any, ...]]]  # (which, sql, params) -> rows


def sqlite_database(home: Path) -> Database:
    paths = {"luotain": home / "luotain/var/luotain.sqlite3", "baseline": home / "baseline.sqlite3"}

    def query(which: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(paths[which], timeout=30)) as db:
            return list(db.execute(sql.replace("%s", "?"), params).fetchall())

    return Database("SQLite", None, f"sqlite:///{paths['baseline']}", query)


def postgres_database(server_url: str, suffix: str) -> tuple[Database, Callable[[], None]]:
    import psycopg

    names = {"luotain": f"luotain_bench_{suffix}", "baseline": f"baseline_bench_{suffix}"}
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as db:
        for name in names.values():
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')

    def query(which: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"{server_url}/{names[which]}") as db:
            return list(db.execute(sql, params).fetchall())  # type: ignore[arg-type]

    def drop() -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as db:
            for name in names.values():
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return (
        Database(
            "PostgreSQL", f"{server_url}/{names['luotain']}", f"{server_url}/{names['baseline']}", query
        ),
        drop,
    )


# ---------------------------------------------------------------------------------------------- report jobs

SUBMIT_REPORT = """
from luotain.web import commands
commands.setup()
from luotain.web.backoffice import jobs
from luotain.web.backoffice.models import Job
from luotain.web.surveys.models import Survey
job = jobs.submit(Job.Kind.REPORT, Survey.objects.get(slug=%r), formats=%r, language="fi")
print(job.pk)
"""


class ReportJobs:
    """Report jobs of the survey, one after another, on the queue worker that ``luotain serve`` runs beside
    the site, for as long as the load runs: each asked for as the Reports page asks, then waited for."""

    def __init__(self, db: Database, env: dict[str, str], cwd: Path) -> None:
        self.db, self.env, self.cwd = db, env, cwd
        self.stop = threading.Event()
        self.done: list[float] = []  # seconds from asking to the files
        self.failed: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ReportJobs:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=600)

    def running(self) -> bool:
        rows = self.db.query("luotain", "SELECT count(*) FROM backoffice_job WHERE status = %s", ("running",))
        return bool(rows[0][0])

    def _run(self) -> None:
        while not self.stop.is_set():
            asked = time.perf_counter()
            made = subprocess.run(  # noqa: S603 (our own code)
                [sys.executable, "-c", SUBMIT_REPORT % (SLUG, REPORT_FORMATS)],
                env=self.env, cwd=self.cwd, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if made.returncode != 0:
                self.failed.append(made.stderr[-500:])
                return
            job_id = int(made.stdout.split()[-1])
            while True:
                (status,) = self.db.query(
                    "luotain", "SELECT status FROM backoffice_job WHERE id = %s", (job_id,)
                )[0]
                if status in ("done", "failed"):
                    break
                time.sleep(0.2)
            if status == "done":
                self.done.append(time.perf_counter() - asked)
            else:
                self.failed.append(f"job {job_id} failed")


# ---------------------------------------------------------------------------------------------- figures


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def latency(samples: list[Sample]) -> dict[str, float]:
    values = sorted(s.seconds * 1000 for s in samples)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1] if values else float("nan"),
    }


@dataclass
class Phase:
    target: str
    database: str
    phase: str  # "sustained" or "burst"
    respondents: int
    wall: float
    tally: Tally
    reports: int = 0  # report jobs finished during the phase
    report_seconds: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        """Requests answered a second, from the first request sent to the last one answered."""
        if not self.tally.samples:
            return 0.0
        first = min(s.sent for s in self.tally.samples)
        last = max(s.sent + s.seconds for s in self.tally.samples)
        return len(self.tally.samples) / (last - first)

    def figures(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "database": self.database,
            "phase": self.phase,
            "respondents": self.respondents,
            "completed": len(self.tally.completed),
            "failures": self.tally.failures,
            "requests": len(self.tally.samples),
            "requests_per_s": self.rps,
            "latency_ms": latency(self.tally.samples),
            "by_kind": {
                k: latency([s for s in self.tally.samples if s.kind == k])
                for k in sorted({s.kind for s in self.tally.samples})
            },
            "reports_during": self.reports,
            "report_seconds": self.report_seconds,
        }

    def line(self) -> str:
        lat = latency(self.tally.samples)
        extra = f"; {self.reports} report jobs finished meanwhile" if self.target == "luotain" else ""
        return (
            f"  {self.phase:9} {self.target:8}: {len(self.tally.completed)}/{self.respondents} respondents "
            f"completed, {len(self.tally.samples)} requests, {self.rps:.1f} requests/s; p50 {lat['p50']:.1f} "
            f"p95 {lat['p95']:.1f} p99 {lat['p99']:.1f} max {lat['max']:.1f} ms{extra}"
        )


def check_luotain_rows(
    db: Database, completed: list[tuple[str, int]], bodies: list[Pages], started: int
) -> list[str]:
    """Every completed flow stored exactly one response with the answers sent; nothing else was stored."""
    expected = {hashlib.sha256(token.encode()).hexdigest(): i for token, i in completed}
    rows = db.query(
        "luotain",
        "SELECT d.token_hash, r.answers FROM collect_response r JOIN collect_draft d ON d.id = r.draft_id",
        (),
    )
    web = db.query("luotain", "SELECT count(*) FROM collect_response WHERE source = %s", ("web",))[0][0]
    drafts = db.query("luotain", "SELECT count(*) FROM collect_draft", ())[0][0]
    problems = []
    seen: dict[str, int] = {}
    for token_hash, stored_answers in rows:
        answers = json.loads(stored_answers) if isinstance(stored_answers, str) else stored_answers
        seen[token_hash] = seen.get(token_hash, 0) + 1
        if token_hash not in expected:
            problems.append(f"a response of a flow that did not complete ({token_hash[:8]})")
            continue
        sent: dict[str, Any] = {}
        for _, page_answers, _ in bodies[expected[token_hash] % len(bodies)]:
            sent.update(page_answers)
        if answers != sent:
            diff = sorted(k for k in set(answers) | set(sent) if answers.get(k) != sent.get(k))
            problems.append(f"response {token_hash[:8]}: stored answers differ from those sent in {diff[:5]}")
    missing = [h for h in expected if h not in seen]
    if missing:
        problems.append(f"{len(missing)} completed flows have no stored response")
    doubled = [h for h, n in seen.items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} flows stored more than one response")
    if web != len(rows):
        problems.append(f"{web - len(rows)} web responses without a draft")
    if drafts != started:
        problems.append(f"{drafts} drafts for {started} started flows")
    return problems


# ---------------------------------------------------------------------------------------------- one database


def schedule(rate: float, seconds: float) -> list[float]:
    """Start times: evenly spread, ``rate`` a second for ``seconds``."""
    return [i / rate for i in range(int(rate * seconds))]


def bench_database(db: Database, home: Path, args: argparse.Namespace, bodies: list[Pages]) -> list[Phase]:
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LUOTAIN_", "DATABASE_URL", "DJANGO_"))
    }
    logs = home / "logs"
    logs.mkdir(exist_ok=True)
    requests_per_flow = 2 * len(bodies[0]) + 3
    flows_per_s = args.rate / requests_per_flow

    # Luotain: a fresh home (SQLite) or database, the 2024 survey with its 80 demo answers (for the report
    # jobs), `luotain serve` with its defaults and its queue worker beside it.
    env = {**base_env, "LUOTAIN_HOME": str(home / "luotain"), "LUOTAIN_TRUSTED_PROXIES": "1"}
    if db.luotain_url:
        env["DATABASE_URL"] = db.luotain_url
    (home / "luotain").mkdir(exist_ok=True)
    luotain = str(BIN / "luotain")
    subprocess.run(
        [luotain, "create-survey", str(TEMPLATE), "--slug", SLUG],
        env=env,
        cwd=home / "luotain",
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from luotain.mll.demo_2024 import generate
    from luotain.questionnaire import load_builtin
    from luotain.responses import to_csv_text

    demo_csv = home / "demo.csv"
    demo_csv.write_text(
        to_csv_text(load_builtin("mll-kumppanikysely-2024"), generate().records), encoding="utf-8"
    )
    subprocess.run(
        [luotain, "import-responses", str(demo_csv), "--survey", SLUG],
        env=env,
        cwd=home / "luotain",
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    command = [luotain, "serve", "--host", HOST, "--port", str(port)]

    # The baseline: the bare Django project, migrated, under gunicorn with the same options.
    base = {
        **base_env,
        "BASELINE_DATABASE_URL": db.baseline_url,
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "baseline_app.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env=base, cwd=HERE, check=True
    )
    base_port = free_port()
    base_command = [str(BIN / "gunicorn"), *gunicorn_flags(base_port), "baseline_app.wsgi:application"]

    def flow(browser: Browser, i: int) -> str:
        return luotain_flow(browser, bodies[i % len(bodies)])

    def base_flow(browser: Browser, i: int) -> str:
        return baseline_flow(browser, bodies[i % len(bodies)], f"f{i}")

    print(
        f"[{db.name}] luotain serve on {HOST}:{port} (its defaults), the baseline on {HOST}:{base_port}",
        flush=True,
    )
    phases: list[Phase] = []
    started = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(server(command, env, port, home / "luotain", logs / "luotain.log"))
        stack.enter_context(server(base_command, base, base_port, HERE, logs / "baseline.log"))
        # Warm-up, untimed: every worker imports, connects and parses the questionnaire.
        warm, _ = open_load(port, schedule(4, 5), flow, first=10**6)
        started += warm.started
        if warm.failures:
            print(f"  warm-up failures: {warm.failures[:3]}", flush=True)
        open_load(base_port, schedule(4, 5), base_flow, first=10**6)

        # Sustained: the rate, with report jobs running one after another on the queue worker.
        with ReportJobs(db, env, home / "luotain") as reports:
            deadline = time.monotonic() + 60
            while not reports.running() and time.monotonic() < deadline:
                time.sleep(0.1)  # the load starts once the first report job runs
            before = len(reports.done)
            tally, wall = open_load(port, schedule(flows_per_s, args.seconds), flow)
            finished = reports.done[before:]
        started += tally.started
        sustained = Phase(
            "luotain", db.name, "sustained", tally.started, wall, tally, len(finished), finished
        )
        if reports.failed:
            sustained.tally.failures += [f"report job: {f}" for f in reports.failed]
        phases.append(sustained)
        print(sustained.line(), flush=True)
        tally, wall = open_load(base_port, schedule(flows_per_s, args.seconds), base_flow)
        phases.append(Phase("baseline", db.name, "sustained", tally.started, wall, tally))
        print(phases[-1].line(), flush=True)

        # Burst: every respondent starts within a few seconds.
        burst_starts = schedule(args.burst / args.burst_seconds, args.burst_seconds)
        tally, wall = open_load(port, burst_starts, flow, first=2 * 10**6)
        started += tally.started
        phases.append(Phase("luotain", db.name, "burst", tally.started, wall, tally))
        print(phases[-1].line(), flush=True)
        tally, wall = open_load(base_port, burst_starts, base_flow, first=2 * 10**6)
        phases.append(Phase("baseline", db.name, "burst", tally.started, wall, tally))
        print(phases[-1].line(), flush=True)

    completed = [c for p in phases if p.target == "luotain" for c in p.tally.completed] + warm.completed
    problems = check_luotain_rows(db, completed, bodies, started)
    for p in phases:
        if p.target == "luotain":
            p.tally.failures += problems if p.phase == "burst" else []
    print(
        f"  rows: {len(completed)} completed flows; {'every one stored once, as sent' if not problems else problems}",
        flush=True,
    )
    return phases


def verdict(phases: list[Phase], args: argparse.Namespace) -> bool:
    ok = True
    print(
        "\n| database | phase | target | respondents completed | requests/s | p50 ms | p95 ms | p99 ms | max ms |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for p in phases:
        lat = latency(p.tally.samples)
        print(
            f"| {p.database} | {p.phase} | {p.target} | {len(p.tally.completed)} / {p.respondents} | {p.rps:.1f} "
            f"| {lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} |"
        )
    print()
    for database in dict.fromkeys(p.database for p in phases):
        sustained = next(
            p for p in phases if p.database == database and p.phase == "sustained" and p.target == "luotain"
        )
        burst = next(
            p for p in phases if p.database == database and p.phase == "burst" and p.target == "luotain"
        )
        lat = latency(sustained.tally.samples)
        rate_met = sustained.rps >= 0.95 * args.rate and not sustained.tally.failures
        p99_met = lat["p99"] <= args.max_p99
        reports_met = sustained.reports >= 1
        burst_met = len(burst.tally.completed) == burst.respondents and not burst.tally.failures
        met = rate_met and p99_met and reports_met and burst_met
        ok = ok and met
        print(
            f"{database}: sustained {sustained.rps:.1f} requests/s (target {args.rate}), p99 {lat['p99']:.1f} ms "
            f"(target ≤ {args.max_p99:g}), {sustained.reports} report jobs finished meanwhile "
            f"({', '.join(f'{s:.1f} s' for s in sustained.report_seconds)}); burst "
            f"{len(burst.tally.completed)}/{burst.respondents} completed, p99 {latency(burst.tally.samples)['p99']:.1f} ms; "
            f"stored once each: {'yes' if not burst.tally.failures else 'NO'}: "
            f"{'met' if met else 'NOT met'}"
        )
        for p in (sustained, burst):
            for failure in p.tally.failures[:10]:
                print(f"  PROBLEM ({p.phase}): {failure}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100, help="page requests a second, sustained")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sustained load lasts")
    parser.add_argument("--max-p99", type=float, default=300.0, help="ms, the sustained load's p99 target")
    parser.add_argument("--burst", type=int, default=200, help="respondents in the burst")
    parser.add_argument("--burst-seconds", type=float, default=10, help="within which the burst starts")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.postgres).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--postgres must be on 127.0.0.1")

    sys.path.insert(0, str(ROOT / "src"))
    bodies = page_bodies()
    print(
        f"{os.cpu_count()} cores; sustained {args.rate:g} requests/s for {args.seconds:g} s with report jobs; "
        f"burst {args.burst} respondents within {args.burst_seconds:g} s; {2 * len(bodies[0]) + 3} requests "
        "a response",
        flush=True,
    )
    phases: list[Phase] = []
    for which in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="luotain-load-") as tmp:
            home = Path(tmp)
            if which == "sqlite":
                phases += bench_database(sqlite_database(home), home, args, bodies)
            elif which == "postgres":
                db, drop = postgres_database(args.postgres, f"{os.getpid()}")
                try:
                    phases += bench_database(db, home, args, bodies)
                finally:
                    drop()
            else:
                parser.error(f"unknown database {which}")
    ok = verdict(phases, args)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"args": {k: str(v) for k, v in vars(args).items()}, "phases": [p.figures() for p in phases]},
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
