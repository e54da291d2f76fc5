"""A shopper's (or an anonymous session's) history as the slots read it: one cache entry, built
from the interactions table on first use (selectors.history) and kept up to date as interactions
are recorded, so a page shows what was just viewed without reading the table again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache

from common import read_ahead

from .als.session import session_run

HISTORY_SECONDS = 3600
VIEWED_KEPT = 30


@dataclass
class History:
    viewed: list[int] = field(default_factory=list)  # product ids, newest first
    bought: list[int] = field(default_factory=list)
    latest: float = 0.0  # when the newest interaction happened (epoch seconds); 0: none
    stamp: int = 0  # changes whenever the history does
    # (product id, rating of the shopper's newest review of it), newest first; a tuple, so that
    # a History cached before this field existed reads it as empty
    rated: tuple[tuple[int, int], ...] = ()
    # when each of `viewed` was viewed last (epoch seconds), in the same order; empty in a History
    # cached before this field existed (its shopper then has no session to re-rank by)
    viewed_at: tuple[float, ...] = ()

    def disliked(self, threshold: int) -> set[int]:
        """Products whose newest review by this shopper is rated at most `threshold` (see
        als.negative_pairs): never served back to them."""
        return {product_id for product_id, rating in self.rated if rating <= threshold}

    def session(self, *, now: float) -> list[int]:
        """The products viewed in the current session, newest first (see als.session_run): none
        when the views' times are not known."""
        if len(self.viewed_at) != len(self.viewed):
            return []
        return self.viewed[: session_run(self.viewed_at, now=now)]

    def view(self, product_id: int, at: float) -> None:
        """Note a view of `product_id` at `at` (epoch seconds): the list stays newest first."""
        if len(self.viewed_at) != len(self.viewed):  # cached before the times were kept
            others = [p for p in self.viewed if p != product_id]
            self.viewed = [product_id, *others][:VIEWED_KEPT]
            self.viewed_at = ()
            return
        times = dict(zip(self.viewed, self.viewed_at, strict=True))
        # the new view first, so that it leads the views of the same second
        times = {product_id: max(at, times.pop(product_id, at)), **times}
        ordered = sorted(times, key=lambda p: -times[p])[:VIEWED_KEPT]
        self.viewed = ordered
        self.viewed_at = tuple(times[p] for p in ordered)


# The histories a request has read, so that recording its views needs no second read.
_read = threading.local()


def history_remember(key: str, value: History) -> None:
    if not hasattr(_read, "values"):
        _read.values = {}
    _read.values[key] = value


def history_read_forget() -> dict[str, History]:
    """The histories this request read (and forget them: the request is over)."""
    values = getattr(_read, "values", None) or {}
    _read.values = {}
    return values


def history_key(*, user_id: int | None, session_key: str | None) -> str | None:
    if user_id:
        return f"recs:hist:u:{user_id}"
    if session_key:
        return f"recs:hist:s:{session_key}"
    return None


def history_note_views(
    views: Iterable[tuple[int | None, str, int, float]],
    *,
    write: bool = True,
    read: dict[str, History] | None = None,
) -> dict[str, History]:
    """Fold freshly recorded views (user id, session key, product id, when) into the cached
    histories that exist (one read of those not in `read`, by default the ones this request has
    read, and one write for the lot); absent ones are built on use. Returns the histories
    changed, by cache key; with `write=False` they are not written (the caller sends them with
    its own commands)."""
    by_key: dict[str, list[tuple[int, float]]] = {}
    for user_id, session_key, product_id, at in views:
        key = history_key(user_id=user_id, session_key=session_key)
        if key:
            by_key.setdefault(key, []).append((product_id, at))
    if read is None:
        read = history_read_forget()
    if not by_key:
        return {}
    cached = {key: read[key] for key in by_key if key in read}
    unread = [key for key in by_key if key not in cached]
    if unread:
        cached.update(cache.get_many(unread))
    changed = {}
    for key, value in cached.items():
        for product_id, at in by_key[key]:
            value.view(product_id, at)
            value.latest = max(value.latest, at)
        value.stamp = time.time_ns()
        changed[key] = value
    read_ahead.forget(changed)
    if changed and write:
        cache.set_many(changed, HISTORY_SECONDS)
    return changed


def history_note_events(
    events: Iterable[tuple[int | None, str, int, str, float, int]],
) -> None:
    """Fold freshly recorded cart additions, purchases and reviews (user id, session key, product
    id, kind, when, value) into the cached histories that exist: a new stamp and latest time (so
    a personal list is ranked afresh), for purchases the product among those bought, for reviews
    its rating as the newest. Updated in place rather than dropped, so views still buffered (see
    services) are not lost from it."""
    by_key: dict[str, list[tuple[int, str, float, int]]] = {}
    for user_id, session_key, product_id, kind, at, rating in events:
        key = history_key(user_id=user_id, session_key=session_key)
        if key:
            by_key.setdefault(key, []).append((product_id, kind, at, rating))
    if not by_key:
        return
    changed = {}
    for key, value in cache.get_many(list(by_key)).items():
        for product_id, kind, at, rating in by_key[key]:
            if kind == "purchase" and product_id not in value.bought:
                value.bought = [product_id, *value.bought]
            if kind == "review":
                others = tuple(pair for pair in value.rated if pair[0] != product_id)
                value.rated = ((product_id, rating), *others)
            value.latest = max(value.latest, at)
        value.stamp = time.time_ns()
        changed[key] = value
    if changed:
        read_ahead.forget(changed)
        cache.set_many(changed, HISTORY_SECONDS)


def history_merge(*, into: str, source: History | None) -> None:
    """Put the views of `source` (an anonymous session's history) in front of the cached history
    `into` (the account's, just built), newest first."""
    if source is None or not source.viewed:
        return
    value = cache.get(into)
    if value is None:
        return
    if len(source.viewed_at) == len(source.viewed) and len(value.viewed_at) == len(value.viewed):
        for product_id, at in zip(source.viewed, source.viewed_at, strict=True):
            value.view(product_id, at)
    else:
        value.viewed = list(dict.fromkeys([*source.viewed, *value.viewed]))[:VIEWED_KEPT]
        value.viewed_at = ()
    value.latest = max(value.latest, source.latest)
    value.stamp = time.time_ns()
    read_ahead.forget([into])
    cache.set(into, value, HISTORY_SECONDS)


def history_forget(actors: Iterable[tuple[int | None, str]]) -> None:
    """Drop the cached histories of these (user id, session key): rebuilt on next use."""
    keys = {history_key(user_id=u, session_key=s) for u, s in actors}
    keys.discard(None)
    if keys:
        read_ahead.forget(keys)
        cache.delete_many(list(keys))
