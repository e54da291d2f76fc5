"""Counters in the cache (shared by every web process when the cache is Redis), for limits on
what one session or address may do in a window of time."""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from django.core.cache import cache


def counter_key(prefix: str, value: str) -> str:
    """A cache key for counting `value` (an address, a session key) without storing it."""
    return f"{prefix}:{hashlib.sha256((value or '?').encode()).hexdigest()[:32]}"


def counter_increment(key: str, *, timeout: int) -> int:
    """Add one to the counter `key` and return its new value; a new counter lives `timeout`
    seconds from its first count."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=timeout)
        return 1


def sliding_window_take(limits: list[tuple[str, int]], *, seconds: int) -> int:
    """Count one event against each `(key, limit)` unless that would put any of them over its
    limit in the last `seconds`. Returns 0 when the event was counted, else the whole seconds to
    wait before it would be allowed (for Retry-After); a refused event counts nowhere.

    The last `seconds` are estimated as the window in progress plus the previous window weighted
    by how much of it still falls inside them (the sliding window counter): unlike fixed windows,
    a burst cannot get twice the limit through by straddling a window's end. Two counters per key,
    shared by every process when the cache is Redis.
    """
    seconds = max(1, seconds)
    now = time.time()
    window = int(now // seconds)
    elapsed = now - window * seconds
    keys = [(f"{key}:{window}", f"{key}:{window - 1}", limit) for key, limit in limits]
    previous = cache.get_many([before_key for _, before_key, _ in keys])
    refused, wait = False, 0.0
    for current_key, before_key, limit in keys:
        current = counter_increment(current_key, timeout=2 * seconds + 1)
        before = previous.get(before_key) or 0
        if before * (1 - elapsed / seconds) + current > limit + 1e-9:  # rounding
            refused = True
            wait = max(wait, _sliding_wait(before, current - 1, limit, elapsed, seconds))
    if not refused:
        return 0
    for current_key, _, _ in keys:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to take back
            cache.decr(current_key)
    return max(1, math.ceil(wait))


def _sliding_wait(before: int, current: int, limit: int, elapsed: float, seconds: int) -> float:
    """Seconds from now until one more event fits under `limit`, with `before` events in the
    previous window, `current` in this one and none added meanwhile."""
    if current + 1 <= limit:  # later in this window, as the previous one weighs less
        at = seconds * (1 - (limit - current - 1) / before) if before else 0.0
        return max(0.0, at - elapsed)  # at most the rest of this window
    # Only in the next window, as this one (then the previous) weighs less.
    later = seconds * (1 - (limit - 1) / current) if limit >= 1 else seconds
    return seconds - elapsed + later
