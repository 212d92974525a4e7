"""Speed baseline: the figures of ``luotain.analysis.analyse`` as an analyst would write them with pandas.

Input is the canonical CSV read as text (``pd.read_csv(path, dtype=str, keep_default_na=False)``). Intervals,
NPS and means use ``luotain.analysis.stats`` so that only the data handling differs from the engine. There is
no disclosure control: breakdowns are the raw tables, with one chi-square p-value per table.

    .venv/bin/python bench/pandas_baseline.py      # self-check against the engine on the 80 demo answers
"""

from __future__ import annotations

import io
import math
import sys
from typing import Any

import pandas as pd
from scipy.stats import chi2_contingency

from luotain.analysis.stats import nps, wilson
from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    QuestionBase,
    Questionnaire,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.registry import Registry, default_registry

Figures = dict[str, Any]


def _answers(raw: pd.DataFrame, column: str) -> pd.Series:
    """The non-empty cells of a column (already stripped), keeping the row index."""
    values = raw[column]
    return values[values != ""]


def _choices(raw: pd.DataFrame, column: str, options: list[str]) -> pd.Series:
    values = _answers(raw, column)
    return values[values.isin(options)]


def _points(raw: pd.DataFrame, column: str, options: list[str]) -> pd.Series:
    """A rating or 0–10 answer as the point's text ("0".."10")."""
    numbers = pd.to_numeric(_answers(raw, column).str.replace(",", ".", regex=False), errors="coerce")
    points = numbers.dropna().astype(int).astype(str)
    return points[points.isin(options)]


def _exploded(raw: pd.DataFrame, column: str, options: list[str]) -> pd.Series:
    """A multiple choice as one row per chosen option (index: the respondent's row), each option once."""
    chosen = _answers(raw, column).str.split().explode()
    chosen = chosen[chosen.isin(options)]
    repeated = pd.DataFrame({"row": chosen.index, "option": chosen.to_numpy()}).duplicated().to_numpy()
    return chosen[~repeated]


def _shares(values: pd.Series, options: list[str], n: int) -> Figures:
    counts = values.value_counts().reindex(options, fill_value=0)
    return {
        "n": n,
        "counts": {o: int(c) for o, c in counts.items()},
        "percent": {o: 100.0 * c / n if n else 0.0 for o, c in counts.items()},
        "ci95": {o: wilson(int(c), n) for o, c in counts.items()} if n else {},
    }


def _scale(question: Rating | Recommendation, points: pd.Series, options: list[str]) -> Figures:
    result = _shares(points, options, len(points))
    if len(points) == 0:
        return result
    values = points.astype(int)
    result["mean"] = float(values.mean())
    if isinstance(question, Rating):
        result["agree_percent"] = 100.0 * values.isin(question.agree_values()).mean()
    else:
        promoters, passives = int((values >= 9).sum()), int(values.between(7, 8).sum())
        result["nps"] = nps(promoters, passives, len(values) - promoters - passives).nps
    return result


def _scale_options(question: Rating | Recommendation) -> list[str]:
    values = [p.value for p in question.points] if isinstance(question, Rating) else range(11)
    return [str(v) for v in values]


def _question(question: QuestionBase, raw: pd.DataFrame) -> Figures:
    if isinstance(question, Matrix):
        options = list(question.option_ids())
        rows, answered = {}, pd.Index([])
        for row in question.rows:
            values = _choices(raw, question.row_column(row.id), options)
            answered = answered.union(values.index)
            rows[row.id] = _shares(values, options, len(values))
        return {"n": len(answered), "rows": rows}
    if isinstance(question, MultipleChoice):
        chosen = _exploded(raw, question.id, list(question.option_ids()))
        return _shares(chosen, list(question.option_ids()), chosen.index.nunique())
    if isinstance(question, SingleChoice):
        values = _choices(raw, question.id, list(question.option_ids()))
        return _shares(values, list(question.option_ids()), len(values))
    if isinstance(question, Rating | Recommendation):
        options = _scale_options(question)
        return _scale(question, _points(raw, question.id, options), options)
    if isinstance(question, Number):
        numbers = pd.to_numeric(_answers(raw, question.id).str.replace(",", "."), errors="coerce").dropna()
        return {"n": len(numbers), **({"mean": float(numbers.mean())} if len(numbers) else {})}
    if isinstance(question, OrganisationPicker):
        codes = _answers(raw, question.id)
        distinct = pd.Series(codes.unique(), dtype=object)
        kinds = {"hyvinvointialue": "hva:", "kunta": "kunta:"}
        organisations = {k: int(distinct.str.startswith(p).sum()) for k, p in kinds.items()}
        return {"n": len(codes), "organisations": organisations}
    if isinstance(question, OpenText):
        return {"n": len(_answers(raw, question.id))}
    raise ValueError(f"no figures for question type '{question.type_name}'")


# --------------------------------------------------------------------------------------------- breakdowns


def _grouping(questionnaire: Questionnaire, raw: pd.DataFrame, by: str, registry: Registry) -> pd.Series:
    """Each respondent's group (missing when unknown), as a categorical of every possible group."""
    if by == "district":
        org = next(q for q in questionnaire.questions() if isinstance(q, OrganisationPicker))
        codes = _answers(raw, org.id)
        slugs = {code: d.slug for code in codes.unique() if (d := registry.district_of(code)) is not None}
        groups, labels = codes.map(slugs), [d.slug for d in registry.districts]
    else:
        question = questionnaire.question(by)
        if not isinstance(question, SingleChoice):
            raise ValueError(f"cannot break down by '{by}': not a single choice question")
        labels = list(question.option_ids())
        groups = _choices(raw, by, labels)
    return pd.Series(pd.Categorical(groups.reindex(raw.index), categories=labels), index=raw.index)


def _p_value(table: pd.DataFrame) -> float | None:
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None
    return float(chi2_contingency(table.to_numpy()).pvalue)


def _table(group: pd.Series, values: pd.Series, options: list[str]) -> pd.DataFrame:
    """Groups × options counts; values are indexed by respondent row (repeated for a multiple choice)."""
    table = pd.crosstab(group.loc[values.index].to_numpy(), values.to_numpy())
    return table.reindex(index=group.cat.categories, columns=options, fill_value=0)


def _cells(table: pd.DataFrame, sizes: pd.Series) -> Figures:
    return {str(g): {"n": int(sizes[g]), "counts": table.loc[g].astype(int).to_dict()} for g in table.index}


def _question_breakdown(question: QuestionBase, raw: pd.DataFrame, group: pd.Series) -> Figures | None:
    if isinstance(question, Matrix):
        options, rows = list(question.option_ids()), {}
        for row in question.rows:
            table = _table(group, _choices(raw, question.row_column(row.id), options), options)
            rows[row.id] = {"groups": _cells(table, table.sum(axis=1)), "p_value": _p_value(table)}
        return {"rows": rows}
    if isinstance(question, MultipleChoice):
        options = list(question.option_ids())
        chosen = _exploded(raw, question.id, options)
        table = _table(group, chosen, options)
        sizes = group.loc[chosen.index.unique()].value_counts().reindex(table.index, fill_value=0)
        return {"groups": _cells(table, sizes), "p_value": _p_value(table)}
    if isinstance(question, SingleChoice):
        options = list(question.option_ids())
        values = _choices(raw, question.id, options)
    elif isinstance(question, Rating | Recommendation):
        options = _scale_options(question)
        values = _points(raw, question.id, options)
    else:
        return None
    table = _table(group, values, options)
    return {"groups": _cells(table, table.sum(axis=1)), "p_value": _p_value(table)}


def analyse_pandas(
    questionnaire: Questionnaire, raw: pd.DataFrame, by: str | None = None, registry: Registry | None = None
) -> dict[str, Any]:
    """Every question's figures and, with ``by``, their breakdowns by a single choice or 'district'."""
    raw = raw[[c.name for c in questionnaire.columns()]].apply(lambda column: column.str.strip())
    result: dict[str, Any] = {
        "n_responses": len(raw),
        "questions": {q.id: _question(q, raw) for q in questionnaire.questions()},
    }
    if by is not None:
        group = _grouping(questionnaire, raw, by, registry or default_registry())
        tables = {q.id: _question_breakdown(q, raw, group) for q in questionnaire.questions() if q.id != by}
        result["breakdowns"] = {qid: b for qid, b in tables.items() if b is not None}
    return result


# ------------------------------------------------------------------------------------------- self-check


def _differences(ours: Any, base: Figures) -> list[str]:
    """Where the baseline differs from the engine; cells the engine hides (None) are not compared."""
    problems: list[str] = []

    def check(where: str, mine: Any, engine: Any) -> None:
        if engine is None:
            return
        if isinstance(engine, float | tuple) and mine is not None:
            pairs = zip(mine, engine, strict=True) if isinstance(engine, tuple) else [(mine, engine)]
            same = all(math.isclose(a, b, rel_tol=0, abs_tol=1e-9) for a, b in pairs)
        else:
            same = mine == engine
        if not same:
            problems.append(f"{where}: baseline {mine!r}, engine {engine!r}")

    def shares(where: str, mine: Figures, engine: Any) -> None:
        check(f"{where} n", mine.get("n"), engine.n)
        for field in ("counts", "percent", "ci95"):
            for option, value in (getattr(engine, field) or {}).items():
                check(f"{where} {field}[{option}]", mine.get(field, {}).get(option), value)

    def cells(where: str, mine: Figures, engine: dict[str, Any]) -> None:
        for gid, cell in engine.items():
            check(f"{where} {gid} n", mine[gid]["n"], cell.n)
            for option, count in (cell.counts or {}).items():
                check(f"{where} {gid} counts[{option}]", mine[gid]["counts"].get(option), count)

    check("n_responses", base["n_responses"], ours.n_responses)
    for qid, result in ours.questions.items():
        mine = base["questions"][qid]
        shares(qid, mine, result)
        for row, row_shares in (result.rows or {}).items():
            shares(f"{qid}/{row}", mine["rows"][row], row_shares)
        for name in ("mean", "nps", "agree_percent", "organisations"):
            check(f"{qid} {name}", mine.get(name), getattr(result, name))
    if ours.breakdowns is not None:
        by, tables = ours.breakdowns.by, base["breakdowns"]
        check(f"by {by}: questions", sorted(tables), sorted(ours.breakdowns.questions))
        for qid, qb in ours.breakdowns.questions.items():
            if qb.groups is not None:
                cells(f"by {by}: {qid}", tables.get(qid, {}).get("groups", {}), qb.groups)
            for row, groups in (qb.rows or {}).items():
                cells(f"by {by}: {qid}/{row}", tables[qid]["rows"][row]["groups"], groups)
    return problems


def main() -> int:
    from luotain.analysis import ResponseFrame, analyse
    from luotain.questionnaire import load_builtin
    from luotain.responses import to_csv_text
    from luotain.responses.demo import generate

    questionnaire = load_builtin("mll-kumppanikysely-2024")
    records = generate().records
    raw = pd.read_csv(io.StringIO(to_csv_text(questionnaire, records)), dtype=str, keep_default_na=False)
    frame = ResponseFrame.from_records(questionnaire, records)
    problems: list[str] = []
    # k=1: the engine still hides empty cells (and complements); hidden cells are not compared.
    for by in (None, "org_type", "district"):
        problems += _differences(analyse(frame, by=by, k=1), analyse_pandas(questionnaire, raw, by=by))
    print("\n".join(problems) or "baseline agrees with the engine")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
