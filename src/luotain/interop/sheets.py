"""Writing and reading spreadsheet cells (openpyxl), the same way everywhere in ``luotain.interop``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def append_rows(sheet: Any, rows: Iterable[Iterable[Any]]) -> None:
    """Append rows to an openpyxl sheet; a text is always a text, never a formula (openpyxl would store a
    string beginning with '=' as one)."""
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', booleans as true/false, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
