"""Intervals and tests. Shares and intervals are in percent (0–100)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps
from scipy.special import gammaln

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for x successes out of n, in percent (R's binom.confint 'wilson')."""
    if n <= 0:
        raise ValueError("an interval needs n > 0")
    if not 0 <= x <= n:
        raise ValueError(f"x = {x} is not between 0 and n = {n}")
    p = x / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return 100 * low, 100 * high


@dataclass(frozen=True)
class Nps:
    n: int
    nps: float
    promoters: float
    passives: float
    detractors: float
    ci95: tuple[float, float]


def nps(promoters: int, passives: int, detractors: int) -> Nps:
    """Net Promoter Score from the counts of 9–10, 7–8 and 0–6 answers.

    The interval is the adjusted Wald interval of Rocks (2016, "Interval estimation for the 'net promoter
    score'", The American Statistician 70(4)): add 3/4 of an answer to the promoters and to the
    detractors (3 answers to n), then the normal interval of the difference of two multinomial shares,
    var = (p + d − (p − d)²) / n, clipped to −100…100. It keeps near its 95 % from n = 5 up (the
    coverage tests of docs/analysis.md) and is never of zero width: everyone a promoter gives NPS 100 with an
    interval below it, not "100 (100–100)".
    """
    n = promoters + passives + detractors
    if n <= 0:
        raise ValueError("NPS of no answers")
    p, d = promoters / n, detractors / n
    adjusted = n + 3
    pa, da = (promoters + 0.75) / adjusted, (detractors + 0.75) / adjusted
    centre = pa - da
    se = math.sqrt(max(pa + da - centre * centre, 0.0) / adjusted)
    score = p - d
    # The adjustment pulls the centre towards 0; at n of 1 or 2 so far that the interval would miss the
    # score itself, which it is then widened to hold.
    low = max(-1.0, min(centre - Z95 * se, score))
    high = min(1.0, max(centre + Z95 * se, score))
    return Nps(n, 100 * score, 100 * p, 100 * passives / n, 100 * d, (100 * low, 100 * high))


def mean_ci(
    values_sum: float, squares_sum: float, n: int, scale: tuple[float, float] | None = None
) -> tuple[float, tuple[float, float] | None]:
    """Mean and its 95 % t-interval from the sum and the sum of squares (None when n < 2).

    On a bounded ``scale`` (its lowest and highest value) the interval stays inside it, and when every
    answer is the same value v it is not of zero width: by the rule of three (Hanley and Lippman-Hand
    1983), with 95 % confidence fewer than 3/n of the population answer otherwise, and such answers lie
    at most to the scale's ends, so the mean lies within v − 3/n·(v − low) … v + 3/n·(high − v)."""
    if n <= 0:
        raise ValueError("mean of no answers")
    mean = values_sum / n
    if n < 2:
        return mean, None
    variance = max((squares_sum - n * mean * mean) / (n - 1), 0.0)
    half = float(sps.t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    low, high = mean - half, mean + half
    if scale is not None:
        bottom, top = scale
        share = min(1.0, 3 / n)
        if variance <= 1e-12 * max(1.0, mean * mean):
            low, high = mean - share * (mean - bottom), mean + share * (top - mean)
        low, high = max(bottom, low), min(top, high)
    return mean, (low, high)


def shown_p(p: float) -> float:
    """A p-value as Luotain publishes it: two significant digits (0.059, 0.0012). The digits beyond say
    nothing a reader needs and, with a seeded Monte Carlo test, could pin down the table behind it."""
    return float(f"{p:.2g}")


@dataclass(frozen=True)
class TestResult:
    method: str  # chi_square | fisher_exact | fisher_monte_carlo
    statistic: float | None
    df: int | None
    p_value: float


MONTE_CARLO_DRAWS = 10_000


def independence_test(table: np.ndarray, seed: int = 20240514) -> TestResult | None:
    """Test a groups × options table of counts for independence.

    Chi-square when every expected count is at least 5 (Cochran's rule, strict form); Fisher's exact test for
    a 2 × 2 table otherwise; for a larger table with small expected counts, Fisher's test with a Monte Carlo
    p-value (as R's fisher.test(simulate.p.value = TRUE)), seeded so that reruns agree. None when no test
    is possible (fewer than two groups or options with answers).
    """
    table = np.asarray(table, dtype=np.int64)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if (expected >= 5).all():
        chi2 = float(((table - expected) ** 2 / expected).sum())
        dof = (table.shape[0] - 1) * (table.shape[1] - 1)
        return TestResult("chi_square", chi2, dof, float(sps.chi2.sf(chi2, dof)))
    if table.shape == (2, 2):
        _, p = sps.fisher_exact(table)
        return TestResult("fisher_exact", None, None, float(p))
    return TestResult("fisher_monte_carlo", None, None, _fisher_monte_carlo(table, seed))


def _fisher_monte_carlo(table: np.ndarray, seed: int) -> float:
    """P-value of Fisher's test for an r × c table, from tables drawn with the same margins (Patefield)."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    draws = sps.random_table(rows, cols, seed=seed).rvs(size=MONTE_CARLO_DRAWS)
    observed = _log_probability(table)
    as_extreme = int((_log_probability(draws) <= observed + 1e-7).sum())
    return (as_extreme + 1) / (MONTE_CARLO_DRAWS + 1)


def _log_probability(tables: np.ndarray) -> np.ndarray:
    """Log of each table's probability under independence given its margins, up to a constant."""
    return np.asarray(-gammaln(np.asarray(tables) + 1).sum(axis=(-2, -1)))
