"""Serving the site with gunicorn, and the rule that nothing forks after a thread pool has started.

gunicorn's master process forks its workers. A thread does not survive a fork: the child gets the memory of
the parent's thread pools (polars', OpenMP's, BLAS') with their locks as they were, but none of their
threads, and the first use of such a pool in the child waits for ever. That is how the demo's results page
used to hang: ``luotain demo --serve`` made the reports with polars and then forked the server's workers.

So the master stays a plain process: the demo execs a fresh ``luotain serve`` after its work
(``exec_serve``), the application is loaded in each worker after the fork (never ``preload_app``), and
before every fork ``fork_hazards`` is asked whether polars is imported or a second thread runs; if so, the
server stops at once with the reason instead of starting workers that hang.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from luotain.errors import LuotainError

# Modules whose thread pools do not survive a fork; importing one in the master is already a mistake.
THREAD_POOL_MODULES = ("polars", "sklearn", "scipy", "pyarrow")


def _thread_count() -> int:
    """Threads of this process, the operating system's own included (Linux: /proc)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def fork_hazards() -> list[str]:
    """Why forking this process now would give children that may hang; empty when it is safe."""
    hazards = [
        f"{name} is imported (its thread pool does not survive a fork)"
        for name in THREAD_POOL_MODULES
        if name in sys.modules
    ]
    threads = _thread_count()
    if threads > 1:
        hazards.append(f"{threads} threads run in this process (a fork keeps only one)")
    return hazards


class ForkHazard(LuotainError, RuntimeError):
    """The process is about to fork with a thread pool started (see the module's docstring)."""


def check_fork_safe(what: str) -> None:
    hazards = fork_hazards()
    if hazards:
        raise ForkHazard(
            f"{what}: refusing to fork workers that would hang: {'; '.join(hazards)}. Start the server in a "
            "fresh process (luotain serve), with the analysis done in the workers or in another process."
        )


def _pre_fork(arbiter: Any, worker: Any) -> None:
    """gunicorn's pre_fork hook: stop the server, loudly, rather than fork a worker that would hang."""
    from gunicorn.errors import HaltServer

    try:
        check_fork_safe("luotain serve")
    except ForkHazard as exc:
        raise HaltServer(str(exc), 3) from None


def _post_worker_init(worker: Any) -> None:
    """A worker leaves Ctrl-C to the master. The terminal sends SIGINT to the whole process group, and the
    master then sends each worker SIGQUIT: a gthread worker that took both ran its quit handler twice, the
    second time inside the first, and hung on its own thread pool's lock until the master killed it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def gunicorn_options(host: str, port: int, workers: int | None, threads: int | None) -> dict[str, Any]:
    """``workers`` processes of ``threads`` threads (LUOTAIN_WORKERS, LUOTAIN_THREADS; by default two
    processes a core, four threads each). No access log: it would keep the respondents' IP addresses. No
    control socket: nobody needs to steer a running server, and its thread would run in the master."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers or int(os.environ.get("LUOTAIN_WORKERS") or 2 * (os.cpu_count() or 1)),
        "threads": threads or int(os.environ.get("LUOTAIN_THREADS") or 4),
        "worker_class": "gthread",
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "luotain",
        "preload_app": False,
        "control_socket_disable": True,
        "pre_fork": _pre_fork,
        "post_worker_init": _post_worker_init,
    }


def serve(
    host: str, port: int, *, workers: int | None = None, threads: int | None = None, with_worker: bool = True
) -> None:
    """Serve the site with gunicorn; ``with_worker``: also run a job-queue worker beside it (one machine), as
    a process of its own (started with fork and exec, so it shares nothing with this one)."""
    import atexit
    import subprocess

    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from luotain.web.startup import migrate

    migrate()
    check_fork_safe("luotain serve")
    if with_worker and not settings.HUEY.get("immediate"):
        consumer = subprocess.Popen([sys.executable, "-m", "luotain", "worker"])

        def stop_consumer() -> None:
            consumer.terminate()
            try:
                consumer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                consumer.kill()

        atexit.register(stop_consumer)
    options = gunicorn_options(host, port, workers, threads)

    class Luotain(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from luotain.web.wsgi import application

            return application

    Luotain().run()


def exec_serve(host: str, port: int) -> None:
    """Replace this process with a fresh ``luotain serve``: what this one computed (with polars' threads)
    is gone, and the new master forks from a clean state. The environment and working directory stay."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    command = [sys.executable, "-m", "luotain", "serve", "--host", host, "--port", str(port)]
    os.execv(sys.executable, command)  # noqa: S606 - our own command, no shell


def run_worker() -> None:
    """Run the job queue's consumer: first put back jobs that a dead worker left behind."""
    from django.core.management import call_command

    from luotain.web.backoffice.jobs import recover_stale

    lost = recover_stale()
    if lost:
        print(
            f"Jobs left unfinished by a stopped worker, run again: {', '.join(map(str, lost))}",
            file=sys.stderr,
        )
    call_command("run_huey")
