"""Disclosure control that holds against combination: which groups of respondents may have figures published.

A figure of a group (a share, a count, a mean, an NPS) is a function of its members' answers. Whoever sees the
figures of several groups can combine them: "everyone" minus "every district but Kainuu" is Kainuu's one
respondent, and because counts are whole numbers between 0 and n, published zeros and small counts can pin
down a small set of people even where no sum or difference does (no county employee chose an answer, one
Kaakkois-Suomi respondent did, so Kaakkois-Suomi's one municipal employee did). Protecting each table on its
own stops neither, so Luotain protects the set of all groups it publishes at once (docs/privacy.md,
"Disclosure control"):

- The groups are defined by what a viewer can know of a person: the background variables (the MLL district
  and the questionnaire's background questions). Respondents with the same background values form a *cell*;
  every group Luotain publishes is a union of cells.
- The published groups split the respondents into *classes*: respondents who belong to exactly the same
  published groups. Nothing published tells two members of a class apart (swap their answers and every
  figure stays the same), so whatever anyone works out from the figures, by sums, differences or integer
  reasoning, is about a class as a whole.
- The *published family* starts with everyone and adds, in a fixed order, each background variable's groups
  (the district first, then the background questions; largest group first). A group is added only if
  afterwards **every class has at least k respondents**; otherwise it stays unpublished.
- A view (filters, a breakdown's groups) is shown only for a union of whole classes. Everything shown is then
  a function of the classes' answer tables, each of at least k respondents: no combination of views, by any
  number of viewers together, says more about fewer than k respondents than a group of k or more says.

This is k-anonymity (Samarati and Sweeney 1998) applied to the partition that the published groups induce,
as statistical offices' table builders restrict the cross-classifications they release; it implies the
auditing of sum queries (Chin and Özsoyoglu 1982): no non-zero combination of published groups involves fewer
than k respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

EVERYONE = ("", "")  # the whole survey, as a (variable, value) key


@dataclass(frozen=True)
class Publication:
    """The groups whose figures may be published, and the classes of respondents they leave apart."""

    k: int
    cell_of: np.ndarray  # each respondent's cell
    sizes: np.ndarray  # respondents in each cell
    class_of: np.ndarray  # each cell's class (−1: nothing is published)
    published: tuple[tuple[str, str], ...]  # the (variable, value) of each published group
    withheld: tuple[tuple[str, str], ...]  # the groups left unpublished

    @property
    def class_sizes(self) -> np.ndarray:
        """Respondents in each class."""
        inside = self.class_of >= 0
        count = int(self.class_of.max(initial=-1)) + 1
        return np.bincount(self.class_of[inside], weights=self.sizes[inside], minlength=count).astype(int)

    def allows(self, members: np.ndarray) -> bool:
        """Whether figures of these respondents (a bool over the frame's rows) may be shown: a non-empty
        union of whole classes."""
        members = np.asarray(members, dtype=bool)
        if not members.any() or not self.published:
            return False  # "nobody" beside "cannot be shown" would tell which small groups are empty
        inside = np.bincount(self.cell_of[members], minlength=len(self.sizes))
        if not np.all((inside == 0) | (inside == self.sizes)):
            return False  # part of a cell: defined by something other than the background
        chosen = np.bincount(self.class_of, weights=inside, minlength=len(self.class_sizes))
        return bool(np.all((chosen == 0) | (chosen == self.class_sizes)))


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
    published: list[tuple[str, str]] = []
    withheld: list[tuple[str, str]] = []
    class_of = np.full(len(sizes), -1, dtype=np.int64)
    if n >= k and n:
        class_of[:] = 0
        published.append(EVERYONE)
    for name, (values, labels) in codes.items():
        of_cell = values[first]  # each cell's code of this variable
        counted = np.bincount(of_cell[of_cell >= 0], weights=sizes[of_cell >= 0], minlength=len(labels))
        order = sorted(
            (c for c in range(len(labels)) if counted[c] > 0), key=lambda c: (-counted[c], labels[c])
        )
        for code in order:
            split = _split(class_of, of_cell == code, sizes, k) if published else None
            if split is None:
                withheld.append((name, labels[code]))
            else:
                class_of = split
                published.append((name, labels[code]))
    return Publication(
        k=k,
        cell_of=cell_of,
        sizes=sizes,
        class_of=class_of,
        published=tuple(published),
        withheld=tuple(withheld),
    )


def _split(class_of: np.ndarray, inside: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray | None:
    """The classes once the group of cells ``inside`` is published too, or None if a class would have fewer
    than k respondents."""
    _, renumbered = np.unique(class_of * 2 + inside, return_inverse=True)
    renumbered = np.asarray(renumbered, dtype=np.int64).reshape(-1)
    counts = np.bincount(renumbered, weights=sizes)
    return renumbered if bool(np.all(counts >= k)) else None
