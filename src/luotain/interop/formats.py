"""The formats a survey's responses go out in, registered once with what every user of them needs to know
(the command line's choices, the writers, the back office); importing this imports nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResponseFormat:
    name: str
    label: str  # as a person names it
    suffix: str  # of the file written
    binary: bool  # written to a file only, never to a stream
    content_type: str


RESPONSE_FORMATS: dict[str, ResponseFormat] = {
    f.name: f
    for f in (
        ResponseFormat("csv", "CSV (the response table)", ".csv", False, "text/csv; charset=utf-8"),
        ResponseFormat(
            "xlsx",
            "Excel (with a codebook sheet)",
            ".xlsx",
            True,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ResponseFormat(
            "sav", "SPSS (labels, multiple choices as 0/1)", ".sav", True, "application/x-spss-sav"
        ),
        ResponseFormat(
            "parquet", "Parquet (typed columns)", ".parquet", True, "application/vnd.apache.parquet"
        ),
    )
}
FORMATS = tuple(RESPONSE_FORMATS)
BINARY_FORMATS = tuple(name for name, f in RESPONSE_FORMATS.items() if f.binary)
