"""The ``luotain`` command: glue between the command line and the library.

Each module here registers one group of commands (``register``) and parses what they are given; the work is
done by the library (the pure packages, and the web layer's services through ``luotain.web.commands``, the
only way this package reaches Django). Library code raises ``luotain.errors.LuotainError``; ``main`` alone
turns it into a message on standard error and an exit status.
"""

from __future__ import annotations

import argparse
import os
import sys

from luotain.errors import LuotainError

from . import analysis, distribution, privacy, questionnaires, reports, responses, server
from .base import Command

GROUPS = (questionnaires, server, responses, distribution, analysis, reports, privacy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luotain",
        description="Luotain: partner surveys from questionnaire to report. "
        "Data lives in ./var/ (SQLite) unless DATABASE_URL is set.",
    )
    commands = Command(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LuotainError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (luotain analyse --json | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
