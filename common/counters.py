"""Counters in the cache (shared by every web process when the cache is Redis), for limits on
what one session or address may do in a window of time."""

from __future__ import annotations

import hashlib

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
