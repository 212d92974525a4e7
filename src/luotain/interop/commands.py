"""The interoperability side of the ``luotain`` command: ``convert``, ``export-responses --format`` and
``import-responses --draft-mapping / --mapping``. The database is reached only through the ``web`` object
that ``luotain.cli`` passes in (``luotain.web.commands``), so this module imports no Django."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from luotain.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from luotain.responses import TableError, to_csv_text

from .export import write_responses
from .mapping import MappingError, apply_mapping, draft_mapping, load_mapping, mapping_yaml, read_table
from .options import BINARY_FORMATS, FORMATS
from .xlsform import XlsFormError, is_xlsform

EXIT_BAD_INPUT = 2
EXIT_LEFT_OUT = 1  # converted, but something of the form was left out (listed)
WebGetter = Callable[[], Any]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_convert(args: argparse.Namespace) -> int:
    """An XLSForm to a questionnaire file, or a questionnaire file to an XLSForm."""
    from .xlsform_read import read_xlsform
    from .xlsform_write import check_xlsform, write_xlsform

    source = Path(args.file)
    if is_xlsform(source):
        try:
            conversion = read_xlsform(source)
        except XlsFormError as exc:
            _err(f"{source}: {exc}")
            return EXIT_BAD_INPUT
        text = conversion.to_yaml(source.name)
        if args.output and args.output != "-":
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        for note in conversion.notes:
            _err(f"{source.name}: {note}")
        q = conversion.questionnaire
        left_out = len(conversion.left_out)
        summary = f"{len(q.questions())} questions on {len(q.sections)} pages"
        _err(
            f"{source.name}: {summary}"
            + (f"; {left_out} thing(s) not converted (listed above)" if left_out else "")
        )
        return EXIT_LEFT_OUT if left_out else 0
    if not args.output or not is_xlsform(args.output):
        _err("error: give the XLSForm to write with -o FILE.xlsx (or convert an .xlsx form to YAML)")
        return EXIT_BAD_INPUT
    try:
        questionnaire = load_questionnaire(source)
    except QuestionnaireError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    write_xlsform(questionnaire, args.output)
    try:
        warnings = check_xlsform(args.output)
    except XlsFormError as exc:
        _err(f"{args.output}: {exc}")
        return EXIT_BAD_INPUT
    for warning in warnings:
        _err(f"{args.output}: pyxform: {warning}")
    _err(f"XLSForm written to {args.output} (pyxform converts it without errors).")
    return 0


def export_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return suffix if suffix in FORMATS else "csv"


def cmd_export(args: argparse.Namespace, web: WebGetter, records_from_files: Callable[[Any], Any]) -> int:
    fmt = export_format(args)
    to_stdout = not args.output or args.output == "-"
    if fmt in BINARY_FORMATS and to_stdout:
        _err(f"error: {fmt} is written to a file: give -o FILE.{fmt}")
        return EXIT_BAD_INPUT
    if args.questionnaire or args.responses:
        if not (args.questionnaire and args.responses):
            _err("error: --questionnaire and --responses go together")
            return EXIT_BAD_INPUT
        try:
            questionnaire, records = records_from_files(args)
        except QuestionnaireError as exc:
            _err(str(exc))
            return EXIT_BAD_INPUT
        except TableError as exc:
            _err(f"{args.responses}: {exc.total} problem(s):\n{exc}")
            return EXIT_BAD_INPUT
        except FileNotFoundError as exc:
            _err(f"error: no such file: {exc.filename}")
            return EXIT_BAD_INPUT
    elif args.survey:
        db = web()
        db.migrate()
        questionnaire, records = db.survey_responses(args.survey, fmt)
    else:
        _err("error: give --survey, or --questionnaire and --responses")
        return EXIT_BAD_INPUT
    count = write_responses(questionnaire, records, sys.stdout if to_stdout else args.output, fmt, args.lang)
    if not to_stdout:
        _err(f"Exported {count} responses to {args.output} ({fmt}).")
    return 0


def cmd_import_mapped(args: argparse.Namespace, web: WebGetter) -> int:
    """--draft-mapping: write a mapping drafted from the texts; --mapping: import by a checked mapping."""
    questionnaire, db = _questionnaire(args, web)
    if questionnaire is None:
        return EXIT_BAD_INPUT
    try:
        table = read_table(args.file, args.sheet)
    except FileNotFoundError:
        _err(f"error: no such file: {args.file}")
        return EXIT_BAD_INPUT
    except ValueError as exc:
        _err(f"error: {exc}")
        return EXIT_BAD_INPUT
    if args.draft_mapping:
        mapping = draft_mapping(table, questionnaire)
        Path(args.draft_mapping).write_text(mapping_yaml(mapping, Path(args.file).name), encoding="utf-8")
        found = sum(1 for c in mapping.columns.values() if c is not None)
        open_values = sum(1 for c in mapping.columns.values() if c for v in c.values.values() if v is None)
        _err(
            f"Mapping drafted to {args.draft_mapping}: {found} of {len(table.headers)} columns matched, "
            f"{len(table.headers) - found - len(mapping.ignored) - _meta_count(mapping)} not, "
            f"{open_values} value(s) left to decide. Check it, then import with --mapping "
            f"{args.draft_mapping}."
        )
        return 0
    try:
        mapping = load_mapping(args.mapping, questionnaire)
    except FileNotFoundError:
        _err(f"error: no such file: {args.mapping}")
        return EXIT_BAD_INPUT
    except MappingError as exc:
        _err(f"error: {exc}")
        return EXIT_BAD_INPUT
    result = apply_mapping(table, questionnaire, mapping, Path(args.file).stem)
    for line in result.report():
        _err(f"{args.file}: {line}")
    if result.problems:
        _err(f"{args.file}: nothing was imported; {len(result.problems)} problem(s):")
        for problem in result.problems[:20]:
            _err(str(problem))
        return EXIT_BAD_INPUT
    if not result.complete and not args.skip_unmapped:
        _err(
            f"{args.file}: nothing was imported: complete the mapping ({args.mapping}), or import the rest "
            "with --skip-unmapped"
        )
        return EXIT_BAD_INPUT
    text = to_csv_text(questionnaire, result.records)
    if db is None:
        Path(args.output).write_text(text, encoding="utf-8")
        _err(f"Wrote {len(result.records)} responses to {args.output} (the response table).")
        return 0
    try:
        count = db.import_responses(args.survey, io.StringIO(text))
    except TableError as exc:
        _err(f"{args.file}: nothing was imported; {exc.total} problem(s):\n{exc}")
        return EXIT_BAD_INPUT
    except ValueError as exc:
        _err(f"{args.file}: nothing was imported: {exc}")
        return EXIT_BAD_INPUT
    skipped = " (the values and columns listed above left out)" if not result.complete else ""
    _err(f"Imported {count} responses into '{args.survey}'{skipped}.")
    return 0


def _meta_count(mapping: Any) -> int:
    return sum(1 for h in (mapping.response_id, mapping.submitted_at) if h)


def _questionnaire(args: argparse.Namespace, web: WebGetter) -> tuple[Questionnaire | None, Any]:
    """The questionnaire from --survey (with the database) or --questionnaire (with -o for the table)."""
    if args.survey:
        db = web()
        db.migrate()
        return db.survey_questionnaire(args.survey), db
    if not args.questionnaire:
        _err("error: give --survey, or --questionnaire")
        return None, None
    if args.mapping and not args.output:
        _err("error: with --questionnaire, give -o FILE.csv for the response table")
        return None, None
    try:
        return load_questionnaire(args.questionnaire), None
    except QuestionnaireError as exc:
        _err(str(exc))
        return None, None
