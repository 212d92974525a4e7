"""Responses out: the response table as CSV (the canonical table), Excel with a codebook sheet, SPSS ``.sav``
with variable and value labels and multiple choices as 0/1 dichotomies, and Parquet with typed columns.

Every text cell of the CSV and the Excel file that a spreadsheet could take for a formula (one beginning with
= + - @, a tab or a carriage return) is neutralised with a leading apostrophe
(``luotain.responses.neutralise``); reading the CSV back undoes it. SPSS and Parquet hold typed values, not
formulas, and keep the text as it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from luotain.questionnaire import Questionnaire
from luotain.registry import default_registry
from luotain.responses import ResponseRecord, format_value, header, neutralise, write_csv

from .dictionary import (
    SPSS_LABEL_BYTES,
    SPSS_NOTE_BYTES,
    SPSS_VALUE_LABEL_BYTES,
    WORDS,
    DataDictionary,
    Variable,
    data_dictionary,
    fit_bytes,
    spss_name,
)
from .formats import FORMATS
from .sheets import append_rows

CODEBOOK_HEADER = [
    "column",
    "spss_variable",
    "question",
    "question_type",
    "label",
    "value",
    "spss_code",
    "value_label",
]


def write_responses(
    questionnaire: Questionnaire,
    records: Iterable[ResponseRecord],
    out: str | Path | TextIO,
    fmt: str = "csv",
    lang: str = "fi",
) -> int:
    """Write the responses in ``fmt`` to ``out`` (a path; for CSV also a text stream); the number written."""
    records = list(records)
    if fmt == "csv":
        if isinstance(out, str | Path):
            with open(out, "w", encoding="utf-8", newline="") as stream:
                return write_csv(questionnaire, records, stream)
        return write_csv(questionnaire, records, out)
    if not isinstance(out, str | Path):
        raise ValueError(f"{fmt} is written to a file, not a stream")
    writers = {"xlsx": write_xlsx, "sav": write_sav, "parquet": write_parquet}
    if fmt not in writers:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    writers[fmt](questionnaire, records, Path(out), lang)
    return len(records)


# -- Excel ------------------------------------------------------------------------------------------------


def dictionary_rows(book: DataDictionary) -> list[list[Any]]:
    """The data dictionary as a table (the codebook sheet): one row per variable, or per value of a variable
    that has labelled values."""
    rows: list[list[Any]] = [CODEBOOK_HEADER]
    for v in book.variables:
        head = [v.column, v.spss, v.question or "", v.question_type or "", v.label]
        if v.kind == "dichotomy":
            rows.append([*head, v.option, "0/1", ""])
        elif v.values:
            codes = v.codes()
            for value, label in v.values:
                rows.append([*head, value, codes[value] if v.kind == "code" else int(value), label])
        else:
            rows.append([*head, "", "", ""])
    return rows


def write_xlsx(
    questionnaire: Questionnaire, records: list[ResponseRecord], path: Path, lang: str = "fi"
) -> None:
    """Two sheets: ``responses`` (the response table: numbers as numbers, text neutralised), ``codebook``."""
    from openpyxl import Workbook

    columns = questionnaire.columns()
    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    rows: list[list[Any]] = [header(questionnaire)]
    for rec in records:
        cells: list[Any] = [neutralise(rec.response_id), _iso(rec.submitted_at)]
        for column in columns:
            value = rec.answers.get(column.name)
            if value is None:
                cells.append(None)
            elif column.kind in ("integer", "number"):
                cells.append(value)
            else:
                cells.append(neutralise(format_value(column, value)))
        rows.append(cells)
    append_rows(sheet, rows)
    sheet.freeze_panes = "B2"
    append_rows(
        book.create_sheet("codebook"),
        [
            [neutralise(c) if isinstance(c, str) else c for c in row]
            for row in dictionary_rows(data_dictionary(questionnaire, lang))
        ],
    )
    book.save(path)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# -- SPSS -------------------------------------------------------------------------------------------------


def sav_frame(book: DataDictionary, records: list[ResponseRecord]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The SPSS variables as a frame, and the metadata pyreadstat writes with them."""
    registry = default_registry()
    data: dict[str, pl.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    measure: dict[str, str] = {}
    used = {v.spss for v in book.variables}
    for v in book.variables:
        labels[v.spss] = fit_bytes(v.label, SPSS_LABEL_BYTES)
        if v.measure != "unknown":
            measure[v.spss] = v.measure
        answers = [_answer(v, r) for r in records]
        if v.kind == "time":
            times = [a.astimezone(dt.UTC).replace(tzinfo=None) if a else None for a in answers]
            data[v.spss] = pl.Series(v.spss, times, dtype=pl.Datetime("us"))
        elif v.kind == "text":
            data[v.spss] = pl.Series(v.spss, [a if a is not None else "" for a in answers], dtype=pl.String)
            if v.organisation_names:
                name = spss_name(f"{v.spss}_{WORDS['organisation_name'][book.lang]}", used)
                orgs = [registry.get(a) if a else None for a in answers]
                data[name] = pl.Series(name, [o.name(book.lang) if o else "" for o in orgs], dtype=pl.String)
                labels[name] = fit_bytes(
                    f"{v.label}: {WORDS['organisation_name'][book.lang]}", SPSS_LABEL_BYTES
                )
        else:
            if v.kind == "code":
                codes = v.codes()
                numbers = [float(codes[a]) if a is not None else None for a in answers]
                value_labels[v.spss] = {float(codes[val]): lab for val, lab in v.values}
            elif v.kind == "dichotomy":
                numbers = [None if a is None else float(v.option in a) for a in answers]
                value_labels[v.spss] = {float(val): lab for val, lab in v.values}
            else:
                numbers = [float(a) if a is not None else None for a in answers]
                if v.values:
                    value_labels[v.spss] = {float(val): lab for val, lab in v.values}
            data[v.spss] = pl.Series(v.spss, numbers, dtype=pl.Float64)
    for name, table in value_labels.items():
        value_labels[name] = {k: fit_bytes(label, SPSS_VALUE_LABEL_BYTES) for k, label in table.items()}
    meta = {"column_labels": labels, "variable_value_labels": value_labels, "variable_measure": measure}
    return pl.DataFrame(list(data.values())), meta


def _answer(v: Variable, record: ResponseRecord) -> Any:
    if v.column == "response_id":
        return record.response_id
    if v.column == "submitted_at":
        return record.submitted_at
    return record.answers.get(v.column)


def write_sav(
    questionnaire: Questionnaire, records: list[ResponseRecord], path: Path, lang: str = "fi"
) -> None:
    import pyreadstat

    book = data_dictionary(questionnaire, lang)
    frame, meta = sav_frame(book, records)
    note = fit_bytes(f"Luotain: {questionnaire.id}; variables are the columns, '/' as '_'", SPSS_NOTE_BYTES)
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=fit_bytes(questionnaire.title.get(lang), 64),
        note=note,
        **meta,
    )


# -- Parquet ----------------------------------------------------------------------------------------------


def parquet_frame(questionnaire: Questionnaire, records: list[ResponseRecord]) -> pl.DataFrame:
    """The response table with typed columns: a single choice as an Enum of its option ids, a multiple
    choice as a list of option ids, numbers as Int64 or Float64, the time as UTC."""
    series = [
        pl.Series("response_id", [r.response_id for r in records], dtype=pl.String),
        pl.Series(
            "submitted_at",
            [r.submitted_at.astimezone(dt.UTC) if r.submitted_at else None for r in records],
            dtype=pl.Datetime("us", "UTC"),
        ),
    ]
    for column in questionnaire.columns():
        values = [r.answers.get(column.name) for r in records]
        dtype: Any
        if column.kind == "choice":
            dtype = pl.Enum(list(column.options))
        elif column.kind == "choices":
            dtype = pl.List(pl.String)
        elif column.kind == "integer":
            dtype = pl.Int64
        elif column.kind == "number":
            dtype = pl.Float64
        else:
            dtype = pl.String
        series.append(pl.Series(column.name, values, dtype=dtype))
    return pl.DataFrame(series)


def write_parquet(
    questionnaire: Questionnaire, records: list[ResponseRecord], path: Path, lang: str = "fi"
) -> None:
    parquet_frame(questionnaire, records).write_parquet(path)
