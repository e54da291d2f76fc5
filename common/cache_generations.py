"""Cache entries that are never served stale: each key has a generation, a counter in the cache
that every change to the data behind the key moves on, and an entry is served only while it
carries the generation current when it was read.

A reader reads the generation before the database, and stores what it read under that
generation; a writer moves the generation on at once and again after its transaction commits.
So an entry read before a commit (say, between the write and the commit, from the rows as they
were) carries a generation the commit has since moved on, and is never served. A reader inside a
transaction of its own (not a test's) neither reads nor stores entries: what it sees may be
rolled back, or be the entry another request stored from the rows as committed before this
transaction's writes.

A generation starts from the clock (in nanoseconds) when it is missing (never set, evicted,
expired), so it never comes back to a value some old entry carries. Hit or miss, a read costs one
round trip to the cache (`get_many` of the generation and the entry); a miss adds a write.
Entries a request will read together can be read in one round trip beforehand (`prefetch`): a
later `cached` of one of them in the same request uses what was read, unless the request has
changed it since (`changed` drops it).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import read_ahead

T = TypeVar("T")

# Generations outlive the entries they guard; one that expires starts again from the clock.
GENERATION_SECONDS = 7 * 24 * 3600


def _generation_key(key: str) -> str:
    return f"{key}:gen"


def keys_to_read(keys: Iterable[str]) -> list[str]:
    """The cache keys to read for the entries of `keys`: each entry's generation and itself
    (e.g. to have them read ahead with others, common.read_ahead.read_first)."""
    return [name for k in keys for name in (_generation_key(k), k)]


def prefetch(keys: Iterable[str]) -> None:
    """Read the entries of `keys` and their generations in one round trip, for the `cached`
    calls of this request that will ask for them (common.read_ahead)."""
    keys = [k for k in keys if not read_ahead.known(k)]
    if not keys or in_own_transaction():
        return
    read_ahead.read(keys_to_read(keys))


def in_own_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection is in a transaction opened by the project's code (a test case's
    own transaction, which never commits, does not count: as Django's `durable` check)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks
    )


def cached(key: str, load: Callable[[], T], *, timeout: int) -> T:
    """What `load()` returns, from the cache while no change to its data has been announced
    (`changed(key)`) since it was read; `load()` runs on a miss and its result is kept for
    `timeout` seconds (0: not kept, `load()` runs every time)."""
    if timeout <= 0 or in_own_transaction():
        return load()
    generation_key = _generation_key(key)
    found = read_ahead.get_many([generation_key, key], take=True)
    generation = found.get(generation_key)
    if generation is None:
        cache.add(generation_key, time.time_ns(), timeout=GENERATION_SECONDS)
        generation = cache.get(generation_key)
        if generation is None:  # a cache that keeps nothing
            return load()
    else:
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return entry[1]
    value = load()
    cache.set(key, (generation, value), timeout)
    return value


def _move_on(key: str) -> None:
    # No generation (ValueError): nothing is served under the key until a reader starts one.
    with contextlib.suppress(ValueError):
        cache.incr(_generation_key(key))


def changed(key: str) -> None:
    """The data behind `key` changes in the current transaction: no entry read before is served
    again, neither now (the same request or test reads it again) nor after the commit (a reader
    may have read the rows as they were until then)."""
    read_ahead.forget([key, _generation_key(key)])
    _move_on(key)
    transaction.on_commit(lambda: _move_on(key))
