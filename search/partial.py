"""Honest partial matches, shared by every backend: when no product has every word of a query,
which words to leave out. Plain Python, no Django.

The words found nowhere go first; then the fewest others needed for the rest to find a product,
keeping the later words when there is a choice (an English noun phrase names the thing last:
"stainless steel water bottle" is a bottle). Each try asks the backend whether any product has
all the words kept, a lookup that stops at the first match.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

# Sets of words tried after the words found nowhere are left out: the lookups stay a handful
# even for a long query.
MAX_TRIES = 12


def words_kept(count: int, matches: Callable[[tuple[int, ...]], bool]) -> tuple[int, ...] | None:
    """The positions of the words to search for, of `count` words no product has all of;
    `matches(positions)` says whether a product has all those words. None: no word finds
    anything."""
    found = tuple(i for i in range(count) if matches((i,)))
    if not found:
        return None
    if len(found) < count and (len(found) == 1 or matches(found)):
        return found
    tries = 0
    for size in range(len(found) - 1, 1, -1):
        for left_out in combinations(found, len(found) - size):
            tries += 1
            if tries > MAX_TRIES:
                return found[-1:]
            kept = tuple(i for i in found if i not in left_out)
            if matches(kept):
                return kept
    # Each word alone finds a product: the last one.
    return found[-1:]
