"""What XLSForm reading and writing share: sheet and column names, languages, and the small expression
language of ``relevant`` and ``constraint`` that Luotain can express.

XLSForm (https://xlsform.org) is the spreadsheet form format of ODK, KoboToolbox and others. A questionnaire
written by ``xlsform_write`` converts with pyxform; ``xlsform_read`` reads such files (and other tools' forms)
back, listing by row whatever it cannot convert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from luotain.errors import InvalidInput
from luotain.questionnaire.model import LANGUAGES

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
# Language names (lower case) that XLSForm columns use without a code in parentheses.
_NAMED_LANGUAGES = {
    "fi": "fi",
    "finnish": "fi",
    "suomi": "fi",
    "sv": "sv",
    "swedish": "sv",
    "svenska": "sv",
    "ruotsi": "sv",
    "en": "en",
    "english": "en",
    "englanti": "en",
}
# The column of Luotain's own fields that XLSForm has no column for (a YAML mapping); pyxform ignores it.
EXTRA_COLUMN = "luotain"
# The choice-sheet column by which an organisation list is narrowed to the type the respondent chose.
ORG_FILTER_COLUMN = "type"
TEXT_MAX_LENGTH_DEFAULT = 5000


def language_column(base: str, lang: str) -> str:
    """``label::Suomi (fi)``: a translated column as pyxform reads it."""
    return f"{base}::{LANGUAGE_NAMES[lang]} ({lang})"


def parse_column(header: str) -> tuple[str, str | None]:
    """The base name and the language of a column header: ``label::Svenska (sv)`` → ``('label', 'sv')``.

    The language is None when the column has none, or the language's name or code as written when Luotain
    does not know it (a language outside fi, sv, en)."""
    base, sep, rest = header.strip().partition("::")
    base = base.strip().lower().replace(" ", "_")
    if not sep:
        return base, None
    rest = rest.strip()
    code = re.search(r"\(([^()]+)\)\s*$", rest)
    if code:
        key = code.group(1).strip().lower()
        return base, key if key in LANGUAGES else rest
    return base, _NAMED_LANGUAGES.get(rest.lower(), rest)


@dataclass(frozen=True)
class ConversionNote:
    """Something of a form that was not converted as it was: left out (``dropped``) or changed."""

    sheet: str
    row: int | None
    name: str | None
    message: str
    dropped: bool = True

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row else self.sheet
        who = f" ({self.name})" if self.name else ""
        kind = "not converted" if self.dropped else "changed"
        return f"{where}{who}: {kind}: {self.message}"


class XlsFormError(InvalidInput):
    """A form that cannot be read at all (no survey sheet, no type column, ...), or one pyxform refuses."""


# -- expressions ----------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{\s*(?P<name>[^}\s]+)\s*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|>=|<=|=|>|<)|(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<dot>\.(?![\d]))|(?P<word>[A-Za-z_][\w:-]*))"
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(expr: str) -> list[Token] | None:
    """The tokens of an expression, or None when it holds something outside the small language."""
    tokens: list[Token] = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None or match.end() == pos:
            return None
        kind = match.lastgroup or ""
        if kind == "name":
            kind = "ref"
        text = match.group("name") if kind == "ref" else match.group(kind).strip()
        tokens.append(Token(kind, text))
        pos = match.end()
    return tokens


def literal(token: Token) -> str | int | float | None:
    if token.kind == "str":
        return token.text[1:-1]
    if token.kind == "num":
        number = float(token.text)
        return int(number) if number.is_integer() and "." not in token.text else number
    return None


@dataclass(frozen=True)
class Term:
    """One comparison of a condition: ``selected(${q}, 'v')`` (op ``selected``) or ``${q} OP value``."""

    name: str
    op: str
    value: str | int | float


def parse_disjunction(expr: str) -> list[Term] | str:
    """``relevant`` as comparisons joined by ``or`` (parentheses allowed), or why it is not of that shape."""
    tokens = tokenize(expr)
    reason = "only comparisons joined by 'or' can be expressed"
    if not tokens:
        return reason
    terms: list[Term] = []
    end = _disjunction(tokens, 0, terms)
    if end != len(tokens):
        word = tokens[end].text if end is not None and end < len(tokens) else None
        return f"'{word}' cannot be expressed ({reason})" if word in ("and", "not", "!=") else reason
    return terms


def _disjunction(tokens: list[Token], i: int, terms: list[Term]) -> int | None:
    """Read ``term (or term)*`` from ``i``, adding to ``terms``; the index after it, or None."""
    while True:
        end = _term(tokens, i, terms)
        if end is None:
            return None
        if end < len(tokens) and tokens[end].kind == "word" and tokens[end].text == "or":
            i = end + 1
            continue
        return end


def _term(tokens: list[Token], i: int, terms: list[Term]) -> int | None:
    rest = tokens[i:]
    if rest and rest[0].kind == "lp":
        end = _disjunction(tokens, i + 1, terms)
        if end is None or end >= len(tokens) or tokens[end].kind != "rp":
            return None
        return end + 1
    kinds = [t.kind for t in rest[:6]]
    if len(rest) >= 6 and rest[0].text == "selected" and kinds[:4] == ["word", "lp", "ref", "comma"]:
        value = literal(rest[4])
        if value is None or kinds[5] != "rp":
            return None
        terms.append(Term(rest[2].text, "selected", value))
        return i + 6
    if len(rest) >= 3 and kinds[0] == "ref" and kinds[1] == "op":
        value = literal(rest[2])
        if value is None:
            return None
        terms.append(Term(rest[0].text, rest[1].text, value))
        return i + 3
    return None


def parse_bounds(expr: str) -> tuple[dict[str, float], str | None]:
    """A constraint of comparisons of ``.`` joined by ``and``: the bounds found (``>=``, ``>``, ``<=``, ``<``
    keyed by operator), or the reason it is not of that shape."""
    tokens = tokenize(expr)
    if tokens is None:
        return {}, "the constraint is not a range of '.'"
    bounds: dict[str, float] = {}
    i = 0
    while i < len(tokens):
        part = tokens[i : i + 3]
        if len(part) < 3 or part[0].kind != "dot" or part[1].kind != "op" or part[2].kind != "num":
            return {}, "the constraint is not a range of '.'"
        if part[1].text in bounds or part[1].text in ("=", "!="):
            return {}, "the constraint is not a range of '.'"
        bounds[part[1].text] = float(part[2].text)
        i += 3
        if i < len(tokens):
            if tokens[i].text != "and":
                return {}, "the constraint is not a range of '.'"
            i += 1
    return bounds, None


def parse_function_limit(expr: str, function: str) -> int | None:
    """N of ``function(.) <= N`` (``string-length``, ``count-selected``), or None."""
    match = re.fullmatch(rf"\s*{re.escape(function)}\s*\(\s*\.\s*\)\s*(<=|<)\s*(\d+)\s*", expr)
    if match is None:
        return None
    return int(match.group(2)) - (1 if match.group(1) == "<" else 0)


def quote(value: str | int | float) -> str:
    if isinstance(value, str):
        return f"'{value}'" if "'" not in value else f'"{value}"'
    return str(value)


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or it with a number, whichever ``taken`` does not have yet (it has it then)."""
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    taken.add(name)
    return name


def is_xlsform(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")
