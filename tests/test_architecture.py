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
