"""Importing contact people: good, bad and mixed files, CSV and XLSX, all or nothing."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from luotain.cli import main
from luotain.web.audit.services import Actor
from luotain.web.partners.contacts import ContactImportError, import_contacts
from luotain.web.partners.models import Contact
from luotain.web.partners.services import seed_registry

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db

GOOD = (
    "name,email,organisation,role,language\n"
    "Liisa Virtanen,liisa.virtanen@example.fi,kunta:091,Perhepalvelupäällikkö,fi\n"
    "Anna Sjöberg,anna.sjoberg@example.fi,hva:01,Koordinator,sv\n"
)


@pytest.fixture(autouse=True)
def registry():
    seed_registry()


def test_a_good_csv_is_imported(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert import_contacts(path, actor=ACTOR).created == 2
    anna = Contact.objects.get(email="anna.sjoberg@example.fi")
    assert anna.language == "sv" and anna.organisation.code == "hva:01"
    assert anna.district().slug == "uusimaa"
    assert Contact.objects.get(email="liisa.virtanen@example.fi").district().slug == "uusimaa"


def test_a_bad_row_stops_the_import_and_every_bad_row_is_named(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        GOOD
        + "Matti,not-an-email,kunta:091,,fi\n"
        + "Pekka,pekka@example.fi,kunta:999,,fi\n"
        + '"Eve\nBcc: all@example.fi",eve@example.fi,kunta:091,,fi\n'
        + "Liisa Virtanen,liisa.virtanen@example.fi,kunta:091,,fi\n"
        + "Olli,olli@example.fi,kunta:091,,de\n",
        encoding="utf-8",
    )
    with pytest.raises(ContactImportError) as info:
        import_contacts(path, actor=ACTOR)
    reasons = [str(p) for p in info.value.problems]
    assert reasons[0] == "line 4: 'not-an-email' is not an email address"
    assert "line 5: 'kunta:999' is not an organisation code" in reasons[1]
    assert "line break or control character" in reasons[2]
    assert "appears twice in the file" in reasons[3]
    assert "language 'de' is not one of fi, sv" in reasons[4]
    assert Contact.objects.count() == 0
    result = import_contacts(path, skip_invalid=True, actor=ACTOR)
    assert result.created == 2 and len(result.problems) == 5


def test_an_xlsx_file_and_a_missing_column(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "organisation", "role", "language"])
    sheet.append(["Liisa Virtanen", "liisa@example.fi", "kunta:091", '=HYPERLINK("x")', "fi"])
    sheet.append(["Pekka Lappalainen", "pekka@example.fi", "kunta:698", "rehtori", "fi"])
    book.save(tmp_path / "c.xlsx")
    # A formula is never evaluated nor its stored value trusted: its row is refused, with the reason.
    with pytest.raises(ContactImportError, match="line 2: a formula in role"):
        import_contacts(tmp_path / "c.xlsx", actor=ACTOR)
    assert import_contacts(tmp_path / "c.xlsx", skip_invalid=True, actor=ACTOR).created == 1
    assert Contact.objects.get().role == "rehtori"
    (tmp_path / "d.csv").write_text("name;email\nA;a@example.fi\n", encoding="utf-8")
    with pytest.raises(ContactImportError, match="missing columns: organisation"):
        import_contacts(tmp_path / "d.csv", actor=ACTOR)


def test_the_command(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(GOOD + "Matti,bad,kunta:091,,fi\n", encoding="utf-8")
    assert main(["contacts", "import", str(path)]) == 2
    assert "line 4: 'bad' is not an email address" in capsys.readouterr().err
    assert main(["contacts", "import", str(path), "--skip-invalid"]) == 0
    out = capsys.readouterr()
    assert "Imported 2 contacts." in out.out and "Left out 1 rows" in out.err
