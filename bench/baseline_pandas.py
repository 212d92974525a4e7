"""The speed baseline: the same figures as ``luotain.analysis.analyse``, written the way an analyst would
write them with pandas: first the text cells to categoricals, numbers and dummy columns (``prepare``), then
value_counts, crosstab and groupby (``analyse_pandas``).

The interval and test formulas are the engine's own (``luotain.analysis.stats``), so the comparison is of
the data handling. No disclosure control: the baseline computes the raw breakdown tables.

    .venv/bin/python bench/baseline_pandas.py      # checks that it agrees with the engine on the demo data
"""

from __future__ import annotations

import sys
from typing import Any

import pandas as pd

from luotain.analysis.stats import independence_test, mean_ci, nps, wilson
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
from luotain.registry import Registry, default_registry


def prepare(questionnaire: Questionnaire, raw: pd.DataFrame) -> dict[str, Any]:
    """Text cells to pandas types, as an analyst would first do: categoricals, numbers, dummy columns."""
    columns: dict[str, Any] = {}
    for q in questionnaire.questions():
        for column in q.columns():
            text = raw[column.name].str.strip().replace("", None) if column.name in raw else None
            if text is None:
                continue
            if column.kind == "choice":
                columns[column.name] = pd.Categorical(text, categories=list(column.options))
            elif column.kind == "choices":
                columns[column.name] = text.str.get_dummies(sep=" ").reindex(
                    columns=list(column.options), fill_value=0
                )
            elif column.kind in ("integer", "number"):
                columns[column.name] = pd.to_numeric(text.str.replace(",", "."))
            else:
                columns[column.name] = text
    return columns


def _shares(counts: pd.Series, n: int) -> dict[str, Any]:
    return {
        "n": n,
        "counts": {str(o): int(c) for o, c in counts.items()},
        "percent": {str(o): 100.0 * c / n if n else 0.0 for o, c in counts.items()},
        "ci95": {str(o): wilson(int(c), n) for o, c in counts.items()} if n else {},
    }


def _question(q: Any, data: dict[str, Any]) -> dict[str, Any]:
    if isinstance(q, Matrix):
        rows = {}
        for row in q.rows:
            values = pd.Series(data[q.row_column(row.id)])
            rows[row.id] = _shares(values.value_counts(sort=False), int(values.notna().sum()))
        answered = pd.concat([pd.Series(data[q.row_column(r.id)]).notna() for r in q.rows], axis=1).any(
            axis=1
        )
        return {"n": int(answered.sum()), "rows": rows}
    if isinstance(q, MultipleChoice):
        dummies = data[q.id]
        return _shares(dummies.sum(), int((dummies.sum(axis=1) > 0).sum()))
    if isinstance(q, SingleChoice):
        values = pd.Series(data[q.id])
        return _shares(values.value_counts(sort=False), int(values.notna().sum()))
    if isinstance(q, Rating | Recommendation):
        points = [p.value for p in q.points] if isinstance(q, Rating) else list(range(11))
        numbers = data[q.id].dropna().astype(int)
        result = _shares(numbers.value_counts().reindex(points, fill_value=0), len(numbers))
        if len(numbers):
            result["mean"] = mean_ci(float(numbers.sum()), float((numbers**2).sum()), len(numbers))[0]
            if isinstance(q, Rating):
                result["agree_percent"] = 100.0 * numbers.isin(q.agree_values()).mean()
            else:
                result["nps"] = nps(
                    int((numbers >= 9).sum()), int(numbers.between(7, 8).sum()), int((numbers <= 6).sum())
                ).nps
        return result
    if isinstance(q, Number):
        numbers = data[q.id].dropna()
        return {"n": len(numbers), "mean": float(numbers.mean()) if len(numbers) else None}
    if isinstance(q, OrganisationPicker):
        codes = pd.Series(data[q.id].dropna().unique())
        return {
            "n": int(data[q.id].notna().sum()),
            "organisations": {
                "hyvinvointialue": int(codes.str.startswith("hva:").sum()),
                "kunta": int(codes.str.startswith("kunta:").sum()),
            },
        }
    if isinstance(q, OpenText):
        return {"n": int(data[q.id].notna().sum())}
    raise ValueError(q.type_name)


def _group_series(
    questionnaire: Questionnaire, data: dict[str, Any], by: str, registry: Registry
) -> pd.Series:
    if by == "district":
        org = next(q for q in questionnaire.questions() if isinstance(q, OrganisationPicker))
        mapping = {code: d.slug for code in registry.organisations if (d := registry.district_of(code))}
        return data[org.id].map(mapping).astype("category")
    return pd.Series(data[by])


def _cells(table: pd.DataFrame, sizes: pd.Series) -> dict[str, Any]:
    return {
        str(g): {"n": int(sizes.get(g, 0)), "counts": {str(o): int(c) for o, c in table.loc[g].items()}}
        for g in table.index
    }


def _breakdown(q: Any, data: dict[str, Any], groups: pd.Series) -> dict[str, Any] | None:
    if isinstance(q, Matrix):
        rows = {}
        for row in q.rows:
            table = pd.crosstab(groups, pd.Series(data[q.row_column(row.id)]), dropna=False)
            p = independence_test(table.to_numpy())
            rows[row.id] = {"groups": _cells(table, table.sum(axis=1)), "p_value": p.p_value if p else None}
        return {"rows": rows}
    if isinstance(q, MultipleChoice):
        dummies = data[q.id]
        answered = dummies.sum(axis=1) > 0
        table = dummies[answered].groupby(groups[answered], observed=False).sum()
        return {"groups": _cells(table, groups[answered].value_counts()), "p_value": None}
    if isinstance(q, SingleChoice):
        values = pd.Series(data[q.id])
    elif isinstance(q, Rating | Recommendation):
        points = [p.value for p in q.points] if isinstance(q, Rating) else list(range(11))
        values = pd.Series(pd.Categorical(data[q.id], categories=points))
    else:
        return None
    table = pd.crosstab(groups, values, dropna=False)
    table.columns = [str(c) for c in table.columns]
    p = independence_test(table.to_numpy())
    return {"groups": _cells(table, table.sum(axis=1)), "p_value": p.p_value if p else None}


def analyse_pandas(
    questionnaire: Questionnaire,
    data: dict[str, Any],
    by: str | None = None,
    registry: Registry | None = None,
) -> dict[str, Any]:
    """Every figure from prepared columns (see ``prepare``)."""
    registry = registry or default_registry()
    n = len(next(iter(data.values())))
    result: dict[str, Any] = {
        "n_responses": n,
        "questions": {q.id: _question(q, data) for q in questionnaire.questions()},
    }
    if by:
        groups = _group_series(questionnaire, data, by, registry)
        breakdowns = {}
        for q in questionnaire.questions():
            if q.id != by and (b := _breakdown(q, data, groups)) is not None:
                breakdowns[q.id] = b
        result["breakdowns"] = breakdowns
    return result


def _compare() -> int:
    """Check the baseline against the engine on the demo answers (with k = 1, nothing but zeros hidden)."""
    import io

    from luotain.analysis import ResponseFrame, analyse
    from luotain.mll.demo_2024 import generate
    from luotain.questionnaire import load_builtin
    from luotain.responses import to_csv_text

    q = load_builtin("mll-kumppanikysely-2024")
    records = generate().records
    raw = pd.read_csv(io.StringIO(to_csv_text(q, records)), dtype=str, keep_default_na=False)
    frame = ResponseFrame.from_records(q, records)
    problems = []
    data = prepare(q, raw)
    for by in (None, "org_type", "district"):
        theirs = analyse_pandas(q, data, by=by)
        ours = analyse(frame, by=by, k=1)
        for qid, item in theirs["questions"].items():
            mine = ours.questions[qid]
            for key in ("n", "counts", "nps", "mean", "agree_percent", "organisations"):
                if (
                    key in item
                    and item[key] != getattr(mine, key)
                    and not (isinstance(item[key], float) and abs(item[key] - getattr(mine, key)) < 1e-9)
                ):
                    problems.append(f"{by} {qid}.{key}: pandas {item[key]} engine {getattr(mine, key)}")
            for row, shares in item.get("rows", {}).items():
                if shares["counts"] != mine.rows[row].counts:
                    problems.append(
                        f"{by} {qid}/{row}: pandas {shares['counts']} engine {mine.rows[row].counts}"
                    )
        for qid, item in theirs.get("breakdowns", {}).items():
            mine_b = ours.breakdowns.questions[qid]
            tables = (
                [(item["groups"], mine_b.groups)]
                if "groups" in item
                else [(item["rows"][r]["groups"], mine_b.rows[r]) for r in item["rows"]]
            )
            for their_groups, my_groups in tables:
                for gid, cell in their_groups.items():
                    mine_cell = my_groups[gid]
                    for option, count in cell["counts"].items():
                        if mine_cell.counts and mine_cell.counts[option] not in (None, count):
                            problems.append(
                                f"{by} {qid} {gid} {option}: pandas {count} engine {mine_cell.counts[option]}"
                            )
    for p in problems:
        print(p)
    print("baseline agrees with the engine" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(_compare())
