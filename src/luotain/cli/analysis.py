"""Analysis: ``analyse`` (every figure, breakdowns, waves compared), ``themes`` of an open question and
``redact``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from luotain.questionnaire import QuestionnaireError, load_questionnaire
from luotain.responses import TableError

from .base import Command, CommandError, add_source, err, no_such_file, records_from_files, web


def parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key or not values:
            raise CommandError(f"error: a filter is KEY=VALUE[,VALUE...], not '{item}'")
        filters.setdefault(key.strip(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return filters


def analyse(args: argparse.Namespace) -> int:
    from luotain.analysis import AnalysisError, ResponseFrame, ResponseTableError
    from luotain.analysis import analyse as run
    from luotain.analysis.kinds import is_written
    from luotain.text.codebook import builtin_codebook

    filters = parse_filters(args.filter or [])
    try:
        stored_books: dict[str, Any] = {}
        stored_codes: dict[str, Any] = {}
        if args.survey:
            db = web()
            frame = db.analysis_frame(args.survey, args.by, filters)
            stored_books, stored_codes = db.coding_of(args.survey)
        elif args.questionnaire and args.responses:
            frame = ResponseFrame.from_csv(
                load_questionnaire(args.questionnaire), args.responses, lenient=args.lenient
            )
        else:
            raise CommandError("error: give --survey, or --questionnaire and --responses")
        open_questions = [q.id for q in frame.questionnaire.questions() if is_written(q)]
        codebooks = [
            cb
            for q in open_questions
            if (cb := stored_books.get(q) or builtin_codebook(frame.questionnaire.id, q))
        ]
        result = run(frame, by=args.by, filters=filters, k=args.k, codebooks=codebooks, coded=stored_codes)
        earlier = _compared_wave(args)
        if earlier is not None:
            from luotain.analysis.compare import compare

            result = compare(result, frame, earlier[1], wave=earlier[0])
    except QuestionnaireError as exc:
        raise CommandError(str(exc)) from None
    except ResponseTableError as exc:
        raise CommandError(
            f"{args.responses}: {exc}\nFix these cells, or use --lenient to leave them out."
        ) from None
    except (AnalysisError, ValueError) as exc:
        raise CommandError(f"error: {exc}") from None
    except FileNotFoundError as exc:
        raise no_such_file(exc) from None
    if frame.report.skipped_cells or frame.report.dropped_columns:
        dropped = ", ".join(frame.report.dropped_columns) or "none"
        err(f"--lenient: left out {frame.report.skipped_cells} cell(s) and the columns: {dropped}")
        for issue in frame.report.issues:
            err(f"  {issue}")
    if args.json:
        print(json.dumps(result.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2))
    else:
        from luotain.present.summary import summary_lines

        print("\n".join(summary_lines(frame.questionnaire, result)))
    return 0


def _compared_wave(args: argparse.Namespace) -> tuple[str, Any] | None:
    """The wave to compare with: --compare (an earlier wave of the survey's family), or the files of
    --compare-questionnaire and --compare-responses; as (label, response frame)."""
    from luotain.analysis import ResponseFrame

    files = (args.compare_questionnaire, args.compare_responses)
    if any(files) and not all(files):
        raise CommandError("error: --compare-questionnaire and --compare-responses go together")
    if all(files):
        questionnaire = load_questionnaire(args.compare_questionnaire)
        frame = ResponseFrame.from_csv(questionnaire, args.compare_responses, lenient=args.lenient)
        return questionnaire.wave or questionnaire.id, frame
    if args.compare:
        if not args.survey:
            raise CommandError(
                "error: --compare names a survey: use it with --survey (or --compare-questionnaire)"
            )
        label, frame = web().wave_frame(args.survey, args.compare)
        return str(label), frame
    return None


def themes(args: argparse.Namespace) -> int:
    from luotain.text.codebook import builtin_codebook, load_codebook
    from luotain.text.themes import open_question, theme_report

    if not args.survey and not (args.questionnaire and args.responses):
        raise CommandError("error: give --survey, or --questionnaire and --responses")
    if args.apply_rules and not args.survey:
        raise CommandError("error: --apply-rules stores codes: use it with --survey")
    try:
        given = load_codebook(args.codebook) if args.codebook else None
        if args.survey:
            db = web()
            if args.apply_rules:
                count = db.install_codebook(args.survey, args.question, given)
                if count is None:
                    raise CommandError("error: --apply-rules needs a codebook (--codebook FILE)")
                err(f"Coded by the rules: {count} codes (codes given by hand kept).")
            report = db.themes(
                args.survey, args.question, given, suggest=args.suggest, top=args.top, lang=args.lang
            )
        else:
            questionnaire, records = records_from_files(args)
            open_question(questionnaire, args.question, given)
            texts = {r.response_id: r.answers[args.question] for r in records if r.answers.get(args.question)}
            codebook = None if args.suggest else given or builtin_codebook(questionnaire.id, args.question)
            report = theme_report(args.question, texts, codebook, top=args.top, lang=args.lang)
    except (QuestionnaireError, TableError, ValueError) as exc:
        raise CommandError(f"error: {exc}") from None
    except FileNotFoundError as exc:
        raise no_such_file(exc) from None
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 0


def redact(args: argparse.Namespace) -> int:
    from luotain.text import analyzer
    from luotain.text import redact as mask

    text = sys.stdin.read()
    print(mask(text, args.lang).text, end="" if text.endswith("\n") else "\n")
    err(f"(word analysis: {analyzer(args.lang).name})")
    return 0


def register(commands: Command) -> None:
    p = commands.add(
        "analyse",
        analyse,
        "compute every figure: shares with intervals, NPS, means, breakdowns",
        "Compute every figure of a survey (from the database) or of a response-table CSV. --json prints the "
        "contract of docs/analysis.md. A cell that does not fit the questionnaire stops the analysis with "
        "exit status 2 and a list of the offending columns and lines, unless --lenient leaves them out.",
    )
    add_source(p)
    p.add_argument("--by", help="break down by a single choice question (org_type, role, ...) or 'district'")
    p.add_argument(
        "--filter", action="append", metavar="KEY=VALUE[,VALUE]", help="only these respondents (repeatable)"
    )
    p.add_argument("--k", type=int, help="the smallest group shown in a breakdown (default: the survey's)")
    p.add_argument("--lenient", action="store_true", help="leave out cells that do not fit, and count them")
    p.add_argument(
        "--compare",
        metavar="WAVE",
        help="with --survey: compare with an earlier wave of the survey's family (its link name, or its "
        "wave, e.g. 2024): each share gets a 'change' (docs/analysis.md)",
    )
    p.add_argument("--compare-questionnaire", metavar="Q", help="files: the compared wave's questionnaire")
    p.add_argument("--compare-responses", metavar="R", help="files: the compared wave's response table")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")

    p = commands.add(
        "themes",
        themes,
        "ranked themes of an open question, or theme suggestions when it has no codebook",
        "Rank an open question's themes: as stored for the survey (by rules and by hand), or coded by a "
        "codebook (given, or built in); without a codebook (or with --suggest) cluster the answers and "
        "suggest themes with key terms and typical answers (redacted).",
    )
    add_source(p)
    p.add_argument("--question", required=True, help="the open question's id")
    p.add_argument("--codebook", help="codebook YAML file")
    p.add_argument("--suggest", action="store_true", help="suggest themes even when a codebook exists")
    p.add_argument(
        "--apply-rules",
        action="store_true",
        help="store the codebook (--codebook, or the built-in one) for the survey and code its answers by "
        "the rules; codes given by hand stay",
    )
    p.add_argument("--top", type=int, default=10, help="how many themes to rank (default 10)")
    p.add_argument("--lang", choices=["fi", "sv"], default="fi")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = commands.add(
        "redact",
        redact,
        "mask names, emails, phones, addresses and organisations in text on standard input",
        "Read text on standard input and print it with personal data masked ([nimi], [sähköposti], "
        "[puhelin], [osoite], [organisaatio]), as open answers are masked before they leave the analyst.",
    )
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi")
