"""Reports: ``report``, the deck (PPTX, PDF, web page) and the table report, from the database or files."""

from __future__ import annotations

import argparse
from pathlib import Path

from luotain.questionnaire import QuestionnaireError
from luotain.report.formats import REPORT_FORMATS
from luotain.responses import TableError

from .base import Command, CommandError, add_source, no_such_file, records_from_files, web


def report(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    formats = tuple(REPORT_FORMATS) if args.format == "all" else (args.format,)
    if args.questionnaire or args.responses:
        if not (args.questionnaire and args.responses):
            raise CommandError("error: --questionnaire and --responses go together")
        try:
            written = _from_files(args, out_dir, formats)
        except QuestionnaireError as exc:
            raise CommandError(str(exc)) from None
        except TableError as exc:
            raise CommandError(f"{args.responses}: {exc.total} problem(s):\n{exc}") from None
        except FileNotFoundError as exc:
            raise no_such_file(exc) from None
        except ValueError as exc:
            raise CommandError(f"error: {exc}") from None
    else:
        try:
            written = web().write_report(args.survey, out_dir, formats, lang=args.lang)
        except ValueError as exc:
            raise CommandError(f"error: {exc}") from None
    for path in written:
        print(f"Report written to {path}")
    return 0


def _from_files(args: argparse.Namespace, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    import yaml

    from luotain.report.make import write_all
    from luotain.report.spec import builtin_spec, load_spec, spec_path_for

    questionnaire, records = records_from_files(args)
    spec_path = Path(args.spec) if args.spec else spec_path_for(args.questionnaire)
    spec = load_spec(spec_path) if spec_path.exists() else builtin_spec(questionnaire.id)
    flags: list[tuple[str, str]] = []
    if args.quotes:
        chosen = yaml.safe_load(Path(args.quotes).read_text(encoding="utf-8")) or {}
        flags = [(str(q), str(r)) for q, ids in chosen.items() for r in ids]
    return write_all(
        questionnaire,
        records,
        out_dir,
        questionnaire.id,
        formats,
        spec=spec,
        quote_flags=flags,
        lang=args.lang,
    )


def register(commands: Command) -> None:
    p = commands.add(
        "report",
        report,
        "write the report: slide deck (pptx), PDF, web page and tables",
        "Write the report of a survey in the database (--survey) or from files (--questionnaire and "
        "--responses): the editable slide deck (pptx), a PDF, one self-contained web page (html) and the "
        "table report with every question's counts and n (table). The slides follow the report spec beside "
        "the questionnaire (NAME.report.yaml), or a plain chart-per-question report when there is none.",
    )
    add_source(p, survey_default="mll-2024")
    p.add_argument("--spec", help="report spec YAML (default: beside the questionnaire)")
    p.add_argument("--quotes", help="YAML: question id -> response ids of open answers to quote (file mode)")
    p.add_argument("--format", choices=[*REPORT_FORMATS, "all"], default="all", help="default: all")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi", help="the report's language")
    p.add_argument("--out", default="out", help="folder to write to (default: out)")
