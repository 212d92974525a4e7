"""The response table: schema from a questionnaire, CSV in and out (no Django)."""

from .table import (
    META_COLUMNS,
    CellError,
    ResponseRecord,
    TableError,
    TableProblem,
    export_cell,
    format_value,
    header,
    neutralise,
    parse_value,
    read_csv,
    restore,
    to_csv_text,
    visible_questions,
    write_csv,
)

__all__ = [
    "META_COLUMNS",
    "CellError",
    "ResponseRecord",
    "TableError",
    "TableProblem",
    "export_cell",
    "format_value",
    "header",
    "neutralise",
    "parse_value",
    "read_csv",
    "restore",
    "to_csv_text",
    "visible_questions",
    "write_csv",
]
