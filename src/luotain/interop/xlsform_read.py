"""XLSForm in: an ODK or KoboToolbox form (``.xlsx``) as a Luotain questionnaire.

Converted: ``select_one`` and ``select_multiple`` (``or_other`` and a ``NAME_other`` text asking for the
chosen option become an "other" option), a group of ``select_one`` questions on one list with the
``table-list`` or ``likert`` appearance (a matrix), ``integer`` with the range 0–10 (a recommendation),
``range`` and ``select_one`` with the ``likert`` appearance and whole-number choices (a rating), ``integer``
and ``decimal`` with their range, ``text``, groups (pages), ``label::Language (code)`` columns (languages),
``hint``, ``required``, and ``relevant`` where Luotain can express it: comparisons of one earlier question
joined by ``or``. A condition on a question of the same page starts a new page there, since Luotain's pages
decide what they show before they are sent.

What is not converted, or is converted with a change, is listed as ``ConversionNote``s by sheet, row and
reason; nothing is left out without a note.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from luotain.questionnaire import Question, Questionnaire
from luotain.questionnaire.model import IDENT, LANGUAGES, OPTION_IDENT
from luotain.registry import ORGANISATION_KINDS, default_registry

from .sheets import cell_text
from .xlsform import (
    EXTRA_COLUMN,
    ORG_FILTER_COLUMN,
    ConversionNote,
    Term,
    XlsFormError,
    parse_bounds,
    parse_column,
    parse_disjunction,
    parse_function_limit,
    unique_name,
)

_QUESTION = TypeAdapter(Question)
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "calculate",
    "hidden",
    "xml-external",
    "csv-external",
}
OTHER_LABEL = {"fi": "Muu, mikä?", "sv": "Annat, vad?", "en": "Other, please specify"}
# Appearances that change only the look of a question in ODK; Luotain draws its pages its own way.
LOOK_APPEARANCES = {
    "field-list",
    "minimal",
    "horizontal",
    "horizontal-compact",
    "compact",
    "quick",
    "columns",
}
HANDLED_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "appearance",
    EXTRA_COLUMN,
}
MESSAGE_COLUMNS = ("constraint_message", "required_message", "guidance_hint")
TRUE_WORDS = {"yes", "true", "true()", "1", "kyllä"}
FALSE_WORDS = {"", "no", "false", "false()", "0", "ei"}


class _Dumper(yaml.SafeDumper):
    """YAML without anchors and aliases: every text written out where it belongs."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass
class XlsFormConversion:
    """A converted form: the questionnaire, its data as written to YAML, and the notes of the conversion."""

    questionnaire: Questionnaire
    data: dict[str, Any]
    notes: list[ConversionNote]

    @property
    def left_out(self) -> list[ConversionNote]:
        return [n for n in self.notes if n.dropped]

    def to_yaml(self, source: str) -> str:
        lines = [f"# Converted from {source} by `luotain convert`."]
        if self.notes:
            lines.append("# What was not converted as it was in the form (check these):")
            lines += [f"#   {note}" for note in self.notes]
        body = yaml.dump(self.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
        return "\n".join(lines) + "\n" + body


@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # header -> text


@dataclass
class _Node:
    row: _Row
    kind: str  # "group", "repeat" or the question type's first word
    children: list[_Node] = field(default_factory=list)


@dataclass
class _Target:
    """A converted question as a condition sees it."""

    id: str
    type: str
    section: int
    options: dict[str, str] = field(default_factory=dict)  # the form's choice name -> option id
    values: tuple[int, ...] = ()


@dataclass
class _Section:
    data: dict[str, Any]
    name: str


def read_xlsform(path: str | Path) -> XlsFormConversion:
    """Convert the XLSForm at ``path``; raises ``XlsFormError`` when it cannot be read at all."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise XlsFormError(f"{path}: no such file") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise XlsFormError(f"{path}: not an .xlsx workbook ({exc})") from None
    sheets = {name.strip().lower(): book[name] for name in book.sheetnames}
    if "survey" not in sheets:
        raise XlsFormError(f"{path}: the workbook has no 'survey' sheet")
    read = {name: _rows(sheet) for name, sheet in sheets.items() if name in ("survey", "choices", "settings")}
    book.close()
    return _Converter(path.stem, read).convert()


def _rows(sheet: Any) -> tuple[list[str], list[_Row]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    out: list[_Row] = []
    for number, values in enumerate(rows, start=2):
        cells = {h: cell_text(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            out.append(_Row(number, cells))
    return header, out


def ident(name: str, pattern: str, used: set[str], fallback: str = "q") -> str:
    """An id matching ``pattern`` made from ``name``: lower case ASCII, ``_`` for the rest, unique in
    ``used`` (which it joins)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9_]+", "_", text).strip("_")
    text = re.sub(r"_+", "_", text)
    if not re.match(pattern, text):
        text = f"{fallback}_{text}".strip("_")
    return unique_name(text, used)


class _Converter:
    def __init__(self, stem: str, sheets: dict[str, tuple[list[str], list[_Row]]]):
        self.stem = stem
        self.notes: list[ConversionNote] = []
        self.survey_header, self.survey = sheets["survey"]
        choices_header, choice_rows = sheets.get("choices", ([], []))
        _settings_header, settings_rows = sheets.get("settings", ([], []))
        self.settings = settings_rows[0].cells if settings_rows else {}
        self.settings_row = settings_rows[0].number if settings_rows else None
        if not any(parse_column(h)[0] == "type" for h in self.survey_header):
            raise XlsFormError("the survey sheet has no 'type' column")
        self.columns = self._language_columns(self.survey_header, "survey")
        self.choice_columns = self._language_columns(choices_header, "choices")
        self.lists: dict[str, list[_Row]] = {}
        for row in choice_rows:
            name = _get(row, "list_name") or _get(row, "list name")
            if name:
                self.lists.setdefault(name, []).append(row)
        self.question_ids: set[str] = set()
        self.section_ids: set[str] = set()
        self.targets: dict[str, _Target] = {}
        self.added: dict[str, dict[str, Any]] = {}
        self.sections: list[_Section] = []
        self.current: _Section | None = None
        self.intro: dict[str, str] | None = None
        self.thanks: dict[str, str] | None = None
        self.languages: list[str] = []

    # -- languages ----------------------------------------------------------------------------------------

    def _language_columns(self, header: list[str], sheet: str) -> dict[str, dict[str, str]]:
        """For each text column (label, hint, ...): language code -> header, the plain column standing for
        the default language (settings), else Finnish; languages Luotain does not know are noted and left
        out."""
        default = parse_column(f"x::{self.settings.get('default_language', '')}")[1]
        columns: dict[str, dict[str, str]] = {}
        plain: dict[str, str] = {}
        for h in header:
            base, lang = parse_column(h)
            if base not in ("label", "hint", "constraint_message", "required_message", "guidance_hint"):
                continue
            if lang is None:
                plain[base] = h
            elif lang in LANGUAGES:
                columns.setdefault(base, {})[lang] = h
            elif base == "label":
                self.notes.append(
                    ConversionNote(
                        sheet, 1, h, f"language '{lang}': Luotain has Finnish, Swedish and English"
                    )
                )
        for base, h in plain.items():
            by_lang = columns.setdefault(base, {})
            lang = default if default in LANGUAGES else "fi"
            if lang not in by_lang:
                by_lang[lang] = h
            elif base == "label":
                self.notes.append(
                    ConversionNote(
                        sheet,
                        1,
                        h,
                        f"the column without a language is left out: '{by_lang[lang]}' has those texts",
                    )
                )
        return columns

    def _text(self, row: _Row, base: str = "label") -> dict[str, str] | None:
        by_lang = self.columns.get(base, {})
        text = {lang: row.cells.get(h, "") for lang, h in by_lang.items() if row.cells.get(h, "")}
        if not text:
            return None
        if "fi" not in text:
            stand_in = next(lang for lang in ("en", "sv") if lang in text)
            text = {"fi": text[stand_in], **text}
            self._note_stand_in(stand_in)
        return {lang: text[lang] for lang in LANGUAGES if lang in text}

    _stand_in_noted = False

    def _note_stand_in(self, lang: str) -> None:
        if not self._stand_in_noted:
            self._stand_in_noted = True
            self.notes.append(
                ConversionNote(
                    "survey",
                    None,
                    None,
                    f"texts without Finnish: the '{lang}' text stands in the Finnish place (Luotain needs "
                    "Finnish); translate them",
                    dropped=False,
                )
            )

    # -- the walk -------------------------------------------------------------------------------------------

    def convert(self) -> XlsFormConversion:
        label_langs = set(self.columns.get("label", {})) | set(self.choice_columns.get("label", {}))
        self.languages = ["fi", *[lang for lang in LANGUAGES if lang != "fi" and lang in label_langs]]
        tree = []
        for node in self._tree():  # metadata is left out wherever it stands (start, end, deviceid, ...)
            if node.kind in METADATA_TYPES:
                self._drop(node.row, f"'{node.kind}' is not a question a respondent answers")
            else:
                tree.append(node)
        intro_end = 0
        while intro_end < len(tree) and tree[intro_end].kind == "note":
            intro_end += 1
        outro_start = len(tree)
        while outro_start > intro_end and tree[outro_start - 1].kind == "note":
            outro_start -= 1
        self.intro = self._notes_text(tree[:intro_end])
        self.thanks = self._notes_text(tree[outro_start:])
        self._walk(tree[intro_end:outro_start], parent=None)
        return self._result()

    def _notes_text(self, nodes: list[_Node]) -> dict[str, str] | None:
        for extra in nodes[1:]:
            self._drop(
                extra.row,
                "a note has no place here in Luotain (only one note before the first "
                "question, one after the last and one at the top of a group are kept)",
            )
        return self._text(nodes[0].row) if nodes else None

    def _tree(self) -> list[_Node]:
        root: list[_Node] = []
        stack: list[list[_Node]] = [root]
        for row in self.survey:
            kind = _type_words(_get(row, "type"))[0]
            if kind in ("begin_group", "begin_repeat"):
                node = _Node(row, "group" if kind == "begin_group" else "repeat")
                stack[-1].append(node)
                stack.append(node.children)
            elif kind in ("end_group", "end_repeat"):
                if len(stack) > 1:
                    stack.pop()
                else:
                    self._drop(row, f"'{kind}' without a beginning")
            elif kind:
                stack[-1].append(_Node(row, kind))
            else:
                self._drop(row, "no type")
        return root

    def _walk(self, nodes: list[_Node], parent: _Node | None) -> None:
        for node in nodes:
            if node.kind == "repeat":
                self._drop(
                    node.row,
                    "a repeat (questions asked again and again) has no Luotain equivalent; "
                    f"its {_count(node)} rows are left out",
                )
            elif node.kind == "group" and self._is_matrix(node):
                self._add(node.row, self._matrix(node), parent)
            elif node.kind == "group":
                self._open_section(node)
                children = node.children
                if children and children[0].kind == "note" and self.current is not None:
                    description = self._text(children[0].row)
                    if description:
                        self.current.data["description"] = description
                    children = children[1:]
                self._walk(children, parent=node)
                self._close_section()
            elif node.kind == "note":
                self._drop(node.row, "a note between questions has no place in Luotain")
            elif node.kind == "text" and self._merge_other(node.row):
                continue
            else:
                self._add(node.row, self._question(node.row), parent)

    # -- sections -------------------------------------------------------------------------------------------

    def _open_section(self, group: _Node | None, continuing: bool = False) -> None:
        """Start a page for ``group`` (or the questions outside any group); ``continuing``: a further page of
        a group whose page was cut, keeping its title and condition."""
        self._close_section()
        row = group.row if group else None
        name = _get(row, "name")
        title = (self._text(row) if row else None) or self._form_title()
        data: dict[str, Any] = {"id": ident(name or "page", IDENT, self.section_ids, "page"), "title": title}
        earlier = next((s for s in reversed(self.sections) if s.name == name), None) if continuing else None
        section = _Section(data, name)
        self.sections.append(section)
        self.current = section
        if earlier is not None and "show_if" in earlier.data:
            data["show_if"] = dict(earlier.data["show_if"])
        elif row and _get(row, "relevant") and not continuing:
            condition = self._condition(row, _get(row, "relevant"), section_level=True)
            if condition is not None:
                data["show_if"] = condition
        data["questions"] = []
        if name and data["id"] != name and not continuing:
            self._change(row, f"the group's name becomes the page id '{data['id']}'")

    def _close_section(self) -> None:
        if self.current is not None and not self.current.data["questions"]:
            self.sections.remove(self.current)
            self.notes.append(
                ConversionNote(
                    "survey",
                    None,
                    self.current.name or None,
                    "a group with no question Luotain can ask is left out",
                )
            )
        self.current = None

    def _form_title(self) -> dict[str, str]:
        return {"fi": self.settings.get("form_title") or self.stem}

    def _add(self, row: _Row, question: dict[str, Any] | None, parent: _Node | None) -> None:
        if question is None:
            return
        if self.current is None:
            self._open_section(parent, continuing=True)
        assert self.current is not None
        relevant = _get(row, "relevant")
        if relevant:
            condition = self._condition(row, relevant)
            if condition is not None:
                target = self.targets[_first_name(relevant)]
                if target.section == len(self.sections) - 1:
                    self._change(row, "a new page starts here: a condition looks back only at earlier pages")
                    self._open_section(parent, continuing=True)
                question["show_if"] = condition
        try:
            _QUESTION.validate_python(question)
        except ValidationError as exc:
            self._drop(row, f"the question does not fit Luotain: {_first_error(exc)}")
            self.targets.pop(_get(row, "name"), None)
            return
        assert self.current is not None
        self.current.data["questions"].append(question)
        if _get(row, "name") in self.targets:
            self.targets[_get(row, "name")].section = len(self.sections) - 1
        self.added[_get(row, "name")] = question

    def _merge_other(self, row: _Row) -> bool:
        """A text question ``NAME_other`` right after the choice question NAME, shown when one option is
        chosen, is that option's "other" text (as ``luotain convert`` writes it, and as forms often ask)."""
        terms = parse_disjunction(_get(row, "relevant")) if _get(row, "relevant") else None
        if not isinstance(terms, list) or len(terms) != 1 or terms[0].op not in ("selected", "="):
            return False
        name = terms[0].name
        question = self.added.get(name)
        target = self.targets.get(name)
        page: list[dict[str, Any]] = self.current.data["questions"] if self.current else []
        if _get(row, "name") != f"{name}_other" or question is None or target is None:
            return False
        if not page or question is not page[-1]:
            return False
        option_id = target.options.get(str(terms[0].value))
        options = question.get("options", [])
        if option_id is None or any(o.get("other") for o in options if o["id"] != option_id):
            return False
        option = next(o for o in options if o["id"] == option_id)
        option["other"] = True
        if self._text(row) != option["label"]:
            self._change(
                row,
                f"the text becomes the free text of the option '{option_id}' of '{question['id']}' "
                "(asked with the option's label)",
            )
        return True

    # -- questions ------------------------------------------------------------------------------------------

    def _question(self, row: _Row) -> dict[str, Any] | None:
        words = _type_words(_get(row, "type"))
        kind = words[0]
        if kind in METADATA_TYPES:
            self._drop(row, f"'{kind}' is not a question a respondent answers")
            return None
        makers = {
            "select_one": self._select,
            "select_multiple": self._select,
            "integer": self._number,
            "decimal": self._number,
            "range": self._range,
            "text": self._open_text,
        }
        if kind not in makers:
            self._drop(row, f"Luotain has no question type for '{_get(row, 'type')}'")
            return None
        text = self._text(row)
        if text is None:
            self._drop(row, "the question has no label")
            return None
        base = self._base(row, text)
        question = makers[kind](row, words, base)
        if question is None:
            return None
        self._unhandled_columns(row, question)
        return self._with_extras(row, question)

    def _base(self, row: _Row, text: dict[str, str]) -> dict[str, Any]:
        name = _get(row, "name")
        qid = ident(name, IDENT, self.question_ids)
        if qid != name:
            self._change(row, f"the name becomes the id '{qid}'")
        base: dict[str, Any] = {"id": qid, "type": "", "text": text}
        help_text = self._text(row, "hint")
        if help_text:
            base["help"] = help_text
        required = _get(row, "required").lower()
        if required in TRUE_WORDS:
            base["required"] = True
        elif required not in FALSE_WORDS:
            self._drop(row, f"required only when '{_get(row, 'required')}': the question is not required")
        for extra in MESSAGE_COLUMNS:
            if any(row.cells.get(h) for h in self.columns.get(extra, {}).values()):
                self._drop(row, f"{extra} is not kept (Luotain words its own messages)")
        return base

    def _target(self, base: dict[str, Any], row: _Row, **kw: Any) -> None:
        """What a later condition needs of this question; its page is set when it is added."""
        self.targets[_get(row, "name")] = _Target(base["id"], base["type"], -1, **kw)

    def _select(self, row: _Row, words: list[str], base: dict[str, Any]) -> dict[str, Any] | None:
        kind = words[0]
        if len(words) < 2 or words[1] not in self.lists:
            self._drop(
                row, f"the choice list '{words[1] if len(words) > 1 else ''}' is not on the choices sheet"
            )
            return None
        choices = self.lists[words[1]]
        names = [_get(c, "name") for c in choices]
        or_other = len(words) > 2 and words[2] == "or_other"
        appearance = set(_get(row, "appearance").split())
        registry = default_registry().organisations
        if kind == "select_one" and all(n in registry for n in names):
            return self._organisation(row, base, names)
        if (
            kind == "select_one"
            and "likert" in appearance
            and not or_other
            and all(_is_int(n) for n in names)
        ):
            base.update(
                type="rating",
                points=[
                    {"value": int(n), "label": self._choice_text(c)}
                    for n, c in zip(names, choices, strict=True)
                ],
            )
            self._target(base, row, options={n: n for n in names}, values=tuple(int(n) for n in names))
            self._appearance(row, {"likert"})
            self._no_constraint(row)
            return base
        used: set[str] = set()
        options, mapping = self._options(choices, used)
        if or_other:
            other = next((o for o in options if o["id"] == "other"), None)
            if other is None:
                other = {"id": ident("other", OPTION_IDENT, used), "label": self._other_label()}
                options.append(other)
                mapping["other"] = other["id"]
            other["other"] = True
        base.update(type="single_choice" if kind == "select_one" else "multiple_choice", options=options)
        constraint = _get(row, "constraint")
        if constraint and kind == "select_multiple" and parse_function_limit(constraint, "count-selected"):
            base["max_choices"] = parse_function_limit(constraint, "count-selected")
        else:
            self._no_constraint(row)
        self._appearance(row, set())
        self._target(base, row, options=mapping)
        return base

    def _options(self, choices: list[_Row], used: set[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The options of a choice list, and the form's choice names -> option ids."""
        options: list[dict[str, Any]] = []
        mapping: dict[str, str] = {}
        for choice in choices:
            name = _get(choice, "name")
            oid = ident(name, OPTION_IDENT, used, "o")
            if oid != name:
                self._change(choice, f"the choice '{name}' becomes the option id '{oid}'", sheet="choices")
            mapping[name] = oid
            option = {"id": oid, "label": self._choice_text(choice)}
            extra = _yaml_mapping(_get(choice, EXTRA_COLUMN))
            if extra is None:
                self._drop(choice, f"the '{EXTRA_COLUMN}' column is not a YAML mapping", sheet="choices")
            options.append({**option, **(extra or {})})
        return options, mapping

    def _choice_text(self, choice: _Row) -> dict[str, str]:
        by_lang = self.choice_columns.get("label", {})
        text = {lang: choice.cells.get(h, "") for lang, h in by_lang.items() if choice.cells.get(h, "")}
        if not text:
            self._change(choice, "the choice has no label: its name stands in", sheet="choices")
            return {"fi": _get(choice, "name")}
        if "fi" not in text:
            stand_in = next(lang for lang in ("en", "sv") if lang in text)
            self._note_stand_in(stand_in)
            text = {"fi": text[stand_in], **text}
        return {lang: text[lang] for lang in LANGUAGES if lang in text}

    def _other_label(self) -> dict[str, str]:
        return {lang: OTHER_LABEL[lang] for lang in self.languages}

    def _organisation(self, row: _Row, base: dict[str, Any], names: list[str]) -> dict[str, Any]:
        registry = default_registry().organisations
        kinds = sorted({registry[n].kind for n in names}, key=ORGANISATION_KINDS.index)
        base.update(type="organisation")
        if len(kinds) < 2:
            base["types"] = kinds
        choice_filter = _get(row, "choice_filter")
        if choice_filter:
            match = re.fullmatch(rf"\s*{ORG_FILTER_COLUMN}\s*=\s*\$\{{\s*([^}}\s]+)\s*\}}\s*", choice_filter)
            target = self.targets.get(match.group(1)) if match else None
            if target is not None and target.type == "single_choice":
                base["type_question"] = target.id
            else:
                self._drop(row, f"the choice filter '{choice_filter}' is not kept")
        listed = set(names)
        whole = {o.code for kind in kinds for o in default_registry().of_kind(kind)}
        if listed != whole:
            self._change(
                row,
                f"the list of {len(listed)} organisations becomes Luotain's organisation picker of "
                f"all {len(whole)} in the registry",
            )
        self._target(base, row)
        self._appearance(row, set())
        self._no_constraint(row)
        return base

    def _number(self, row: _Row, words: list[str], base: dict[str, Any]) -> dict[str, Any] | None:
        integer = words[0] == "integer"
        constraint = _get(row, "constraint")
        bounds, reason = parse_bounds(constraint) if constraint else ({}, None)
        if reason:
            self._drop(row, f"the constraint '{constraint}' is not kept: {reason}")
        low = bounds.get(">=", bounds[">"] + 1 if integer and ">" in bounds else None)
        high = bounds.get("<=", bounds["<"] - 1 if integer and "<" in bounds else None)
        if not integer and (">" in bounds or "<" in bounds):
            self._change(row, "a strict bound of a decimal becomes an inclusive one")
            low = low if low is not None else bounds.get(">")
            high = high if high is not None else bounds.get("<")
        self._appearance(row, set())
        if integer and low == 0 and high == 10:
            base.update(type="recommendation")
            self._target(base, row, values=tuple(range(11)))
            return base
        base.update(type="number")
        if not integer:
            base["integer"] = False
        if low is not None:
            base["minimum"] = _number(low)
        if high is not None:
            base["maximum"] = _number(high)
        self._target(base, row)
        return base

    def _range(self, row: _Row, words: list[str], base: dict[str, Any]) -> dict[str, Any] | None:
        params = dict(re.findall(r"(\w+)\s*=\s*([-\d.]+)", _get(row, "parameters")))
        try:
            start, end, step = (float(params.get(k, d)) for k, d in (("start", 1), ("end", 10), ("step", 1)))
        except ValueError:
            self._drop(row, f"the range's parameters '{_get(row, 'parameters')}' are not numbers")
            return None
        self._appearance(row, set())
        self._no_constraint(row)
        if (start, end, step) == (0, 10, 1):
            base.update(type="recommendation")
            self._target(base, row, values=tuple(range(11)))
            return base
        values: list[float] = []
        value = start
        while value <= end and len(values) <= 11 and step > 0:
            values.append(value)
            value += step
        if 2 <= len(values) <= 11 and all(v.is_integer() for v in values):
            base.update(
                type="rating", points=[{"value": int(v), "label": {"fi": str(int(v))}} for v in values]
            )
            self._change(row, "the range becomes a rating scale whose points are labelled by their numbers")
            self._target(base, row, values=tuple(int(v) for v in values))
            return base
        base.update(type="number", minimum=_number(start), maximum=_number(end))
        if not (step.is_integer() and start.is_integer()):
            base["integer"] = False
        self._change(row, "the range becomes a number question with the same bounds")
        self._target(base, row)
        return base

    def _open_text(self, row: _Row, words: list[str], base: dict[str, Any]) -> dict[str, Any] | None:
        base.update(type="text")
        if "multiline" in _get(row, "appearance").split():
            base["long"] = True
        self._appearance(row, {"multiline"})
        constraint = _get(row, "constraint")
        limit = parse_function_limit(constraint, "string-length") if constraint else None
        if limit is not None and limit >= 1:
            base["max_length"] = limit
        elif constraint:
            self._drop(row, f"the constraint '{constraint}' is not kept (only string-length(.) <= N is)")
        self._target(base, row)
        return base

    def _no_constraint(self, row: _Row) -> None:
        if _get(row, "constraint"):
            self._drop(row, f"the constraint '{_get(row, 'constraint')}' is not kept")

    def _appearance(self, row: _Row, used: set[str]) -> None:
        for word in _get(row, "appearance").split():
            if word not in used and word not in LOOK_APPEARANCES:
                self._drop(row, f"the appearance '{word}' is not kept")

    def _unhandled_columns(self, row: _Row, question: dict[str, Any]) -> None:
        handled = set(HANDLED_COLUMNS)
        if question["type"] == "organisation":
            handled.add("choice_filter")
        if _type_words(_get(row, "type"))[0] == "range":
            handled.add("parameters")
        for header, value in row.cells.items():
            base = parse_column(header)[0]
            if value and base not in handled and base not in MESSAGE_COLUMNS:
                self._drop(row, f"the column '{header}' ('{value}') is not kept")

    def _with_extras(self, row: _Row, question: dict[str, Any]) -> dict[str, Any]:
        """Luotain's own fields from the ``luotain`` column (written by ``luotain convert`` going out)."""
        extra = _yaml_mapping(_get(row, EXTRA_COLUMN))
        if extra is None:
            self._drop(row, f"the '{EXTRA_COLUMN}' column is not a YAML mapping")
            return question
        merged = {**question, **{k: v for k, v in extra.items() if k not in ("id", "type")}}
        try:
            _QUESTION.validate_python(merged)
        except ValidationError as exc:
            self._drop(row, f"the '{EXTRA_COLUMN}' column does not fit the question: {_first_error(exc)}")
            return question
        return merged

    # -- matrices -------------------------------------------------------------------------------------------

    def _is_matrix(self, group: _Node) -> bool:
        children = group.children
        if len(children) < 1 or any(c.kind != "select_one" for c in children):
            return False
        lists = {tuple(_type_words(_get(c.row, "type"))[1:]) for c in children}
        if len(lists) != 1:
            return False
        group_look = set(_get(group.row, "appearance").split())
        every_likert = all("likert" in _get(c.row, "appearance").split() for c in children)
        return bool(group_look & {"table-list", "likert"}) or (every_likert and len(children) > 1)

    def _matrix(self, group: _Node) -> dict[str, Any] | None:
        row = group.row
        text = self._text(row)
        if text is None:
            self._drop(row, "the group has no label to ask the matrix with")
            return None
        base = self._base(row, text)
        words = _type_words(_get(group.children[0].row, "type"))
        if len(words) < 2 or words[1] not in self.lists or len(words) > 2:
            self._drop(row, f"the matrix's list '{' '.join(words[1:])}' is not a plain choice list")
            return None
        options, _names = self._options(self.lists[words[1]], set())
        rows = []
        row_ids: set[str] = set()
        prefix = f"{_get(row, 'name')}_"
        required = []
        for child in group.children:
            name = _get(child.row, "name")
            rid = ident(name.removeprefix(prefix) if name.startswith(prefix) else name, IDENT, row_ids)
            rows.append({"id": rid, "text": self._text(child.row) or {"fi": name}})
            required.append(_get(child.row, "required").lower() in TRUE_WORDS)
            if _get(child.row, "relevant"):
                self._drop(child.row, "a condition on one row of a matrix is not kept")
            self.targets[name] = _Target(base["id"], "matrix_row", len(self.sections))
            for header, value in child.row.cells.items():
                column = parse_column(header)[0]
                if value and column not in (
                    "type",
                    "name",
                    "label",
                    "required",
                    "relevant",
                    "appearance",
                    "hint",
                ):
                    self._drop(child.row, f"the column '{header}' ('{value}') of a matrix row is not kept")
        if all(required):
            base["required"] = True
        elif any(required):
            self._drop(row, "only some rows are required: Luotain's matrix is required in every row or none")
        base.update(type="matrix", rows=rows, options=options)
        self._target(base, row)
        return self._with_extras(row, base)

    # -- conditions -----------------------------------------------------------------------------------------

    def _condition(self, row: _Row, expr: str, section_level: bool = False) -> dict[str, Any] | None:
        parsed = parse_disjunction(expr)
        if isinstance(parsed, str):
            self._drop(row, f"the condition '{expr}' is not kept: {parsed}")
            return None
        names = {t.name for t in parsed}
        if len(names) > 1:
            self._drop(row, f"the condition '{expr}' is not kept: it names several questions")
            return None
        target = self.targets.get(parsed[0].name)
        if target is None:
            self._drop(
                row,
                f"the condition '{expr}' is not kept: '{parsed[0].name}' is not an earlier "
                "question that was converted",
            )
            return None
        if section_level and target.section >= len(self.sections) - 1:
            self._drop(row, f"the condition '{expr}' is not kept: it names a question of its own group")
            return None
        values: list[str | int] = []
        for term in parsed:
            found = _values(term, target)
            if isinstance(found, str):
                self._drop(row, f"the condition '{expr}' is not kept: {found}")
                return None
            values += [v for v in found if v not in values]
        if not values:
            self._drop(row, f"the condition '{expr}' is not kept: no answer fulfils it")
            return None
        if len(values) == 1:
            return {"question": target.id, "equals": values[0]}
        return {"question": target.id, "any_of": values}

    # -- notes and the result -------------------------------------------------------------------------------

    def _drop(self, row: _Row, message: str, sheet: str = "survey") -> None:
        self.notes.append(ConversionNote(sheet, row.number, _get(row, "name") or None, message))

    def _change(self, row: _Row | None, message: str, sheet: str = "survey") -> None:
        self.notes.append(
            ConversionNote(
                sheet, row.number if row else None, _get(row, "name") if row else None, message, dropped=False
            )
        )

    def _result(self) -> XlsFormConversion:
        self._close_section()
        form_id = self.settings.get("form_id") or self.stem
        qid = (
            re.sub(
                r"[^a-z0-9-]+",
                "-",
                unicodedata.normalize("NFKD", form_id).encode("ascii", "ignore").decode().lower(),
            ).strip("-")
            or "form"
        )
        if not qid[0].isalnum():
            qid = f"form-{qid}"
        data: dict[str, Any] = {"id": qid, "title": self._form_title(), "languages": self.languages}
        if self.intro:
            data["intro"] = self.intro
        if self.thanks:
            data["thanks"] = self.thanks
        for key, value in self.settings.items():
            base = parse_column(key)[0]
            if value and base not in ("form_title", "form_id", "default_language", EXTRA_COLUMN):
                self.notes.append(
                    ConversionNote("settings", self.settings_row, key, f"the setting '{value}' is not kept")
                )
        extra = _yaml_mapping(self.settings.get(EXTRA_COLUMN, ""))
        if extra is not None:
            data.update({k: v for k, v in extra.items() if k not in ("id", "sections", "languages")})
        else:
            self.notes.append(
                ConversionNote("settings", self.settings_row, EXTRA_COLUMN, "not a YAML mapping")
            )
        data["sections"] = [s.data for s in self.sections]
        if not self.sections:
            raise XlsFormError("the form has no question that Luotain can ask")
        try:
            questionnaire = Questionnaire.model_validate(data)
        except ValidationError as exc:
            raise XlsFormError(f"the converted questionnaire is not valid: {_first_error(exc)}") from None
        sheets = ["settings", "survey", "choices"]
        self.notes.sort(key=lambda n: (sheets.index(n.sheet) if n.sheet in sheets else 9, n.row or 0))
        return XlsFormConversion(questionnaire, data, self.notes)


def _values(term: Term, target: _Target) -> list[str | int] | str:
    if target.type in ("single_choice", "multiple_choice"):
        if term.op == "selected" or (term.op == "=" and target.type == "single_choice"):
            option = target.options.get(str(term.value))
            return [option] if option else f"'{term.value}' is not a choice of the question"
        return f"'{term.op}' on a {'multiple' if target.type == 'multiple_choice' else 'single'} choice"
    if target.type in ("rating", "recommendation"):
        if not isinstance(term.value, int | float) and not str(term.value).lstrip("-").isdigit():
            return f"'{term.value}' is not a point of the scale"
        number = float(term.value)
        tests = {
            "=": number.__eq__,
            "selected": number.__eq__,
            ">=": number.__le__,
            ">": number.__lt__,
            "<=": number.__ge__,
            "<": number.__gt__,
        }
        if term.op not in tests:
            return f"'{term.op}' cannot be expressed"
        return [v for v in target.values if tests[term.op](v)]
    if target.type == "number" and term.op == "=" and isinstance(term.value, int):
        return [term.value]
    if target.type == "matrix_row":
        return "Luotain's conditions cannot name a row of a matrix"
    return f"'{term.op}' on a {target.type.replace('_', ' ')} question cannot be expressed"


def _type_words(text: str) -> list[str]:
    words = text.strip().lower().split()
    if (
        len(words) >= 2
        and words[0] in ("begin", "end", "select")
        and words[1] in ("group", "repeat", "one", "multiple")
    ):
        words = [f"{words[0]}_{words[1]}", *words[2:]]
    return words or [""]


def _get(row: _Row | None, column: str) -> str:
    if row is None:
        return ""
    if column in row.cells:
        return row.cells[column]
    for header, value in row.cells.items():
        if parse_column(header) == (column, None):
            return value
    return ""


def _first_name(expr: str) -> str:
    match = re.search(r"\$\{\s*([^}\s]+)\s*\}", expr)
    return match.group(1) if match else ""


def _count(node: _Node) -> int:
    return 1 + sum(_count(c) for c in node.children)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text))


def _yaml_mapping(text: str) -> dict[str, Any] | None:
    """The mapping in a ``luotain`` cell ({} when empty), or None when the cell holds something else."""
    if not text.strip():
        return {}
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
    return f"{where}: {err['msg']}" if where else str(err["msg"])
