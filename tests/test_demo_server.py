"""`luotain demo --serve` as a new user runs it (`make demo`): a real process that first makes both reports
with polars and then serves. Its results pages, the compared 2025 view and the CSV download answer, more times
than the server has threads, and a respondent can still answer; Ctrl-C then stops it cleanly.

Before the demo served from a fresh process, the first results page hung for ever: the workers were forked
from the process whose polars thread pool had made the reports (luotain.web.server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
from pathlib import Path

import pytest

from tests.process_support import Browser, clean_environment, free_port, wait_until_serving

PASSWORD = "demo-kokeilu-7"
THREADS = 2  # a worker's threads: every page below is asked for more often than the server has threads
WORKERS = 2


def start_demo(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = clean_environment(
        home,
        LUOTAIN_DEMO_PASSWORD=PASSWORD,
        LUOTAIN_WORKERS=str(WORKERS),
        LUOTAIN_THREADS=str(THREADS),
    )
    log = (home / "demo.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain", "demo", "--serve", "--port", str(port)],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's: Ctrl-C goes to every process
    )


def test_the_demo_serves_its_results_after_making_its_reports(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    demo = start_demo(tmp_path, port)
    log = tmp_path / "demo.log"
    try:
        if not wait_until_serving(base, 300, alive=lambda: demo.poll() is None):
            pytest.fail("the demo did not start serving:\n" + log.read_text(errors="replace"))
        assert "Reports written to out/mll-2024.html" in log.read_text()

        staff = Browser(base, timeout=15)
        staff.sign_in("analyytikko", PASSWORD)
        pages = [
            "/hallinta/kyselyt/mll-2024/tulokset/",
            "/hallinta/kyselyt/mll-2025/tulokset/?compare=mll-2024",
            "/hallinta/kyselyt/mll-2024/tulokset/?format=csv",
        ]
        for path in pages:
            for _ in range(WORKERS * THREADS + 2):
                try:
                    status, _, _ = staff.get(path)
                except (TimeoutError, urllib.error.URLError):
                    pytest.fail(f"{path} did not answer within {staff.timeout} s")
                assert status == 200, (path, status)
        assert "NPS" in staff.get(pages[0])[1]
        assert staff.get(pages[2])[1].startswith("question,row,option,group,n,count,percent")
        assert "Muutos kyselystä 2024, prosenttiyksikköä" in staff.get(pages[1])[1]

        respondent = Browser(base, timeout=15)
        _, start, _ = respondent.get("/s/mll-2025/")  # the open wave; 2024 has closed
        status, first = respondent.post("/s/mll-2025/", {}, start)
        assert status == 302 and first.endswith("/1/")
        path = first.removeprefix(base)
        _, html, _ = respondent.get(path)
        status, location = respondent.post(
            path, {"action": "next", "org_type": "kunta", "role": "johto"}, html
        )
        assert status == 302 and location.endswith("/2/")
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(timeout=30)
            pytest.fail("Ctrl-C did not stop the demo within 30 s")
    output = log.read_text(errors="replace")
    assert "SIGKILL" not in output and "Traceback" not in output, output
