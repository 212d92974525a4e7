"""A large response table of the 2024 questionnaire, as text cells (as read from the canonical CSV).

Vectorised, seeded: one million responses take a few seconds. Shares follow the demo's proportions loosely;
the benchmark measures speed, not the figures.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    Questionnaire,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.registry import default_registry

TEXTS = [
    "Lisää perhekahviloita ja vertaistukea.",
    "Yhteistyö toimii hyvin, kiitos.",
    "Toivoisimme enemmän yhteistä suunnittelua.",
    "Vapaaehtoistoiminta täydentää palveluja.",
]


def _pick(rng: np.random.Generator, labels: list[str], n: int, skip: float = 0.02) -> pl.Series:
    weights = rng.dirichlet(np.ones(len(labels)))
    codes = rng.choice(len(labels), size=n, p=weights)
    values = np.array(labels, dtype=object)[codes]
    values[rng.random(n) < skip] = ""
    return pl.Series(values, dtype=pl.String)


def generate_table(questionnaire: Questionnaire, n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    registry = default_registry()
    columns: dict[str, pl.Series] = {"response_id": pl.Series([f"{i:x}" for i in range(n)], dtype=pl.String)}
    org_type = rng.random(n) < 0.45
    for q in questionnaire.questions():
        if isinstance(q, SingleChoice):
            if q.id == "org_type":
                columns[q.id] = pl.Series(np.where(org_type, "hyvinvointialue", "kunta"), dtype=pl.String)
            else:
                columns[q.id] = _pick(rng, list(q.option_ids()), n)
        elif isinstance(q, MultipleChoice):
            chosen = [
                pl.when(pl.lit(pl.Series(rng.random(n) < rng.uniform(0.1, 0.9)))).then(pl.lit(o))
                for o in q.option_ids()
            ]
            columns[q.id] = pl.select(pl.concat_str(chosen, separator=" ", ignore_nulls=True)).to_series()
        elif isinstance(q, Matrix):
            for row in q.rows:
                columns[q.row_column(row.id)] = _pick(rng, list(q.option_ids()), n, skip=0.05)
        elif isinstance(q, Rating):
            columns[q.id] = _pick(rng, [str(p.value) for p in q.points], n)
        elif isinstance(q, Recommendation):
            columns[q.id] = _pick(rng, [str(v) for v in range(11)], n)
        elif isinstance(q, Number):
            columns[q.id] = pl.Series(rng.integers(0, 100, n).astype(str), dtype=pl.String)
        elif isinstance(q, OpenText):
            values = np.array(TEXTS + [""] * 4, dtype=object)[rng.integers(0, 8, n)]
            columns[q.id] = pl.Series(values, dtype=pl.String)
        elif isinstance(q, OrganisationPicker):
            counties = np.array([o.code for o in registry.of_kind("hyvinvointialue")], dtype=object)
            towns = np.array([o.code for o in registry.of_kind("kunta")], dtype=object)
            values = np.where(
                org_type, counties[rng.integers(0, len(counties), n)], towns[rng.integers(0, len(towns), n)]
            )
            columns[q.id] = pl.Series(values, dtype=pl.String)
        for column in q.columns():
            if column.name not in columns:  # "muu, mikä?" texts
                columns[column.name] = pl.Series([""] * n, dtype=pl.String)
    return pl.DataFrame(columns)
