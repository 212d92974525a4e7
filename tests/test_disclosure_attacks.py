"""Red team: every route an audit found to learn a small group's answers from the results pages, run against
the demo data as the roles that could use them. Each attack does what an attacker would, from what the pages
publish (the results CSV is the page's figures) and what a coordinator knows (each named official's
organisation, district and role), and works the answers out by linear algebra, independently of how
Luotain protects them. None may recover any answer of a group smaller than k.

The routes (issue 18): 1. two filters that differ by a small group; 2. a filter and a breakdown; 3. a filter
that undoes a breakdown's suppression; 4. a group's NPS and mean beside its hidden cells; 5. the same through
the comparison with an earlier wave; 6. the count on the "too few" page; 7. two loads during fieldwork."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from django.urls import reverse
from django.utils import timezone

from luotain.analysis import ResponseFrame, analyse
from luotain.analysis.breakdown import district_column
from luotain.analysis.kinds import ANALYSES
from luotain.mll import demo_2024, demo_2025
from luotain.questionnaire import load_builtin
from luotain.web.audit.services import Actor
from luotain.web.backoffice import dashboard
from luotain.web.collect.services import import_responses
from luotain.web.demo import demo_users
from luotain.web.partners.models import District
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

pytestmark = pytest.mark.django_db
ACTOR = Actor.command("test")
PASSWORD = "salasana-testi-1"
K = 5
BACKGROUND = ("district", "org_type", "role")
Line = tuple[str, str, str]  # question, row, option


@dataclass
class Published:
    """One population's figures as a page published them: which respondents, and each line's count."""

    members: np.ndarray  # bool over the wave's respondents
    counts: dict[Line, int]


class Wave:
    """A wave's respondents as an attacker knows them (background) and as they answered (the truth)."""

    def __init__(self, template: str, records: list) -> None:
        self.questionnaire = load_builtin(template)
        self.frame = ResponseFrame.from_records(self.questionnaire, records)
        df = self.frame.df.with_columns(district_column(self.frame, self.frame.df).cast(pl.String))
        self.background = {b: df[b].cast(pl.String).to_list() for b in BACKGROUND}
        self.n = df.height
        self.values = {b: sorted({v for v in self.background[b] if v}) for b in BACKGROUND}

    def members(self, filters: Mapping[str, Sequence[str]]) -> np.ndarray:
        mask = np.ones(self.n, dtype=bool)
        for key, values in filters.items():
            mask &= np.array([v in values for v in self.background[key]])
        return mask

    def truth(self, mask: np.ndarray) -> dict[Line, int]:
        """What these respondents answered, line by line (k = 1: every figure, nothing withheld)."""
        df = self.frame.df.filter(pl.Series(mask))
        sub = ResponseFrame(self.questionnaire, df, self.frame.registry, self.frame.report)
        text = dashboard.csv_text(self.questionnaire, analyse(sub, k=1, tests=False), "fi")
        return {line: count for line, count in _totals(text).items()}

    def small_groups(self) -> list[np.ndarray]:
        """Every group an attacker could name that is smaller than k: each respondent, and each combination
        of district, organisation type and role with fewer than k respondents."""
        groups = [np.eye(self.n, dtype=bool)[i] for i in range(self.n)]
        for size in (1, 2, 3):
            for keys in itertools.combinations(BACKGROUND, size):
                for values in itertools.product(*(self.values[key] for key in keys)):
                    mask = self.members({key: [v] for key, v in zip(keys, values, strict=True)})
                    if 1 < mask.sum() < K:
                        groups.append(mask)
        unique = {m.tobytes(): m for m in groups}
        return list(unique.values())


def _rows(text: str) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO(text)) if r]


def _totals(text: str, group: str = "") -> dict[Line, int]:
    """The counts of one population of a results CSV: the view's ('') or a breakdown group's."""
    out: dict[Line, int] = {}
    for r in _rows(text)[1:]:
        if len(r) > 5 and r[3] == group and r[2] != "NPS" and r[5] != "":
            out[(r[0], r[1], r[2])] = int(r[5])
    return out


def _groups(text: str) -> set[str]:
    return {r[3] for r in _rows(text)[1:] if len(r) > 5 and r[3]}


def published(wave: Wave, text: str, filters: Mapping[str, Sequence[str]], by: str | None) -> list[Published]:
    """The populations whose counts a results CSV published."""
    view = wave.members(filters)
    found = []
    if _totals(text):
        found.append(Published(view, _totals(text)))
    for group in _groups(text):
        key, value = group.split("=", 1)
        counts = _totals(text, group)
        if counts and by:
            found.append(Published(view & wave.members({key: [value]}), counts))
    return found


def recover(wave: Wave, pages: Iterable[Published], *, exact: bool = True) -> tuple[int, int, int]:
    """Work out every small group's counts line by line from what was published: for each line, the small
    groups that are a linear combination of the populations that published it. Returns (groups, respondents,
    answer cells) recovered. ``exact``: the pages' counts are exact, so every worked-out count must equal
    the truth; otherwise (counts from rounded shares) a recovery counts where it rounds to the truth."""
    pages = list(pages)
    lines = sorted({line for p in pages for line in p.counts})
    targets = wave.small_groups()
    goal = np.array(targets, dtype=float).T  # respondents × targets
    recovered_groups: set[int] = set()
    recovered_people: set[int] = set()
    cells = 0
    truths: dict[int, dict[Line, int]] = {}
    for line in lines:
        having = [p for p in pages if line in p.counts]
        basis = np.array([p.members for p in having], dtype=float)  # populations × respondents
        values = np.array([p.counts[line] for p in having], dtype=float)
        coefficients, *_ = np.linalg.lstsq(basis.T, goal, rcond=None)
        residual = np.abs(basis.T @ coefficients - goal).max(axis=0)
        for t in np.flatnonzero(residual < 1e-6):
            truth = truths.setdefault(t, wave.truth(targets[t])).get(line, 0)
            worked_out = float(values @ coefficients[:, t])
            if exact:
                assert abs(worked_out - truth) < 1e-6, "the published figures are not exact"
            elif round(worked_out) != truth:
                continue
            recovered_groups.add(int(t))
            recovered_people.update(np.flatnonzero(targets[t]).tolist())
            cells += 1
    return len(recovered_groups), len(recovered_people), cells


def recover_by_integers(wave: Wave, pages: Iterable[Published]) -> tuple[int, int]:
    """Work out answers of respondents whom their background alone identifies (alone in their combination of
    district, organisation type and role) by reasoning with whole numbers: each cell of the background's
    combinations answered a line between 0 and its size times, and the published populations' counts are
    sums of cells. A person's answer to a line is recovered when no whole-number solution gives the other
    answer (integer programming), unless the pages do not tell them apart from k or more others who all
    answered it the same way (a fact about that whole population, which may be published). Returns
    (respondents, answer cells) recovered."""
    from scipy.optimize import LinearConstraint, milp

    pages = list(pages)
    background = list(zip(*(wave.background[b] for b in BACKGROUND), strict=True))
    cells = sorted(set(background), key=str)
    cell_of = np.array([cells.index(c) for c in background])
    sizes = np.bincount(cell_of, minlength=len(cells)).astype(float)
    signature = np.array([p.members for p in pages]).T if pages else np.zeros((wave.n, 0))
    _, class_of = np.unique(signature, axis=0, return_inverse=True)
    class_of = class_of.reshape(-1)
    alone = [int(np.flatnonzero(cell_of == c)[0]) for c in range(len(cells)) if sizes[c] == 1]
    truths: dict[int, dict[Line, int]] = {}
    people: set[int] = set()
    found = 0
    for line in sorted({line for p in pages for line in p.counts}):
        having = [p for p in pages if line in p.counts]
        rows = []
        for p in having:
            inside = np.bincount(cell_of[p.members], minlength=len(cells))
            assert np.all((inside == 0) | (inside == sizes)), "a population is not a union of cells"
            rows.append((inside > 0).astype(float))
        values = np.array([p.counts[line] for p in having], dtype=float)
        for person in alone:
            same = class_of == class_of[person]
            for i in np.flatnonzero(same):
                if int(i) not in truths:
                    truths[int(i)] = wave.truth(np.eye(wave.n, dtype=bool)[i])
            answers = {truths[int(i)].get(line, 0) for i in np.flatnonzero(same)}
            if len(answers) == 1 and same.sum() >= K:
                continue  # the k or more the pages do not tell apart answered alike: nothing about one
            cell = int(cell_of[person])
            other = 1 - truths[person].get(line, 0)
            low, high = np.zeros(len(cells)), sizes.copy()
            low[cell] = high[cell] = other
            solved = milp(
                np.zeros(len(cells)),
                constraints=[LinearConstraint(np.array(rows), values, values)],
                integrality=np.ones(len(cells)),
                bounds=(low, high),
            )
            if solved.status == 2:  # infeasible: the other answer is ruled out
                people.add(person)
                found += 1
    return len(people), found


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture()
def waves(client):
    seed_registry()
    records_2024, records_2025 = demo_2024.generate().records, demo_2025.generate().records
    closed = timezone.now() - timedelta(days=30)
    s2024 = create_survey(load_builtin(demo_2024.TEMPLATE), "mll-2024", actor=ACTOR)
    s2025 = create_survey(load_builtin(demo_2025.TEMPLATE), "mll-2025", actor=ACTOR)
    import_responses(s2024, records_2024, source="demo", actor=ACTOR)
    import_responses(s2025, records_2025, source="demo", actor=ACTOR)
    for survey in (s2024, s2025):
        survey.opens_at, survey.closes_at = closed - timedelta(days=30), closed
        survey.save()
    demo_users(PASSWORD)
    return {
        "mll-2024": Wave(demo_2024.TEMPLATE, records_2024),
        "mll-2025": Wave(demo_2025.TEMPLATE, records_2025),
    }


def coordinator(client, district: str = "uusimaa"):
    return signed_in(client, f"koordinaattori-{district}")


def signed_in(client, username: str):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


# The least trusted staff role, and the analyst, whose filters and breakdowns reach every district: the
# protection is the analysis's own, not only what a coordinator's page offers.
ROLES = ("koordinaattori-uusimaa", "analyytikko")


def fetch(client, slug: str, filters: Mapping[str, Sequence[str]], by: str | None = None, **extra) -> str:
    query: dict[str, object] = {key: list(values) for key, values in filters.items()}
    if by:
        query["by"] = by
    r = client.get(reverse("backoffice:results", args=[slug]), {**query, **extra, "format": "csv"})
    assert r.status_code == 200
    return r.content.decode()


def views(wave: Wave) -> list[tuple[dict[str, list[str]], str | None]]:
    """The views an attacker asks for: everyone, each district, every district but one, each organisation
    type and role alone and with every district but one; each with and without a breakdown."""
    districts = wave.values["district"]
    asked: list[tuple[dict[str, list[str]], str | None]] = []
    for by in (None, *BACKGROUND):
        asked.append(({}, by))
    for d in districts:
        rest = [x for x in districts if x != d]
        for by in (None, "district", "role"):
            asked.append(({"district": rest}, by))
        asked.append(({"district": [d]}, None))
    for key in ("org_type", "role"):
        for value in wave.values[key]:
            asked.append(({key: [value]}, None))
            for d in districts:
                asked.append(({key: [value], "district": [x for x in districts if x != d]}, None))
    return asked


# ------------------------------------------------------------------------------------------------ routes


@pytest.mark.parametrize("username", ROLES)
def test_routes_1_to_4_filters_breakdowns_and_derived_figures(client, waves, username):
    """Routes 1–4: every view the filters and breakdowns offer, then the algebra."""
    signed_in(client, username)
    wave = waves["mll-2024"]
    pages: list[Published] = []
    beside: list[tuple[str, str, str]] = []
    for filters, by in views(wave):
        text = fetch(client, "mll-2024", filters, by)
        pages += published(wave, text, filters, by)
        beside += derived_beside_hidden(wave, text)
    assert len(pages) >= (20 if username == "analyytikko" else 4)  # the attack had figures to work with
    groups, people, cells = recover(wave, pages)
    whole_people, whole_cells = recover_by_integers(wave, pages)
    found = (
        f"{groups} small groups, {people} respondents, {cells} cells; {len(beside)} NPS beside hidden cells;"
        f" by whole numbers {whole_people} respondents, {whole_cells} cells"
    )
    assert (groups, people, cells, len(beside), whole_people, whole_cells) == (0, 0, 0, 0, 0, 0), found


def derived_beside_hidden(wave: Wave, text: str) -> list[tuple[str, str, str]]:
    """Route 4: a group of a breakdown whose n is published, and with it the page's mean (and NPS) of a
    scale question, while some of its cells of that question are hidden: with n, the mean and the NPS,
    hidden scale cells can be solved."""
    scales = {q.id for q in wave.questionnaire.questions() if ANALYSES.of(q).scale is not None}
    rows = [r for r in _rows(text)[1:] if len(r) > 10 and r[3] and r[0] in scales]
    found = []
    for key in {(r[0], r[1], r[3]) for r in rows}:
        mine = [r for r in rows if (r[0], r[1], r[3]) == key]
        if len({r[10] for r in mine}) > 1 and any(r[4] != "" for r in mine):
            found.append(key)
    return found


@pytest.mark.parametrize("username", ROLES)
def test_route_5_the_comparison_with_an_earlier_wave(client, waves, username):
    """Route 5: the 2025 page compared with 2024 publishes the 2024 shares of each view's population."""
    signed_in(client, username)
    before = waves["mll-2024"]
    pages: list[Published] = []
    for filters, _by in views(before):
        if _by:
            continue
        text = fetch(client, "mll-2025", filters, compare="mll-2024")
        rows = _rows(text)
        if not rows or "change" not in rows[0]:
            continue
        at = rows[0].index("change")
        members = before.members(filters)
        n_before = int(members.sum())
        counts = {}
        for r in rows[1:]:
            if len(r) > at and r[3] == "" and r[2] != "NPS" and r[at] != "" and r[6] != "":
                counts[(r[0], r[1], r[2])] = round((float(r[6]) - float(r[at])) * n_before / 100)
        if counts:
            pages.append(Published(members, counts))
    assert len(pages) >= (10 if username == "analyytikko" else 2)  # national and her own district
    # The attacker's rounding of the shares is not exact: only recoveries that match the truth count.
    groups, people, cells = recover(before, pages, exact=False)
    assert (groups, people, cells) == (0, 0, 0), f"{groups} small groups, {people} respondents, {cells} cells"


def test_route_6_the_too_few_page_prints_no_count(client, waves):
    coordinator(client)
    url = reverse("backoffice:results", args=["mll-2024"])
    html = client.get(url, {"district": ["kainuu"]}).content.decode()
    summary = re.search(r'<p class="summary">(.*?)</p>', html, re.S)
    assert summary is None or not re.search(r"\d+ vasta", summary.group(1)), summary
    assert "1 vastaus" not in html
    text = fetch(client, "mll-2024", {"district": ["kainuu"]})
    assert not _totals(text)


def test_route_7_two_loads_during_fieldwork(client, waves):
    """Route 7: while answers arrive, two loads of the same view differ by the answers in between."""
    survey_slug = "mll-2024"
    from luotain.web.surveys.models import Survey

    survey = Survey.objects.get(slug=survey_slug)
    survey.closes_at = timezone.now() + timedelta(days=7)
    survey.save()
    coordinator(client)
    first = _totals(fetch(client, survey_slug, {}))
    extra = demo_2024.generate(seed=7).records[0]
    extra = type(extra)("myohainen-1", None, extra.answers)
    import_responses(survey, [extra], source="test", actor=ACTOR)
    second = _totals(fetch(client, survey_slug, {}))
    difference = {line: second.get(line, 0) - first.get(line, 0) for line in second}
    assert not (first and second and any(difference.values())), "the new answer is the difference"


def test_coordinators_see_their_own_district_and_the_national_figures_only(client, waves):
    coordinator(client, "uusimaa")
    own = fetch(client, "mll-2024", {"district": ["uusimaa"]})
    assert sum(_totals(own)[("org_type", "", v)] for v in ("kunta", "hyvinvointialue")) == 14
    other = fetch(client, "mll-2024", {"district": ["jarvi-suomi"]})  # a district of 17: not hers
    assert not _totals(other)
    by_district = fetch(client, "mll-2024", {}, "district")
    assert not {g for g in _groups(by_district) if _totals(by_district, g)} - {"district=uusimaa"}


def test_every_coordinator_together(client, waves):
    """Coordinators are colleagues: what all ten can see together must not single anyone out either."""
    wave = waves["mll-2024"]
    pages: list[Published] = []
    for district in District.objects.values_list("slug", flat=True):
        coordinator(client, district)
        for filters, by in (({}, None), ({"district": [district]}, None), ({}, "org_type"), ({}, "role")):
            pages += published(wave, fetch(client, "mll-2024", filters, by), filters, by)
    groups, people, cells = recover(wave, pages)
    assert (groups, people, cells) == (0, 0, 0), f"{groups} small groups, {people} respondents, {cells} cells"


def test_the_attack_works_when_a_difference_is_published(waves):
    """A positive control: given the figures of everyone and of everyone but Kainuu, as the first build
    published them, the algebra above finds Kainuu's respondent and every one of their answers."""
    wave = waves["mll-2024"]
    everyone = np.ones(wave.n, dtype=bool)
    rest = wave.members({"district": [d for d in wave.values["district"] if d != "kainuu"]})
    pages = [Published(everyone, wave.truth(everyone)), Published(rest, wave.truth(rest))]
    groups, people, cells = recover(wave, pages)
    assert groups >= 1 and people == 1 and cells == len(pages[0].counts)


# ------------------------------------------------------------------------------ elsewhere (route 8)


def test_redaction_masks_every_municipality_and_place_in_any_form():
    from luotain.text.redact import redact

    assert redact("Sauvon kunnassa kerhot toimivat", "fi").text == "[organisaatio] kerhot toimivat"
    assert redact("Sauvossa ja Kainuussa", "fi").text == "[organisaatio] ja [organisaatio]"
    assert "Uudellamaalla" not in redact("Täällä Uudellamaalla on hyvä", "fi").text
    assert redact("Samarbetet i Sauvos kommun", "sv").text == "Samarbetet i [organisation]"
    assert redact("Suomessa ja Euroopassa", "fi").text == "Suomessa ja Euroopassa"


def test_the_word_cloud_takes_only_words_of_at_least_k_answers_after_masking():
    from luotain.text.cloud import word_counts

    answers = ["Kerhotoiminta on tärkeää lapsille"] * 5 + ["Liisa Virtanen Sauvosta kiittää kerhotoimintaa"]
    counts = word_counts(answers, "fi", minimum=K, masked=True)
    assert "kerhotoiminta" in counts
    assert not {"liisa", "virtanen", "sauvo", "kiittää"} & set(counts)
    many = ["Liisa Virtanen Sauvosta"] * 6  # even when a name is in k answers
    assert not {"liisa", "virtanen", "sauvo"} & set(word_counts(many, "fi", minimum=K, masked=True))


def test_after_closing_no_list_of_who_answered(waves):
    from luotain.web.distribution.services import response_rates
    from luotain.web.surveys.models import Survey

    survey = Survey.objects.get(slug="mll-2024")
    assert "organisations" not in response_rates(survey)
    survey.closes_at = timezone.now() + timedelta(days=3)
    survey.save()
    assert "organisations" in response_rates(survey)  # while open, for reminders


def test_tests_leave_hidden_groups_out(waves):
    wave = waves["mll-2024"]
    result = analyse(wave.frame, by="district")
    hidden = {g.id for g in result.breakdowns.groups if g.suppressed}
    assert hidden == {"kainuu", "lappi", "varsinais-suomi"}
    shown = [g.id for g in result.breakdowns.groups if not g.suppressed]
    test = result.breakdowns.questions["recommend"].test
    without = (
        analyse(
            ResponseFrame(
                wave.questionnaire,
                wave.frame.df.filter(pl.Series(wave.members({"district": shown}))),
                wave.frame.registry,
            ),
            by="district",
            k=1,
        )
        .breakdowns.questions["recommend"]
        .test
    )
    assert test.p_value == without.p_value == float(f"{test.p_value:.2g}")  # two significant digits


def test_a_later_wave_that_merges_options_does_not_open_the_earlier_wave(waves):
    """A review's route: a 2025 questionnaire that merges two roles (`previous:`) folds 2024 into groups its
    own family never checked; the comparison must protect 2024 by 2024's family (here: no change for the
    merged group, which 2024 does not publish, so its two 'muu' respondents stay hidden)."""
    import yaml

    from luotain.analysis.compare import compare, fold
    from luotain.questionnaire import builtin_template_path
    from luotain.questionnaire.loader import parse_questionnaire

    before = waves["mll-2024"].frame
    data = yaml.safe_load(builtin_template_path(demo_2025.TEMPLATE).read_text(encoding="utf-8"))
    role = next(q for q in data["sections"][0]["questions"] if q["id"] == "role")
    merged = {"id": "paallikko_tai_tyontekija", "label": {"fi": "Päällikkö tai työntekijä"}}
    merged["previous"] = ["paallikko", "tyontekija"]
    role["options"] = [o for o in role["options"] if o["id"] not in merged["previous"]] + [merged]
    later = parse_questionnaire(yaml.safe_dump(data, allow_unicode=True))
    now = fold(waves["mll-2025"].frame, later)[0]
    result = compare(analyse(now, by="role"), now, before)
    for question in result.breakdowns.questions.values():
        for cells in [question.groups or {}, *(question.rows or {}).values()]:
            cell = cells.get("paallikko_tai_tyontekija")
            assert cell is None or not cell.change, "2024's päällikkö + työntekijä is not one of its groups"
    # The same through a filter: the 2024 figures of the merged group are not compared.
    filtered = compare(analyse(now, filters={"role": ["paallikko_tai_tyontekija"]}), now, before)
    assert filtered.comparison.n_responses == 0


def test_no_filter_or_breakdown_outside_the_background(waves):
    """A review's route: filtering Kainuu by an answer question told, by 'withheld' or not, which answer
    Kainuu's one respondent gave. Only background questions and districts group respondents."""
    from luotain.analysis import AnalysisError

    frame = waves["mll-2024"].frame
    with pytest.raises(AnalysisError, match="background"):
        analyse(frame, filters={"district": ["kainuu"], "family_centre_org": ["hyvinvointialue"]})
    with pytest.raises(AnalysisError, match="background"):
        analyse(frame, by="family_centre_org")


def test_an_empty_group_looks_like_any_other_unshown_group(waves):
    """A review's route: 'n = 0' for an empty combination beside 'cannot be shown' for a small one told
    which combinations of district, type and role anyone answered from."""
    wave = waves["mll-2024"]
    answers = []
    for org_type in wave.values["org_type"]:
        for role in wave.values["role"]:
            for district in ("kainuu", "lappi", "satakunta"):
                filters = {"org_type": [org_type], "role": [role], "district": [district]}
                result = analyse(wave.frame, filters=filters, tests=False)
                answers.append((bool(result.withheld), result.n_responses))
    assert set(answers) == {(True, 0)}


def test_published_counts_do_not_pin_down_a_small_cell_by_integer_reasoning(waves):
    """The reviewer's example: from the national count of one answer and the counts of every shown group
    by organisation type, role and district, bound the count of Kaakkois-Suomi's one county employee by
    integer programming over the cells. On the first family (both organisation types, three roles, seven
    districts) the bounds met at 1; protected means they do not meet."""
    from scipy.optimize import LinearConstraint, milp

    wave = waves["mll-2024"]
    column, option = "responsibilities/support_person_grant", "ei_kummallekaan"
    background = list(zip(*(wave.background[b] for b in BACKGROUND), strict=True))
    cells = sorted(set(background), key=str)
    sizes = np.array([background.count(c) for c in cells], dtype=float)
    rows, values = [], []
    for by in (None, *BACKGROUND):
        result = analyse(wave.frame, by=by, tests=False)
        if by is None:
            rows.append(np.ones(len(cells)))
            values.append(result.questions["responsibilities"].rows["support_person_grant"].counts[option])
            continue
        groups = result.breakdowns.questions["responsibilities"].rows["support_person_grant"]
        for group, cell in groups.items():
            if cell.counts is not None and cell.counts.get(option) is not None:
                index = BACKGROUND.index(by)
                rows.append(np.array([1.0 if c[index] == group else 0.0 for c in cells]))
                values.append(cell.counts[option])
    target = cells.index(("kaakkois-suomi", "hyvinvointialue", "tyontekija"))
    assert sizes[target] == 1 and column.endswith("support_person_grant")
    constraint = LinearConstraint(np.array(rows), values, values)
    bounds = []
    for sign in (1.0, -1.0):
        objective = np.zeros(len(cells))
        objective[target] = sign
        solved = milp(
            objective,
            constraints=[constraint],
            integrality=np.ones(len(cells)),
            bounds=(np.zeros(len(cells)), sizes),
        )
        bounds.append(sign * solved.fun)
    assert bounds[0] != bounds[1], f"the cell's count is forced to {bounds[0]:.0f}"
