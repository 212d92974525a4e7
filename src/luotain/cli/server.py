"""The site: ``demo``, ``serve`` and ``worker``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .base import Command, web


def demo(args: argparse.Namespace) -> int:
    db = web(migrate=False)  # the demo migrates itself
    print("Setting up the demo: the 2024 and 2025 surveys, their answers and both reports...", flush=True)
    info = db.demo(Path(args.out))
    url = f"http://{args.host}:{args.port}"
    for slug, wave, responses in info.waves:
        print(f"Demo survey '{slug}' (wave {wave}) with {responses} responses.")
    print(f"Demo contacts' invitations: {info.invitations} (no message is sent to anyone).")
    print(
        f"Reports written to {', '.join(str(p) for p in info.reports)} (also on each survey's Reports page)"
    )
    print(f"Survey link:     {url}/s/{info.waves[-1][0]}/ (the 2024 survey has closed)")
    print(f"Results:         {url}/hallinta/kyselyt/{info.waves[-1][0]}/tulokset/ (compare with 2024)")
    print(f"Back office:     {url}/hallinta/  password '{info.password}' for every user:")
    for username, role in info.users:
        print(f"  {username:32s} {role}")
    if args.serve:
        print(f"Serving on {url}/ (Ctrl-C stops)", flush=True)
        # A fresh process serves: this one made the reports, and polars' threads do not survive the
        # server's fork of its workers (luotain.web.server).
        db.exec_serve(args.host, args.port)
    return 0


def serve(args: argparse.Namespace) -> int:
    web(migrate=False).serve(
        args.host, args.port, workers=args.workers, threads=args.threads, with_worker=not args.no_worker
    )
    return 0


def worker(args: argparse.Namespace) -> int:
    web(migrate=False).run_worker()
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "demo",
        demo,
        "set up the MLL partner survey's 2024 and 2025 waves with demo answers",
        "Create the database, load the built-in partner survey's two waves, 2024 (80 demo answers) and 2025 "
        "(82), create the staff users (password from LUOTAIN_DEMO_PASSWORD, else generated once and kept in "
        "var/demo-password), invent demo contacts with invitations in every state, and write the reports; "
        "the 2025 report compares with 2024.",
    )
    p.add_argument("--serve", action="store_true", help="then serve the site")
    p.add_argument("--out", default="out", help="report folder (default: out)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)

    p = commands.add(
        "serve",
        serve,
        "serve the site with gunicorn (respondent pages, back office, admin)",
        "Serve the site with gunicorn. Settings come from the environment (README: Configuration); with "
        "LUOTAIN_PRODUCTION=1 unsafe settings stop start-up. GET /health/ tells a load balancer whether "
        "this server can serve.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="processes (default LUOTAIN_WORKERS, or two a core)")
    p.add_argument("--threads", type=int, help="threads a process (default LUOTAIN_THREADS, or 4)")
    p.add_argument(
        "--no-worker", action="store_true", help="run no job-queue worker beside the site (workers run apart)"
    )
    commands.add(
        "worker",
        worker,
        "run a job-queue worker (reports, invitations, reminders)",
        "Run a worker of the job queue chosen by LUOTAIN_QUEUE_URL (sqlite by default, redis://... for "
        "several machines). `luotain serve` runs one beside the site unless --no-worker. Jobs a stopped "
        "worker left unfinished run again.",
    )
