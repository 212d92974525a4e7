"""The speed baseline: the same figures as ``luotain.analysis.analyse``, written the way an analyst would
write them with pandas (value_counts, crosstab, str.split + explode), from the table's text cells.

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


def _shares(values: pd.Series, options: list[str], n: int) -> dict[str, Any]:
    counts = values.value_counts().reindex(options, fill_value=0)
    return {
        "n": n,
        "counts": {o: int(c) for o, c in counts.items()},
        "percent": {o: 100.0 * c / n if n else 0.0 for o, c in counts.items()},
        "ci95": {o: wilson(int(c), n) for o, c in counts.items()} if n else {},
    }


def _answered(raw: pd.DataFrame, column: str) -> pd.Series:
    values = raw[column].str.strip()
    return values[values != ""]


def _question(q: Any, raw: pd.DataFrame, registry: Registry) -> dict[str, Any]:
    if isinstance(q, Matrix):
        options = list(q.option_ids())
        rows = {}
        for row in q.rows:
            values = _answered(raw, q.row_column(row.id))
            rows[row.id] = _shares(values, options, len(values))
        answered = (raw[[q.row_column(r.id) for r in q.rows]].apply(lambda c: c.str.strip()) != "").any(
            axis=1
        )
        return {"n": int(answered.sum()), "rows": rows}
    if isinstance(q, MultipleChoice):
        values = _answered(raw, q.id)
        chosen = values.str.split().explode()
        return _shares(chosen, list(q.option_ids()), len(values))
    if isinstance(q, SingleChoice):
        values = _answered(raw, q.id)
        return _shares(values, list(q.option_ids()), len(values))
    if isinstance(q, Rating | Recommendation):
        points = [p.value for p in q.points] if isinstance(q, Rating) else list(range(11))
        numbers = pd.to_numeric(_answered(raw, q.id)).astype(int)
        result = _shares(numbers.astype(str), [str(p) for p in points], len(numbers))
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
        numbers = pd.to_numeric(_answered(raw, q.id).str.replace(",", "."))
        return {"n": len(numbers), "mean": float(numbers.mean()) if len(numbers) else None}
    if isinstance(q, OrganisationPicker):
        codes = pd.Series(_answered(raw, q.id).unique())
        return {
            "n": len(_answered(raw, q.id)),
            "organisations": {
                "hyvinvointialue": int(codes.str.startswith("hva:").sum()),
                "kunta": int(codes.str.startswith("kunta:").sum()),
            },
        }
    if isinstance(q, OpenText):
        return {"n": len(_answered(raw, q.id))}
    raise ValueError(q.type_name)


def _group_series(questionnaire: Questionnaire, raw: pd.DataFrame, by: str, registry: Registry) -> pd.Series:
    if by == "district":
        org = next(q for q in questionnaire.questions() if isinstance(q, OrganisationPicker))
        mapping = {code: d.slug for code in registry.organisations if (d := registry.district_of(code))}
        return raw[org.id].map(mapping)
    return raw[by].str.strip().replace("", None)


def _table(groups: pd.Series, values: pd.Series, options: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"g": groups, "v": values}).dropna()
    frame = frame[frame["v"] != ""]
    return pd.crosstab(frame["g"], frame["v"]).reindex(columns=options, fill_value=0)


def _breakdown(q: Any, raw: pd.DataFrame, groups: pd.Series) -> dict[str, Any] | None:
    def cells(table: pd.DataFrame, sizes: pd.Series) -> dict[str, Any]:
        return {
            str(g): {"n": int(sizes.get(g, 0)), "counts": {o: int(c) for o, c in table.loc[g].items()}}
            for g in table.index
        }

    if isinstance(q, Matrix):
        rows = {}
        for row in q.rows:
            table = _table(groups, raw[q.row_column(row.id)].str.strip(), list(q.option_ids()))
            p = independence_test(table.to_numpy())
            rows[row.id] = {"groups": cells(table, table.sum(axis=1)), "p_value": p.p_value if p else None}
        return {"rows": rows}
    if isinstance(q, MultipleChoice):
        values = raw[q.id].str.strip()
        answered = values != ""
        chosen = pd.DataFrame({"g": groups[answered], "v": values[answered].str.split()}).explode("v")
        table = _table(chosen["g"], chosen["v"], list(q.option_ids()))
        sizes = groups[answered].value_counts()
        return {"groups": cells(table, sizes), "p_value": None}
    if isinstance(q, SingleChoice | Rating | Recommendation):
        if isinstance(q, SingleChoice):
            options = list(q.option_ids())
        elif isinstance(q, Rating):
            options = [str(p.value) for p in q.points]
        else:
            options = [str(v) for v in range(11)]
        table = _table(groups, raw[q.id].str.strip(), options)
        p = independence_test(table.to_numpy())
        return {"groups": cells(table, table.sum(axis=1)), "p_value": p.p_value if p else None}
    return None


def analyse_pandas(
    questionnaire: Questionnaire, raw: pd.DataFrame, by: str | None = None, registry: Registry | None = None
) -> dict[str, Any]:
    registry = registry or default_registry()
    result: dict[str, Any] = {
        "n_responses": len(raw),
        "questions": {q.id: _question(q, raw, registry) for q in questionnaire.questions()},
    }
    if by:
        groups = _group_series(questionnaire, raw, by, registry)
        breakdowns = {}
        for q in questionnaire.questions():
            if q.id != by and (b := _breakdown(q, raw, groups)) is not None:
                breakdowns[q.id] = b
        result["breakdowns"] = breakdowns
    return result


def _compare() -> int:
    """Check the baseline against the engine on the demo answers (with k = 1, nothing but zeros hidden)."""
    import io

    from luotain.analysis import ResponseFrame, analyse
    from luotain.questionnaire import load_builtin
    from luotain.responses import to_csv_text
    from luotain.responses.demo import generate

    q = load_builtin("mll-kumppanikysely-2024")
    records = generate().records
    raw = pd.read_csv(io.StringIO(to_csv_text(q, records)), dtype=str, keep_default_na=False)
    frame = ResponseFrame.from_records(q, records)
    problems = []
    for by in (None, "org_type", "district"):
        theirs = analyse_pandas(q, raw, by=by)
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
