"""Reading questionnaire files: YAML in, a validated ``Questionnaire`` or a list of clear problems out.

Every problem names the file, the line, the question (when there is one) and what is wrong, so that an
author can fix the file without reading a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from luotain.errors import InvalidInput

from .model import QUESTION_TYPES, Questionnaire


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    question: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" question '{self.question}':" if self.question else ""
        return f"{where}:{who} {self.message}"


class QuestionnaireError(InvalidInput):
    """A questionnaire file that cannot be used; ``problems`` lists everything found wrong."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_questionnaire(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError([Problem(str(path), None, None, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), None, None, f"cannot read the file: {exc}")]) from None
    return parse_questionnaire(text, str(path))


# Values in a file once YAML aliases are expanded: a few lines of anchors and aliases can otherwise stand for
# billions of values ("billion laughs"). The 2024 survey has about 3,000.
MAX_VALUES = 100_000


def parse_questionnaire(text: str, filename: str = "<questionnaire>") -> Questionnaire:
    """The questionnaire in ``text`` (YAML, read with the safe loader only: no objects, no code)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_size(node, filename)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError([Problem(filename, line, None, f"not valid YAML: {reason}")]) from None
    except RecursionError:
        raise QuestionnaireError([Problem(filename, None, None, "the file is nested too deeply")]) from None
    if not isinstance(data, dict) or node is None:
        raise QuestionnaireError(
            [Problem(filename, 1, None, "the file must be a mapping with 'id', 'title', 'sections'")]
        )
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(_problems(exc, data, node, filename)) from None


def _check_size(root: yaml.Node | None, filename: str) -> None:
    """Refuse a file whose aliases refer to themselves or expand to more than MAX_VALUES values."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            line = node.start_mark.line + 1
            raise QuestionnaireError([Problem(filename, line, None, "a YAML alias refers to itself")])
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total = 1 + sum(size(child) for child in children)
        open_nodes.discard(key)
        sizes[key] = total
        if total > MAX_VALUES:
            raise QuestionnaireError(
                [
                    Problem(
                        filename, None, None, f"the file expands to over {MAX_VALUES:,} values (YAML aliases)"
                    )
                ]
            )
        return total

    if root is not None:
        size(root)


# The built-in templates: each questionnaire NAME.yaml with, beside it, its report spec NAME.report.yaml and
# the codebooks of its open questions NAME.QUESTION.codebook.yaml.
BUILTIN_TEMPLATES = ("luotain.mll", "templates")


def builtin_file(filename: str) -> Path:
    """A file of the built-in templates' folder (it may not exist)."""
    package, folder = BUILTIN_TEMPLATES
    return Path(str(resources.files(package) / folder / filename))


def builtin_template_path(name: str) -> Path:
    path = builtin_file(f"{name}.yaml")
    if not path.exists():
        raise QuestionnaireError([Problem(name, None, None, f"no built-in template named '{name}'")])
    return path


def builtin_templates() -> list[str]:
    """The built-in questionnaires (not their report specs and codebooks)."""
    folder = builtin_file("x").parent
    names = (p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    return sorted(name for name in names if "." not in name)


def load_builtin(name: str) -> Questionnaire:
    return load_questionnaire(builtin_template_path(name))


_QUESTION_IN_MESSAGE = re.compile(r"^(?:question|section) '([^']+)': ")


def _problems(exc: ValidationError, data: dict[str, Any], root: yaml.Node, filename: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        raw_path = _strip_union_tags(loc, data)
        question = _question_at(raw_path, data)
        if not raw_path and err["type"] == "value_error":
            # Cross-reference problems found by the questionnaire validator, one per item.
            message = str(err["msg"]).removeprefix("Value error, ")
            for item in message.split("; "):
                match = _QUESTION_IN_MESSAGE.match(item)
                ident = match.group(1) if match else None
                text = item[match.end() :] if match else item
                is_section = item.startswith("section ")
                problems.append(
                    Problem(
                        filename,
                        _line_of_id(root, ident) if ident else None,
                        None if is_section else ident,
                        f"section '{ident}': {text}" if is_section else text,
                    )
                )
            continue
        problems.append(Problem(filename, _line_at(root, raw_path), question, _message(err, raw_path)))
    return problems


def _message(err: Any, raw_path: list[Any]) -> str:
    names = [str(p) if isinstance(p, str) else f"[{p + 1}]" for p in raw_path[-3:]]
    while names and names[0].startswith("["):
        names.pop(0)
    field = "".join(n if n.startswith("[") else f".{n}" for n in names).lstrip(".") or "file"
    kind = err["type"]
    if kind == "union_tag_invalid":
        tag = err["ctx"].get("tag")
        return f"unknown type '{tag}' (known types: {', '.join(sorted(QUESTION_TYPES))})"
    if kind == "union_tag_not_found":
        return f"'type' is missing (known types: {', '.join(sorted(QUESTION_TYPES))})"
    if kind == "missing":
        return f"'{raw_path[-1]}' is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{raw_path[-1]}'"
    if kind == "string_pattern_mismatch":
        return f"{field}: '{err['input']}' is not a valid id (lower-case letters, digits and _)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{field}: {msg}"


def _strip_union_tags(loc: list[Any], data: Any) -> list[Any]:
    """Drop the discriminator tags pydantic puts into error locations, leaving the path in the file."""
    path: list[Any] = []
    current = data
    for part in loc:
        is_tag = isinstance(current, dict) and isinstance(part, str) and part not in current
        if is_tag and (current.get("type") == part or part in QUESTION_TYPES or part.startswith("function-")):
            continue
        path.append(part)
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            current = None
    return path


def _question_at(path: list[Any], data: Any) -> str | None:
    current = data
    question = None
    for i, part in enumerate(path):
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            break
        if i > 0 and path[i - 1] == "questions" and isinstance(current, dict):
            question = str(current.get("id")) if current.get("id") is not None else f"#{part + 1}"
    return question


def _line_at(root: yaml.Node, path: list[Any]) -> int | None:
    node = root
    line = node.start_mark.line + 1
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _line_of_id(root: yaml.Node, ident: str) -> int | None:
    """The line where a mapping with ``id: ident`` sits (the first one, for a duplicate the second)."""
    lines: list[int] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "id" and isinstance(value, yaml.ScalarNode) and value.value == ident:
                    lines.append(key.start_mark.line + 1)
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(root)
    if not lines:
        return None
    return lines[1] if len(lines) > 1 else lines[0]
