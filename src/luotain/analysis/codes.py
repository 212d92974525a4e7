"""The response frame's columns as numpy integer codes, extracted once and cached on the frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from .frame import ResponseFrame

if TYPE_CHECKING:
    from .results import QuestionResult


@dataclass
class Coded:
    """A single-valued column as integer codes; ``size`` (the number of options) marks no answer."""

    codes: np.ndarray
    labels: list[str]

    @property
    def size(self) -> int:
        return len(self.labels)

    def answered(self) -> np.ndarray:
        return self.codes < self.size

    def counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.size + 1)[: self.size]


@dataclass
class Multi:
    """A multiple choice: the chosen option codes of all respondents in a row, and how many each chose."""

    flat: np.ndarray
    lengths: np.ndarray
    labels: list[str]

    @property
    def answered(self) -> np.ndarray:
        return self.lengths > 0

    def counts(self) -> np.ndarray:
        counted = pl.Series(self.flat).value_counts()
        counts = np.zeros(len(self.labels), dtype=np.int64)
        counts[counted[:, 0].to_numpy().astype(np.intp)] = counted[:, 1].to_numpy()
        return counts


class CodedColumns:
    """The columns of one frame as numpy codes, each extracted once (a frame keeps this between analyses)."""

    def __init__(self, df: pl.DataFrame):
        self.df = df
        self._cache: dict[tuple[str, str], object] = {}

    def prefetch(self, wanted: Mapping[str, int]) -> None:
        """Extract many Enum columns (name -> number of options) as small unsigned codes in one pass."""
        missing = {name: size for name, size in wanted.items() if ("codes", name) not in self._cache}
        if not missing:
            return
        out = self.df.select(
            [pl.col(n).to_physical().fill_null(size).alias(n) for n, size in missing.items()]
        )
        for name in missing:
            self._cache[("codes", name)] = out[name].to_numpy()

    def coded(self, name: str, labels: Sequence[str]) -> Coded:
        size = len(labels)
        self.prefetch({name: size})
        return Coded(self._cache[("codes", name)], list(labels))  # type: ignore[arg-type]

    def scale(self, name: str, values: Sequence[int]) -> Coded:
        """An integer scale (rating, 0–10) as codes of its points in order."""
        key = ("scale", name)
        if key not in self._cache:
            low, high = min(values), max(values)
            table = np.full(high - low + 2, len(values), dtype=np.intp)
            for i, v in enumerate(values):
                table[v - low] = i
            raw = self.df[name].fill_null(high + 1).to_numpy()
            self._cache[key] = table[raw - low]
        return Coded(self._cache[key], [str(v) for v in values])  # type: ignore[arg-type]

    def multi(self, name: str, labels: Sequence[str]) -> Multi:
        key = ("multi", name)
        if key not in self._cache:
            series = self.df[name]
            lengths = series.list.len().fill_null(0).to_numpy()
            flat = series.explode().drop_nulls().to_physical().to_numpy()
            self._cache[key] = Multi(flat, lengths, list(labels))
        return self._cache[key]  # type: ignore[return-value]

    def overall(self, compute: Callable[[], dict[str, QuestionResult]]) -> dict[str, QuestionResult]:
        """The figures of every question, computed once per frame."""
        key = ("overall", "")
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[return-value]

    def derived(self, name: str, make: Callable[[], pl.Series], labels: Sequence[str]) -> Coded:
        """A column computed from others (the district) as codes."""
        key = ("derived", name)
        if key not in self._cache:
            self._cache[key] = make().to_physical().fill_null(len(labels)).to_numpy()
        return Coded(self._cache[key], list(labels))  # type: ignore[arg-type]


def coded_columns(frame: ResponseFrame, df: pl.DataFrame) -> CodedColumns:
    """The frame's own cache when the whole frame is analysed; a fresh one for a filtered subset."""
    if df is not frame.df:
        return CodedColumns(df)
    cache = frame.__dict__.get("_columns")
    if cache is None or cache.df is not df:
        cache = CodedColumns(df)
        frame.__dict__["_columns"] = cache
    return cache
