"""Load benchmark: respondents submitting complete 2024 responses to ``luotain serve``, against a bare Django
endpoint that only inserts the same answers as JSON, on SQLite and on PostgreSQL.

    .venv/bin/python bench/load_bench.py    # --rounds 5 --responses 200 --clients 8 --workers 2 --threads 4

For each database (a fresh SQLite home, then fresh PostgreSQL databases) it starts ``luotain serve`` with the
built-in 2024 survey on a free port of 127.0.0.1, and beside it the baseline: a bare Django project
(``bench/baseline_app``: no middleware, one view, one model with a JSONField, Luotain's database options)
under gunicorn with the same options as ``luotain serve``. --clients threads then answer, one respondent after
another, each respondent with a keep-alive connection and cookies of its own like a browser (--connection
client: one connection a thread for the whole round). One Luotain response is

    GET /s/mll-2024/            the start page (gives the CSRF cookie)
    POST /s/mll-2024/           starts a draft, 302 to page 1
    POST .../v/TOKEN/N/         each of the 8 pages with that page's answers, 302 to the next page;
                                the last post stores the response and answers 302 to .../kiitos/

(--browser also GETs every page and the thanks page, as a browser following the redirects would). A
baseline "response" is the same 8 page bodies posted to the bare endpoint, one JSON row each. The answers
are the 80 demo responses (``luotain.responses.demo.generate``) in turn.

Timed rounds of --responses responses alternate between the two servers (L B, B L, ...), so that whatever
else the machine does falls on both alike; the figures are medians of the rounds. Afterwards the rows are
counted: every completed Luotain flow must have stored exactly one response with the answers sent, every
baseline post exactly one row. Bounded by --rounds × --responses (and --max-seconds a round); only 127.0.0.1
is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import itertools
import json
import os
import signal
import socket
import sqlite3
import statistics
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
TEMPLATE = ROOT / "src/luotain/questionnaire/templates/mll-kumppanikysely-2024.yaml"
SLUG = "mll-2024"
HOST = "127.0.0.1"  # the only host this benchmark talks to


# ---------------------------------------------------------------------------------------------- the answers


def page_bodies() -> list[list[tuple[str, dict[str, Any], list[tuple[str, str]]]]]:
    """Per demo response, per shown page: (section id, the page's answers, the form fields to post)."""
    from luotain.questionnaire import load_builtin
    from luotain.responses import visible_questions
    from luotain.responses.demo import generate

    questionnaire = load_builtin("mll-kumppanikysely-2024")
    out = []
    for record in generate().records:
        shown = set(visible_questions(questionnaire, record.answers))
        pages = []
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
    start: float
    seconds: float


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    completed: list[tuple[str, int]] = field(default_factory=list)  # (flow key, demo record index)
    failures: list[str] = field(default_factory=list)
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One respondent's browser: a keep-alive connection to 127.0.0.1 and a cookie jar."""

    def __init__(self, port: int, tally: Tally, record: bool) -> None:
        self.port = port
        self.tally = tally
        self.record = record
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.samples: list[Sample] = []

    def close(self) -> None:
        self.conn.close()

    def new_browser(self, own_connection: bool) -> None:
        """The next respondent: no cookies, and with ``own_connection`` a connection of its own (a
        respondent's browser does not share its connection with the one before)."""
        self.cookies.clear()
        if own_connection:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)

    def request(
        self, kind: str, method: str, path: str, fields: list[tuple[str, str]] | None = None
    ) -> http.client.HTTPResponse:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        headers = {"Host": f"{HOST}:{self.port}", "Referer": f"http://{HOST}:{self.port}{path}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect and send again (page posts are
                # idempotent: the same page saved twice, a submit returns the stored response).
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                with self.tally.lock:
                    self.tally.reconnects += 1
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - start
            if self.record:
                self.samples.append(Sample(kind, start, seconds))
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
            return response
        raise AssertionError("unreachable")


def luotain_flow(
    client: Client,
    pages: list[tuple[str, dict[str, Any], list[tuple[str, str]]]],
    browser: bool,
    own_connection: bool = True,
) -> str:
    """One complete response; returns the draft's token."""
    client.new_browser(own_connection)
    start = f"/s/{SLUG}/"
    r = client.request("start GET", "GET", start)
    if r.status != 200 or "csrftoken" not in client.cookies:
        raise FlowFailed(f"start page: {r.status}")
    csrf = [("csrfmiddlewaretoken", client.cookies["csrftoken"])]
    r = client.request("start POST", "POST", start, csrf)
    location = r.getheader("Location", "")
    if r.status != 302 or "/v/" not in location:
        raise FlowFailed(f"start post: {r.status} {location}")
    token = location.split("/v/")[1].split("/")[0]
    base = f"/s/{SLUG}/v/{token}/"
    for number, (_, _, fields) in enumerate(pages, start=1):
        url = f"{base}{number}/"
        if location != url:
            raise FlowFailed(f"page {number}: redirected to {location}")
        if browser:
            r = client.request("page GET", "GET", url)
            if r.status != 200:
                raise FlowFailed(f"page {number} GET: {r.status}")
        last = number == len(pages)
        r = client.request(
            "submit POST" if last else "page POST", "POST", url, [*csrf, ("action", "next"), *fields]
        )
        location = r.getheader("Location", "")
        if r.status != 302:
            raise FlowFailed(f"page {number} POST: {r.status} (a form error?)")
    if not location.endswith("/kiitos/"):
        raise FlowFailed(f"after the last page: {location}")
    if browser:
        r = client.request("thanks GET", "GET", location)
        if r.status != 200:
            raise FlowFailed(f"thanks: {r.status}")
    return token


def baseline_flow(
    client: Client,
    pages: list[tuple[str, dict[str, Any], list[tuple[str, str]]]],
    key: str,
    own_connection: bool = True,
) -> str:
    """The same page bodies to the bare endpoint, one insert each."""
    client.new_browser(own_connection)
    for number, (_, _, fields) in enumerate(pages, start=1):
        r = client.request("insert POST", "POST", "/insert/", [("flow", key), ("page", str(number)), *fields])
        if r.status != 200:
            raise FlowFailed(f"baseline page {number}: {r.status}")
    return key


def run_clients(
    port: int,
    n_clients: int,
    n_flows: int,
    deadline: float,
    flow: Callable[[Client, int], str],
    record: bool,
) -> tuple[Tally, float]:
    """``n_flows`` flows over ``n_clients`` threads (fewer if the deadline passes); returns the tally and the
    wall time from the first request to the last answer."""
    tally = Tally()
    counter = itertools.count()
    counter_lock = threading.Lock()
    barrier = threading.Barrier(n_clients + 1)

    def work() -> None:
        client = Client(port, tally, record)
        barrier.wait()
        try:
            while time.monotonic() < deadline:
                with counter_lock:
                    i = next(counter)
                if i >= n_flows:
                    break
                try:
                    key = flow(client, i)
                except (FlowFailed, OSError, http.client.HTTPException) as exc:
                    with tally.lock:
                        tally.failures.append(f"flow {i}: {exc!r}")
                    client.close()
                    client = Client(port, tally, record)
                    continue
                with tally.lock:
                    tally.completed.append((key, i))
        finally:
            client.close()
            with tally.lock:
                tally.samples += client.samples

    threads = [threading.Thread(target=work, daemon=True) for _ in range(n_clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------- the servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def session_cpu_seconds(sid: int) -> float:
    """User + system CPU time of every live process in session ``sid`` (the server's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # fields after the name: state ppid pgrp session ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, cwd: Path, log: Path) -> Iterator[int]:
    """Run ``command`` in its own session until /health/ answers; yields its pid, stops it afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 (our own command line)
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited with {proc.returncode}; see {log}")
                try:
                    conn = http.client.HTTPConnection(HOST, port, timeout=5)
                    conn.request("GET", "/health/")
                    if conn.getresponse().status == 200:
                        conn.close()
                        break
                    conn.close()
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not answer /health/ in 90 s; see {log}")
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


def gunicorn_flags(args: argparse.Namespace, port: int) -> list[str]:
    """The options of ``luotain serve`` (luotain.web.commands.serve), for the baseline."""
    return [
        "--bind", f"{HOST}:{port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread",
        "--timeout", "120",
        "--graceful-timeout", "20",
        "--error-logfile", "-",
        "--log-level", "warning",
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------- databases


@dataclass
class Database:
    name: str  # "SQLite" or "PostgreSQL"
    luotain_url: str | None  # DATABASE_URL for luotain (None: SQLite in LUOTAIN_HOME/var)
    baseline_url: str
    query: Callable[[str, str], list[tuple[Any, ...]]]  # (which: "luotain"|"baseline", sql) -> rows
    # which -> a function listing the database server's processes serving it (none for SQLite)
    pids: Callable[[str], Callable[[], list[int]]] = lambda which: list


def sqlite_database(home: Path, conn_max_age: int | None) -> Database:
    paths = {"luotain": home / "luotain/var/luotain.sqlite3", "baseline": home / "baseline.sqlite3"}
    age = f"?conn_max_age={conn_max_age}" if conn_max_age is not None else ""

    def query(which: str, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(paths[which])) as db:
            return list(db.execute(sql).fetchall())

    luotain_url = f"sqlite:///{paths['luotain']}{age}" if age else None  # None: Luotain's own default
    return Database("SQLite", luotain_url, f"sqlite:///{paths['baseline']}{age}", query)


def postgres_database(server_url: str, suffix: str) -> tuple[Database, Callable[[], None]]:
    import psycopg

    names = {"luotain": f"luotain_bench_{suffix}", "baseline": f"baseline_bench_{suffix}"}
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as db:
        for name in names.values():
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')

    def query(which: str, sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"{server_url}/{names[which]}") as db:
            return list(db.execute(sql).fetchall())  # type: ignore[arg-type]

    def pids(which: str) -> Callable[[], list[int]]:
        def backends() -> list[int]:
            with psycopg.connect(f"{server_url}/postgres") as db:
                rows = db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (names[which],))
                return [int(pid) for (pid,) in rows.fetchall()]

        return backends

    def drop() -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as db:
            for name in names.values():
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return (
        Database(
            "PostgreSQL", f"{server_url}/{names['luotain']}", f"{server_url}/{names['baseline']}", query, pids
        ),
        drop,
    )


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
class Round:
    """One timed stretch of one target: --responses flows by --clients clients."""

    wall: float
    requests: int
    flows: int
    latency: dict[str, float]
    server_cpu: float  # the server's processes (gunicorn master and workers; Luotain's queue worker)
    client_cpu: float  # this process
    db_cpu: float  # PostgreSQL backends serving the target's database (0 for SQLite: it is in the server)
    other_cpu: float  # everything else the machine did meanwhile (other people's work on a shared machine)

    @property
    def rps(self) -> float:
        return self.requests / self.wall

    @property
    def flows_per_s(self) -> float:
        return self.flows / self.wall


@dataclass
class Result:
    target: str
    database: str
    rounds: list[Round] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    completed: list[tuple[str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    reconnects: int = 0
    rows_expected: int = 0
    rows_stored: int = 0
    row_problems: list[str] = field(default_factory=list)

    def median(self, what: Callable[[Round], float]) -> float:
        return statistics.median(what(r) for r in self.rounds)

    @property
    def rps(self) -> float:
        return self.median(lambda r: r.rps)

    @property
    def flows_per_s(self) -> float:
        return self.median(lambda r: r.flows_per_s)

    @property
    def p99(self) -> float:
        return self.median(lambda r: r.latency["p99"])

    @property
    def cpu_ms(self) -> float:
        """CPU a request costs the server and its database (all rounds): unlike requests/s, this does not
        change when other work shares the machine."""
        return 1000 * sum(r.server_cpu + r.db_cpu for r in self.rounds) / sum(r.requests for r in self.rounds)

    def figures(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "database": self.database,
            "requests_per_s": self.rps,
            "responses_per_s": self.flows_per_s,
            "p50_ms": self.median(lambda r: r.latency["p50"]),
            "p95_ms": self.median(lambda r: r.latency["p95"]),
            "p99_ms": self.p99,
            "cpu_ms_per_request": self.cpu_ms,
            "all_requests": latency(self.samples),
            "by_kind": {k: latency([s for s in self.samples if s.kind == k]) for k in self.kinds()},
            "rounds": [
                {**r.__dict__, "requests_per_s": r.rps, "responses_per_s": r.flows_per_s} for r in self.rounds
            ],
            "failures": self.failures,
            "reconnects": self.reconnects,
            "rows_expected": self.rows_expected,
            "rows_stored": self.rows_stored,
            "row_problems": self.row_problems,
        }

    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.samples})


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def timed_round(
    port: int,
    sid: int,
    args: argparse.Namespace,
    flow: Callable[[Client, int], str],
    db_pids: Callable[[], list[int]],
) -> tuple[Round, Tally]:
    deadline = time.monotonic() + args.max_seconds
    pids = db_pids()
    db0 = process_cpu_seconds(pids)
    cpu0, client0, busy0 = session_cpu_seconds(sid), time.process_time(), machine_busy_seconds()
    tally, wall = run_clients(port, args.clients, args.responses, deadline, flow, record=True)
    server_cpu, client_cpu = session_cpu_seconds(sid) - cpu0, time.process_time() - client0
    busy = machine_busy_seconds() - busy0
    db1 = process_cpu_seconds(sorted(set(pids) | set(db_pids())))
    db_cpu = sum(v - db0.get(pid, 0.0) for pid, v in db1.items())
    return (
        Round(
            wall=wall,
            requests=len(tally.samples),
            flows=len(tally.completed),
            latency=latency(tally.samples),
            server_cpu=server_cpu,
            client_cpu=client_cpu,
            db_cpu=db_cpu,
            other_cpu=max(0.0, busy - server_cpu - client_cpu - db_cpu),
        ),
        tally,
    )


def check_luotain_rows(
    db: Database, completed: list[tuple[str, int]], bodies: list[Any], started_flows: int
) -> tuple[int, int, list[str]]:
    """Every completed flow stored exactly one response, with the answers sent; nothing else was stored."""
    expected = {hashlib.sha256(token.encode()).hexdigest(): i for token, i in completed}
    rows = db.query(
        "luotain",
        "SELECT d.token_hash, r.answers FROM collect_response r JOIN collect_draft d ON d.id = r.draft_id",
    )
    total = db.query("luotain", "SELECT count(*) FROM collect_response")[0][0]
    drafts = db.query("luotain", "SELECT count(*) FROM collect_draft")[0][0]
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
    if total != len(rows):
        problems.append(f"{total - len(rows)} responses without a draft")
    if drafts != started_flows:
        problems.append(f"{drafts} drafts for {started_flows} started flows")
    return len(expected), total, problems


def check_baseline_rows(
    db: Database, completed: list[tuple[str, int]], bodies: list[Any]
) -> tuple[int, int, list[str]]:
    expected = {(key, n + 1) for key, i in completed for n in range(len(bodies[i % len(bodies)]))}
    rows = db.query("baseline", "SELECT flow, page FROM baseline_app_pageanswers")
    stored = [(flow, int(page)) for flow, page in rows]
    problems = []
    if len(set(stored)) != len(stored):
        problems.append(f"{len(stored) - len(set(stored))} duplicate rows")
    if set(stored) != expected:
        problems.append(
            f"{len(expected - set(stored))} posts not stored, {len(set(stored) - expected)} unexpected"
        )
    return len(expected), len(stored), problems


# ---------------------------------------------------------------------------------------------- one database


@dataclass
class Target:
    result: Result
    command: list[str]
    env: dict[str, str]
    cwd: Path
    port: int
    flow: Callable[[Client, int], str]
    db_pids: Callable[[], list[int]]


def bench_database(db: Database, home: Path, args: argparse.Namespace, bodies: list[Any]) -> list[Result]:
    """Both servers up at once; timed rounds alternate between them (L B, B L, L B, ...), so that whatever
    else the machine does falls on both alike."""
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LUOTAIN_HOME")}
    # SQLite: both servers queue their writers on a lock file (luotain.web.sqlite), or neither does.
    base_env["LUOTAIN_SQLITE_WRITER_LOCK"] = "1" if args.writer_lock == "on" else "0"
    logs = home / "logs"
    logs.mkdir(exist_ok=True)

    # Luotain: a fresh home (SQLite) or database, the 2024 survey, `luotain serve`.
    env = {**base_env, "LUOTAIN_HOME": str(home / "luotain"), "LUOTAIN_DEBUG": "0"}
    # The rate limits stay on (their cost is part of a request), but every respondent here comes from one
    # address: the per-client limits are raised; the per-link limit is kept.
    env |= {"LUOTAIN_RATE_START_CLIENT": "1000000/min", "LUOTAIN_RATE_PAGE_CLIENT": "1000000/min"}
    if db.luotain_url:
        env["DATABASE_URL"] = db.luotain_url
    (home / "luotain").mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603
        [str(BIN / "luotain"), "create-survey", str(TEMPLATE), "--slug", SLUG],
        env=env, cwd=home / "luotain", check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    port = free_port()
    command = [str(BIN / "luotain"), "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(args.workers), "--threads", str(args.threads)]
    started = itertools.count()

    def flow(client: Client, i: int) -> str:
        next(started)
        return luotain_flow(client, bodies[i % len(bodies)], args.browser, args.connection == "respondent")

    luotain = Target(
        Result("luotain", db.name), command, env, home / "luotain", port, flow, db.pids("luotain")
    )

    # The baseline: the bare Django project, migrated, under gunicorn with the same options.
    env = {**base_env, "BASELINE_DATABASE_URL": db.baseline_url, "PYTHONPATH": str(HERE)}
    env["DJANGO_SETTINGS_MODULE"] = "baseline_app.settings"
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env=env, cwd=HERE, check=True
    )
    port = free_port()
    command = [str(BIN / "gunicorn"), *gunicorn_flags(args, port), "baseline_app.wsgi:application"]
    serial = itertools.count()

    def base_flow(client: Client, i: int) -> str:
        return baseline_flow(
            client, bodies[i % len(bodies)], f"f{i}-{next(serial)}", args.connection == "respondent"
        )

    baseline = Target(Result("baseline", db.name), command, env, HERE, port, base_flow, db.pids("baseline"))

    print(
        f"[{db.name}] luotain serve on {HOST}:{luotain.port}, the baseline on {HOST}:{baseline.port}; "
        f"{args.workers} workers × {args.threads} threads each",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        sids = {}
        for t in (luotain, baseline):
            log = logs / f"{t.result.target}.log"
            sids[t.result.target] = stack.enter_context(server(t.command, t.env, t.port, t.cwd, log))
        for t in (luotain, baseline):  # warm-up, untimed: imports, connections, caches
            deadline = time.monotonic() + args.max_seconds
            warm, _ = run_clients(t.port, args.clients, args.warmup * args.clients, deadline, t.flow, False)
            t.result.completed += warm.completed
            t.result.failures += warm.failures
            t.result.reconnects += warm.reconnects
        for n in range(args.rounds):
            order = (luotain, baseline) if n % 2 == 0 else (baseline, luotain)
            for t in order:
                one, tally = timed_round(t.port, sids[t.result.target], args, t.flow, t.db_pids)
                t.result.rounds.append(one)
                t.result.samples += tally.samples
                t.result.completed += tally.completed
                t.result.failures += tally.failures
                t.result.reconnects += tally.reconnects
                lat = one.latency
                print(
                    f"  round {n + 1} {t.result.target:8}: {one.rps:6.0f} requests/s, {one.flows_per_s:5.1f} "
                    f"responses/s; p50 {lat['p50']:5.1f} p95 {lat['p95']:5.1f} p99 {lat['p99']:6.1f} max "
                    f"{lat['max']:6.1f} ms; CPU s: server {one.server_cpu:.1f}, db {one.db_cpu:.1f}, "
                    f"client {one.client_cpu:.1f}, other {one.other_cpu:.1f} in {one.wall:.1f} s",
                    flush=True,
                )
    r = luotain.result
    # The servers are stopped: count what they stored.
    r.rows_expected, r.rows_stored, r.row_problems = check_luotain_rows(
        db, r.completed, bodies, next(started)
    )
    b = baseline.result
    keyed = [(key, int(key[1:].split("-")[0])) for key, _ in b.completed]
    b.rows_expected, b.rows_stored, b.row_problems = check_baseline_rows(db, keyed, bodies)
    for t in (r, b):
        report_one(t)
    return [r, b]


def report_one(r: Result) -> None:
    lat = latency(r.samples)
    print(
        f"[{r.database}] {r.target}: median of {len(r.rounds)} rounds {r.rps:.0f} requests/s, "
        f"{r.flows_per_s:.1f} responses/s, p99 {r.p99:.1f} ms; all {lat['n']} requests: "
        f"p50 {lat['p50']:.1f}, p95 {lat['p95']:.1f}, p99 {lat['p99']:.1f}, max {lat['max']:.1f} ms",
        flush=True,
    )
    for kind in r.kinds():
        k = latency([s for s in r.samples if s.kind == kind])
        print(
            f"    {kind:12} n={k['n']:6}  p50 {k['p50']:6.1f}  p95 {k['p95']:6.1f}  p99 {k['p99']:6.1f}  "
            f"max {k['max']:6.1f} ms"
        )
    print(
        f"  rows: expected {r.rows_expected}, stored {r.rows_stored}; reconnects {r.reconnects}", flush=True
    )
    for problem in r.failures[:10] + r.row_problems:
        print(f"  PROBLEM: {problem}", flush=True)


def summary(results: list[Result], args: argparse.Namespace) -> bool:
    ok = True
    print(
        "\n| database | target | requests/s | responses/s | p50 ms | p95 ms | p99 ms | p99 ms, all requests "
        "| max ms | CPU ms a request | rows expected / stored |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        f = r.figures()
        every = f["all_requests"]
        print(
            f"| {r.database} | {r.target} | {f['requests_per_s']:.0f} | {f['responses_per_s']:.1f} "
            f"| {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {f['p99_ms']:.1f} | {every['p99']:.1f} "
            f"| {every['max']:.1f} | {r.cpu_ms:.2f} | {r.rows_expected} / {r.rows_stored} |"
        )
    print("(medians of the rounds; 'all requests': every timed request of every round pooled)\n")
    for database in dict.fromkeys(r.database for r in results):
        lu = next(r for r in results if r.database == database and r.target == "luotain")
        base = next(r for r in results if r.database == database and r.target == "baseline")
        ratios = [a.rps / b.rps for a, b in zip(lu.rounds, base.rounds, strict=True)]
        ratio = lu.rps / base.rps
        met = ratio >= args.min_ratio and lu.p99 <= args.max_p99
        clean = not (lu.failures or base.failures or lu.row_problems or base.row_problems)
        ok = ok and met and clean
        print(
            f"{database}: {lu.rps:.0f} vs the baseline's {base.rps:.0f} requests/s = {ratio:.2f}× (rounds "
            f"{min(ratios):.2f}–{max(ratios):.2f}; target ≥ {args.min_ratio}), p99 {lu.p99:.1f} ms (target ≤ "
            f"{args.max_p99}): {'met' if met else 'NOT met'}; rows: "
            f"{'every one stored once, as sent' if clean else 'PROBLEMS (see above)'}"
        )
        print(
            f"  CPU a request (server and database): {lu.cpu_ms:.2f} ms vs the baseline's {base.cpu_ms:.2f} "
            f"ms: {base.cpu_ms / lu.cpu_ms:.2f}× the baseline's throughput where CPU is what runs out"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=200, help="complete responses in each timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each target, alternating")
    parser.add_argument("--warmup", type=int, default=2, help="untimed responses per client first")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--browser", action="store_true", help="also GET every page and the thanks page")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument(
        "--sqlite-conn-max-age",
        type=int,
        help="SQLite: persistent connections (CONN_MAX_AGE) for both servers; default: Luotain's settings",
    )
    parser.add_argument(
        "--writer-lock",
        choices=["on", "off"],
        default="on",
        help="SQLite: writers of both servers queue on a lock file (luotain.web.sqlite, Luotain's default)",
    )
    parser.add_argument(
        "--connection",
        choices=["respondent", "client"],
        default="respondent",
        help="a keep-alive connection per respondent (a new one for each response, as each respondent has "
        "a browser of their own) or per client thread for the whole round (before 2026-11-30)",
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument(
        "--max-seconds", type=float, default=300, help="per target: stop starting flows after"
    )
    parser.add_argument("--min-ratio", type=float, default=0.6)
    parser.add_argument("--max-p99", type=float, default=50.0)
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.postgres).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--postgres must be on 127.0.0.1")

    sys.path.insert(0, str(ROOT / "src"))
    bodies = page_bodies()
    print(
        f"{os.cpu_count()} cores; {args.clients} clients; {args.responses} responses "
        f"(+{args.warmup} per client untimed) per target; {len(bodies[0])} pages a response"
        + ("; browser mode (GETs too)" if args.browser else "")
        + f"; a connection per {args.connection}",
        flush=True,
    )
    results: list[Result] = []
    for which in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="luotain-load-") as tmp:
            home = Path(tmp)
            if which == "sqlite":
                results += bench_database(sqlite_database(home, args.sqlite_conn_max_age), home, args, bodies)
            elif which == "postgres":
                db, drop = postgres_database(args.postgres, f"{os.getpid()}")
                try:
                    results += bench_database(db, home, args, bodies)
                finally:
                    drop()
            else:
                parser.error(f"unknown database {which}")
    ok = summary(results, args)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "results": [r.figures() for r in results],
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
