"""Responses from another tool's spreadsheet (Webropol, LimeSurvey, Google Forms, Excel by hand), through a
mapping file that the analyst checks.

The other tool's export has question texts as headers and answer labels as cells; a multiple choice may be a
column per option (1/0, or the label), a matrix a column per row ("Question - Row"). ``draft_mapping``
matches headers and cells against the questionnaire's texts (ignoring case and spacing; exactly, or by a
clearly unique prefix, as tools cut long headers) and writes what it found as YAML, leaving ``null`` where it
found nothing. The analyst checks and completes it; ``apply_mapping`` then reads the file by it. A column or
a cell value the mapping does not name is never guessed: it is counted, and ``MappedImport`` lists them by
name and count.

A mapping file::

    questionnaire: mll-kumppanikysely-2024
    response_id: Vastaajan tunnus      # the column of response ids (null: FILE-LINE)
    submitted_at: Vastausaika          # the column of submission times (null: none)
    columns:
      "Organisaatio, jossa työskentelet":
        question: org_type
        values: {Kunta: kunta, Hyvinvointialue: hyvinvointialue}
      "Millaista yhteistyötä ...? - Verkostoyhteistyö":
        question: cooperation_forms
        option: verkosto               # a column of one option; values say chosen (true) or not (false)
        values: {"1": true, "0": false}
      "Miten vastuut ...? - Toimitilojen antaminen ...":
        question: responsibilities
        row: premises                  # a matrix row
        values: {Kunta: kunta, ...}
      "Asema organisaatiossa - Muu, mikä?":
        question: role
        other: true                    # the free text of the "other" option
      "Sähköposti": ignore             # left out on purpose
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from luotain.errors import InvalidInput
from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    QuestionBase,
    Questionnaire,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.questionnaire.layers import TypeLayer
from luotain.registry import default_registry
from luotain.responses import CellError, ResponseRecord, TableProblem, parse_value

from .sheets import cell_text

SEPARATORS = (" - ", " – ", " — ", ": ", " | ")
CHOSEN_WORDS = {"1", "x", "yes", "kyllä", "ja", "true", "valittu", "vald", "chosen", "checked"}
NOT_CHOSEN_WORDS = {"0", "no", "ei", "nej", "false", "ei valittu", "inte vald", "not chosen", "unchecked"}
ID_HEADERS = {
    "response_id",
    "response id",
    "respondent id",
    "id",
    "vastaajan tunnus",
    "vastaustunnus",
    "tunnus",
}
TIME_HEADERS = {
    "submitted_at",
    "submitted",
    "vastausaika",
    "lähetetty",
    "aikaleima",
    "timestamp",
    "completed",
    "end date",
    "date submitted",
}
MIN_PREFIX = 12  # a shorter header is not taken for a cut question text
TIME_ZONE = ZoneInfo("Europe/Helsinki")
TIME_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def norm(text: str) -> str:
    """Text as compared: case folded, spaces collapsed, trailing spaces and colons dropped."""
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().casefold()


# -- reading another tool's file ----------------------------------------------------------------------------


@dataclass
class ForeignTable:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells)

    def column(self, header: str) -> list[tuple[int, str]]:
        index = self.headers.index(header)
        return [(line, cells[index] if index < len(cells) else "") for line, cells in self.rows]


def read_table(path: str | Path, sheet: str | None = None) -> ForeignTable:
    """The first sheet (or ``sheet``) of an .xlsx file, or a CSV file (comma, semicolon or tab; UTF-8 or
    Windows-1252), as text cells. Headers given twice are told apart by ' (2)', ' (3)', ..."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        if sheet is not None and sheet not in book.sheetnames:
            raise ValueError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet else book.worksheets[0]
        raw = [[_xlsx_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        book.close()
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        try:
            dialect: Any = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw = list(csv.reader(io.StringIO(text), dialect))
    if not raw:
        raise ValueError(f"{path}: the file is empty")
    headers = _unique([h.strip() for h in raw[0]])
    rows = [(line, [c.strip() for c in cells]) for line, cells in enumerate(raw[1:], start=2) if any(cells)]
    return ForeignTable(headers, rows)


def _xlsx_cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return cell_text(value)


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for h in headers:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


# -- the mapping --------------------------------------------------------------------------------------------


@dataclass
class ColumnMap:
    question: str
    row: str | None = None
    option: str | None = None
    other: bool = False
    text: bool = False  # an option column whose cells hold the free text of that ("other") option
    separator: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def lookup(self) -> dict[str, Any]:
        return {norm(k): v for k, v in self.values.items()}


@dataclass
class Mapping:
    questionnaire: str
    columns: dict[str, ColumnMap | None]  # None: not mapped yet
    ignored: set[str] = field(default_factory=set)
    response_id: str | None = None
    submitted_at: str | None = None


class MappingError(InvalidInput, ValueError):
    """A mapping file that does not fit the questionnaire; every problem is listed."""


def load_mapping(path: str | Path, questionnaire: Questionnaire) -> Mapping:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return parse_mapping(data, questionnaire, str(path))


def parse_mapping(data: Any, questionnaire: Questionnaire, source: str = "mapping") -> Mapping:
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise MappingError(f"{source}: a mapping needs 'columns' (header -> question)")
    problems: list[str] = []
    if data.get("questionnaire") not in (None, questionnaire.id):
        problems.append(f"the mapping is for '{data['questionnaire']}', not '{questionnaire.id}'")
    mapping = Mapping(
        questionnaire.id, {}, response_id=data.get("response_id"), submitted_at=data.get("submitted_at")
    )
    questions = {q.id: q for q in questionnaire.questions()}
    for header, entry in data["columns"].items():
        header = str(header)
        if entry is None:
            mapping.columns[header] = None
            continue
        if entry == "ignore":
            mapping.ignored.add(header)
            continue
        if isinstance(entry, str):
            entry = {"question": entry}
        if not isinstance(entry, dict) or "question" not in entry:
            problems.append(f"'{header}': give a question (or 'ignore')")
            continue
        unknown = set(entry) - {"question", "row", "option", "other", "text", "separator", "values"}
        if unknown:
            problems.append(f"'{header}': unknown keys {', '.join(sorted(unknown))}")
            continue
        values = entry.get("values") or {}
        cmap = ColumnMap(
            str(entry["question"]),
            row=entry.get("row"),
            option=entry.get("option"),
            other=bool(entry.get("other")),
            text=bool(entry.get("text")),
            separator=entry.get("separator"),
            values={str(k): v for k, v in values.items()} if isinstance(values, dict) else {},
        )
        problems += [f"'{header}': {p}" for p in _check_entry(cmap, questions.get(cmap.question))]
        mapping.columns[header] = cmap
    if problems:
        raise MappingError(f"{source}: " + "; ".join(problems))
    return mapping


def _check_entry(cmap: ColumnMap, question: QuestionBase | None) -> list[str]:
    if question is None:
        return [f"no question '{cmap.question}'"]
    problems = []
    rows = _rows(question)
    if rows is not None:
        if cmap.row not in {r.id for r in rows}:
            return [f"'{cmap.question}' is a matrix: give one of its rows as 'row' (not {cmap.row!r})"]
    elif cmap.row is not None:
        problems.append(f"'{cmap.question}' is not a matrix and has no rows")
    if cmap.option is not None and (
        not _multiple(question) or cmap.option not in question.option_ids()  # type: ignore[attr-defined]
    ):
        problems.append(f"'{cmap.option}' is not an option of the multiple choice '{cmap.question}'")
    if cmap.other and _other_option(question) is None:
        problems.append(f"'{cmap.question}' has no 'other' option")
    allowed = _allowed_values(question, cmap)
    if allowed is not None:
        bad = [f"{k!r}: {v!r}" for k, v in cmap.values.items() if v is not None and v not in allowed]
        if bad:
            problems.append(f"values not of the question: {', '.join(bad)}")
    return problems


def _allowed_values(question: QuestionBase, cmap: ColumnMap) -> set[Any] | None:
    if cmap.option is not None:
        return {True, False}
    return FOREIGN_VALUES.of(question).allowed(question)


# -- drafting -----------------------------------------------------------------------------------------------


def draft_mapping(table: ForeignTable, questionnaire: Questionnaire) -> Mapping:
    """A mapping drafted from the texts: headers matched to questions, rows and options, and each column's
    cell values to option ids; what matched nothing is left ``None`` for the analyst."""
    mapping = Mapping(questionnaire.id, {})
    index = _TextIndex(questionnaire)
    for header in table.headers:
        key = norm(header)
        if mapping.response_id is None and key in ID_HEADERS:
            mapping.response_id = header
            continue
        if mapping.submitted_at is None and key in TIME_HEADERS:
            mapping.submitted_at = header
            continue
        cmap = index.match(header)
        if cmap is not None:
            question = questionnaire.question(cmap.question)
            cmap.values, cmap.text, cmap.separator = _draft_values(question, cmap, table.column(header))
        mapping.columns[header] = cmap
    return mapping


class _TextIndex:
    """The questionnaire's texts in every language, normalised, for matching headers."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.columns = {c.name: c for c in questionnaire.columns()}
        self.texts: list[tuple[str, QuestionBase]] = []
        for q in questionnaire.questions():
            for lang in ("fi", "sv", "en"):
                text = getattr(q.text, lang)
                if text:
                    self.texts.append((norm(text), q))

    def question(self, text: str, prefix: bool = False) -> QuestionBase | None:
        """The one question whose text is ``text``; with ``prefix``, the one whose text begins with it or
        that it begins with (tools cut long headers), if both are at least MIN_PREFIX long."""
        key = norm(text)
        if prefix:
            found = {
                q.id: q
                for t, q in self.texts
                if min(len(t), len(key)) >= MIN_PREFIX and (t.startswith(key) or key.startswith(t))
            }
        else:
            found = {q.id: q for t, q in self.texts if t == key}
        return next(iter(found.values())) if len(found) == 1 else None

    def match(self, header: str) -> ColumnMap | None:
        if header in self.columns:  # a response-table column name
            column = self.columns[header]
            if column.row_id:
                return ColumnMap(column.question_id, row=column.row_id)
            return ColumnMap(column.question_id, other=header.endswith("/other"))
        for prefix in (False, True):
            whole = self.question(header, prefix)
            if whole is not None and _rows(whole) is None:
                return ColumnMap(whole.id)
            for sep in SEPARATORS:
                start = 0
                while (at := header.find(sep, start)) >= 0:
                    start = at + 1
                    found = self._part(self.question(header[:at], prefix), header[at + len(sep) :])
                    if found is not None:
                        return found
        return None

    def _part(self, question: QuestionBase | None, rest: str) -> ColumnMap | None:
        key = norm(rest)
        if question is None:
            return None
        rows = _rows(question)
        if rows is not None:  # "Question: row" of a matrix
            found = {r.id for r in rows for t in _texts(r.text) if t == key}
            return ColumnMap(question.id, row=found.pop()) if len(found) == 1 else None
        if hasattr(question, "other_option"):  # "Question: option" of a choice
            other = _other_option(question)
            matched = {o.id for o in question.options for t in _texts(o.label) if t == key}  # type: ignore[attr-defined]
            if len(matched) != 1:
                return None
            option = matched.pop()
            if _multiple(question):
                return ColumnMap(question.id, option=option)
            if other is not None and option == other.id:
                return ColumnMap(question.id, other=True)
        return None


def _texts(text: Any) -> list[str]:
    return [norm(getattr(text, lang)) for lang in ("fi", "sv", "en") if getattr(text, lang)]


def _draft_values(
    question: QuestionBase, cmap: ColumnMap, cells: list[tuple[int, str]]
) -> tuple[dict[str, Any], bool, str | None]:
    """The cell values of a column matched to option ids (or chosen/not chosen), None where none matched;
    whether an option column holds free text; the separator of a multiple choice in one column."""
    distinct = sorted({c for _line, c in cells if c.strip()}, key=str.casefold)
    if cmap.other or FOREIGN_VALUES.of(question).allowed(question) is None:  # text or numbers as written
        return {}, False, None
    if cmap.option is not None:  # a multiple choice's option in a column of its own
        option = next(o for o in getattr(question, "options", ()) if o.id == cmap.option)
        labels = set(_texts(option.label))
        values: dict[str, Any] = {}
        free = False
        for value in distinct:
            key = norm(value)
            if key in CHOSEN_WORDS or key in labels:
                values[value] = True
            elif key in NOT_CHOSEN_WORDS:
                values[value] = False
            elif option.other:
                free = True
            else:
                values[value] = None
        return values, free, None
    separator = None
    if _multiple(question):
        separator = next((s for s in (";", "|", "\n") if any(s in v for v in distinct)), None)
        if separator:
            distinct = sorted({p.strip() for v in distinct for p in v.split(separator) if p.strip()})
    return (
        {v: _match_value(question, v) for v in distinct if _match_value(question, v) != v},
        False,
        separator,
    )


def _match_value(question: QuestionBase, value: str) -> Any:
    """The option id (point value, organisation code) whose label is ``value``; ``value`` itself when it
    is one already (an id, a number); None when nothing matches."""
    return FOREIGN_VALUES.of(question).match(question, value)


def mapping_yaml(mapping: Mapping, source: str) -> str:
    """The mapping as the YAML file the analyst checks, with what is left to decide said in comments."""
    lines = [
        f"# Drafted by `luotain import-responses --draft-mapping` from {source}",
        f"# for the questionnaire '{mapping.questionnaire}'. Check every entry, then import with --mapping.",
        "# A column is a question (with 'row' for a matrix row, 'option' for one option of a multiple",
        "# choice, 'other: true' for the free text of 'other'), or 'ignore'; 'values' turn cell texts into",
        "# option ids (or true/false: chosen or not). Every null is something no text matched: fill it in,",
        "# or the import reports it. Cells that are option ids, numbers or registry codes need no line.",
        f"questionnaire: {mapping.questionnaire}",
        f"response_id: {_scalar(mapping.response_id)}" + ("" if mapping.response_id else "  # none found"),
        f"submitted_at: {_scalar(mapping.submitted_at)}" + ("" if mapping.submitted_at else "  # none found"),
        "columns:",
    ]
    for header, cmap in mapping.columns.items():
        if cmap is None:
            lines.append(f"  {_scalar(header)}: null  # no question matched: name one, or write ignore")
            continue
        lines.append(f"  {_scalar(header)}:")
        lines.append(f"    question: {cmap.question}")
        for key in ("row", "option", "separator"):
            if getattr(cmap, key) is not None:
                lines.append(f"    {key}: {_scalar(getattr(cmap, key))}")
        for key in ("other", "text"):
            if getattr(cmap, key):
                lines.append(f"    {key}: true")
        if cmap.values:
            lines.append("    values:")
            for value, target in cmap.values.items():
                note = "  # no option matched" if target is None else ""
                lines.append(f"      {_scalar(value)}: {_scalar(target)}{note}")
    for header in sorted(mapping.ignored):
        lines.append(f"  {_scalar(header)}: ignore")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("\n...")
    )


# -- importing ----------------------------------------------------------------------------------------------


@dataclass
class MappedImport:
    records: list[ResponseRecord]
    unmapped_columns: dict[str, int]  # header -> cells with an answer
    unmapped_values: dict[tuple[str, str], int]  # (header, cell) -> rows
    problems: list[TableProblem]

    @property
    def complete(self) -> bool:
        return not self.unmapped_columns and not self.unmapped_values

    def report(self) -> list[str]:
        lines = []
        if self.unmapped_columns:
            lines.append(f"{len(self.unmapped_columns)} column(s) not mapped:")
            lines += [f"  '{h}': {n} answer(s)" for h, n in self.unmapped_columns.items()]
        if self.unmapped_values:
            lines.append(f"{len(self.unmapped_values)} value(s) not mapped:")
            lines += [f"  '{h}': '{v}' in {n} row(s)" for (h, v), n in self.unmapped_values.items()]
        return lines


def apply_mapping(
    table: ForeignTable, questionnaire: Questionnaire, mapping: Mapping, stem: str
) -> MappedImport:
    """Read the table by the mapping. Cells are checked like any imported cell (``parse_value``); what the
    mapping does not cover is counted, never guessed."""
    questions = {q.id: q for q in questionnaire.questions()}
    columns = {c.name: c for c in questionnaire.columns()}
    known_orgs = set(default_registry().organisations)
    unmapped_columns: dict[str, int] = {}
    unmapped_values: Counter[tuple[str, str]] = Counter()
    problems: list[TableProblem] = []
    records: list[ResponseRecord] = []
    meta = {mapping.response_id, mapping.submitted_at} - {None}
    for header in table.headers:
        if header in meta or header in mapping.ignored or mapping.columns.get(header) is not None:
            continue
        filled = sum(1 for _line, cell in table.column(header) if cell)
        if filled:
            unmapped_columns[header] = filled
    named = [h for h in (mapping.response_id, mapping.submitted_at) if h is not None]
    missing = [h for h in (*named, *(h for h, c in mapping.columns.items() if c)) if h not in table.headers]
    if missing:
        problems.append(
            TableProblem(None, None, f"columns of the mapping not in the file: {', '.join(missing)}")
        )
        return MappedImport([], unmapped_columns, {}, problems)
    position = {h: i for i, h in enumerate(table.headers)}
    lookups = {h: c.lookup() for h, c in mapping.columns.items() if c is not None}
    seen_ids: set[str] = set()
    for line, cells in table.rows:
        raw: dict[str, Any] = {}
        chosen: dict[str, set[str]] = {}
        for header, cmap in mapping.columns.items():
            if cmap is None:
                continue
            cell = cells[position[header]] if position[header] < len(cells) else ""
            if not cell:
                continue
            question = questions[cmap.question]
            unmapped = _read_cell(question, cmap, lookups[header], cell, raw, chosen)
            for value in unmapped:
                unmapped_values[(header, value)] += 1
        for qid, options in chosen.items():
            question = questions[qid]  # a multiple choice, whose options came in columns of their own
            raw[qid] = [o for o in question.option_ids() if o in options]  # type: ignore[attr-defined]
        answers: dict[str, Any] = {}
        for name, value in raw.items():
            try:
                parsed = parse_value(columns[name], value, known_orgs)
            except CellError as exc:
                problems.append(TableProblem(line, name, str(exc)))
                continue
            if parsed is not None:
                answers[name] = parsed
        rid = _meta_cell(cells, position, mapping.response_id) or f"{stem}-{line}"
        if rid in seen_ids:
            problems.append(TableProblem(line, mapping.response_id, f"response id '{rid}' appears twice"))
        seen_ids.add(rid)
        submitted = None
        when = _meta_cell(cells, position, mapping.submitted_at)
        if when:
            submitted = parse_time(when)
            if submitted is None:
                problems.append(TableProblem(line, mapping.submitted_at, f"'{when}' is not a date and time"))
        records.append(ResponseRecord(rid, submitted, answers))
    return MappedImport(records, unmapped_columns, dict(unmapped_values), problems)


def _read_cell(
    question: QuestionBase,
    cmap: ColumnMap,
    lookup: dict[str, Any],
    cell: str,
    raw: dict[str, Any],
    chosen: dict[str, set[str]],
) -> list[str]:
    """Put one cell's answer into ``raw`` (or ``chosen``); the cell values the mapping does not cover."""
    if cmap.other:
        raw[f"{question.id}/other"] = cell
        return []
    if cmap.option is not None:
        decision = lookup.get(norm(cell))
        if decision is None and norm(cell) not in lookup and _multiple(question):
            other = _other_option(question)
            if cmap.text and other is not None and other.id == cmap.option:
                chosen.setdefault(question.id, set()).add(cmap.option)
                raw[f"{question.id}/other"] = cell
                return []
        if decision is True:
            chosen.setdefault(question.id, set()).add(cmap.option)
        elif decision is False:
            chosen.setdefault(question.id, set())
        else:
            return [cell]
        return []
    if cmap.separator and _multiple(question):
        parts = [p.strip() for p in cell.split(cmap.separator) if p.strip()]
        values = [_mapped(question, lookup, p) for p in parts]
        if any(v is None for v in values):
            return [p for p, v in zip(parts, values, strict=True) if v is None]
        raw[question.id] = values
        return []
    value = _mapped(question, lookup, cell)
    if value is None:
        return [cell]
    name = f"{question.id}/{cmap.row}" if cmap.row else question.id
    raw[name] = [value] if _multiple(question) else value
    return []


def _mapped(question: QuestionBase, lookup: dict[str, Any], cell: str) -> Any:
    """The value for a cell: from the mapping's values; else the cell itself when it already is an option id,
    a number (for a number or a scale) or a registry code; else None."""
    key = norm(cell)
    if key in lookup:
        return lookup[key]
    return cell if FOREIGN_VALUES.of(question).accepts(question, cell) else None


def _rows(question: QuestionBase) -> Any:
    """A matrix's rows, None for a question without rows."""
    return getattr(question, "rows", None)


def _multiple(question: QuestionBase) -> bool:
    """Whether the question's answer is a set of options (a multiple choice)."""
    return question.columns()[0].kind == "choices"


def _other_option(question: QuestionBase) -> Any:
    """A choice's "other" option, None where there is none."""
    other = getattr(question, "other_option", None)
    return other() if other is not None else None


# -- what another tool's cells may hold, by question type -----------------------------------------------


@dataclass(frozen=True)
class ForeignValues:
    """The answers of a question type in another tool's file (the layer "answers from another tool"):
    ``allowed``: the values a mapping may map cells to (None: any); ``match``: the value whose label a
    cell is, the cell itself when it is a value already, None when nothing matches; ``accepts``: a cell the
    mapping does not list is taken as it is."""

    allowed: Callable[[Any], set[Any] | None]
    match: Callable[[Any, str], Any]
    accepts: Callable[[Any, str], bool]


FOREIGN_VALUES = TypeLayer[ForeignValues]("answers from another tool")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _option_ids(question: Any) -> set[Any]:
    return set(question.option_ids())


def _match_option(question: Any, value: str) -> Any:
    if value in question.option_ids():
        return value
    found = {o.id for o in question.options for t in _texts(o.label) if t == norm(value)}
    return found.pop() if len(found) == 1 else None


def _is_option(question: Any, cell: str) -> bool:
    return cell in question.option_ids()


def _is_number(question: Any, cell: str) -> bool:
    return NUMBER.fullmatch(cell.strip()) is not None


def _point_values(question: Rating) -> set[Any]:
    return {p.value for p in question.points}


def _match_point(question: Rating, value: str) -> Any:
    if value.strip() in {str(p.value) for p in question.points}:
        return value
    found = {p.value for p in question.points for t in _texts(p.label) if t == norm(value)}
    return found.pop() if len(found) == 1 else None


def _zero_to_ten(question: Recommendation) -> set[Any]:
    return set(range(11))


def _match_score(question: Recommendation, value: str) -> Any:
    match = re.match(r"^\s*(\d+)\b", value)
    if match and match.group(1) == value.strip():
        return value
    return int(match.group(1)) if match and int(match.group(1)) <= 10 else None


def _organisation_codes(question: OrganisationPicker) -> set[Any]:
    return set(default_registry().organisations)


def _match_organisation(question: OrganisationPicker, value: str) -> Any:
    registry = default_registry()
    if value in registry.organisations:
        return value
    key = norm(value)
    names = {o.code for o in registry.organisations.values() if key in (norm(o.name_fi), norm(o.name_sv))}
    return names.pop() if len(names) == 1 else None


def _is_organisation(question: OrganisationPicker, cell: str) -> bool:
    return cell in default_registry().organisations


def _any(question: Any) -> set[Any] | None:
    return None


def _as_written(question: Any, value: str) -> Any:
    return None


def _taken(question: Any, cell: str) -> bool:
    return True


FOREIGN_VALUES.register(SingleChoice, MultipleChoice, Matrix)(
    ForeignValues(_option_ids, _match_option, _is_option)
)
FOREIGN_VALUES.register(Rating)(ForeignValues(_point_values, _match_point, _is_number))
FOREIGN_VALUES.register(Recommendation)(ForeignValues(_zero_to_ten, _match_score, _is_number))
FOREIGN_VALUES.register(Number)(ForeignValues(_any, _as_written, _is_number))
FOREIGN_VALUES.register(OrganisationPicker)(
    ForeignValues(_organisation_codes, _match_organisation, _is_organisation)
)
FOREIGN_VALUES.register(OpenText)(ForeignValues(_any, _as_written, _taken))


def _meta_cell(cells: list[str], position: dict[str, int], header: str | None) -> str:
    if header is None or position[header] >= len(cells):
        return ""
    return cells[position[header]].strip()


def parse_time(text: str) -> dt.datetime | None:
    """ISO 8601, or a Finnish date and time (``20.5.2024 10:00``); a time without an offset is taken as
    Finnish time."""
    moment = None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        for fmt in TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=TIME_ZONE)
