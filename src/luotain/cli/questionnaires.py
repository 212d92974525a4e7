"""Questionnaires: ``validate``, ``schema``, ``templates``, ``create-survey`` and ``convert`` (XLSForm)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from luotain.questionnaire import QuestionnaireError, builtin_templates, json_schema, load_questionnaire

from .base import EXIT_LEFT_OUT, Command, CommandError, err, web


def validate(args: argparse.Namespace) -> int:
    try:
        questionnaire = load_questionnaire(args.file)
    except QuestionnaireError as exc:
        raise CommandError("\n".join(str(p) for p in exc.problems)) from None
    print(
        f"{args.file}: OK – '{questionnaire.id}', {len(questionnaire.sections)} sections, "
        f"{len(questionnaire.questions())} questions, {len(questionnaire.columns())} columns in the response "
        "table"
    )
    return 0


def schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def templates(args: argparse.Namespace) -> int:
    from luotain.questionnaire import builtin_template_path

    for name in builtin_templates():
        print(f"{name}\t{builtin_template_path(name)}")
    return 0


def create_survey(args: argparse.Namespace) -> int:
    try:
        slug = web().create_survey(Path(args.file), args.slug)
    except QuestionnaireError as exc:
        raise CommandError("\n".join(str(p) for p in exc.problems)) from None
    print(f"Survey '{slug}' created; link /s/{slug}/")
    return 0


def convert(args: argparse.Namespace) -> int:
    """An XLSForm to a questionnaire file, or a questionnaire file to an XLSForm."""
    from luotain.interop.xlsform import XlsFormError, is_xlsform
    from luotain.interop.xlsform_read import read_xlsform
    from luotain.interop.xlsform_write import check_xlsform, write_xlsform

    source = Path(args.file)
    if is_xlsform(source):
        try:
            conversion = read_xlsform(source)
        except XlsFormError as exc:
            raise CommandError(f"{source}: {exc}") from None
        text = conversion.to_yaml(source.name)
        if args.output and args.output != "-":
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        for note in conversion.notes:
            err(f"{source.name}: {note}")
        q = conversion.questionnaire
        left_out = len(conversion.left_out)
        summary = f"{len(q.questions())} questions on {len(q.sections)} pages"
        err(
            f"{source.name}: {summary}"
            + (f"; {left_out} thing(s) not converted (listed above)" if left_out else "")
        )
        return EXIT_LEFT_OUT if left_out else 0
    if not args.output or not is_xlsform(args.output):
        raise CommandError(
            "error: give the XLSForm to write with -o FILE.xlsx (or convert an .xlsx form to YAML)"
        )
    try:
        questionnaire = load_questionnaire(source)
    except QuestionnaireError as exc:
        raise CommandError(str(exc)) from None
    write_xlsform(questionnaire, args.output)
    try:
        warnings = check_xlsform(args.output)
    except XlsFormError as exc:
        raise CommandError(f"{args.output}: {exc}") from None
    for warning in warnings:
        err(f"{args.output}: pyxform: {warning}")
    err(f"XLSForm written to {args.output} (pyxform converts it without errors).")
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "validate",
        validate,
        "check a questionnaire file",
        "Check a questionnaire file (YAML). Prints a summary, or every problem with its line and question.",
    )
    p.add_argument("file", help="questionnaire YAML file")
    commands.add("schema", schema, "print the JSON Schema of questionnaire files")
    commands.add("templates", templates, "list the built-in questionnaires")
    p = commands.add("create-survey", create_survey, "create a survey from a questionnaire file")
    p.add_argument("file", help="questionnaire YAML file")
    p.add_argument("--slug", required=True, help="the survey's link name: /s/SLUG/")
    p = commands.add(
        "convert",
        convert,
        "convert an XLSForm to a questionnaire file, or a questionnaire file to an XLSForm",
        "FORM.xlsx -o FORM.yaml: an XLSForm (ODK, KoboToolbox) as a questionnaire file; whatever cannot be "
        "converted is listed by row and reason, and the exit status is 1. FILE.yaml -o FORM.xlsx: a "
        "questionnaire as an XLSForm, checked with pyxform (docs/interop.md).",
    )
    p.add_argument("file", help="an XLSForm (.xlsx) or a questionnaire file (.yaml)")
    p.add_argument("-o", "--output", help="the file to write (YAML: default standard output)")
