"""Year over year: waves of a questionnaire family, changes with intervals and tests, trends in the report and
on the dashboard, and the 2025 demo wave."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from luotain.analysis import ResponseFrame, analyse
from luotain.analysis.compare import compare, fold, trend
from luotain.analysis.difference import Moments, mean_difference, nps_difference, proportion_difference
from luotain.mll import demo_2025
from luotain.mll.demo_2024 import generate, quote_flags
from luotain.present.numbers import round_half_up
from luotain.questionnaire import (
    QuestionnaireError,
    builtin_template_path,
    load_builtin,
    parse_questionnaire,
)
from luotain.questionnaire.waves import wave_key
from luotain.report.make import make_deck
from luotain.report.render import render
from luotain.report.spec import builtin_spec
from luotain.responses import ResponseRecord, to_csv_text
from luotain.web.audit.services import Actor

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

# ------------------------------------------------------------------------------------------- statistics


def test_newcombe_interval_equals_newcombes_published_values():
    """Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10 (hybrid score, no continuity
    correction): the interval of p1 − p2; here 'now' is his first sample."""
    published = [
        ((56, 70), (48, 80), (0.0524, 0.3339)),
        ((9, 10), (3, 10), (0.1705, 0.8090)),
        ((6, 7), (2, 7), (0.0582, 0.8062)),
        ((5, 56), (0, 29), (-0.0381, 0.1926)),
        ((0, 10), (0, 20), (-0.1611, 0.2775)),
        ((10, 10), (0, 20), (0.6791, 1.0000)),
        ((10, 10), (0, 10), (0.6075, 1.0000)),
    ]
    for (x_now, n_now), (x_before, n_before), (low, high) in published:
        d = proportion_difference(x_before, n_before, x_now, n_now)
        assert d.ci95[0] == pytest.approx(100 * low, abs=0.006)
        assert d.ci95[1] == pytest.approx(100 * high, abs=0.006)


def test_a_share_change_computed_by_hand():
    # 48/80 = 60 % before, 56/70 = 80 % now: +20 percentage points.
    d = proportion_difference(48, 80, 56, 70)
    assert (d.before, d.now, d.difference) == pytest.approx((60.0, 80.0, 20.0))
    # Newcombe from the two Wilson intervals (z = 1.959964): before 49.05–69.97 %, now 69.19–87.69 %.
    # low = 0.2 − √((0.8 − 0.69189)² + (0.69966 − 0.6)²) = 0.05243; high = 0.2 + √((0.87691 − 0.8)² +
    # (0.6 − 0.49047)²) = 0.33387.
    assert d.ci95 == pytest.approx((5.243, 33.387), abs=0.001)
    # Pooled share 104/150; z = 0.2 / √(0.69333 · 0.30667 · (1/70 + 1/80)) = 2.6502;
    # p = 2(1 − Φ(z)) = 0.00805.
    assert d.test == "z_test"
    assert d.p_value == pytest.approx(0.008045, abs=1e-6)
    assert d.significant


def test_small_counts_use_fishers_exact_test():
    # 1/10 → 5/10: expected counts of 3 < 5. Fisher's exact test, two-sided (R: fisher.test, p = 0.1409).
    d = proportion_difference(1, 10, 5, 10)
    assert d.test == "fisher_exact"
    assert d.p_value == pytest.approx(0.14087, abs=1e-5)
    # The interval touches zero from below: +40 points is within the noise at n = 10.
    assert d.ci95[0] < 0 < d.ci95[1] and not d.significant
    # Nobody in either wave (or everybody): no test, p = 1.
    none = proportion_difference(0, 10, 0, 20)
    assert (none.test, none.p_value, none.difference) == ("none", 1.0, 0.0)
    assert none.ci95 == pytest.approx((-27.75, 16.11), abs=0.01)  # Newcombe's (e), the other way round


def test_nps_change_computed_by_hand():
    # 2024: 66 promoters, 10 passives, 2 detractors (n 78): NPS 82.05; 2025: 66, 11, 3 (n 80): NPS 78.75.
    d = nps_difference((66, 10, 2), (66, 11, 3))
    assert (d.before, d.now, d.difference) == pytest.approx((82.0513, 78.75, -3.3013), abs=1e-4)
    # var = (p + d − (p − d)²)/n: (0.846154 + 0.025641 − 0.820513²)/78 = 0.0025456;
    # (0.825 + 0.0375 − 0.7875²)/80 = 0.0030293; se = √(sum) = 0.074665, ×100 = 7.4665 NPS points.
    se = 100 * math.sqrt(0.19855424 / 78 + 0.24234375 / 80)
    assert se == pytest.approx(7.4665, abs=1e-4)
    assert d.ci95 == pytest.approx((-3.3013 - 1.959964 * se, -3.3013 + 1.959964 * se), abs=1e-3)
    assert d.ci95 == pytest.approx((-17.935, 11.333), abs=1e-3)
    assert d.p_value == pytest.approx(0.6584, abs=1e-4) and not d.significant


def test_mean_change_by_welch():
    # Before 1, 2, 3, 4 (mean 2.5, variance 5/3); now 2, 4, 6 (mean 4, variance 4). se = √(5/12 + 4/3) =
    # √1.75; Welch–Satterthwaite df = 1.75² / ((5/12)²/3 + (4/3)²/2) = 3.2347. R's t.test gives t = 1.1339,
    # p = 0.3338, interval −2.5423 … 5.5423.
    before, now = Moments.of(10, 30, 4), Moments.of(12, 56, 3)
    assert (before.mean, before.variance, now.variance) == pytest.approx((2.5, 5 / 3, 4.0))
    d = mean_difference(before, now)
    assert d is not None and d.test == "welch"
    assert d.difference == pytest.approx(1.5)
    assert d.ci95 == pytest.approx((-2.5423, 5.5423), abs=1e-4)
    assert d.p_value == pytest.approx(0.33382, abs=1e-5)
    assert mean_difference(Moments.of(3, 9, 1), now) is None  # one answer has no variance


# ------------------------------------------------------------------------------------------ the file format

WAVE_2023 = """
id: pieni-2023
family: pieni
wave: "2023"
title: Pieni kysely 2023
sections:
  - id: s
    title: Kysymykset
    questions:
      - id: org_type
        type: single_choice
        text: Organisaatio
        options: [{id: hyvinvointialue, label: Hyvinvointialue}, {id: kunta, label: Kunta}]
      - id: role
        type: single_choice
        text: Asema
        options: [{id: ra, label: A}, {id: rb, label: B}, {id: rc, label: C}, {id: rd, label: D}]
      - id: colour
        type: single_choice
        text: Väri
        options:
          - {id: a, label: A}
          - {id: b, label: B}
          - {id: c, label: C}
          - {id: d, label: D}
      - id: status
        type: multiple_choice
        text: Tila
        options: [{id: x, label: X}, {id: y, label: Y}]
      - id: grid
        type: matrix
        text: Ruudukko
        rows: [{id: r1, text: Rivi 1}]
        options: [{id: o1, label: O1}, {id: o2, label: O2}]
      - id: old_only
        type: single_choice
        text: Vain ennen
        options: [{id: k, label: K}, {id: e, label: E}]
      - id: scale
        type: rating
        text: Asteikko
        points: [{value: 1, label: Eri}, {value: 2, label: Neutraali}, {value: 3, label: Samaa}]
        agree: [3]
      - id: changed
        type: rating
        text: Muuttunut asteikko
        points: [{value: 1, label: Eri}, {value: 2, label: Samaa}]
      - id: rec
        type: recommendation
        text: Suosittelisitko?
      - id: count
        type: number
        text: Montako?
"""

WAVE_2024 = """
id: pieni-2024
family: pieni
wave: "2024"
title: Pieni kysely 2024
sections:
  - id: s
    title: Kysymykset
    questions:
      - id: org_type
        type: single_choice
        text: Organisaatio
        options: [{id: hyvinvointialue, label: Hyvinvointialue}, {id: kunta, label: Kunta}]
      - id: role
        type: single_choice
        text: Asema
        options: [{id: ra, label: A}, {id: rb, label: B}, {id: rc, label: C}, {id: rd, label: D}]
      - id: colour
        type: single_choice
        text: Väri
        options:
          - {id: a, label: A}
          - {id: bc, label: B tai C, previous: [b, c]}
      - id: status
        type: multiple_choice
        text: Tila
        options: [{id: xx, label: XX, previous: [x]}, {id: y, label: Y}]
      - id: grid
        type: matrix
        text: Ruudukko
        rows: [{id: r1, text: Rivi 1}, {id: r2, text: Rivi 2}]
        options: [{id: o1, label: O1}, {id: o2, label: O2}]
      - id: new_only
        type: single_choice
        text: Vain nyt
        options: [{id: k, label: K}, {id: e, label: E}]
      - id: scale
        type: rating
        text: Asteikko
        points: [{value: 1, label: Eri}, {value: 2, label: Neutraali}, {value: 3, label: Samaa}]
        agree: [3]
      - id: changed
        type: rating
        text: Muuttunut asteikko
        points: [{value: 1, label: Eri}, {value: 2, label: Neutraali}, {value: 3, label: Samaa}]
      - id: rec
        type: recommendation
        text: Suosittelisitko?
      - id: count
        type: number
        text: Montako?
"""


def test_family_wave_and_previous_options_are_read_and_checked():
    q = parse_questionnaire(WAVE_2024, "w.yaml")
    assert (q.family, q.wave) == ("pieni", "2024")
    assert q.question("colour").options[1].previous == ["b", "c"]
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(WAVE_2024.replace('wave: "2024"\n', ""), "w.yaml")
    assert "family and wave go together" in str(info.value)
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(WAVE_2024.replace("previous: [b, c]", "previous: [b, a]"), "w.yaml")
    problem = info.value.problems[0]
    assert (problem.file, problem.question) == ("w.yaml", "colour")
    assert problem.line == WAVE_2024.splitlines().index("        options:") + 1
    assert "previous names 'a', which is another option of this question" in problem.message
    twice = WAVE_2024.replace("{id: y, label: Y}", "{id: y, label: Y, previous: [x]}")
    with pytest.raises(QuestionnaireError, match="previous option 'x' is named by both 'xx' and 'y'"):
        parse_questionnaire(twice, "w.yaml")


def test_waves_are_ordered_with_numbers_as_numbers():
    assert sorted(["2025", "2024", "kevät 10", "kevät 9"], key=wave_key) == [
        "2024",
        "2025",
        "kevät 9",
        "kevät 10",
    ]


def test_the_builtin_waves_are_one_family():
    q24, q25 = load_builtin("mll-kumppanikysely-2024"), load_builtin("mll-kumppanikysely-2025")
    assert (q24.family, q24.wave, q25.family, q25.wave) == (
        "mll-kumppanikysely",
        "2024",
        "mll-kumppanikysely",
        "2025",
    )


# --------------------------------------------------------------------------------------------- comparing


def _records(rows: list[dict[str, object]], prefix: str) -> list[ResponseRecord]:
    kunnat = ["kunta:091", "kunta:049", "kunta:092", "kunta:853", "kunta:837", "kunta:564"]
    out = []
    for i, answers in enumerate(rows):
        code = "hva:90" if answers["org_type"] == "hyvinvointialue" else kunnat[i % len(kunnat)]
        row = {k: v for k, v in answers.items() if v is not None}
        out.append(
            ResponseRecord(f"{prefix}{i}", datetime(2024, 5, 1, tzinfo=UTC), {**row, "organisation": code})
        )
    return out


def _pick(i: int, counts: list[tuple[object, int]]) -> object:
    """The value of respondent i when the values are dealt in order: [(a, 5), (b, 6)] gives a to 0–4."""
    for value, count in counts:
        if i < count:
            return value
        i -= count
    return None


def _wave_records():
    """Two waves of the small questionnaire with counts easy to follow by hand.

    2023, 20 answers. role A 12, B 4, C 2, D 2; colour a 5, b 6, c 3, d 2 (and 4 no answer); status x for
    0–11, y for 10–15 (16 answered: x 12, y 6); grid/r1 o1 12 of 20; scale 3 ×9, 2 ×6, 1 ×5; rec 10 ×10,
    8 ×6, 3 ×4 (NPS 30); count 1…20 (mean 10.5).
    2024, 24 answers. role A 14, B 6, C 2, D 2; colour a 6, bc 18; status xx 20, y 4; grid/r1 o1 6 of 24,
    r2 o1 12; new_only k 12; scale 3 ×20, 2 ×4; rec 10 ×20, 8 ×4 (NPS 83.3); count 0, 2, …, 46 (mean 23).
    """
    before = [
        {
            "org_type": "kunta" if i < 12 else "hyvinvointialue",
            "role": _pick(i, [("ra", 12), ("rb", 4), ("rc", 2), ("rd", 2)]),
            "colour": _pick(i, [("a", 5), ("b", 6), ("c", 3), ("d", 2)]),
            "status": ["x", "y"] if i in (10, 11) else ["x"] if i < 12 else ["y"] if i < 16 else None,
            "grid/r1": "o1" if i < 12 else "o2",
            "old_only": "k" if i < 10 else "e",
            "scale": _pick(i, [(3, 9), (2, 6), (1, 5)]),
            "changed": 1,
            "rec": _pick(i, [(10, 10), (8, 6), (3, 4)]),
            "count": i + 1,
        }
        for i in range(20)
    ]
    now = [
        {
            "org_type": "kunta" if i < 20 else "hyvinvointialue",
            "role": _pick(i, [("ra", 14), ("rb", 6), ("rc", 2), ("rd", 2)]),
            "colour": "a" if i < 6 else "bc",
            "status": ["xx"] if i < 20 else ["y"],
            "grid/r1": "o1" if i < 6 else "o2",
            "grid/r2": "o1" if i < 12 else "o2",
            "new_only": "k" if i < 12 else "e",
            "scale": 3 if i < 20 else 2,
            "changed": 3,
            "rec": 10 if i < 20 else 8,
            "count": 2 * i,
        }
        for i in range(24)
    ]
    q23, q24 = parse_questionnaire(WAVE_2023, "a.yaml"), parse_questionnaire(WAVE_2024, "b.yaml")
    return q23, _records(before, "a"), q24, _records(now, "b")


def _waves():
    q23, r23, q24, r24 = _wave_records()
    return ResponseFrame.from_records(q23, r23), ResponseFrame.from_records(q24, r24)


def test_fold_renames_merges_and_marks_what_was_not_asked():
    before, now = _waves()
    folded, how = fold(before, now.questionnaire)
    assert folded.questionnaire is now.questionnaire
    assert how.not_asked == ["grid/r2", "new_only"]
    assert how.not_asked_now == ["old_only"]
    assert how.not_comparable == {"changed": "the scale's points changed"}
    assert how.mapped == {"colour": {"bc": ["b", "c"]}, "status": {"xx": ["x"]}}
    assert how.unmapped == {"colour": ["d"]}
    figures = analyse(folded).questions
    assert figures["colour"].counts == {"a": 5, "bc": 9}  # d (2) has no counterpart and is left out
    assert figures["status"].counts == {"xx": 12, "y": 6}
    assert figures["new_only"].n == 0 and figures["grid"].rows["r2"].n == 0


def test_changes_computed_by_hand_and_the_json_contract():
    before, now = _waves()
    result = compare(analyse(now), now, before)
    data = result.model_dump(mode="json", exclude_none=True)
    colour = data["questions"]["colour"]
    # bc: 9 of 14 before (b 6 + c 3; d left out of the base), 18 of 24 now.
    bc = colour["change"]["bc"]
    assert set(bc) == {"before", "pp", "ci95", "p_value", "test", "significant", "n_before", "n_now"}
    assert (bc["n_before"], bc["n_now"]) == (14, 24)
    assert bc["before"] == pytest.approx(100 * 9 / 14)
    assert bc["pp"] == pytest.approx(100 * (18 / 24 - 9 / 14))
    expected = proportion_difference(9, 14, 18, 24)
    assert bc["ci95"] == pytest.approx(list(expected.ci95))
    assert (bc["test"], bc["p_value"]) == ("fisher_exact", float(f"{expected.p_value:.2g}"))
    # The change sits next to the percentage it belongs to.
    assert set(colour["change"]) == set(colour["percent"]) == {"a", "bc"}
    # A renamed option keeps its history: xx was x (12 of the 16 who answered), now 20 of 24.
    assert data["questions"]["status"]["change"]["xx"]["pp"] == pytest.approx(100 * (20 / 24 - 12 / 16))
    assert data["questions"]["new_only"]["not_asked_before"] is True
    assert "change" not in data["questions"]["new_only"]
    assert data["questions"]["changed"]["not_comparable"] == "the scale's points changed"
    grid = data["questions"]["grid"]["rows"]
    assert grid["r1"]["change"]["o1"]["pp"] == pytest.approx(100 * (6 / 24 - 12 / 20))
    assert grid["r2"]["not_asked_before"] is True and "change" not in grid["r2"]
    assert data["comparison"] == {
        "wave": "2023",
        "questionnaire": "pieni-2023",
        "n_responses": 20,
        "not_asked_before": ["grid/r2", "new_only"],
        "not_asked_now": ["old_only"],
        "not_comparable": {"changed": "the scale's points changed"},
        "mapped": {"colour": {"bc": ["b", "c"]}, "status": {"xx": ["x"]}},
        "unmapped": {"colour": ["d"]},
    }
    scale = data["questions"]["scale"]
    assert scale["agree_change"]["pp"] == pytest.approx(100 * (20 / 24 - 9 / 20))
    assert scale["mean_change"]["difference"] == pytest.approx((3 * 20 + 2 * 4) / 24 - (27 + 12 + 5) / 20)
    rec = data["questions"]["rec"]["nps_change"]
    assert rec["before"] == pytest.approx(30.0)
    assert rec["difference"] == pytest.approx(100 * 20 / 24 - 30.0)
    assert rec["ci95"] == pytest.approx(list(nps_difference((10, 6, 4), (20, 4, 0)).ci95))
    count = data["questions"]["count"]["mean_change"]
    assert (count["difference"], count["test"]) == (pytest.approx(23.0 - 10.5), "welch")


def test_breakdown_changes_only_for_groups_above_k_in_both_waves():
    before, now = _waves()
    result = compare(analyse(now, by="role", k=5), now, before)
    groups = {g.id: g.suppressed for g in result.breakdowns.groups}
    # rb (6) is not published now either: with it, rc and rd (2 + 2) would be everyone minus ra and rb.
    assert groups == {"ra": False, "rb": True, "rc": True, "rd": True}
    cells = result.breakdowns.questions["colour"].groups
    # ra is published in both waves: colour a 5 of 12 before (a 0–4, b 5–10, c 11), 6 of 14 now.
    assert cells["ra"].change["a"].pp == pytest.approx(100 * (6 / 14 - 5 / 12))
    assert (cells["ra"].change["bc"].n_before, cells["ra"].change["bc"].n_now) == (12, 14)
    # rb, rc and rd are not published: no change.
    assert cells["rb"].change is None and cells["rc"].change is None
    rec = result.breakdowns.questions["rec"].groups["ra"]
    # NPS of ra: 10 promoters and 2 passives before (83.3), 14 promoters now (100).
    assert rec.nps_change.difference == pytest.approx(100.0 - 100 * 10 / 12)
    assert rec.mean_change.difference == pytest.approx(10.0 - (10 * 10 + 2 * 8) / 12)
    assert result.breakdowns.questions["rec"].groups["rb"].nps_change is None


def test_trend_over_three_waves_folds_step_by_step():
    before, now = _waves()
    wave_2025 = parse_questionnaire(
        WAVE_2024.replace("pieni-2024", "pieni-2025").replace('"2024"', '"2025"'), "c.yaml"
    )
    latest = ResponseFrame.from_records(wave_2025, _records([{"org_type": "kunta", "colour": "a"}], "c"))
    waves = trend([("2023", before), ("2024", now), ("2025", latest)])
    assert [w.label for w in waves] == ["2023", "2024", "2025"]
    assert [w.result.questions["colour"].percent["a"] for w in waves] == pytest.approx(
        [100 * 5 / 14, 25.0, 100.0]
    )
    assert not waves[0].asked("new_only") and waves[1].asked("new_only")
    assert not waves[0].asked("grid", "r2") and waves[0].asked("grid", "r1")


# ------------------------------------------------------------------------------------------------ the demo


@pytest.fixture(scope="module")
def demo_waves():
    q24, q25 = load_builtin("mll-kumppanikysely-2024"), load_builtin("mll-kumppanikysely-2025")
    return q24, generate().records, q25, demo_2025.generate().records


def test_the_2025_demo_wave_changes_plausibly(demo_waves):
    q24, r24, q25, r25 = demo_waves
    now = ResponseFrame.from_records(q25, r25)
    result = compare(analyse(now), now, ResponseFrame.from_records(q24, r24))
    f = result.questions
    assert result.n_responses == 82
    status = f["cooperation_status"]
    assert int(round_half_up(status.percent["vakiintunut"])) == 66
    assert int(round_half_up(status.change["vakiintunut"].before)) == 59
    assert not status.change["vakiintunut"].significant  # 59 → 66 % is within the noise at n = 80
    assert status.change["toivomme_lisaa"].significant  # 35 → 52 % is not
    assert status.change["vahaista"].before == pytest.approx(100 * 6 / 80)  # satunnaista + ei_yhteistyota
    assert (
        int(round_half_up(f["recommend"].nps)) == 79 and str(round_half_up(f["recommend"].mean, 1)) == "9.2"
    )
    assert not f["recommend"].nps_change.significant
    assert f["contact_frequency"].not_asked_before
    assert result.comparison.not_asked_now == ["meeting_place_org"]
    assert result.comparison.mapped == {
        "family_centre_org": {"kehitteilla": ["kesken"]},
        "cooperation_status": {"vahaista": ["satunnaista", "ei_yhteistyota"]},
    }


# ---------------------------------------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def deck_2025(demo_waves):
    q24, r24, q25, r25 = demo_waves
    return make_deck(
        q25, r25, builtin_spec(q25.id), quote_flags=quote_flags(r25), earlier=[("2024", q24, r24)]
    )


def test_the_report_has_a_trend_section_worded_from_the_numbers(deck_2025):
    sections = [s.title for s in deck_2025.slides if s.kind == "section"]
    assert "Muutos edelliseen kyselyyn" in sections
    assert "7. Muutos edelliseen kyselyyn" in deck_2025.slides[1].items
    trends = {s.title: s for s in deck_2025.slides if s.kind == "trend"}
    assert list(trends) == [
        "Yhteistyön tilannekuva",
        "Molemmille kuuluvat tehtävät",
        "Rahoitus ja kumppanuus",
        "Yhteistyön suosittelu",
    ]
    status = trends["Yhteistyön tilannekuva"]
    assert status.bullets[0] == (
        "Vakiintunutta yhteistyötä kokevien osuus pysyi käytännössä ennallaan (59\u00a0% → 66\u00a0%; "
        "muutos ei ylitä satunnaisvaihtelua)."
    )
    assert (
        status.bullets[2]
        == "Lisää yhteistyötä toivovien osuus kasvoi 35\u00a0%:sta 52\u00a0%:iin (+17 prosenttiyksikköä)."
    )
    assert trends["Yhteistyön suosittelu"].bullets == (
        "NPS pysyi käytännössä ennallaan (82 → 79; muutos ei ylitä satunnaisvaihtelua).",
    )
    chart = status.trend
    assert chart.waves == ("2024", "2025") and chart.unit == "%"
    assert chart.categories[0] == "Yhteistyö on vakiintunutta"
    assert [v[0] for v in chart.values] == [59.0, 66.0]  # as shown: 47/80 = 58.75 %, 54/82 = 65.85 %
    assert chart.n_note == "n = 80 (2024), 82 (2025)"
    assert trends["Molemmille kuuluvat tehtävät"].trend.n_note == "n = 79–80 (2024), 81–82 (2025)"


def test_the_trend_section_needs_a_previous_wave(demo_waves):
    q24, r24, _, _ = demo_waves
    deck = make_deck(q24, r24, builtin_spec(q24.id))
    assert "Muutos edelliseen kyselyyn" not in [s.title for s in deck.slides]
    assert not any(s.kind == "trend" for s in deck.slides)
    assert len(deck.slides[1].items) == 7


def test_trend_slides_in_html_and_pptx(deck_2025):
    html = render(deck_2025, "html").decode("utf-8")
    assert "kasvoi 35\u00a0%:sta 52\u00a0%:iin" in html
    assert 'aria-label="Yhteistyö on vakiintunutta: 2024 59\u00a0%, 2025 66\u00a0%;' in html
    deck = Presentation(io.BytesIO(render(deck_2025, "pptx")))
    charts = [
        shape
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart
        and shape.chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        and shape.name == "Kehitys"
    ]
    assert len(charts) == 4
    first = charts[0].chart.plots[0]
    assert next(iter(first.categories)) == "Yhteistyö on vakiintunutta"
    assert [s.name for s in first.series] == ["2024", "2025"]
    assert list(first.series[1].values)[:3] == [66.0, 30.0, 52.0]  # the values shown, rounded once
    assert "Yhteistyö on vakiintunutta: 2024 59\u00a0%" in charts[0]._element.nvGraphicFramePr.cNvPr.get(
        "descr"
    )
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("NPS pysyi käytännössä ennallaan (82 → 79" in t for t in texts)


def test_a_trend_slide_naming_what_the_question_lacks_is_a_clear_error(demo_waves, tmp_path):
    from luotain.report.build import SpecError
    from luotain.report.spec import load_spec

    q24, r24, _, _ = demo_waves
    path = tmp_path / "s.report.yaml"
    path.write_text(
        "title: T\ndate: '1.1.2025'\nsections:\n  - title: Muutos\n    slides:\n"
        "      - {kind: trend, question: cooperation_status, items: [{option: nope}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="'nope' is not an option of the question"):
        make_deck(q24, r24, load_spec(path))


# --------------------------------------------------------------------------------------------- the command


def _run(*argv: str, home) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUOTAIN_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain.cli", *argv], capture_output=True, text=True, env=env, check=False
    )


def test_analyse_compare_as_a_real_process_from_files(tmp_path):
    q23, r23, q24, r24 = _wave_records()
    files = {}
    for name, text, q, records in (("a", WAVE_2023, q23, r23), ("b", WAVE_2024, q24, r24)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        (tmp_path / f"{name}.csv").write_text(to_csv_text(q, records), encoding="utf-8")
        files[name] = (str(tmp_path / f"{name}.yaml"), str(tmp_path / f"{name}.csv"))
    now = ["analyse", "--questionnaire", files["b"][0], "--responses", files["b"][1]]
    result = _run(
        *now,
        "--compare-questionnaire",
        files["a"][0],
        "--compare-responses",
        files["a"][1],
        "--json",
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["comparison"]["wave"] == "2023"
    assert data["questions"]["colour"]["change"]["bc"]["pp"] == pytest.approx(100 * (18 / 24 - 9 / 14))
    alone = _run(*now, "--compare-questionnaire", files["a"][0], home=tmp_path)
    assert alone.returncode == 2 and "go together" in alone.stderr


def test_analyse_compare_survey_waves_as_a_real_process(tmp_path, demo_waves):
    q24, r24, q25, r25 = demo_waves
    for template, slug, (q, records) in (
        ("mll-kumppanikysely-2024", "mll-2024", (q24, r24)),
        ("mll-kumppanikysely-2025", "mll-2025", (q25, r25)),
    ):
        csv_path = tmp_path / f"{slug}.csv"
        csv_path.write_text(to_csv_text(q, records), encoding="utf-8")
        made = _run("create-survey", str(builtin_template_path(template)), "--slug", slug, home=tmp_path)
        assert made.returncode == 0, made.stderr
        loaded = _run("import-responses", str(csv_path), "--survey", slug, home=tmp_path)
        assert loaded.returncode == 0, loaded.stderr
    result = _run("analyse", "--survey", "mll-2025", "--compare", "mll-2024", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    change = data["questions"]["cooperation_status"]["change"]
    assert change["vakiintunut"]["pp"] == pytest.approx(100 * (54 / 82 - 47 / 80))
    assert change["toivomme_lisaa"]["significant"] is True
    assert data["questions"]["contact_frequency"]["not_asked_before"] is True
    by_wave = _run("analyse", "--survey", "mll-2025", "--compare", "2024", home=tmp_path)
    assert by_wave.returncode == 0 and "compared with 2024 (80 responses)" in by_wave.stdout
    wrong = _run("analyse", "--survey", "mll-2024", "--compare", "mll-2025", home=tmp_path)
    assert wrong.returncode == 2
    assert "'mll-2025' is not an earlier wave of the family of 'mll-2024'" in wrong.stderr
    assert "Traceback" not in wrong.stderr


# --------------------------------------------------------------------------------------------- the dashboard


@pytest.mark.django_db
def test_the_dashboard_compares_waves_and_shows_the_trend(client, demo_waves):
    from django.urls import reverse

    from luotain.web.collect.services import import_responses
    from luotain.web.demo import demo_users
    from luotain.web.partners.services import seed_registry
    from luotain.web.surveys.services import create_survey

    q24, r24, q25, r25 = demo_waves
    seed_registry()
    import_responses(create_survey(q24, "mll-2024", actor=ACTOR), r24, source="demo", actor=ACTOR)
    survey = create_survey(q25, "mll-2025", actor=ACTOR)
    import_responses(survey, r25, source="demo", actor=ACTOR)
    assert (survey.family, survey.wave) == ("mll-kumppanikysely", "2025")
    assert [s.slug for s in survey.waves()] == ["mll-2024", "mll-2025"]
    demo_users("salasana-testi-1")
    assert client.login(username="analyytikko", password="salasana-testi-1")
    url = reverse("backoffice:results", args=["mll-2025"])

    html = client.get(url).content.decode()
    assert '<select name="compare" id="compare">' in html
    assert "Muutos edelliseen kyselyyn" in html  # the trend is there without choosing a comparison
    assert "Lisää yhteistyötä toivovien osuus kasvoi 35\u00a0%:sta 52\u00a0%:iin" in html
    assert "+17* (+2…+32)" in html

    html = client.get(url, {"compare": "mll-2024", "by": "org_type"}).content.decode()
    assert 'value="mll-2024" selected' in html
    assert "+17* (+2…+32)</td>" in html  # next to the share, in its row
    assert "Ei kysytty kyselyssä 2024: ei vertailua." in html  # contact_frequency
    assert "% (" in html  # breakdown cells carry their change

    # The view as CSV has the changes too.
    body = client.get(url, {"compare": "mll-2024", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-4:] == ["change", "change_ci95_low", "change_ci95_high", "change_p_value"]
    wish = next(r for r in rows if r[:4] == ["cooperation_status", "", "toivomme_lisaa", ""])
    assert float(wish[rows[0].index("change")]) == pytest.approx(100 * (43 / 82 - 28 / 80), abs=0.01)
    assert "change" not in client.get(url, {"format": "csv"}).content.decode().splitlines()[0]

    # Lapland: 7 answers in 2025, 3 in 2024: the dashboard shows 2025 but compares nothing.
    html = client.get(url, {"compare": "mll-2024", "district": "lappi"}).content.decode()
    assert "Kyselyssä 2024 suodattimia vastaa alle 5 vastausta: vertailua ei näytetä." in html
    assert "+17*" not in html

    # The first wave has nothing to compare with.
    html = client.get(
        reverse("backoffice:results", args=["mll-2024"]), {"compare": "mll-2025"}
    ).content.decode()
    assert 'name="compare"' not in html and "Muutos edelliseen kyselyyn" not in html
