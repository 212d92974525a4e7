"""Importing contact people from CSV or XLSX: every row checked first, all or nothing unless asked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Contact, Organisation

COLUMNS = ("name", "email", "organisation", "role", "language")
REQUIRED = ("name", "email", "organisation")
LANGUAGES = ("fi", "sv")
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ContactImport:
    created: int = 0
    problems: list[RowProblem] = field(default_factory=list)


class ContactImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) pairs from a CSV (UTF-8, comma or semicolon) or XLSX file; the header is line 1."""
    if path.stat().st_size > MAX_BYTES:
        raise ContactImportError([RowProblem(0, f"the file is over {MAX_BYTES // (1024 * 1024)} MB")])
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    _check_header(reader.fieldnames or [])
    return [
        (i, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for i, row in enumerate(reader, start=2)
    ]


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    # read_only and data_only: values as stored, no formulas evaluated, no macros run.
    sheet = load_workbook(path, read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    if not rows:
        raise ContactImportError([RowProblem(1, "the sheet is empty")])
    header = [str(h or "").strip() for h in rows[0]]
    _check_header(header)
    return [
        (i, {h: str(v).strip() if v is not None else "" for h, v in zip(header, row, strict=False) if h})
        for i, row in enumerate(rows[1:], start=2)
    ]


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in [h.strip() for h in header]]
    if missing:
        raise ContactImportError(
            [RowProblem(1, f"missing columns: {', '.join(missing)} (columns: {', '.join(COLUMNS)})")]
        )


def check_rows(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[Contact], list[RowProblem]]:
    """Contacts to create from the good rows, and a reason for each bad one."""
    orgs = {o.code: o for o in Organisation.objects.all()}
    existing = set(Contact.objects.values_list("email", "organisation__code"))
    seen: set[tuple[str, str]] = set()
    good: list[Contact] = []
    problems: list[RowProblem] = []
    for line, row in rows:
        reasons = []
        name, email = row.get("name", ""), row.get("email", "").lower()
        code, language = row.get("organisation", ""), (row.get("language") or "fi").lower()
        if not name:
            reasons.append("the name is empty")
        if any(c in name + row.get("role", "") for c in "\r\n\x00"):
            reasons.append("a line break or control character in the name or role")
        try:
            validate_email(email)
            if any(c in email for c in "\r\n,;<>\"'"):
                raise ValidationError("odd characters")
        except ValidationError:
            reasons.append(f"'{email}' is not an email address")
        if code not in orgs:
            reasons.append(f"'{code}' is not an organisation code of the registry (hva:NN or kunta:NNN)")
        if language not in LANGUAGES:
            reasons.append(f"language '{language}' is not one of {', '.join(LANGUAGES)}")
        key = (email, code)
        if key in seen:
            reasons.append(f"{email} at {code} appears twice in the file")
        elif key in existing:
            reasons.append(f"{email} at {code} is already a contact")
        seen.add(key)
        if reasons:
            problems.append(RowProblem(line, "; ".join(reasons)))
            continue
        good.append(
            Contact(
                name=name, email=email, organisation=orgs[code], role=row.get("role", ""), language=language
            )
        )
    return good, problems


@transaction.atomic
def import_contacts(path: Path, *, skip_invalid: bool = False) -> ContactImport:
    """Import contacts. Any bad row stops the whole import unless ``skip_invalid``: then good rows go in."""
    good, problems = check_rows(read_rows(path))
    if problems and not skip_invalid:
        raise ContactImportError(problems)
    Contact.objects.bulk_create(good)
    return ContactImport(created=len(good), problems=problems)
