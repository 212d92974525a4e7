"""Support for the real-browser tests: Debian's Chromium through Playwright, the pinned axe-core, and
keyboard-only helpers.

axe-core is fetched by ``make`` (never by a test): ``python tests/browser_support.py fetch-axe PATH``
downloads the pinned tarball from the npm registry, checks it against the sha512 integrity the registry
published for that version, and writes its ``axe.min.js`` to PATH.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

AXE_VERSION = "4.10.3"
# The registry's dist.integrity of axe-core 4.10.3 (`npm view axe-core@4.10.3 dist.integrity`).
AXE_INTEGRITY = (
    "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
)
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
AXE_PATH = Path(__file__).resolve().parents[1] / ".venv" / "axe" / "axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# The WCAG 2.0 and 2.1 rules at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


def browser_required() -> bool:
    """In CI (or when asked) a missing browser or axe-core fails the tests instead of skipping them."""
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
        for name in ("CI", "LUOTAIN_REQUIRE_BROWSER")
    )


def chromium_path() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def missing_browser() -> str | None:
    """Why a browser cannot be driven here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (run `make install`)"
    if chromium_path() is None:
        return "Debian's chromium is not installed (`apt-get install chromium`)"
    return None


def missing_axe() -> str | None:
    if not axe_is_current(AXE_PATH):
        return f"axe-core {AXE_VERSION} is not at {AXE_PATH} (`make test` fetches it)"
    return None


def axe_is_current(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as f:
        head = f.read(200)
    return f"axe v{AXE_VERSION}".encode() in head


def _integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_axe(path: Path) -> None:
    """Write the pinned axe.min.js to ``path`` unless it is already there; refuse a tarball that does not
    match the pinned integrity."""
    if axe_is_current(path):
        return
    with urllib.request.urlopen(AXE_TARBALL, timeout=60) as response:
        data = response.read()
    got = _integrity_of(data)
    if got != AXE_INTEGRITY:
        raise SystemExit(f"{AXE_TARBALL}: integrity {got} is not the pinned {AXE_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("package/axe.min.js")
        if member is None:
            raise SystemExit(f"{AXE_TARBALL} has no package/axe.min.js")
        script = member.read()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(path)
    if not axe_is_current(path):
        raise SystemExit(f"{path} does not say it is axe v{AXE_VERSION}")


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's protocol, not as a <script> tag: the site's Content-Security-Policy
        # (script-src 'self') rightly refuses inline scripts, and the test must not weaken it.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


# Keyboard only: find things by moving the focus, never by clicking.

ACTIVE_MATCHES = "selector => document.activeElement !== null && document.activeElement.matches(selector)"


def focused_description(page: Any) -> str:
    return str(
        page.evaluate(
            "() => { const e = document.activeElement; if (!e) return 'nothing';"
            " return e.outerHTML.slice(0, 160); }"
        )
    )


def tab_to(page: Any, selector: str, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate(ACTIVE_MATCHES, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(
        f"{limit} presses of {key} did not reach {selector}; the focus is on {focused_description(page)}"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "fetch-axe":
        print("usage: python tests/browser_support.py fetch-axe PATH", file=sys.stderr)
        return 2
    fetch_axe(Path(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
