"""Distribution: ``contacts import``, ``invite``, ``remind``, ``close`` and ``response-rates``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from luotain.errors import InvalidInput

from .base import Command, CommandError, err, web


def contacts(args: argparse.Namespace) -> int:
    db = web()
    try:
        created, problems = db.import_contacts(Path(args.file), args.skip_invalid)
    except FileNotFoundError:
        raise CommandError(f"error: no such file: {args.file}") from None
    except (InvalidInput, UnicodeDecodeError, ValueError) as exc:
        raise CommandError(f"{args.file}: nothing was imported:\n{exc}") from None
    print(f"Imported {created} contacts.")
    if problems:
        err(f"Left out {len(problems)} rows:")
        for problem in problems:
            err(f"  {problem}")
    return 0


def invite(args: argparse.Namespace) -> int:
    result = web().invite(args.survey, args.district, args.base_url)
    print(f"Invitations sent: {result.sent}, failed: {result.failed}, already invited: {result.skipped}.")
    return 0 if not result.failed else 1


def remind(args: argparse.Namespace) -> int:
    result = web().remind(args.survey, args.max, args.days, args.base_url)
    print(f"Reminders sent: {result.sent}, failed: {result.failed}, too soon: {result.skipped}.")
    return 0 if not result.failed else 1


def close(args: argparse.Namespace) -> int:
    cut = web().close(args.survey)
    print(f"Survey '{args.survey}' is closed; {cut} invitation(s) no longer name their contact.")
    return 0


def response_rates(args: argparse.Namespace) -> int:
    rates = web().response_rates(args.survey)
    if args.json:
        print(json.dumps(rates, ensure_ascii=False, indent=2))
        return 0
    total = rates["total"]
    print(
        f"{rates['survey']}: invited {total['invited']}, opened {total['opened']}, "
        f"started {total['started']}, submitted {total['submitted']}"
    )
    for d in rates["districts"].values():
        print(f"  {d['name']}: invited {d['invited']}, submitted {d['submitted']}")
    for kind, c in rates["coverage"].items():
        print(f"  {kind}: answered {c['answered']} of {c['total']}")
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "contacts",
        contacts,
        "import contact people: luotain contacts import FILE",
        "Import contact people from CSV or XLSX with the columns name, email, organisation (a registry code: "
        "hva:NN or kunta:NNN), role and language (fi or sv). Every row is checked first; if any is bad, "
        "nothing is imported and each bad row is listed; --skip-invalid imports the good ones.",
    )
    p.add_argument("action", choices=["import"])
    p.add_argument("file", help="CSV or XLSX file")
    p.add_argument("--skip-invalid", action="store_true", help="import the good rows, list the rest")

    p = commands.add("invite", invite, "send a district's invitations: a personal link to each contact")
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--district", required=True, help="district identifier, e.g. uusimaa")
    p.add_argument("--base-url", help="public address of the answering pages (default: LUOTAIN_BASE_URL)")

    p = commands.add("remind", remind, "remind those who have not answered nor opted out")
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--max", type=int, default=2, help="at most this many reminders a contact (default 2)")
    p.add_argument(
        "--days", type=int, default=7, help="not sooner than this after the last message (default 7)"
    )
    p.add_argument("--base-url", help="public address of the answering pages (default: LUOTAIN_BASE_URL)")

    p = commands.add(
        "close",
        close,
        "close a survey now; an anonymised survey forgets who answered",
        "Close the survey now. If it is anonymised (the default), the link between contacts and their "
        "answers is cut: answers keep organisation type, organisation, district and role, not the person.",
    )
    p.add_argument("--survey", required=True, help="survey link name")

    p = commands.add(
        "response-rates", response_rates, "invited, opened, started and submitted per district and type"
    )
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--json", action="store_true", help="print as JSON")
