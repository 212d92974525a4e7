"""What the command modules share: registering a command, reaching the database side, the sources of answers
(a survey, or files), and the error that carries a message to ``main``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from luotain.errors import LuotainError

EXIT_BAD_INPUT = 2
EXIT_LEFT_OUT = 1  # done, but something was left out (listed)
Handler = Callable[[argparse.Namespace], int]


class CommandError(LuotainError):
    """A message for the person at the command line, with the exit status: what the command was asked to do
    cannot be done as asked. ``main`` prints it; nothing else happens."""

    def __init__(self, message: str, exit_status: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_status = exit_status


class Command:
    """The ``luotain`` subcommands: ``add`` one with its handler, help and description."""

    def __init__(self, subparsers: Any) -> None:
        self.subparsers = subparsers

    def add(
        self, name: str, handler: Handler, help_text: str, description: str = ""
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self.subparsers.add_parser(
            name, help=help_text, description=description or help_text
        )
        parser.set_defaults(func=handler)
        return parser


def web(*, migrate: bool = True) -> Any:
    """The database side (``luotain.web.commands``) with Django set up and (``migrate``) the database brought
    up to date; imported only by the commands that need it."""
    from luotain.web import commands

    commands.setup()
    if migrate:
        commands.migrate()
    return commands


def err(message: str) -> None:
    print(message, file=sys.stderr)


def add_source(p: argparse.ArgumentParser, survey_default: str | None = None) -> None:
    """--survey (the database), or --questionnaire with --responses (files)."""
    help_text = f"survey link name (default: {survey_default})" if survey_default else "survey link name"
    p.add_argument("--survey", default=survey_default, help=help_text)
    p.add_argument("--questionnaire", help="questionnaire YAML file (with --responses)")
    p.add_argument("--responses", help="response-table CSV (with --questionnaire)")


def records_from_files(args: argparse.Namespace) -> tuple[Any, list[Any]]:
    """The questionnaire and its responses from --questionnaire and --responses, organisations checked
    against the shipped registry."""
    from luotain.questionnaire import load_questionnaire
    from luotain.registry import default_registry
    from luotain.responses import read_csv

    questionnaire = load_questionnaire(args.questionnaire)
    with open(args.responses, encoding="utf-8-sig", newline="") as stream:
        records = read_csv(questionnaire, stream, known_orgs=set(default_registry().organisations))
    return questionnaire, records


def no_such_file(exc: FileNotFoundError) -> CommandError:
    return CommandError(f"error: no such file: {exc.filename or exc}")


def existing(path: str) -> Path:
    """``path``, which must be a file."""
    found = Path(path)
    if not found.exists():
        raise CommandError(f"error: no such file: {path}")
    return found
