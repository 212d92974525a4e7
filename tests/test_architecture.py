"""The layering rule: nothing outside luotain.web imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "luotain"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_django_outside_web():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "web" in path.relative_to(SRC).parts:
            continue
        if any(m == "django" or m.startswith("django.") for m in imported_modules(path)):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_the_check_sees_django_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from django.db import models\n")
    assert "django.db" in imported_modules(probe)


def test_only_the_command_line_exits():
    """Library code raises typed errors; only luotain.cli turns them into messages and exit statuses."""
    offenders = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if parts[0] == "cli" or parts == ("__main__.py",):
            continue
        text = path.read_text(encoding="utf-8")
        if "SystemExit" in text or "sys.exit(" in text:
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_every_error_of_ours_is_a_luotain_error():
    """One base for the errors a person reads (luotain.errors): every exception class defined in the code
    derives from it, so the command line catches them all in one place."""
    import importlib
    import inspect

    from luotain.errors import LuotainError

    orphans = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "migrations" in parts or parts[-1] == "__main__":
            continue
        name = ".".join(("luotain", *parts)).removesuffix(".__init__")
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            ours = cls.__module__ == name and issubclass(cls, BaseException)
            if ours and not issubclass(cls, LuotainError):
                orphans.append(f"{name}.{cls.__name__}")
    assert orphans == []
