"""Privacy: ``retention`` and one person's data, ``contact export|erase``."""

from __future__ import annotations

import argparse
import json
import sys

from .base import Command, CommandError, err, web


def retention(args: argparse.Namespace) -> int:
    for line in web().retention(args.dry_run).lines():
        print(line)
    return 0


def contact(args: argparse.Namespace) -> int:
    db = web()
    if args.action == "export":
        data = db.export_contact(args.email)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        if not data["contacts"]:
            err(f"No contact has the address {args.email}.")
        return 0
    planned = db.erase_contact(args.email, dry_run=True)
    if not planned.contacts:
        print("\n".join(planned.lines()))
        return 0
    if not args.yes:
        print("\n".join(planned.lines()))
        if not sys.stdin.isatty():
            raise CommandError("Nothing was erased: add --yes to erase.")
        if input(f"Erase the data of {args.email}? Type yes: ").strip().lower() != "yes":
            raise CommandError("Nothing was erased.")
    print("\n".join(db.erase_contact(args.email, dry_run=False).lines()))
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "retention",
        retention,
        "delete contact data and contact-answer links of surveys past their retention period",
        "For every survey closed longer than its retention period (retention_days, default 365): invitations "
        "lose their contact, answering links stop working, and contacts that no survey within its retention "
        "period needs are deleted. Answers stay. Prints the counts per survey; running it again changes "
        "nothing (docs/privacy.md). Run it daily, or let the job queue's daily job call the same service.",
    )
    p.add_argument("--dry-run", action="store_true", help="change nothing, print what would be deleted")

    p = commands.add(
        "contact",
        contact,
        "one person's data: luotain contact export|erase EMAIL",
        "export: print as JSON everything stored about the person with this email address (answers only of "
        "identified surveys). erase: delete their contact rows and cut every link between them and answers "
        "(response rates stay); asks first, or with no terminal refuses (exit status 2) unless --yes.",
    )
    p.add_argument("action", choices=["export", "erase"])
    p.add_argument("email", help="the person's email address (any case)")
    p.add_argument("--yes", action="store_true", help="erase without asking")
