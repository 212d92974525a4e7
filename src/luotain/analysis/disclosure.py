"""Disclosure control that holds against combination: which groups of respondents may have figures published.

A figure of a group (a share, a count, a mean, an NPS) is a function of the sum, over the group's members, of
each member's answers. Whoever sees the figures of several groups can add and subtract them: "everyone"
minus "every district but Kainuu" is Kainuu's one respondent. Protecting each table on its own does not stop
that, so Luotain protects the set of all groups it publishes at once (docs/privacy.md, "Disclosure control"):

- The groups are defined by what a viewer can know of a person: the background variables (the MLL district
  and the questionnaire's background questions). Respondents with the same background values form a *cell*;
  every group Luotain publishes is a union of cells.
- The *published family* starts with everyone and adds, in a fixed order, each background variable's groups
  (largest first). A group is added only if afterwards **no linear combination of the published groups
  involves fewer than k respondents** (worked out exactly: ``isolates``); otherwise it stays unpublished.
  A group that is already a combination of published ones adds nothing and may always be shown.
- A view (filters, a breakdown's groups) is shown only for groups that are combinations of the published
  family. Since everything shown is in the span of one family whose every non-zero combination involves at
  least k respondents, no sum or difference of views, by any number of viewers together, singles out fewer
  than k.

This is the auditing of sum queries (Chin and Özsoyoglu 1982) with the k-anonymity threshold as its bound, the
"difference protection" that employee-survey tools apply pairwise, made exact over every combination. It does
not cover reasoning with the counts being whole numbers between 0 and n (a published 0 rules out a whole
group): docs/privacy.md says what that still lets through.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

EVERYONE = ("", "")  # the whole survey, as a (variable, value) key


@dataclass(frozen=True)
class Publication:
    """The groups whose figures may be published, as combinations of cells of background values."""

    k: int
    cell_of: np.ndarray  # each respondent's cell
    sizes: np.ndarray  # respondents in each cell
    basis: np.ndarray  # published groups × cells, 0/1
    published: tuple[tuple[str, str], ...]  # the (variable, value) of each published group
    withheld: tuple[tuple[str, str], ...]  # the groups left unpublished

    def allows(self, members: np.ndarray) -> bool:
        """Whether figures of these respondents (a bool over the frame's rows) may be shown: a union of whole
        cells that is a combination of the published groups (an empty group is not shown either)."""
        members = np.asarray(members, dtype=bool)
        if not members.any():
            return False  # "nobody" beside "cannot be shown" would tell which small groups are empty
        inside = np.bincount(self.cell_of[members], minlength=len(self.sizes))
        if not np.all((inside == 0) | (inside == self.sizes)):
            return False  # part of a cell: defined by something other than the background
        return _in_span(self.basis, (inside > 0).astype(float))


Coded = tuple[np.ndarray, list[str]]  # each respondent's value as a code (−1: none), and the codes' labels


def coded(values: Sequence[str | None] | pl.Series) -> Coded:
    """A background variable's values as codes: each respondent's code (−1 where there is no value) and the
    label of each code. An Enum column's own codes are used as they are (no strings are made)."""
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    if isinstance(series.dtype, pl.Enum):
        labels = [str(v) for v in series.dtype.categories.to_list()]
        codes = series.to_physical().cast(pl.Int64).fill_null(-1)
        return codes.to_numpy(), labels
    series = series.cast(pl.String)
    labels = [str(v) for v in series.drop_nulls().unique().sort().to_list()]
    codes = series.replace_strict(labels, list(range(len(labels))), default=-1, return_dtype=pl.Int64)
    return codes.to_numpy().astype(np.int64), labels


def cell_key(codes: Mapping[str, Coded]) -> np.ndarray:
    """Each respondent's combination of background values as one number (mixed radix)."""
    n = len(next(iter(codes.values()))[0]) if codes else 0
    key = np.zeros(n, dtype=np.int64)
    for values, labels in codes.values():
        if int(key.max(initial=0)) >= (2**62) // (len(labels) + 1):  # would overflow: renumber densely
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
        key = key * (len(labels) + 1) + (values + 1)
    return key


def publication(variables: Mapping[str, Sequence[str | None] | pl.Series | Coded], k: int) -> Publication:
    """The published family of a survey's responses: ``variables`` maps each background variable (in the
    order their groups are considered) to every respondent's value (None: not answered), or to its codes
    (``coded``)."""
    codes = {name: v if isinstance(v, tuple) else coded(v) for name, v in variables.items()}
    names = list(codes)
    key = cell_key(codes)
    n = len(key)
    if n and int(key.max()) < 4 * n + 1024:  # few combinations: rank them by counting, not sorting
        present = np.bincount(key) > 0
        cell_of = (np.cumsum(present) - 1)[key]
    else:
        _, cells = np.unique(key, return_inverse=True)
        cell_of = np.asarray(cells, dtype=np.int64).reshape(-1)
    sizes = np.bincount(cell_of, minlength=int(cell_of.max()) + 1 if n else 0)
    first = np.zeros(len(sizes), dtype=np.int64)
    if n:
        first[cell_of[::-1]] = np.arange(n)[::-1]  # a respondent of each cell
    basis: list[np.ndarray] = []
    published: list[tuple[str, str]] = []
    withheld: list[tuple[str, str]] = []
    if n >= k and n:
        basis.append(np.ones(len(sizes)))
        published.append(EVERYONE)
    every_cell_large = bool(len(sizes)) and int(sizes.min()) >= k
    sets = [] if every_cell_large else small_sets(sizes, k)
    for name in names:
        values, labels = codes[name]
        of_cell = values[first]  # each cell's code of this variable
        counted = np.bincount(of_cell[of_cell >= 0], weights=sizes[of_cell >= 0], minlength=len(labels))
        order = sorted(
            (c for c in range(len(labels)) if counted[c] > 0), key=lambda c: (-counted[c], labels[c])
        )
        for code in order:
            value = labels[code]
            vector = (of_cell == code).astype(float)
            if not basis:
                withheld.append((name, value))
            elif _in_span(np.array(basis), vector):
                published.append((name, value))  # already a combination: adds nothing
            elif every_cell_large or not isolates(np.array([*basis, vector]), sizes, k, sets):
                basis.append(vector)
                published.append((name, value))
            else:
                withheld.append((name, value))
    return Publication(
        k=k,
        cell_of=cell_of,
        sizes=sizes,
        basis=np.array(basis) if basis else np.zeros((0, len(sizes))),
        published=tuple(published),
        withheld=tuple(withheld),
    )


def _in_span(basis: np.ndarray, vector: np.ndarray) -> bool:
    if len(basis) == 0:
        return not vector.any()
    coefficients, *_ = np.linalg.lstsq(basis.T, vector, rcond=None)
    return bool(np.abs(basis.T @ coefficients - vector).max() < 1e-6)


# How many sets of small cells the check may look at before it gives up and withholds the group instead.
MAX_SUBSETS = 2_000_000


def isolates(
    basis: np.ndarray, sizes: np.ndarray, k: int, sets: Sequence[np.ndarray] | bool | None = False
) -> bool:
    """Whether some non-zero linear combination of the groups (rows of ``basis``, over cells of ``sizes``
    respondents) involves fewer than k respondents: what an attacker adding and subtracting published
    figures could single out.

    A combination x (constant on each cell) lies in the groups' span exactly when P·x = 0, P the projection
    onto the span's orthogonal complement. One supported on a set S of cells exists exactly when the
    columns of P for S are linearly dependent, that is when the principal submatrix P[S, S] (their Gram
    matrix, P being an orthogonal projection) is singular. So every set S of cells with fewer than k
    respondents in all is checked: its smallest eigenvalue is zero or not. The sets are few (cells of at
    least k respondents never take part); past ``MAX_SUBSETS`` the answer is "yes", which withholds.
    ``sets``: those sets as ``small_sets`` gives them, when already made (False: make them)."""
    if not (sizes < k).any():
        return False
    if len(basis) == 0:
        return True  # nothing published: any cell alone would be new; the caller publishes nothing anyway
    q, _ = np.linalg.qr(basis.T)  # an orthonormal basis of the span (cells × groups)
    rank = int((np.abs(np.linalg.svd(basis, compute_uv=False)) > 1e-9).sum())
    q = q[:, :rank]
    projection = np.eye(len(sizes)) - q @ q.T
    sets = small_sets(sizes, k) if sets is False else sets
    if sets is None or sets is True:
        return True  # too many to look at: withhold
    for subsets in sets:
        blocks = projection[subsets[:, :, None], subsets[:, None, :]]
        if (np.linalg.det(blocks) < 1e-9).any():  # a principal minor of a projection is never negative
            return True
    return False


def small_sets(sizes: np.ndarray, k: int) -> list[np.ndarray] | None:
    """Every set of cells with fewer than k respondents together, as arrays of index sets of one length
    (1, 2, ...); None past ``MAX_SUBSETS`` sets (then ``isolates`` withholds)."""
    found: list[np.ndarray] = []
    seen = 0
    for subsets in _grow(np.flatnonzero(sizes < k), sizes, k):
        seen += len(subsets)
        if seen > MAX_SUBSETS:
            return None
        found.append(subsets)
    return found


def _grow(cells: np.ndarray, sizes: np.ndarray, k: int) -> Iterator[np.ndarray]:
    order = cells[np.argsort(sizes[cells], kind="stable")]
    frontier: list[tuple[tuple[int, ...], int]] = [((int(c),), int(sizes[c])) for c in order]
    position = {int(c): i for i, c in enumerate(order)}
    while frontier:
        yield np.array([s for s, _ in frontier], dtype=np.int64)
        grown: list[tuple[tuple[int, ...], int]] = []
        for subset, total in frontier:
            for c in order[position[subset[-1]] + 1 :]:
                if total + int(sizes[c]) >= k:
                    break  # sorted by size: the rest are larger
                grown.append(((*subset, int(c)), total + int(sizes[c])))
        frontier = grown
