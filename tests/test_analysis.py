"""The analysis engine: figures by hand, the JSON contract, disclosure control, filters and bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luotain.analysis import AnalysisError, ResponseFrame, ResponseTableError, analyse
from luotain.analysis.disclosure import publication
from luotain.mll.demo_2024 import generate
from luotain.questionnaire import builtin_template_path
from luotain.responses import ResponseRecord, to_csv_text

TEMPLATE = str(builtin_template_path("mll-kumppanikysely-2024"))


def frame_of(questionnaire, rows: list[dict]) -> ResponseFrame:
    records = [ResponseRecord(str(i), None, answers) for i, answers in enumerate(rows)]
    return ResponseFrame.from_records(questionnaire, records)


def test_figures_by_hand(small):
    rows = [
        {
            "org_type": "kunta",
            "forms": ["x", "y"],
            "agree": 3,
            "recommend": 10,
            "grid/a": "kunta",
            "comments": "Hyvä",
        },
        {"org_type": "kunta", "forms": ["x"], "agree": 2, "recommend": 9, "grid/a": "molemmat"},
        {"org_type": "hyvinvointialue", "forms": ["y"], "agree": 3, "recommend": 7, "grid/b": "kunta"},
        {"org_type": "kunta", "recommend": 3, "kunta_only": 10},
        {"kunta_only": 20},
    ]
    result = analyse(frame_of(small, rows))
    q = result.questions
    assert result.n_responses == 5
    assert (q["org_type"].n, q["org_type"].skipped) == (4, 1)
    assert q["org_type"].counts == {"hyvinvointialue": 1, "kunta": 3}
    assert q["org_type"].percent == {"hyvinvointialue": 25.0, "kunta": 75.0}
    assert q["forms"].multiple is True and q["forms"].n == 3
    assert q["forms"].percent["x"] == pytest.approx(200 / 3) and q["forms"].percent["y"] == pytest.approx(
        200 / 3
    )
    assert q["agree"].mean == pytest.approx(8 / 3) and q["agree"].median == 3
    assert q["agree"].agree_percent == 100.0  # the top two points of three: 2 and 3, chosen by all
    rec = q["recommend"]
    assert (rec.n, rec.nps, rec.promoters, rec.passives, rec.detractors) == (4, 25.0, 50.0, 25.0, 25.0)
    assert rec.mean == pytest.approx(29 / 4)
    grid = q["grid"]
    assert grid.n == 3 and grid.rows["a"].n == 2 and grid.rows["b"].n == 1
    assert grid.rows["a"].percent == {"kunta": 50.0, "molemmat": 50.0}
    assert q["kunta_only"].mean == 15 and q["kunta_only"].minimum == 10
    assert q["comments"].n == 1


def test_agree_share_uses_the_declared_points(small):
    result = analyse(frame_of(small, [{"agree": 1}, {"agree": 2}, {"agree": 3}, {"agree": 3}]))
    assert result.questions["agree"].agree_percent == 75.0


def test_json_contract_for_the_built_in_questionnaire(mll):
    frame = ResponseFrame.from_records(mll, generate().records)
    data = json.loads(json.dumps(analyse(frame, by="district").model_dump(mode="json", exclude_none=True)))
    assert data["n_responses"] == 80
    assert data["organisations"] == {"hyvinvointialue": 14, "kunta": 34}
    assert data["coverage"]["hyvinvointialue"] == {"answered": 14, "total": 22}
    for qid, item in data["questions"].items():
        assert {"type", "n"} <= set(item), qid
        if item["type"] in ("single_choice", "multiple_choice", "rating", "recommendation"):
            assert set(item["counts"]) == set(item["percent"]) == set(item["ci95"]), qid
            for option, (low, high) in item["ci95"].items():
                assert low <= item["percent"][option] <= high
    assert set(data["questions"]["responsibilities"]["rows"]) == {
        r.id for r in mll.question("responsibilities").rows
    }
    rec = data["questions"]["recommend"]
    assert {"nps", "mean", "promoters", "passives", "detractors"} <= set(rec)
    assert set(rec["counts"]) == {str(v) for v in range(11)}
    assert data["breakdowns"]["by"] == "district"
    groups = {g["id"]: g for g in data["breakdowns"]["groups"]}
    assert {"uusimaa", "kainuu"} <= set(groups) and groups["kainuu"]["suppressed"]
    status = data["breakdowns"]["questions"]["cooperation_status"]["groups"]["uusimaa"]
    assert status["n"] == groups["uusimaa"]["n"] and status["counts"]["vakiintunut"] is not None
    assert "n" not in data["breakdowns"]["questions"]["cooperation_status"]["groups"]["kainuu"]


def test_json_contract_for_a_questionnaire_the_test_writes(small, write_file, tmp_path):
    from tests.conftest import SMALL

    q_path = write_file(SMALL)
    rows = [{"org_type": "kunta", "recommend": 9, "forms": ["x"], "grid/a": "kunta"}] * 6
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(to_csv_text(small, [ResponseRecord(str(i), None, r) for i, r in enumerate(rows)]))
    out = subprocess.run(  # noqa: S603 - runs our own command
        [
            sys.executable,
            "-m",
            "luotain.cli",
            "analyse",
            "--questionnaire",
            str(q_path),
            "--responses",
            str(csv_path),
            "--json",
            "--by",
            "org_type",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["n_responses"] == 6
    assert data["questions"]["recommend"]["nps"] == 100.0
    assert data["questions"]["forms"]["counts"] == {"x": 6, "y": 0, "muu": 0}
    assert data["questions"]["grid"]["rows"]["a"]["percent"] == {"kunta": 100.0, "molemmat": 0.0}
    assert data["breakdowns"]["questions"]["recommend"]["warning"].startswith("no test")


def test_bad_cells_are_listed_and_lenient_skips_them(mll, tmp_path, capsys):
    from luotain.cli import main

    bad = tmp_path / "bad.csv"
    lines = ["response_id,recommend,org_type,funding_secured,awareness,colour"]
    lines += [f"r{i},11,kunta,5,kerhot,x" for i in range(25)]
    lines += ["z,tosi hyvä,city,6,kerhot lentokone,y"]
    bad.write_text("\n".join(lines) + "\n")
    assert main(["analyse", "--questionnaire", TEMPLATE, "--responses", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "30 problem(s) in columns: colour, org_type, funding_secured, awareness, recommend" in err
    assert "header, column 'colour': not a column of the questionnaire" in err
    assert "line 2, column 'recommend': '11' is not a whole number from 0 to 10" in err
    assert "line 27, column 'awareness': 'kerhot lentokone' holds an id that is not an option" in err
    assert err.count("line ") == 19 and "... and 10 more" in err
    assert main(["analyse", "--questionnaire", TEMPLATE, "--responses", str(bad), "--lenient", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["skipped_cells"] == 29 and data["questions"]["recommend"]["n"] == 0
    assert data["questions"]["awareness"]["counts"]["kerhot"] == 25
    assert "left out 29 cell(s) and the columns: colour" in captured.err


def test_unknown_breakdown_and_filter_are_clear_errors(mll):
    frame = ResponseFrame.from_records(mll, generate().records)
    with pytest.raises(AnalysisError, match="cannot break down by 'recommend'"):
        analyse(frame, by="recommend")
    with pytest.raises(AnalysisError, match="not an option of 'org_type'"):
        analyse(frame, filters={"org_type": ["city"]})
    with pytest.raises(AnalysisError, match="no such district"):
        analyse(frame, filters={"district": ["atlantis"]})
    # A single choice outside the background: its groups are not ones disclosure control knows.
    with pytest.raises(AnalysisError, match="only by a background question"):
        analyse(frame, filters={"family_centre_org": ["hyvinvointialue"]})
    with pytest.raises(AnalysisError, match="only by a background question"):
        analyse(frame, by="family_centre_org")


def test_districts_and_filters(mll):
    frame = ResponseFrame.from_records(mll, generate().records)
    result = analyse(frame, by="district")
    groups = {g.id: g for g in result.breakdowns.groups}
    shown = [g for g in groups.values() if not g.suppressed]
    assert sum(g.n for g in shown) <= 80
    assert result.breakdowns.ungrouped + sum(g.n or 0 for g in groups.values()) <= 80
    assert all(g.n >= 5 for g in shown)
    assert sum(g.suppressed for g in groups.values()) != 1
    uusimaa = analyse(frame, filters={"district": ["uusimaa"]})
    assert uusimaa.n_responses == groups["uusimaa"].n
    # Organisation type crosses every district: publishing it beside them would leave classes below k.
    counties = analyse(frame, filters={"org_type": ["hyvinvointialue"]})
    assert counties.withheld and counties.n_responses == 0
    small = ["varsinais-suomi", "lappi", "kainuu"]  # shown only together
    assert all(groups[d].suppressed for d in small)
    together = analyse(frame, filters={"district": small})
    assert not together.withheld and together.n_responses == 8  # 4 + 3 + 1, a class of its own


def test_respondents_without_a_group_are_counted(small):
    rows = [{"org_type": "kunta", "recommend": 9, "organisation": "kunta:272"}] * 6  # Kokkola: no district
    rows += [{"recommend": 5, "organisation": "kunta:091"}] * 7
    frame = frame_of(small, rows)
    assert analyse(frame, by="org_type").breakdowns.ungrouped == 7
    by_district = analyse(frame, by="district").breakdowns
    assert by_district.ungrouped == 6
    assert {g.id: g.n for g in by_district.groups if g.n} == {"uusimaa": 7}


def test_rankings_of_the_seed_report(mll):
    result = analyse(ResponseFrame.from_records(mll, generate().records))
    both = result.rankings["responsibilities"]["molemmat"][:5]
    assert [r.row for r in both] == [
        "ngo_coordination",
        "meeting_place_cooperation",
        "premises",
        "district_cooperation",
        "local_association_cooperation",
    ]
    assert [round(r.percent) for r in both] == [86, 86, 79, 72, 61]


# --- disclosure control -------------------------------------------------------------------------------


def test_a_small_group_is_not_published_nor_left_as_a_remainder():
    values = ["a"] * 40 + ["b"] * 12 + ["c"] * 3
    family = publication({"g": values}, 5)
    # b (12) would leave c (3) as everyone minus a minus b: b stays unpublished with c.
    assert family.published == (("", ""), ("g", "a"))
    assert family.withheld == (("g", "b"), ("g", "c"))
    members = np.array(values)
    assert family.allows((members == "b") | (members == "c"))  # together: everyone but a, 15
    assert not family.allows(members == "b") and not family.allows(members == "c")
    assert publication({"g": ["a"] * 30 + ["b"] * 40}, 5).withheld == ()


def test_two_variables_that_would_isolate_a_group_across_them():
    # District d1 has only municipalities (5); d2 has 2 municipalities and 10 counties. Everyone, d2 and
    # "municipalities" together would give d2's two municipalities: d2 + municipalities − everyone.
    district = ["d1"] * 5 + ["d2"] * 12
    kind = ["kunta"] * 5 + ["kunta"] * 2 + ["hva"] * 10
    family = publication({"district": district, "kind": kind}, 5)
    assert ("district", "d2") in family.published
    assert ("kind", "kunta") in family.withheld and ("kind", "hva") in family.withheld
    # Each alone is fine, once the other is not published.
    assert publication({"kind": kind, "district": district}, 5).withheld == (
        ("district", "d2"),
        ("district", "d1"),
    )


def _feasible_counts(sizes: np.ndarray, constraints: list[tuple[np.ndarray, int]]):
    """Every assignment of a count to each cell (0 to its size) that gives the published counts, by brute
    force: an independent attacker who reasons with whole numbers."""
    for x in itertools.product(*(range(int(s) + 1) for s in sizes)):
        vector = np.array(x)
        if all(int(vector @ members) == value for members, value in constraints):
            yield vector


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xy"), st.sampled_from("pq"), st.booleans()),
        min_size=1,
        max_size=24,
    ),
    k=st.integers(2, 5),
)
def test_published_counts_tell_nothing_of_a_small_cell_beyond_its_class(rows, k):
    """Whatever whole-number reasoning over every published group's count of an answer can work out about
    a cell of fewer than k respondents, it cannot rule out any count that the cell's class (its respondents
    and everyone the published groups do not tell apart from them, at least k) allows."""
    variables = {name: [r[i] for r in rows] for i, name in enumerate(("district", "kind", "role"))}
    answered = np.array([r[3] for r in rows])
    family = publication(variables, k)
    groups = [
        np.ones(len(rows), dtype=bool) if key == "" else np.array(variables[key]) == value
        for key, value in family.published
    ]
    # The classes worked out here from the published groups, not taken from the family.
    signature = [tuple(bool(g[i]) for g in groups) for i in range(len(rows))]
    class_of = np.array([sorted(set(signature)).index(s) for s in signature])
    if groups:
        assert min(np.bincount(class_of)) >= k
    cells = sorted(set(zip(*variables.values(), strict=True)))
    cell_of = np.array([cells.index(c) for c in zip(*variables.values(), strict=True)])
    sizes = np.bincount(cell_of, minlength=len(cells))
    truth = np.bincount(cell_of, weights=answered, minlength=len(cells)).astype(int)
    constraints = []
    for members in groups:
        assert family.allows(members)
        inside = (np.bincount(cell_of[members], minlength=len(cells)) > 0).astype(int)
        constraints.append((inside, int(truth @ inside)))
    if constraints and np.prod(sizes + 1) <= 20_000:
        feasible = list(_feasible_counts(sizes, constraints))
        for cell in np.flatnonzero(sizes < k):
            same = class_of == class_of[cell_of == cell][0]
            n_class, t_class = int(same.sum()), int(answered[same].sum())
            lowest = max(0, t_class - (n_class - int(sizes[cell])))
            allowed = set(range(lowest, min(int(sizes[cell]), t_class) + 1))
            seen = {int(x[cell]) for x in feasible}
            assert allowed <= seen, (cell, sorted(seen), sorted(allowed))
    for key, value in family.withheld:  # each withheld group would have left a class below k, or is small
        members = np.array(variables[key]) == value
        assert not family.allows(members)


def check_published(breakdown, k):
    for qid, qb in breakdown.questions.items():
        tables = [qb.groups] if qb.groups else list((qb.rows or {}).values())
        for cells in tables:
            for cell in cells.values():
                if cell.suppressed:
                    assert cell.n is None and cell.counts is None
                    continue
                # A shown group is shown whole: every count, nothing hidden beside its n.
                assert not cell.n or all(c is not None for c in (cell.counts or {}).values()), qid
    shown = [g for g in breakdown.groups if not g.suppressed]
    for g in shown:
        assert g.n == 0 or g.n >= k


answers = st.fixed_dictionaries(
    {
        "org_type": st.sampled_from(["hyvinvointialue", "kunta", None]),
        "role": st.sampled_from(["johto", "muu", None]),
        "recommend": st.integers(0, 10),
        "agree": st.sampled_from([1, 2, 3, None]),
        "forms": st.lists(st.sampled_from(["x", "y"]), unique=True),
        "grid/a": st.sampled_from(["kunta", "molemmat", None]),
    }
)


def clean(row):
    row = {k: v for k, v in row.items() if v not in (None, [])}
    if row.get("role") == "muu":
        row["role/other"] = "Rehtori"
    return row


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(answers, min_size=1, max_size=60), k=st.integers(1, 6))
def test_properties(small, rows, k):
    frame = frame_of(small, [clean(r) for r in rows])
    overall = analyse(frame, by="org_type", k=k)
    # Single choice shares add up to 100 over those who answered.
    for qid in ("org_type", "role", "agree", "recommend"):
        q = overall.questions[qid]
        if q.n:
            assert sum(q.percent.values()) == pytest.approx(100.0)
        assert q.n + q.skipped == len(rows)
    # A shown group has k respondents or none, and is shown whole.
    check_published(overall.breakdowns, k)
    # A filter then the overall figure equals the breakdown's cell, wherever that cell is published.
    for group in ("hyvinvointialue", "kunta"):
        subset = analyse(frame, filters={"org_type": [group]}, k=k)
        cell = overall.breakdowns.questions["recommend"].groups[group]
        if not cell.suppressed:
            assert cell.n == subset.questions["recommend"].n
            for option, count in cell.counts.items():
                if count is not None:
                    assert count == subset.questions["recommend"].counts[option]
                    assert cell.percent[option] == pytest.approx(
                        subset.questions["recommend"].percent[option]
                    )


def test_a_shown_group_is_shown_whole(small):
    rows = [{"org_type": "kunta", "forms": ["x"]}] * 9 + [{"org_type": "kunta", "forms": ["y"]}]
    rows += [{"org_type": "hyvinvointialue", "forms": ["x", "y"]}] * 10
    result = analyse(frame_of(small, rows), by="org_type", k=5)
    kunta = result.breakdowns.questions["forms"].groups["kunta"]
    # A group of 10 is published; which one of them did not choose x is not.
    assert kunta.counts == {"x": 9, "y": 1, "muu": 0}


def test_frame_from_polars_strings_checks_cells(mll):
    raw = pl.DataFrame(
        {"response_id": ["a", "b"], "recommend": ["10", "3,0"], "org_type": ["kunta", " kunta "]}
    )
    frame = ResponseFrame.from_strings(mll, raw)
    assert frame.df["recommend"].to_list() == [10, 3]
    assert frame.df["org_type"].cast(pl.String).to_list() == ["kunta", "kunta"]
    with pytest.raises(ResponseTableError, match="not a whole number"):
        ResponseFrame.from_strings(mll, pl.DataFrame({"response_id": ["a"], "recommend": ["3.5"]}))
