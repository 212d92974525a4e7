"""Changes between two waves of a survey: two independent samples, one figure each.

- a share: the difference p_now − p_before in percentage points with Newcombe's hybrid score interval (his
  method 10, built from the two Wilson intervals; honest at small n and near 0 % and 100 %), and the
  two-proportion z-test with the pooled share, or Fisher's exact test when an expected count is below 5;
- NPS: the difference of two NPS with the normal interval, the variance of each NPS from the
  promoter/detractor multinomial, var = (p_P + p_D − (p_P − p_D)²) / n, the difference's variance their sum;
- a mean: Welch's t interval and test (unequal variances, Welch–Satterthwaite degrees of freedom).

A change is ``significant`` when its test gives p < 0.05 and its 95 % interval leaves out 0, so that the star
beside it never disagrees with the p-value shown with it (the interval and the test are different methods and
can differ at the border); otherwise it is within the noise. Figures are in percent (shares), NPS points or
the scale's units; the p-value is two-sided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

from .stats import Z95, nps, wilson


@dataclass(frozen=True)
class Difference:
    before: float
    now: float
    difference: float  # now − before
    ci95: tuple[float, float]
    p_value: float
    test: str  # z_test | fisher_exact | normal | welch | none
    n_before: int
    n_now: int

    @property
    def significant(self) -> bool:
        """The test gives p < 0.05 and the 95 % interval leaves out 0: more than random variation."""
        low, high = self.ci95
        return self.p_value < 0.05 and (low > 0 or high < 0)


def proportion_difference(x_before: int, n_before: int, x_now: int, n_now: int) -> Difference:
    """The change of a share from ``x_before``/``n_before`` to ``x_now``/``n_now``, in percentage points."""
    p1, p2 = x_before / n_before, x_now / n_now
    l1, u1 = (v / 100 for v in wilson(x_before, n_before))
    l2, u2 = (v / 100 for v in wilson(x_now, n_now))
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    test, p_value = _two_proportion_test(x_before, n_before, x_now, n_now)
    return Difference(100 * p1, 100 * p2, 100 * d, (100 * low, 100 * high), p_value, test, n_before, n_now)


def _two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[str, float]:
    """The pooled two-proportion z-test (equal to Pearson's chi-square without continuity correction), or
    Fisher's exact test when an expected count is below 5; 'none' when both waves are all yes or all no."""
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return "none", 1.0
    expected = [n * p for n in (n1, n2) for p in (pooled, 1 - pooled)]
    if min(expected) < 5:
        _, p = sps.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])
        return "fisher_exact", float(p)
    z = (x2 / n2 - x1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return "z_test", float(2 * sps.norm.sf(abs(z)))


def nps_difference(before: tuple[int, int, int], now: tuple[int, int, int]) -> Difference:
    """The change of NPS between two waves from their (promoters, passives, detractors) counts."""
    first, second = nps(*before), nps(*now)
    d = second.nps - first.nps
    se = 100 * math.sqrt(
        _nps_variance(first.promoters, first.detractors) / first.n
        + _nps_variance(second.promoters, second.detractors) / second.n
    )
    if se == 0:
        return Difference(
            first.nps, second.nps, d, (d, d), 1.0 if d == 0 else 0.0, "normal", first.n, second.n
        )
    low, high = max(-200.0, d - Z95 * se), min(200.0, d + Z95 * se)
    p_value = float(2 * sps.norm.sf(abs(d) / se))
    return Difference(first.nps, second.nps, d, (low, high), p_value, "normal", first.n, second.n)


def _nps_variance(promoters: float, detractors: float) -> float:
    """Variance of one answer's score (+1 promoter, 0 passive, −1 detractor); shares in percent."""
    p, d = promoters / 100, detractors / 100
    return max(p + d - (p - d) ** 2, 0.0)


@dataclass(frozen=True)
class Moments:
    """A sample's size, mean and variance (n − 1 in the denominator)."""

    n: int
    mean: float
    variance: float

    @classmethod
    def of(cls, values_sum: float, squares_sum: float, n: int) -> Moments:
        mean = values_sum / n
        variance = max((squares_sum - n * mean * mean) / (n - 1), 0.0) if n > 1 else 0.0
        return cls(n, mean, variance)


def mean_difference(before: Moments, now: Moments) -> Difference | None:
    """The change of a mean with Welch's 95 % interval and test; None when a wave has fewer than 2 answers."""
    if before.n < 2 or now.n < 2:
        return None
    d = now.mean - before.mean
    a, b = before.variance / before.n, now.variance / now.n
    se = math.sqrt(a + b)
    if se == 0:
        return Difference(before.mean, now.mean, d, (d, d), 1.0 if d == 0 else 0.0, "welch", before.n, now.n)
    df = (a + b) ** 2 / (a * a / (before.n - 1) + b * b / (now.n - 1))
    half = float(sps.t.ppf(0.975, df)) * se
    p_value = float(2 * sps.t.sf(abs(d) / se, df))
    return Difference(before.mean, now.mean, d, (d - half, d + half), p_value, "welch", before.n, now.n)
