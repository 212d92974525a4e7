"""Responses in and out: ``import-responses`` (the response table, or another tool's file by a mapping) and
``export-responses`` (CSV, Excel, SPSS, Parquet)."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from luotain.interop.formats import BINARY_FORMATS, FORMATS
from luotain.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from luotain.responses import TableError, to_csv_text

from .base import Command, CommandError, add_source, err, no_such_file, records_from_files, web


def import_responses(args: argparse.Namespace) -> int:
    from luotain.responses import table

    if args.mapping or args.draft_mapping:
        return import_mapped(args)
    if not args.survey:
        raise CommandError("error: give --survey (or --mapping / --draft-mapping for another tool's file)")
    db = web()
    try:
        size = Path(args.file).stat().st_size
        if size > table.MAX_IMPORT_BYTES:
            limit = table.MAX_IMPORT_BYTES // (1024 * 1024)
            raise CommandError(
                f"{args.file}: nothing was imported: the file is {size / 1024 / 1024:.0f} MB, "
                f"at most {limit} MB is read at once; split it into several files"
            )
        with open(args.file, encoding="utf-8-sig", newline="") as stream:
            count = db.import_responses(args.survey, stream)
    except FileNotFoundError:
        raise CommandError(f"error: no such file: {args.file}") from None
    except TableError as exc:
        raise CommandError(f"{args.file}: nothing was imported; {exc.total} problem(s):\n{exc}") from None
    except ValueError as exc:
        raise CommandError(f"{args.file}: nothing was imported: {exc}") from None
    print(f"Imported {count} responses into '{args.survey}'.")
    return 0


def import_mapped(args: argparse.Namespace) -> int:
    """--draft-mapping: write a mapping drafted from the texts; --mapping: import by a checked mapping."""
    from luotain.interop.mapping import (
        MappingError,
        apply_mapping,
        draft_mapping,
        load_mapping,
        mapping_yaml,
        read_table,
    )

    questionnaire, db = _questionnaire(args)
    try:
        table = read_table(args.file, args.sheet)
    except FileNotFoundError:
        raise CommandError(f"error: no such file: {args.file}") from None
    except ValueError as exc:
        raise CommandError(f"error: {exc}") from None
    if args.draft_mapping:
        mapping = draft_mapping(table, questionnaire)
        Path(args.draft_mapping).write_text(mapping_yaml(mapping, Path(args.file).name), encoding="utf-8")
        found = sum(1 for c in mapping.columns.values() if c is not None)
        open_values = sum(1 for c in mapping.columns.values() if c for v in c.values.values() if v is None)
        meta = sum(1 for h in (mapping.response_id, mapping.submitted_at) if h)
        err(
            f"Mapping drafted to {args.draft_mapping}: {found} of {len(table.headers)} columns matched, "
            f"{len(table.headers) - found - len(mapping.ignored) - meta} not, "
            f"{open_values} value(s) left to decide. Check it, then import with --mapping "
            f"{args.draft_mapping}."
        )
        return 0
    try:
        mapping = load_mapping(args.mapping, questionnaire)
    except FileNotFoundError:
        raise CommandError(f"error: no such file: {args.mapping}") from None
    except MappingError as exc:
        raise CommandError(f"error: {exc}") from None
    result = apply_mapping(table, questionnaire, mapping, Path(args.file).stem)
    for line in result.report():
        err(f"{args.file}: {line}")
    if result.problems:
        listed = "\n".join(str(problem) for problem in result.problems[:20])
        raise CommandError(f"{args.file}: nothing was imported; {len(result.problems)} problem(s):\n{listed}")
    if not result.complete and not args.skip_unmapped:
        raise CommandError(
            f"{args.file}: nothing was imported: complete the mapping ({args.mapping}), or import the rest "
            "with --skip-unmapped"
        )
    text = to_csv_text(questionnaire, result.records)
    if db is None:
        Path(args.output).write_text(text, encoding="utf-8")
        err(f"Wrote {len(result.records)} responses to {args.output} (the response table).")
        return 0
    try:
        count = db.import_responses(args.survey, io.StringIO(text))
    except TableError as exc:
        raise CommandError(f"{args.file}: nothing was imported; {exc.total} problem(s):\n{exc}") from None
    except ValueError as exc:
        raise CommandError(f"{args.file}: nothing was imported: {exc}") from None
    skipped = " (the values and columns listed above left out)" if not result.complete else ""
    err(f"Imported {count} responses into '{args.survey}'{skipped}.")
    return 0


def _questionnaire(args: argparse.Namespace) -> tuple[Questionnaire, Any]:
    """The questionnaire from --survey (with the database) or --questionnaire (with -o for the table)."""
    if args.survey:
        db = web()
        return db.survey_questionnaire(args.survey), db
    if not args.questionnaire:
        raise CommandError("error: give --survey, or --questionnaire")
    if args.mapping and not args.output:
        raise CommandError("error: with --questionnaire, give -o FILE.csv for the response table")
    try:
        return load_questionnaire(args.questionnaire), None
    except QuestionnaireError as exc:
        raise CommandError(str(exc)) from None


def export_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return suffix if suffix in FORMATS else "csv"


def export_responses(args: argparse.Namespace) -> int:
    from luotain.interop.export import write_responses

    fmt = export_format(args)
    to_stdout = not args.output or args.output == "-"
    if fmt in BINARY_FORMATS and to_stdout:
        raise CommandError(f"error: {fmt} is written to a file: give -o FILE.{fmt}")
    if args.questionnaire or args.responses:
        if not (args.questionnaire and args.responses):
            raise CommandError("error: --questionnaire and --responses go together")
        try:
            questionnaire, records = records_from_files(args)
        except QuestionnaireError as exc:
            raise CommandError(str(exc)) from None
        except TableError as exc:
            raise CommandError(f"{args.responses}: {exc.total} problem(s):\n{exc}") from None
        except FileNotFoundError as exc:
            raise no_such_file(exc) from None
    elif args.survey:
        questionnaire, records = web().survey_responses(args.survey, fmt)
    else:
        raise CommandError("error: give --survey, or --questionnaire and --responses")
    count = write_responses(questionnaire, records, sys.stdout if to_stdout else args.output, fmt, args.lang)
    if not to_stdout:
        err(f"Exported {count} responses to {args.output} ({fmt}).")
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "import-responses",
        import_responses,
        "import responses from a response-table CSV, or from another tool's file by a mapping",
        "Import responses from a CSV in the response-table layout (docs/response-table.md). Every row is "
        "checked first; if any cell is wrong nothing is imported and the problems are listed. Another "
        "tool's CSV or XLSX export: --draft-mapping drafts a mapping of its columns and labels to the "
        "questionnaire, which you check; --mapping imports by it, listing unmapped columns and values by "
        "name and count (docs/interop.md).",
    )
    p.add_argument("file", help="CSV file (or another tool's CSV or XLSX with a mapping)")
    p.add_argument("--survey", help="survey link name")
    p.add_argument("--questionnaire", help="questionnaire YAML file (instead of --survey; with -o)")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--draft-mapping", metavar="MAPPING.yaml", help="draft a mapping of another tool's file and stop"
    )
    group.add_argument("--mapping", metavar="MAPPING.yaml", help="import another tool's file by this mapping")
    p.add_argument("--sheet", help="the sheet of an .xlsx file (default: the first)")
    p.add_argument(
        "--skip-unmapped", action="store_true", help="import what is mapped, leaving out the reported rest"
    )
    p.add_argument("-o", "--output", help="with --questionnaire: write the response table here")

    p = commands.add(
        "export-responses",
        export_responses,
        "export responses as CSV (the response table), Excel, SPSS or Parquet",
        "Export a survey's responses (--survey) or a response-table CSV (--questionnaire, --responses) as "
        "csv (the response table), xlsx (with a codebook sheet), sav (SPSS: labels, multiple choices as 0/1 "
        "variables) or parquet (docs/interop.md).",
    )
    add_source(p)
    p.add_argument("-o", "--output", help="file to write (default: standard output, csv only)")
    p.add_argument("--format", choices=FORMATS, help="default: from the -o file's suffix, else csv")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi", help="labels' language (xlsx, sav)")
