"""The ``luotain`` command. Pure commands run without a database; the rest set up Django through
``luotain.web.commands`` (this module itself imports no Django)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from luotain.questionnaire import QuestionnaireError, builtin_templates, json_schema, load_questionnaire
from luotain.responses import TableError

EXIT_BAD_INPUT = 2
REPORT_FORMATS = ("html", "pdf", "pptx", "table")


def _web() -> Any:
    """The database side of the command, with Django set up (imported only when needed)."""
    from luotain.web import commands

    commands.setup()
    return commands


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        questionnaire = load_questionnaire(args.file)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    questions = questionnaire.questions()
    print(
        f"{args.file}: OK – '{questionnaire.id}', {len(questionnaire.sections)} sections, "
        f"{len(questions)} questions, {len(questionnaire.columns())} columns in the response table"
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from luotain.questionnaire import builtin_template_path

    for name in builtin_templates():
        print(f"{name}\t{builtin_template_path(name)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    web = _web()
    print("Setting up the demo: the 2024 and 2025 surveys, their answers and both reports...", flush=True)
    info = web.demo(Path(args.out))
    url = f"http://{args.host}:{args.port}"
    for slug, wave, responses in info.waves:
        print(f"Demo survey '{slug}' (wave {wave}) with {responses} responses.")
    print(f"Demo contacts' invitations: {info.invitations} (no message is sent to anyone).")
    print(
        f"Reports written to {', '.join(str(p) for p in info.reports)} (also on each survey's Reports page)"
    )
    print(f"Survey link:     {url}/s/{info.waves[0][0]}/")
    print(f"Results:         {url}/hallinta/kyselyt/{info.waves[-1][0]}/tulokset/ (compare with 2024)")
    print(f"Back office:     {url}/hallinta/  password '{info.password}' for every user:")
    for username, role in info.users:
        print(f"  {username:32s} {role}")
    if args.serve:
        print(f"Serving on {url}/ (Ctrl-C stops)", flush=True)
        # A fresh process serves: this one made the reports, and polars' threads do not survive the
        # server's fork of its workers (luotain.web.server).
        web.exec_serve(args.host, args.port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _web().serve(
        args.host, args.port, workers=args.workers, threads=args.threads, with_worker=not args.no_worker
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _web().run_worker()
    return 0


def cmd_create_survey(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    try:
        slug = web.create_survey(Path(args.file), args.slug)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Survey '{slug}' created; link /s/{slug}/")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from luotain.responses import table

    if args.mapping or args.draft_mapping:
        from luotain.interop.commands import cmd_import_mapped

        return cmd_import_mapped(args, _web)
    if not args.survey:
        print(
            "error: give --survey (or --mapping / --draft-mapping for another tool's file)", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    web = _web()
    web.migrate()
    try:
        size = Path(args.file).stat().st_size
        if size > table.MAX_IMPORT_BYTES:
            limit = table.MAX_IMPORT_BYTES // (1024 * 1024)
            print(
                f"{args.file}: nothing was imported: the file is {size / 1024 / 1024:.0f} MB, "
                f"at most {limit} MB is read at once; split it into several files",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        with open(args.file, encoding="utf-8-sig", newline="") as stream:
            count = web.import_responses(args.survey, stream)
    except FileNotFoundError:
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TableError as exc:
        print(f"{args.file}: nothing was imported; {exc.total} problem(s):", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(f"{args.file}: nothing was imported: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Imported {count} responses into '{args.survey}'.")
    return 0


def cmd_contacts_import(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    from luotain.web.partners.contacts import ContactImportError

    try:
        created, problems = web.import_contacts(Path(args.file), args.skip_invalid)
    except FileNotFoundError:
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ContactImportError, UnicodeDecodeError, ValueError) as exc:
        print(f"{args.file}: nothing was imported:", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Imported {created} contacts.")
    if problems:
        print(f"Left out {len(problems)} rows:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    web = _web()  # sets Django up: import the web layer only after this
    web.migrate()
    from luotain.web.collect.services import SurveyNotOpen

    try:
        result = web.invite(args.survey, args.district, args.base_url)
    except SurveyNotOpen as exc:
        print(
            f"error: the survey is {exc.state.replace('_', ' ')}: invitations go out only while it is open",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(f"Invitations sent: {result.sent}, failed: {result.failed}, already invited: {result.skipped}.")
    return 0 if not result.failed else 1


def cmd_remind(args: argparse.Namespace) -> int:
    web = _web()  # sets Django up: import the web layer only after this
    web.migrate()
    from luotain.web.collect.services import SurveyNotOpen

    try:
        result = web.remind(args.survey, args.max, args.days, args.base_url)
    except SurveyNotOpen as exc:
        print(f"error: the survey is {exc.state.replace('_', ' ')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Reminders sent: {result.sent}, failed: {result.failed}, too soon: {result.skipped}.")
    return 0 if not result.failed else 1


def cmd_close(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    cut = web.close(args.survey)
    print(f"Survey '{args.survey}' is closed; {cut} invitation(s) no longer name their contact.")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    for line in web.retention(args.dry_run).lines():
        print(line)
    return 0


def cmd_contact(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    if args.action == "export":
        data = web.export_contact(args.email)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        if not data["contacts"]:
            print(f"No contact has the address {args.email}.", file=sys.stderr)
        return 0
    planned = web.erase_contact(args.email, dry_run=True)
    if not planned.contacts:
        print("\n".join(planned.lines()))
        return 0
    if not args.yes:
        print("\n".join(planned.lines()))
        if not sys.stdin.isatty():
            print("Nothing was erased: add --yes to erase.", file=sys.stderr)
            return EXIT_BAD_INPUT
        if input(f"Erase the data of {args.email}? Type yes: ").strip().lower() != "yes":
            print("Nothing was erased.", file=sys.stderr)
            return EXIT_BAD_INPUT
    print("\n".join(web.erase_contact(args.email, dry_run=False).lines()))
    return 0


def cmd_rates(args: argparse.Namespace) -> int:
    web = _web()
    web.migrate()
    rates = web.response_rates(args.survey)
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


def cmd_themes(args: argparse.Namespace) -> int:
    from luotain.questionnaire import OpenText
    from luotain.text.codebook import builtin_codebook, code_answers, load_codebook, rank_themes
    from luotain.text.suggest import suggest_themes

    web = None
    try:
        if args.survey:
            web = _web()
            web.migrate()
            questionnaire, texts = web.open_answers(args.survey, args.question)
        elif args.questionnaire and args.responses:
            if args.apply_rules:
                print("error: --apply-rules stores codes: use it with --survey", file=sys.stderr)
                return EXIT_BAD_INPUT
            questionnaire, records = _records_from_files(args)
            texts = {r.response_id: r.answers[args.question] for r in records if r.answers.get(args.question)}
        else:
            print("error: give --survey, or --questionnaire and --responses", file=sys.stderr)
            return EXIT_BAD_INPUT
        if not isinstance(questionnaire.question(args.question), OpenText):
            print(f"error: '{args.question}' is not an open question", file=sys.stderr)
            return EXIT_BAD_INPUT
        given = load_codebook(args.codebook) if args.codebook else None
    except KeyError:
        print(f"error: no question '{args.question}'", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (QuestionnaireError, TableError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if given is not None and given.question != args.question:
        print(f"error: the codebook is for '{given.question}', not '{args.question}'", file=sys.stderr)
        return EXIT_BAD_INPUT
    stored = None
    if web is not None:
        if args.apply_rules:
            codebook = given or builtin_codebook(questionnaire.id, args.question)
            if codebook is None:
                print("error: --apply-rules needs a codebook (--codebook FILE)", file=sys.stderr)
                return EXIT_BAD_INPUT
            count = web.install_codebook(args.survey, codebook)
            print(f"Coded by the rules: {count} codes (codes given by hand kept).", file=sys.stderr)
        stored = None if given else web.stored_coding(args.survey, args.question)
    out: dict[str, Any] = {"question": args.question, "answered": len(texts)}
    codebook = given or (stored[0] if stored else builtin_codebook(questionnaire.id, args.question))
    if codebook is not None and not args.suggest:
        coded = stored[1] if stored and not given else code_answers(codebook, texts)
        out["coding"] = "stored" if stored and not given else "rules"
        top, tail = rank_themes(codebook, coded, top=args.top)
        names = {c.id: c.name.get(args.lang) for c in codebook.codes}
        out["themes"] = [
            {"code": t.code, "name": names[t.code], "n": t.count, "percent": t.percent} for t in top
        ]
        out["other_mentions"] = [{"code": t.code, "name": names[t.code], "n": t.count} for t in tail]
    else:
        found = (
            web.suggestions(args.survey, args.question)
            if web is not None
            else suggest_themes(texts, lang=args.lang)
        )
        out["suggestions"] = [
            {"terms": list(s.terms), "n": s.size, "examples": list(s.examples)} for s in found
        ]
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.question}: {out['answered']} answers")
    for i, theme in enumerate(out.get("themes", []), start=1):
        print(f"{i:2d}. {theme['name']} ({theme['n']})")
    if out.get("other_mentions"):
        print("    " + ", ".join(t["name"] for t in out["other_mentions"]))
    for suggestion in out.get("suggestions", []):
        print(f"- {', '.join(suggestion['terms'])} ({suggestion['n']}): {suggestion['examples'][0]}")
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    from luotain.text import analyzer, redact

    text = sys.stdin.read()
    print(redact(text, args.lang).text, end="" if text.endswith("\n") else "\n")
    print(f"(word analysis: {analyzer(args.lang).name})", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from luotain.interop.commands import cmd_export as export

    return export(args, _web, _records_from_files)


def cmd_convert(args: argparse.Namespace) -> int:
    from luotain.interop.commands import cmd_convert as convert

    return convert(args)


def cmd_report(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    formats = REPORT_FORMATS if args.format == "all" else (args.format,)
    if args.questionnaire or args.responses:
        if not (args.questionnaire and args.responses):
            print("error: --questionnaire and --responses go together", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            written = _report_from_files(args, out_dir, formats)
        except QuestionnaireError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        except TableError as exc:
            print(f"{args.responses}: {exc.total} problem(s):\n{exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except FileNotFoundError as exc:
            print(f"error: no such file: {exc.filename}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        web = _web()
        web.migrate()
        try:
            written = web.write_report(args.survey, out_dir, formats, lang=args.lang)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    for path in written:
        print(f"Report written to {path}")
    return 0


def _records_from_files(args: argparse.Namespace) -> tuple[Any, list[Any]]:
    """The questionnaire and its responses from --questionnaire and --responses, organisations checked."""
    from luotain.registry import default_registry
    from luotain.responses import read_csv

    questionnaire = load_questionnaire(args.questionnaire)
    with open(args.responses, encoding="utf-8-sig", newline="") as stream:
        records = read_csv(questionnaire, stream, known_orgs=set(default_registry().organisations))
    return questionnaire, records


def _add_source(p: argparse.ArgumentParser, survey_default: str | None = None) -> None:
    """--survey (the database), or --questionnaire with --responses (files)."""
    help_text = f"survey link name (default: {survey_default})" if survey_default else "survey link name"
    p.add_argument("--survey", default=survey_default, help=help_text)
    p.add_argument("--questionnaire", help="questionnaire YAML file (with --responses)")
    p.add_argument("--responses", help="response-table CSV (with --questionnaire)")


def _report_from_files(args: argparse.Namespace, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    import yaml

    from luotain.report.make import write_all
    from luotain.report.spec import builtin_spec, load_spec, spec_path_for

    questionnaire, records = _records_from_files(args)
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


def _parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key or not values:
            raise ValueError(f"a filter is KEY=VALUE[,VALUE...], not '{item}'")
        filters.setdefault(key.strip(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return filters


def cmd_analyse(args: argparse.Namespace) -> int:
    from luotain.analysis import AnalysisError, ResponseFrame, ResponseTableError, analyse

    try:
        filters = _parse_filters(args.filter or [])
        stored_books: dict[str, Any] = {}
        stored_codes: dict[str, Any] = {}
        if args.survey:
            web = _web()
            frame = web.analysis_frame(args.survey, args.by, filters)
            stored_books, stored_codes = web.coding_of(args.survey)
        elif args.questionnaire and args.responses:
            frame = ResponseFrame.from_csv(
                load_questionnaire(args.questionnaire), args.responses, lenient=args.lenient
            )
        else:
            print("error: give --survey, or --questionnaire and --responses", file=sys.stderr)
            return EXIT_BAD_INPUT
        from luotain.text.codebook import builtin_codebook

        open_questions = [q.id for q in frame.questionnaire.questions() if q.type_name == "text"]
        codebooks = [
            cb
            for q in open_questions
            if (cb := stored_books.get(q) or builtin_codebook(frame.questionnaire.id, q))
        ]
        result = analyse(
            frame, by=args.by, filters=filters, k=args.k, codebooks=codebooks, coded=stored_codes
        )
        earlier = _compared_wave(args)
        if earlier is not None:
            from luotain.analysis.compare import compare

            result = compare(result, frame, earlier[1], wave=earlier[0])
    except QuestionnaireError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ResponseTableError as exc:
        print(f"{args.responses}: {exc}", file=sys.stderr)
        print("Fix these cells, or use --lenient to leave them out.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (AnalysisError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FileNotFoundError as exc:
        print(f"error: no such file: {exc.filename or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if frame.report.skipped_cells or frame.report.dropped_columns:
        dropped = ", ".join(frame.report.dropped_columns) or "none"
        print(
            f"--lenient: left out {frame.report.skipped_cells} cell(s) and the columns: {dropped}",
            file=sys.stderr,
        )
        for issue in frame.report.issues:
            print(f"  {issue}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2))
    else:
        _print_summary(frame.questionnaire, result)
    return 0


def _compared_wave(args: argparse.Namespace) -> tuple[str, Any] | None:
    """The wave to compare with: --compare (an earlier wave of the survey's family), or the files of
    --compare-questionnaire and --compare-responses; as (label, response frame)."""
    from luotain.analysis import ResponseFrame

    files = (args.compare_questionnaire, args.compare_responses)
    if any(files) and not all(files):
        raise ValueError("--compare-questionnaire and --compare-responses go together")
    if all(files):
        questionnaire = load_questionnaire(args.compare_questionnaire)
        frame = ResponseFrame.from_csv(questionnaire, args.compare_responses, lenient=args.lenient)
        return questionnaire.wave or questionnaire.id, frame
    if args.compare:
        if not args.survey:
            raise ValueError("--compare names a survey: use it with --survey (or --compare-questionnaire)")
        label, frame = _web().wave_frame(args.survey, args.compare)
        return str(label), frame
    return None


def _print_summary(questionnaire: Any, result: Any) -> None:
    from luotain.report.numbers import number, percent, signed

    print(f"{questionnaire.id}: {result.n_responses} responses")
    if result.comparison is not None:
        c = result.comparison
        print(f'compared with {c.wave} ({c.n_responses} responses); "~": the change is within the noise')
    for q in questionnaire.questions():
        r = result.questions[q.id]
        line = f"{q.id} ({r.type}), n = {r.n}"
        if r.nps is not None:
            line += f": NPS {number(r.nps)}, mean {number(r.mean, 1)}"
            if r.nps_change is not None:
                line += f" (NPS {signed(r.nps_change.difference)}{'' if r.nps_change.significant else ' ~'})"
        elif r.agree_percent is not None:
            line += f": agree {percent(r.agree_percent)}"
            if r.agree_change is not None:
                line += f" ({signed(r.agree_change.pp)} pp{'' if r.agree_change.significant else ' ~'})"
        elif r.percent:
            top = sorted(r.percent.items(), key=lambda kv: -kv[1])[:3]
            line += ": " + ", ".join(f"{k} {percent(v)}" for k, v in top)
        elif r.organisations:
            line += ": " + ", ".join(f"{k} {v}" for k, v in r.organisations.items())
        if r.not_asked_before:
            line += " (not asked before)"
        print(line)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luotain",
        description="Luotain: partner surveys from questionnaire to report. "
        "Data lives in ./var/ (SQLite) unless DATABASE_URL is set.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, description: str | None = None
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=description or help_text)
        p.set_defaults(func=func)
        return p

    p = add(
        "validate",
        cmd_validate,
        "check a questionnaire file",
        "Check a questionnaire file (YAML). Prints a summary, or every problem with its line and question.",
    )
    p.add_argument("file", help="questionnaire YAML file")

    add("schema", cmd_schema, "print the JSON Schema of questionnaire files")
    add("templates", cmd_templates, "list the built-in questionnaires")

    p = add(
        "demo",
        cmd_demo,
        "set up the MLL partner survey's 2024 and 2025 waves with demo answers",
        "Create the database, load the built-in partner survey's two waves, 2024 (80 demo answers) and 2025 "
        "(82), create the staff users (password from LUOTAIN_DEMO_PASSWORD, else generated and printed) and "
        "write the reports; the 2025 report compares with 2024.",
    )
    p.add_argument("--serve", action="store_true", help="then serve the site")
    p.add_argument("--out", default="out", help="report folder (default: out)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)

    p = add(
        "serve",
        cmd_serve,
        "serve the site with gunicorn (respondent pages, back office, admin)",
        "Serve the site with gunicorn. Settings come from the environment (README: Configuration); with "
        "LUOTAIN_PRODUCTION=1 unsafe settings stop start-up. GET /health/ tells a load balancer whether "
        "this server can serve.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="processes (default LUOTAIN_WORKERS, or two a core)")
    p.add_argument("--threads", type=int, help="threads a process (default LUOTAIN_THREADS, or 4)")
    p.add_argument(
        "--no-worker", action="store_true", help="run no job-queue worker beside the site (workers run apart)"
    )

    add(
        "worker",
        cmd_worker,
        "run a job-queue worker (reports, invitations, reminders)",
        "Run a worker of the job queue chosen by LUOTAIN_QUEUE_URL (sqlite by default, redis://... for "
        "several machines). `luotain serve` runs one beside the site unless --no-worker. Jobs a stopped "
        "worker left unfinished run again.",
    )

    p = add("create-survey", cmd_create_survey, "create a survey from a questionnaire file")
    p.add_argument("file", help="questionnaire YAML file")
    p.add_argument("--slug", required=True, help="the survey's link name: /s/SLUG/")

    p = add(
        "import-responses",
        cmd_import,
        "import responses from a response-table CSV, or from another tool's file by a mapping",
        "Import responses from a CSV in the response-table layout (docs/response-table.md). Every row is "
        "checked first; if any cell is wrong nothing is imported and the problems are listed. Another "
        "tool's CSV or XLSX export: --draft-mapping drafts a mapping of its columns and labels to the "
        "questionnaire, which you check; --mapping imports by it, listing unmapped columns and values by "
        "name and count (docs/interop.md).",
    )
    p.add_argument("file", help="CSV file (or another tool's CSV or XLSX with a mapping)")
    p.add_argument("--survey", help="survey link name")
    from luotain.interop.options import add_export_options, add_import_options

    add_import_options(p)

    p = add(
        "contacts",
        cmd_contacts_import,
        "import contact people: luotain contacts import FILE",
        "Import contact people from CSV or XLSX with the columns name, email, organisation (a registry code: "
        "hva:NN or kunta:NNN), role and language (fi or sv). Every row is checked first; if any is bad, "
        "nothing is imported and each bad row is listed; --skip-invalid imports the good ones.",
    )
    p.add_argument("action", choices=["import"])
    p.add_argument("file", help="CSV or XLSX file")
    p.add_argument("--skip-invalid", action="store_true", help="import the good rows, list the rest")

    p = add(
        "themes",
        cmd_themes,
        "ranked themes of an open question, or theme suggestions when it has no codebook",
        "Rank an open question's themes: as stored for the survey (by rules and by hand), or coded by a "
        "codebook (given, or built in); "
        "without a codebook (or with --suggest) cluster the answers and suggest themes with key terms and "
        "typical answers (redacted).",
    )
    _add_source(p)
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

    p = add(
        "redact",
        cmd_redact,
        "mask names, emails, phones, addresses and organisations in text on standard input",
        "Read text on standard input and print it with personal data masked ([nimi], [sähköposti], "
        "[puhelin], [osoite], [organisaatio]), as open answers are masked before they leave the analyst.",
    )
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi")

    p = add("invite", cmd_invite, "send a district's invitations: a personal link to each contact")
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--district", required=True, help="district identifier, e.g. uusimaa")
    p.add_argument("--base-url", help="public address of the answering pages (default: LUOTAIN_BASE_URL)")

    p = add("remind", cmd_remind, "remind those who have not answered nor opted out")
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--max", type=int, default=2, help="at most this many reminders a contact (default 2)")
    p.add_argument(
        "--days", type=int, default=7, help="not sooner than this after the last message (default 7)"
    )
    p.add_argument("--base-url", help="public address of the answering pages (default: LUOTAIN_BASE_URL)")

    p = add(
        "close",
        cmd_close,
        "close a survey now; an anonymised survey forgets who answered",
        "Close the survey now. If it is anonymised (the default), the link between contacts and their "
        "answers is cut: answers keep organisation type, organisation, district and role, not the person.",
    )
    p.add_argument("--survey", required=True, help="survey link name")

    p = add(
        "retention",
        cmd_retention,
        "delete contact data and contact-answer links of surveys past their retention period",
        "For every survey closed longer than its retention period (retention_days, default 365): invitations "
        "lose their contact, answering links stop working, and contacts that no survey within its retention "
        "period needs are deleted. Answers stay. Prints the counts per survey; running it again changes "
        "nothing (docs/privacy.md). Run it daily, or let the job queue's daily job call the same service.",
    )
    p.add_argument("--dry-run", action="store_true", help="change nothing, print what would be deleted")

    p = add(
        "contact",
        cmd_contact,
        "one person's data: luotain contact export|erase EMAIL",
        "export: print as JSON everything stored about the person with this email address (answers only of "
        "identified surveys). erase: delete their contact rows and cut every link between them and answers "
        "(response rates stay); asks first, or with no terminal refuses (exit status 2) unless --yes.",
    )
    p.add_argument("action", choices=["export", "erase"])
    p.add_argument("email", help="the person's email address (any case)")
    p.add_argument("--yes", action="store_true", help="erase without asking")

    p = add("response-rates", cmd_rates, "invited, opened, started and submitted per district and type")
    p.add_argument("--survey", required=True, help="survey link name")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add(
        "export-responses",
        cmd_export,
        "export responses as CSV (the response table), Excel, SPSS or Parquet",
        "Export a survey's responses (--survey) or a response-table CSV (--questionnaire, --responses) as "
        "csv (the response table), xlsx (with a codebook sheet), sav (SPSS: labels, multiple choices as 0/1 "
        "variables) or parquet (docs/interop.md).",
    )
    _add_source(p)
    p.add_argument("-o", "--output", help="file to write (default: standard output, csv only)")
    add_export_options(p)

    p = add(
        "convert",
        cmd_convert,
        "convert an XLSForm to a questionnaire file, or a questionnaire file to an XLSForm",
        "FORM.xlsx -o FORM.yaml: an XLSForm (ODK, KoboToolbox) as a questionnaire file; whatever cannot be "
        "converted is listed by row and reason, and the exit status is 1. FILE.yaml -o FORM.xlsx: a "
        "questionnaire as an XLSForm, checked with pyxform (docs/interop.md).",
    )
    p.add_argument("file", help="an XLSForm (.xlsx) or a questionnaire file (.yaml)")
    p.add_argument("-o", "--output", help="the file to write (YAML: default standard output)")

    p = add(
        "analyse",
        cmd_analyse,
        "compute every figure: shares with intervals, NPS, means, breakdowns",
        "Compute every figure of a survey (from the database) or of a response-table CSV. --json prints the "
        "contract of docs/analysis.md. A cell that does not fit the questionnaire stops the analysis with "
        "exit status 2 and a list of the offending columns and lines, unless --lenient leaves them out.",
    )
    _add_source(p)
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

    p = add(
        "report",
        cmd_report,
        "write the report: slide deck (pptx), PDF, web page and tables",
        "Write the report of a survey in the database (--survey) or from files (--questionnaire and "
        "--responses): "
        "the editable slide deck (pptx), a PDF, one self-contained web page (html) and the table report with "
        "every question's counts and n (table). The slides follow the report spec beside the questionnaire "
        "(NAME.report.yaml), or a plain chart-per-question report when there is none.",
    )
    _add_source(p, survey_default="mll-2024")
    p.add_argument("--spec", help="report spec YAML (default: beside the questionnaire)")
    p.add_argument("--quotes", help="YAML: question id -> response ids of open answers to quote (file mode)")
    p.add_argument("--format", choices=[*REPORT_FORMATS, "all"], default="all", help="default: all")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi", help="the report's language")
    p.add_argument("--out", default="out", help="folder to write to (default: out)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (luotain analyse --json | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
