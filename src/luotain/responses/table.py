"""The response table: one row per response, one column per answer cell (see docs/response-table.md).

This is the meeting point between collection and analysis: answers collected by Luotain and answers
imported from other tools look the same here. Values in Python are:

- choice: the option id (``str``); choices: a list of option ids in questionnaire order;
- integer / number: ``int`` / ``float``; text: ``str``; organisation: a registry code (``kunta:091``).

No answer is simply absent from a response's ``answers`` mapping (an empty cell in the CSV).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from luotain.errors import InvalidInput
from luotain.questionnaire import Column, Questionnaire

META_COLUMNS = ("response_id", "submitted_at")
MAX_PROBLEMS = 20
# A spreadsheet reads a cell that begins with one of these as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_START = (*FORMULA_START, "'")
NUMERIC_KINDS = ("integer", "number")
# The largest response table that `luotain import-responses` reads (all of it is checked before anything is
# stored, so it is held in memory): about a million answers of the 2024 survey.
MAX_IMPORT_BYTES = 512 * 1024 * 1024


class CellError(InvalidInput, ValueError):
    """A value that does not fit its column."""


@dataclass
class ResponseRecord:
    response_id: str
    submitted_at: datetime | None
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class TableProblem:
    row: int | None  # 1-based line in the file, the header being line 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.row}" if self.row else "header"
        col = f", column '{self.column}'" if self.column else ""
        return f"{where}{col}: {self.message}"


class TableError(InvalidInput):
    def __init__(self, problems: list[TableProblem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in problems[:MAX_PROBLEMS]]
        if self.total > MAX_PROBLEMS:
            lines.append(f"... and {self.total - MAX_PROBLEMS} more problems")
        super().__init__("\n".join(lines))


def parse_value(column: Column, value: Any, known_orgs: Collection[str] | None = None) -> Any:
    """Check and normalise one answer value (from a form, JSON or a CSV cell) for ``column``.

    Returns None for no answer; raises CellError saying what is wrong.
    """
    if value is None or (isinstance(value, str) and value.strip() == "") or value == []:
        return None
    kind = column.kind
    if kind == "choice":
        text = str(value).strip()
        if text not in column.options:
            raise CellError(f"'{text}' is not an option (options: {', '.join(column.options)})")
        return text
    if kind == "choices":
        items = value.split() if isinstance(value, str) else [str(v).strip() for v in value]
        unknown = [i for i in items if i not in column.options]
        if unknown:
            raise CellError(
                f"{', '.join(repr(u) for u in unknown)} not an option (options: {', '.join(column.options)})"
            )
        chosen = set(items)
        return [o for o in column.options if o in chosen] or None
    if kind in ("integer", "number"):
        number = _number(value, integer=kind == "integer")
        if column.minimum is not None and number < column.minimum:
            raise CellError(f"{_fmt(number)} is below the minimum {_fmt(column.minimum)}")
        if column.maximum is not None and number > column.maximum:
            raise CellError(f"{_fmt(number)} is above the maximum {_fmt(column.maximum)}")
        if column.options and str(number) not in column.options:
            raise CellError(f"{_fmt(number)} is not a point of the scale ({', '.join(column.options)})")
        return number
    if kind == "text":
        text = str(value).replace("\x00", "").strip()
        if column.max_length is not None and len(text) > column.max_length:
            raise CellError(f"text is {len(text)} characters long, at most {column.max_length} allowed")
        return text
    if kind == "organisation":
        code = str(value).strip()
        if known_orgs is not None and code not in known_orgs:
            raise CellError(f"'{code}' is not an organisation in the registry")
        return code
    raise CellError(f"unknown column kind {kind}")  # pragma: no cover - kinds are a closed set


def _number(value: Any, *, integer: bool) -> int | float:
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", ".").replace("\u2212", "-")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"'{value}' is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise CellError(f"'{value}' is not a number")
    if integer:
        if number != int(number):
            raise CellError(f"'{value}' is not a whole number")
        return int(number)
    return number


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def format_value(column: Column, value: Any) -> str:
    """The CSV cell text of a value (the inverse of ``parse_value``)."""
    if value is None:
        return ""
    if column.kind == "choices":
        return " ".join(value)
    if column.kind == "number":
        return _fmt(value)
    return str(value)


def _restorable(cell: str) -> bool:
    return cell[:1] == "'" and cell[1:2] in ESCAPED_START


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet must not take for a formula: one that begins with = + - @, a tab or a
    carriage return gets a leading apostrophe (OWASP), and so does one that begins with an apostrophe followed
    by one of those or another apostrophe, so that ``restore`` gives back exactly the text."""
    return "'" + text if text[:1] in FORMULA_START or _restorable(text) else text


def restore(cell: str) -> str:
    """Undo ``neutralise``: a leading apostrophe before = + - @, a tab, a carriage return or an apostrophe is
    dropped; any other cell is kept as it is."""
    return cell[1:] if _restorable(cell) else cell


def export_cell(column: Column, value: Any) -> str:
    """The CSV cell of a value in an export meant for spreadsheets: numbers as numbers (-5 stays -5), every
    other cell neutralised."""
    text = format_value(column, value)
    return text if column.kind in NUMERIC_KINDS else neutralise(text)


def header(questionnaire: Questionnaire) -> list[str]:
    return [*META_COLUMNS, *(c.name for c in questionnaire.columns())]


def write_csv(questionnaire: Questionnaire, records: Iterable[ResponseRecord], stream: TextIO) -> int:
    columns = questionnaire.columns()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header(questionnaire))
    count = 0
    for rec in records:
        submitted = rec.submitted_at.isoformat() if rec.submitted_at else ""
        writer.writerow(
            [
                neutralise(rec.response_id),
                submitted,
                *(export_cell(c, rec.answers.get(c.name)) for c in columns),
            ]
        )
        count += 1
    return count


def to_csv_text(questionnaire: Questionnaire, records: Iterable[ResponseRecord]) -> str:
    buf = io.StringIO()
    write_csv(questionnaire, records, buf)
    return buf.getvalue()


def read_csv(
    questionnaire: Questionnaire, stream: TextIO, known_orgs: Collection[str] | None = None
) -> list[ResponseRecord]:
    """Read the canonical CSV. Every problem is collected; if there is any, TableError lists them."""
    reader = csv.reader(stream)
    try:
        head = next(reader)
    except StopIteration:
        raise TableError([TableProblem(None, None, "the file is empty")]) from None
    except csv.Error as exc:
        raise TableError([TableProblem(1, None, f"not valid CSV: {exc}")]) from None
    if head and head[0].startswith("\ufeff"):
        head[0] = head[0][1:]
    by_name = {c.name: c for c in questionnaire.columns()}
    problems: list[TableProblem] = []
    unknown = [h for h in head if h not in by_name and h not in META_COLUMNS]
    if unknown:
        problems.append(TableProblem(None, None, f"columns not in the questionnaire: {', '.join(unknown)}"))
    if "response_id" not in head:
        problems.append(TableProblem(None, None, "the column 'response_id' is missing"))
    dupes = sorted({h for h in head if head.count(h) > 1})
    if dupes:
        problems.append(TableProblem(None, None, f"columns given twice: {', '.join(dupes)}"))
    if problems:
        raise TableError(problems)

    # Cells as exported for spreadsheets: every one but numbers and the time was neutralised.
    kept = {"submitted_at", *(c.name for c in questionnaire.columns() if c.kind in NUMERIC_KINDS)}
    records: list[ResponseRecord] = []
    seen_ids: set[str] = set()
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(head):
                problems.append(TableProblem(line, None, f"{len(row)} cells, the header has {len(head)}"))
                continue
            cells = {
                name: cell if name in kept else restore(cell) for name, cell in zip(head, row, strict=True)
            }
            rid = cells.get("response_id", "").strip()
            if not rid:
                problems.append(TableProblem(line, "response_id", "empty response id"))
            elif rid in seen_ids:
                problems.append(TableProblem(line, "response_id", f"response id '{rid}' appears twice"))
            seen_ids.add(rid)
            submitted = None
            if cells.get("submitted_at", "").strip():
                try:
                    submitted = datetime.fromisoformat(cells["submitted_at"].strip())
                except ValueError:
                    problems.append(TableProblem(line, "submitted_at", "not a date and time (ISO 8601)"))
            answers: dict[str, Any] = {}
            for name, text in cells.items():
                if name in META_COLUMNS:
                    continue
                try:
                    value = parse_value(by_name[name], text, known_orgs)
                except CellError as exc:
                    problems.append(TableProblem(line, name, str(exc)))
                    continue
                if value is not None:
                    answers[name] = value
            records.append(ResponseRecord(rid, submitted, answers))
    except csv.Error as exc:
        problems.append(TableProblem(line, None, f"not valid CSV: {exc}"))
    if problems:
        raise TableError(problems[:MAX_PROBLEMS], total=len(problems))
    return records


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the questions that are shown for these answers (sections and questions with show_if)."""
    shown: list[str] = []
    for section in questionnaire.sections:
        if section.show_if is not None and not section.show_if.holds(answers):
            continue
        shown += [q.id for q in section.questions if q.show_if is None or q.show_if.holds(answers)]
    return shown
