from __future__ import annotations

import os
from pathlib import Path

import pytest

from luotain.questionnaire import Questionnaire, load_builtin, parse_questionnaire

TEMPLATE = "mll-kumppanikysely-2024"

# Jobs run at once in the tests, without a worker (tests/test_jobs.py runs real workers on SQLite and
# Redis), so the suite needs no prepared home (var/) either. The settings module is named here and not in
# pyproject.toml so that Django reads the settings after these lines (pytest-django would read them first).
os.environ.setdefault("LUOTAIN_QUEUE_URL", "immediate")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luotain.web.settings")


def pytest_configure(config: pytest.Config) -> None:
    """Read the settings now: pytest-django then sets Django up (its own pytest_configure runs last)."""
    from django.conf import settings

    assert settings.DATABASES


@pytest.fixture(autouse=True)
def _jobs_run_at_once():
    """Whatever queue LUOTAIN_QUEUE_URL names where the suite runs, jobs submitted in a test run at once."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture(scope="session")
def mll() -> Questionnaire:
    return load_builtin(TEMPLATE)


SMALL = """
id: pieni
title: {fi: Pieni kysely, sv: En liten enkät}
languages: [fi, sv]
sections:
  - id: tausta
    title: Tausta
    questions:
      - id: org_type
        type: single_choice
        required: true
        text: Organisaatio
        options:
          - {id: hyvinvointialue, label: Hyvinvointialue}
          - {id: kunta, label: Kunta}
      - id: role
        type: single_choice
        text: Asema
        options:
          - {id: johto, label: Johto}
          - {id: muu, label: "Muu, mikä?", other: true}
  - id: org
    title: Organisaatio
    questions:
      - id: organisation
        type: organisation
        required: true
        type_question: org_type
        text: Organisaatiosi
  - id: kunnat
    title: Vain kunnille
    show_if: {question: org_type, equals: kunta}
    questions:
      - id: kunta_only
        type: number
        text: Montako kerhoa kunnassanne on?
        minimum: 0
        maximum: 500
  - id: arviot
    title: Arviot
    questions:
      - id: grid
        type: matrix
        required: true
        text: Kenen tehtävä?
        rows:
          - {id: a, text: Tehtävä A}
          - {id: b, text: Tehtävä B}
        options:
          - {id: kunta, label: Kunta}
          - {id: molemmat, label: Molemmat}
      - id: forms
        type: multiple_choice
        text: Yhteistyön muodot
        options:
          - {id: x, label: X}
          - {id: y, label: Y}
          - {id: muu, label: Muu, other: true}
      - id: agree
        type: rating
        text: Samaa mieltä?
        points:
          - {value: 1, label: Eri mieltä}
          - {value: 2, label: Neutraali}
          - {value: 3, label: Samaa mieltä}
      - id: recommend
        type: recommendation
        required: true
        text: Suosittelisitko?
      - id: comments
        type: text
        long: true
        max_length: 200
        text: Vapaa sana
"""


@pytest.fixture(scope="session")
def small() -> Questionnaire:
    return parse_questionnaire(SMALL, "small.yaml")


@pytest.fixture()
def write_file(tmp_path: Path):
    def write(text: str, name: str = "q.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no rate-limit counters (they live in the cache, which outlives a test)."""
    from django.core.cache import cache

    cache.clear()


def district_count(survey, district: str) -> int:
    """How many of a survey's stored responses come from a district's organisations (the registry's
    mapping of organisations to MLL districts)."""
    import polars as pl

    from luotain.analysis import ResponseFrame
    from luotain.analysis.breakdown import district_column
    from luotain.web.collect.services import response_records

    frame = ResponseFrame.from_records(survey.questionnaire, response_records(survey))
    return int((district_column(frame, frame.df).cast(pl.String) == district).sum())
