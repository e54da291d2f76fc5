"""Honest partial matches, shared by every backend: when no product has every word of a query,
which words to search for instead. Plain Python, no Django.

The words found nowhere are left out first. Then sets of the others are tried, those leaving out
the fewest words first (a term of the synonym list such as "running shoes" counts its words), and
among those the sets keeping the later words (an English noun phrase names the thing last:
"stainless steel water bottle" is a bottle). The first set that finds a product by its name,
brand or attributes is searched; when none does, the first that finds a product at all (only by
a description or a category name: "dog food" finding groceries in "Food & Drink") is not shown,
only offered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

# Sets of words tried after the words found nowhere are left out: the lookups stay a handful
# even for a long query.
MAX_TRIES = 8


def words_to_try(sizes: Sequence[int], found: Sequence[int]) -> list[tuple[int, ...]]:
    """The sets of positions of `found` words to try, best first, for a query of words of these
    `sizes` (in words) that no product has all of (so never every word)."""
    total = sum(sizes)
    options = []
    for size in range(len(found), 0, -1):
        for kept in combinations(found, size):
            if len(kept) == len(sizes):
                continue
            left_out = total - sum(sizes[i] for i in kept)
            options.append((left_out, tuple(-i for i in reversed(kept)), kept))
    options.sort()
    return [kept for _left_out, _order, kept in options[:MAX_TRIES]]


def narrow(
    sizes: Sequence[int], exists: Callable[[tuple[int, ...], bool], bool]
) -> tuple[tuple[int, ...], bool] | None:
    """The positions of the words to search for instead, and whether they find a product by its
    name, brand or attributes (`exists(positions, strong)` asks the backend: any product with
    all those words, with `strong` in those fields). None: no set of words finds anything."""
    found = [i for i in range(len(sizes)) if exists((i,), False)]
    tries = words_to_try(sizes, found)
    for kept in tries:
        if exists(kept, True):
            return kept, True
    # Only when no set is strong: the first that finds anything (asked only then, as a set
    # found strong already finds something).
    for kept in tries:
        if exists(kept, False):
            return kept, False
    return None
