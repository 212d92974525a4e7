"""Disclosure control for breakdowns: no published cell describes fewer than k respondents, and no
suppressed cell can be worked out from what is published.

Primary suppression hides every cell below k (zero included: "nobody in this group" is as telling as one)
and every group whose n is below k. Complementary suppression then hides more cells until no row or column
has exactly one hidden cell, since a lone hidden cell equals its published total minus the published rest.
Group sizes get the same treatment against the overall n.
"""

from __future__ import annotations

import numpy as np


def suppress_groups(sizes: np.ndarray, k: int, already: np.ndarray | None = None) -> np.ndarray:
    """Which groups to hide: those below k (and those ``already`` hidden), and the next smallest if only
    one would be hidden."""
    sizes = np.asarray(sizes)
    hidden = sizes < k
    if already is not None:
        hidden = hidden | np.asarray(already, dtype=bool)
    if hidden.sum() == 1 and len(sizes) > 1:
        _hide_smallest(sizes, hidden)
    return hidden


def suppress_cells(
    counts: np.ndarray,
    group_hidden: np.ndarray,
    k: int,
    *,
    rows_are_partitions: bool = True,
    group_sizes: np.ndarray | None = None,
) -> np.ndarray:
    """Which cells of a groups × options table of counts to hide.

    ``rows_are_partitions``: each group's cells add up to its published n (single choice, matrix row), so a
    row with one hidden cell gives it away. For a multiple choice they do not, but then each cell's
    complement (the group's n minus the cell: those who did not choose it) must not be below k either.
    Column totals (the overall counts) are always published.
    """
    counts = np.asarray(counts)
    hidden = counts < k
    if not rows_are_partitions and group_sizes is not None:
        hidden |= (np.asarray(group_sizes)[:, None] - counts) < k
    hidden[np.asarray(group_hidden, dtype=bool), :] = True
    changed = True
    while changed:
        changed = False
        if rows_are_partitions:
            for g in range(counts.shape[0]):
                if hidden[g].sum() == 1 and counts.shape[1] > 1:
                    changed |= _hide_smallest(counts[g], hidden[g])
        for j in range(counts.shape[1]):
            if hidden[:, j].sum() == 1 and counts.shape[0] > 1:
                column = hidden[:, j].copy()
                if _hide_smallest(counts[:, j], column):
                    hidden[:, j] = column
                    changed = True
    return hidden


def _hide_smallest(values: np.ndarray, hidden: np.ndarray) -> bool:
    """Hide the smallest value not yet hidden (in place); False if there is none."""
    candidates = np.flatnonzero(~hidden)
    if len(candidates) == 0:
        return False
    smallest = candidates[np.argmin(np.asarray(values)[candidates])]
    hidden[smallest] = True
    return True
