"""Every user-facing text has Finnish and Swedish, and the compiled catalogues match their sources."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCALE = Path(__file__).resolve().parents[1] / "src" / "luotain" / "web" / "locale"


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr (plural: the first form) of a .po file; the header is left out."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[1\]) (".*")$', line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and current:
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
            current, key = {}, None
    return entries


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalogue_is_complete_and_compiled(lang):
    po = po_entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
    assert len(po) > 50
    assert [m for m, s in po.items() if not s] == []
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fp:
        mo = gettext.GNUTranslations(fp)
    stale = [m for m, s in po.items() if mo.gettext(m) != s and mo.ngettext(m, m, 1) != s]
    assert stale == [], "run `make messages` to compile the catalogues"


def test_pages_speak_finnish_and_swedish():
    with translation.override("fi"):
        assert _("Next") == "Seuraava"
        assert _("Page %(position)s of %(total)s") % {"position": 2, "total": 8} == "Sivu 2 / 8"
    with translation.override("sv"):
        assert _("Send answers") == "Skicka svaren"
        text = ngettext(
            "The survey has %(pages)s page. You can go back and forth between the pages; your answers are "
            "saved page by page.",
            "The survey has %(pages)s pages. You can go back and forth between the pages; your answers are "
            "saved page by page.",
            8,
        )
        assert text.startswith("Enkäten har %(pages)s sidor.")
