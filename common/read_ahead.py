"""What a request has read from the cache ahead of need, together with other keys in one round
trip, for its later reads of them: `read` keeps what it read (and what was absent), `get_many`
serves the keys read ahead from there and reads only the rest. A key the request changes is
dropped (`forget`), and nothing outlives its request (emptied when a request starts and ends:
CommonConfig.ready). Used by the catalog version's read (catalog.caching.read_with_version) and
by the generation-guarded entries (common.cache_generations.prefetch)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.core.cache import cache

_request = threading.local()
_ABSENT = object()


def _found() -> dict[str, object]:
    found = getattr(_request, "found", None)
    if found is None:
        found = _request.found = {}
    return found


def forget_all(**kwargs) -> None:
    """request_started and request_finished: nothing read ahead outlives its request."""
    _request.found = {}


def read(keys: Iterable[str]) -> dict:
    """cache.get_many(keys), kept for this request's later get_many of them."""
    keys = list(keys)
    got = cache.get_many(keys)
    _found().update({key: got.get(key, _ABSENT) for key in keys})
    return got


def known(key: str) -> bool:
    """Whether `key` has been read ahead in this request (found or not)."""
    return key in _found()


def get_many(keys: Iterable[str], *, take: bool = False) -> dict:
    """cache.get_many(keys), the keys read ahead in this request served from what was read
    (and, with `take`, no longer kept)."""
    keys = list(keys)
    found_ahead = _found()
    rest = [key for key in keys if key not in found_ahead]
    found = cache.get_many(rest) if rest else {}
    for key in keys:
        if key in found_ahead:
            value = found_ahead.pop(key) if take else found_ahead[key]
            if value is not _ABSENT:
                found[key] = value
    return found


def forget(keys: Iterable[str]) -> None:
    """The request is changing `keys`: what it read of them ahead is stale."""
    found_ahead = _found()
    for key in keys:
        found_ahead.pop(key, None)
