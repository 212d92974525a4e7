"""Importing contact people from CSV or XLSX: every row checked first, all or nothing unless asked."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from luotain.errors import InvalidInput
from luotain.web.audit.services import Action, Actor, record

from .models import Contact, Organisation

COLUMNS = ("name", "email", "organisation", "role", "language")
REQUIRED = ("name", "email", "organisation")
LANGUAGES = ("fi", "sv")
MAX_BYTES = 5 * 1024 * 1024
# An XLSX file is a zip: what it unpacks to is limited too (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


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


class ContactImportError(InvalidInput):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) pairs from a CSV (UTF-8, comma or semicolon) or XLSX file; the header is line 1.

    Only .csv and .xlsx are read (no macro-enabled .xlsm, no old .xls), at most MAX_BYTES."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ContactImportError(
            [RowProblem(0, f"'{path.name}' is not a .csv or .xlsx file (macro-enabled .xlsm is not read)")]
        )
    if path.stat().st_size > MAX_BYTES:
        raise ContactImportError([RowProblem(0, f"the file is over {MAX_BYTES // (1024 * 1024)} MB")])
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ContactImportError(
            [RowProblem(0, "the file is not UTF-8 text (save the CSV as UTF-8)")]
        ) from None
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    _check_header(list(reader.fieldnames or []))
    return [
        (i, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for i, row in enumerate(reader, start=2)
    ]


def _check_package(path: Path) -> None:
    """An XLSX file must be a zip of a workbook without macros that does not unpack to too much."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            names = {e.filename for e in entries}
            types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise ContactImportError([RowProblem(0, "the file is not an XLSX workbook")]) from None
    if not types or "xl/workbook.xml" not in names:
        raise ContactImportError([RowProblem(0, "the file is not an XLSX workbook")])
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise ContactImportError([RowProblem(0, "the workbook has macros: save it as a plain .xlsx")])
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise ContactImportError([RowProblem(0, "the workbook unpacks to too much data")])


def _unreadable(exc: BaseException) -> str:
    from defusedxml import DefusedXmlException

    while exc.__cause__ is not None:  # openpyxl wraps what the XML parser refused
        exc = exc.__cause__
    if isinstance(exc, DefusedXmlException):
        return f"the workbook's XML declares entities or a DTD, which are not read ({type(exc).__name__})"
    return f"the workbook cannot be read: {type(exc).__name__}"


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The first sheet's rows. The workbook is read as stored (read_only; data_only=False, so a formula is
    seen as a formula and never evaluated, nor its cached value trusted): a row with a formula is refused.
    openpyxl parses the XML through defusedxml (a dependency), so entities are not expanded."""
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise ContactImportError(
            [RowProblem(0, "XLSX files cannot be read safely here (install defusedxml)")]
        )
    _check_package(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
        sheet = workbook.active
        rows = list(sheet.iter_rows()) if sheet is not None else []
    except Exception as exc:  # a broken or hostile workbook: one clear problem, no traceback
        raise ContactImportError([RowProblem(0, _unreadable(exc))]) from None
    if not rows:
        raise ContactImportError([RowProblem(1, "the sheet is empty")])
    header = [str(c.value or "").strip() for c in rows[0]]
    _check_header(header)
    result: list[tuple[int, dict[str, str]]] = []
    for i, cells in enumerate(rows[1:], start=2):
        formulas = [h for h, c in zip(header, cells, strict=False) if h and c.data_type == "f"]
        values = {
            h: "" if h in formulas or c.value is None else str(c.value).strip()
            for h, c in zip(header, cells, strict=False)
            if h
        }
        if formulas:
            values["_formula"] = ", ".join(formulas)
        result.append((i, values))
    return result


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
        if row.get("_formula"):
            reasons.append(f"a formula in {row['_formula']}: formulas are not read, type the values")
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
def import_contacts(path: Path, *, actor: Actor, skip_invalid: bool = False) -> ContactImport:
    """Import contacts. Any bad row stops the whole import unless ``skip_invalid``: then good rows go in.
    Recorded in the audit log (the file's name and the counts)."""
    good, problems = check_rows(read_rows(path))
    if problems and not skip_invalid:
        raise ContactImportError(problems)
    Contact.objects.bulk_create(good)
    record(actor, Action.CONTACTS_IMPORTED, "", file=path.name, contacts=len(good), left_out=len(problems))
    return ContactImport(created=len(good), problems=problems)
