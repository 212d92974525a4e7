from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from luotain.cli import build_parser, main
from luotain.mll.demo_2024 import generate
from luotain.questionnaire import builtin_template_path
from luotain.responses import to_csv_text

from .conftest import SMALL

TEMPLATE = str(builtin_template_path("mll-kumppanikysely-2024"))


def test_every_command_has_help(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"demo", "serve", "validate", "import-responses", "export-responses", "report"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert "usage: luotain " + name in capsys.readouterr().out


def test_validate_good_and_bad(write_file, capsys):
    assert main(["validate", TEMPLATE]) == 0
    assert "OK" in capsys.readouterr().out
    bad = write_file(SMALL.replace("type: recommendation", "type: nps"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "question 'recommend': unknown type 'nps'" in err
    assert "Traceback" not in err


def test_validate_runs_as_a_command(write_file):
    bad = write_file("id: x\n")
    result = subprocess.run(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain.cli", "validate", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "'title' is missing" in result.stderr and "Traceback" not in result.stderr


def test_report_from_files(tmp_path, mll, capsys):
    responses = tmp_path / "r.csv"
    responses.write_text(to_csv_text(mll, generate().records), encoding="utf-8")
    assert (
        main(
            [
                "report",
                "--questionnaire",
                TEMPLATE,
                "--responses",
                str(responses),
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    html = (tmp_path / "out" / "mll-kumppanikysely-2024.html").read_text(encoding="utf-8")
    assert "NPS 82" in html
    responses.write_text("response_id,recommend\nx,12\n", encoding="utf-8")
    assert (
        main(["report", "--questionnaire", TEMPLATE, "--responses", str(responses), "--out", str(tmp_path)])
        == 2
    )
    assert "line 2, column 'recommend': 12 is above the maximum 10" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_import_export_and_report(tmp_path, capsys, monkeypatch, mll):
    monkeypatch.setenv("LUOTAIN_DEMO_PASSWORD", "kokeilu-salasana-9")
    assert main(["demo", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Survey link:     http://127.0.0.1:8000/s/mll-2025/ (the 2024 survey has closed)" in out
    assert "password 'kokeilu-salasana-9'" in out
    assert (tmp_path / "out" / "mll-2024.html").exists()
    _the_demo_shows_the_whole_product(tmp_path / "out")

    assert main(["analyse", "--survey", "mll-2024", "--json", "--by", "district"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert round(data["questions"]["recommend"]["nps"]) == 82
    assert data["breakdowns"]["by"] == "district"

    exported = tmp_path / "export.csv"
    assert main(["export-responses", "--survey", "mll-2024", "-o", str(exported)]) == 0
    text = exported.read_text(encoding="utf-8")
    assert text == to_csv_text(mll, generate().records)

    # The same file cannot be imported twice: the ids are taken, and nothing is added.
    assert main(["import-responses", str(exported), "--survey", "mll-2024"]) == 2
    assert "nothing was imported" in capsys.readouterr().err

    main(["create-survey", TEMPLATE, "--slug", "kopio"])
    assert main(["import-responses", str(exported), "--survey", "kopio"]) == 0
    assert "Imported 80 responses" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("response_id,organisation,colour\nz,kunta:999,red\n", encoding="utf-8")
    assert main(["import-responses", str(bad), "--survey", "kopio"]) == 2
    assert "columns not in the questionnaire: colour" in capsys.readouterr().err
    bad.write_text("response_id,organisation\nz,kunta:999\n", encoding="utf-8")
    assert main(["import-responses", str(bad), "--survey", "kopio"]) == 2
    assert "'kunta:999' is not an organisation in the registry" in capsys.readouterr().err

    assert main(["report", "--survey", "kopio", "--out", str(tmp_path / "r")]) == 0
    assert "NPS 82" in (tmp_path / "r" / "kopio.html").read_text(encoding="utf-8")
    assert main(["export-responses", "--survey", "nope"]) == 2  # a typed error, turned into the exit status
    assert "error: no survey 'nope' (surveys: " in capsys.readouterr().err


def _the_demo_shows_the_whole_product(out: Path) -> None:
    """The demo's reports are on the Reports page, the same files as in ./out/; every district has contacts
    whose invitations are in every state, so that the response rates have figures."""
    from luotain.web.backoffice.models import Job
    from luotain.web.distribution.models import Invitation
    from luotain.web.distribution.services import response_rates
    from luotain.web.partners.models import District
    from luotain.web.surveys.models import Survey

    for slug in ("mll-2024", "mll-2025"):
        survey = Survey.objects.get(slug=slug)
        job = Job.objects.get(survey=survey, kind=Job.Kind.REPORT)
        assert job.status == Job.Status.DONE and job.requested_by.username == "admin"
        files = {f.filename: bytes(f.content) for f in job.files.all()}
        assert set(files) == {f"{slug}.html", f"{slug}.pdf", f"{slug}.pptx", f"{slug}-taulukot.html"}
        assert all((out / name).read_bytes() == content for name, content in files.items())

        invitations = Invitation.objects.filter(survey=survey)
        rates = response_rates(survey)
        total = rates["total"]
        assert total["submitted"] == survey.responses.exclude(draft=None).count() >= 70
        assert total["invited"] > total["opened"] > total["started"] > total["submitted"]
        assert total["opted_out"] > 0 and invitations.filter(delivery=Invitation.Delivery.BOUNCED).exists()
        assert set(rates["districts"]) == set(District.objects.values_list("slug", flat=True))
        assert all(d["invited"] > d["submitted"] for d in rates["districts"].values())
        assert all(c.email.endswith(".example.fi") for c in (i.contact for i in invitations) if c)
    # Run again, the demo adds nothing twice: one report job a wave, the same invitations.
    counts = Invitation.objects.count(), Job.objects.count()
    from luotain.web.demo import demo

    demo(out)
    assert (Invitation.objects.count(), Job.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_password_stays_the_same_across_runs(tmp_path, monkeypatch, settings):
    from luotain.web.demo import demo_password

    monkeypatch.delenv("LUOTAIN_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    first = demo_password()
    assert len(first) >= 16 and demo_password() == first
    assert (tmp_path / "demo-password").stat().st_mode & 0o077 == 0  # only its owner may read it
    monkeypatch.setenv("LUOTAIN_DEMO_PASSWORD", "annettu-salasana-1")
    assert demo_password() == "annettu-salasana-1"


@pytest.mark.parametrize(
    "argv",
    [
        ["invite", "--survey", "nope", "--district", "uusimaa"],
        ["remind", "--survey", "nope"],
        ["response-rates", "--survey", "nope"],
        ["close", "--survey", "nope"],
        ["export-responses", "--survey", "nope"],
        ["analyse", "--survey", "nope"],
        ["report", "--survey", "nope"],
    ],
)
def test_database_commands_run_as_commands(argv, tmp_path):
    """Each database command sets Django up before it imports the web layer (as a real process)."""
    env = {**os.environ, "LUOTAIN_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain.cli", *argv], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "error: no survey 'nope'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_the_commands_leave_the_same_trace_in_the_audit_log_as_the_pages(tmp_path, capsys, small):
    """Services write the audit record themselves: what a command does is logged as the command's (channel
    command, its name, the operating system's user), as the back office's actions are logged as the user's."""
    import getpass

    from luotain.responses import ResponseRecord
    from luotain.web.audit.models import AuditEvent
    from luotain.web.partners.models import Contact, Organisation
    from luotain.web.partners.services import seed_registry

    from .conftest import SMALL

    seed_registry()
    (tmp_path / "pieni.yaml").write_text(SMALL, encoding="utf-8")
    assert main(["create-survey", str(tmp_path / "pieni.yaml"), "--slug", "pieni"]) == 0
    answers = tmp_path / "a.csv"
    records = [ResponseRecord(f"r{i}", None, {"org_type": "kunta", "recommend": 9}) for i in range(6)]
    answers.write_text(to_csv_text(small, records), encoding="utf-8")
    assert main(["import-responses", str(answers), "--survey", "pieni"]) == 0
    assert main(["export-responses", "--survey", "pieni", "-o", str(tmp_path / "out.csv")]) == 0
    assert main(["analyse", "--survey", "pieni", "--by", "org_type"]) == 0
    contacts = tmp_path / "c.csv"
    contacts.write_text("name,email,organisation\nLiisa,liisa@example.fi,kunta:091\n", encoding="utf-8")
    assert main(["contacts", "import", str(contacts)]) == 0
    assert Contact.objects.get().organisation == Organisation.objects.get(code="kunta:091")
    assert main(["invite", "--survey", "pieni", "--district", "uusimaa"]) == 0
    assert main(["remind", "--survey", "pieni", "--days", "0"]) == 0
    assert main(["contact", "export", "liisa@example.fi"]) == 0
    assert main(["close", "--survey", "pieni"]) == 0
    assert main(["contact", "erase", "liisa@example.fi", "--yes"]) == 0
    capsys.readouterr()

    logged = {e.via: e for e in AuditEvent.objects.all()}
    expected = {
        "luotain create-survey": "survey_created",
        "luotain import-responses": "responses_imported",
        "luotain export-responses": "responses_exported",
        "luotain analyse": "results_downloaded",
        "luotain contacts import": "contacts_imported",
        "luotain invite": "invitations_sent",
        "luotain remind": "reminders_sent",
        "luotain contact export": "contacts_exported",
        "luotain close": "survey_closed",
        "luotain contact erase": "contacts_erased",
    }
    assert {via: e.action for via, e in logged.items()} == expected
    assert {e.channel for e in logged.values()} == {"command"}
    assert {e.username for e in logged.values()} == {getpass.getuser()}
    assert logged["luotain invite"].detail == {"district": "uusimaa", "sent": 1, "failed": 0, "skipped": 0}
    assert logged["luotain close"].detail == {"anonymised_invitations": 1}
    assert logged["luotain export-responses"].detail == {"responses": 6, "format": "csv"}
    assert "liisa" not in str(list(AuditEvent.objects.values())).lower()  # no contact details in the log
