"""The response table as a typed polars frame, checked column by column.

Every cell is checked before any figure is computed: a column that is not in the questionnaire, an unknown
option id, text in a numeric column or 11 on a 0–10 scale is an error that names its column and line (the
CSV's line; the header is line 1). In lenient mode such cells are left empty and counted instead.

Typed columns: choice → ``pl.Enum`` of the option ids; choices → ``pl.List(pl.Enum)``; integer → Int64;
number → Float64; text → String (empty and whitespace-only is no answer); organisation → ``pl.Enum`` of the
registry's codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from luotain.errors import InvalidInput
from luotain.questionnaire import Column, Questionnaire
from luotain.registry import Registry, default_registry
from luotain.responses import META_COLUMNS, ResponseRecord, format_value
from luotain.responses.table import ESCAPED_START, NUMERIC_KINDS

MAX_LISTED = 20


@dataclass(frozen=True)
class CellIssue:
    line: int | None  # None: the issue is about the header
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "header"
        return f"{where}, column '{self.column}': {self.message}"


class ResponseTableError(InvalidInput):
    """The table cannot be analysed as it is; ``issues`` lists the first 20 problems of ``total``."""

    def __init__(self, issues: list[CellIssue], total: int, columns: Sequence[str]):
        self.issues = issues
        self.total = total
        self.columns = list(columns)
        lines = [f"{total} problem(s) in columns: {', '.join(self.columns)}"]
        lines += [str(i) for i in issues]
        if total > len(issues):
            lines.append(f"... and {total - len(issues)} more")
        super().__init__("\n".join(lines))


@dataclass
class LoadReport:
    skipped_cells: int = 0
    dropped_columns: list[str] = field(default_factory=list)
    issues: list[CellIssue] = field(default_factory=list)


@dataclass
class ResponseFrame:
    questionnaire: Questionnaire
    df: pl.DataFrame
    registry: Registry
    report: LoadReport = field(default_factory=LoadReport)
    # What is worked out once a frame (its rows do not change): the disclosure family per k (analysis.engine).
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return self.df.height

    @classmethod
    def from_strings(
        cls,
        questionnaire: Questionnaire,
        raw: pl.DataFrame,
        *,
        lenient: bool = False,
        registry: Registry | None = None,
        first_line: int = 2,
    ) -> ResponseFrame:
        """Check and type a frame of text cells (as read from the CSV)."""
        registry = registry or default_registry()
        df, report = _typed(questionnaire, raw, registry, lenient=lenient, first_line=first_line)
        return cls(questionnaire, df, registry, report)

    @classmethod
    def from_csv(
        cls,
        questionnaire: Questionnaire,
        path: str | Path,
        *,
        lenient: bool = False,
        registry: Registry | None = None,
    ) -> ResponseFrame:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
        if raw.columns and raw.columns[0].startswith("\ufeff"):
            raw = raw.rename({raw.columns[0]: raw.columns[0].lstrip("\ufeff")})
        return cls.from_strings(
            questionnaire, _restored(questionnaire, raw), lenient=lenient, registry=registry
        )

    @classmethod
    def from_records(
        cls,
        questionnaire: Questionnaire,
        records: Iterable[ResponseRecord],
        *,
        registry: Registry | None = None,
    ) -> ResponseFrame:
        columns = questionnaire.columns()
        records = list(records)
        data: dict[str, list[str]] = {"response_id": [r.response_id for r in records]}
        for c in columns:
            data[c.name] = [format_value(c, r.answers.get(c.name)) for r in records]
        raw = pl.DataFrame(data, schema={k: pl.String for k in data})
        return cls.from_strings(questionnaire, raw, registry=registry)


def _restored(questionnaire: Questionnaire, raw: pl.DataFrame) -> pl.DataFrame:
    """Undo the export's neutralisation of cells for spreadsheets (``luotain.responses.table.restore``) in
    every column but numbers and the time."""
    kept = {"submitted_at", *(c.name for c in questionnaire.columns() if c.kind in NUMERIC_KINDS)}
    return raw.with_columns(
        pl.when(pl.col(name).str.starts_with("'") & pl.col(name).str.slice(1, 1).is_in(list(ESCAPED_START)))
        .then(pl.col(name).str.slice(1))
        .otherwise(pl.col(name))
        .alias(name)
        for name in raw.columns
        if name not in kept
    )


def _typed(
    questionnaire: Questionnaire, raw: pl.DataFrame, registry: Registry, *, lenient: bool, first_line: int
) -> tuple[pl.DataFrame, LoadReport]:
    report = LoadReport()
    by_name = {c.name: c for c in questionnaire.columns()}
    unknown = [c for c in raw.columns if c not in by_name and c not in META_COLUMNS]
    issues: list[CellIssue] = [CellIssue(None, c, "not a column of the questionnaire") for c in unknown]
    total = len(issues)
    if unknown and lenient:
        report.dropped_columns = unknown
        raw = raw.drop(unknown)
        issues, total = [], 0

    raw = raw.with_row_index("_line", offset=first_line)
    typed: list[pl.Series] = []
    bad_columns: list[str] = list(unknown)
    org_codes = sorted(registry.organisations)
    for column in questionnaire.columns():
        if column.name in raw.columns:
            text = raw[column.name].cast(pl.String).str.strip_chars()
            text = pl.select(pl.when(text.str.len_chars() > 0).then(text)).to_series().alias(column.name)
        else:
            text = pl.Series(column.name, [None] * raw.height, dtype=pl.String)
        values, bad, message = _convert(column, text, org_codes)
        if bad is not None and bad.any():
            bad_columns.append(column.name)
            count = int(bad.sum())
            total += count
            if len(issues) < MAX_LISTED:
                rows = raw.filter(bad).select("_line", column.name).head(MAX_LISTED - len(issues))
                issues += [CellIssue(int(line), column.name, message(v)) for line, v in rows.iter_rows()]
            report.skipped_cells += count
        typed.append(values)
    if total and not lenient:
        raise ResponseTableError(issues[:MAX_LISTED], total, bad_columns)
    report.issues = issues[:MAX_LISTED]
    meta = [raw[c] for c in META_COLUMNS if c in raw.columns]
    return pl.DataFrame([*meta, *typed]), report


def _convert(
    column: Column, text: pl.Series, org_codes: list[str]
) -> tuple[pl.Series, pl.Series | None, Callable[[object], str]]:
    """The typed column (bad cells empty), a mask of bad cells, and a function wording a bad value."""
    kind = column.kind
    if kind == "choice":
        enum = pl.Enum(list(column.options))
        bad = text.is_not_null() & ~text.is_in(list(column.options))
        values = pl.select(pl.when(~bad).then(text)).to_series().cast(enum, strict=False)
        return (
            values.alias(column.name),
            bad,
            lambda v: f"'{v}' is not an option ({', '.join(column.options)})",
        )
    if kind == "choices":
        enum = pl.Enum(list(column.options))
        parts = text.str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
        bad = parts.list.eval(~pl.element().is_in(list(column.options))).list.any().fill_null(False)
        good = pl.select(pl.when(~bad & (parts.list.len() > 0)).then(parts)).to_series()
        values = good.list.eval(
            pl.element().cast(enum, strict=False).drop_nulls().sort().unique(maintain_order=True)
        )
        return (
            values.alias(column.name),
            bad,
            lambda v: f"'{v}' holds an id that is not an option ({', '.join(column.options)})",
        )
    if kind in ("integer", "number"):
        numbers = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
        bad = text.is_not_null() & numbers.is_null()
        if kind == "integer":
            bad = bad | (numbers.is_not_null() & (numbers != numbers.floor()))
        if column.minimum is not None:
            bad = bad | (numbers < column.minimum).fill_null(False)
        if column.maximum is not None:
            bad = bad | (numbers > column.maximum).fill_null(False)
        if column.options:
            bad = bad | (
                numbers.is_not_null()
                & ~numbers.cast(pl.Int64, strict=False).cast(pl.String).is_in(list(column.options))
            )
        values = pl.select(pl.when(~bad).then(numbers)).to_series()
        values = values.cast(pl.Int64) if kind == "integer" else values
        return values.alias(column.name), bad, lambda v: _number_message(column, v)
    if kind == "text":
        if column.max_length is None:
            return text, None, str
        bad = (text.str.len_chars() > column.max_length).fill_null(False)
        values = pl.select(pl.when(~bad).then(text)).to_series().alias(column.name)
        return values, bad, lambda v: f"text is over {column.max_length} characters long"
    # organisation
    bad = text.is_not_null() & ~text.is_in(org_codes)
    values = pl.select(pl.when(~bad).then(text)).to_series().cast(pl.Enum(org_codes), strict=False)
    return values.alias(column.name), bad, lambda v: f"'{v}' is not an organisation in the registry"


def _number_message(column: Column, value: object) -> str:
    low = "" if column.minimum is None else f"{column.minimum:g}"
    high = "" if column.maximum is None else f"{column.maximum:g}"
    whole = "a whole number" if column.kind == "integer" else "a number"
    if low and high:
        return f"'{value}' is not {whole} from {low} to {high}"
    return f"'{value}' is not {whole}"
