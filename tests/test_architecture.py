"""The layering rule: nothing outside luotain.web imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "luotain"


def imported_modules(path: Path, *, with_names: bool = False) -> set[str]:
    """The modules a file imports; ``with_names``: "from a import b" counts as a.b (b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{a.name}" for a in node.names} if with_names else {node.module}
    return names


def test_no_django_outside_web():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "web" in path.relative_to(SRC).parts:
            continue
        if any(m == "django" or m.startswith("django.") for m in imported_modules(path)):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_the_command_line_reaches_the_web_layer_only_through_its_commands():
    """luotain.cli is glue: its database side is luotain.web.commands, which raises luotain.errors."""

    def web_imports(path: Path) -> set[str]:
        return {m for m in imported_modules(path, with_names=True) if m.startswith("luotain.web.")}

    offenders = {
        str(path.relative_to(SRC)): sorted(web_imports(path) - {"luotain.web.commands"})
        for path in (SRC / "cli").rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}
    assert web_imports(SRC / "cli" / "base.py") == {"luotain.web.commands"}


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


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports, at the top or inside a function alike."""
    modules = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(("luotain", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_circle_check_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_arrows_run_one_way_between_the_pure_packages():
    """questionnaire → responses → analysis → present → report: nothing imports a package further down."""
    order = ["questionnaire", "responses", "analysis", "present", "report"]
    graph = import_graph()
    backwards = [
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if module.split(".")[1] in order
        and target.split(".")[1] in order
        and order.index(target.split(".")[1]) > order.index(module.split(".")[1])
    ]
    assert backwards == []
