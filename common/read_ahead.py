"""What a request has read from the cache ahead of need, together with other keys in one round
trip, for its later reads of them: `read` keeps what it read (and what was absent), `get_many`
serves the keys read ahead from there and reads only the rest. A key the request changes is
dropped (`forget`), and nothing outlives its request (emptied when a request starts and ends:
CommonConfig.ready).

The request's first read: apps register the keys most requests read (`read_first`: the catalog
version, the recommender's live version ...) and, for a GET or HEAD request, the keys of the
request's own they can name from the request as it arrives (its session, the page it asks
for ...). The first `read` or `get_many` of a request (under ReadAheadMiddleware) takes them
all with the keys it was asked for, in one round trip. A function naming a request's keys must
not read the cache itself, nor load the session or the user: it may only guess (a wrong guess
costs a key read for nothing, and the right key is read when it is asked for).
Used by the catalog version (catalog.caching), the session store (accounts.sessions) and the
generation-guarded entries (common.cache_generations.prefetch)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.core.cache import cache
from django.http import HttpRequest

_request = threading.local()
_ABSENT = object()

_first_keys: list[str] = []
_first_for_request: list[Callable[[HttpRequest], Iterable[str]]] = []
# The request whose first read is still to come (None once it has been made, or outside one).
_first_read_of: ContextVar[HttpRequest | None] = ContextVar("read_ahead_first", default=None)


def read_first(
    *keys: str, for_request: Callable[[HttpRequest], Iterable[str]] | None = None
) -> None:
    """Read `keys`, and the keys `for_request(request)` names for a GET or HEAD request, with the
    first read of every request. For keys whose value the request reads before it changes it:
    whoever writes one calls `forget`, so the request reads it again."""
    _first_keys.extend(k for k in keys if k not in _first_keys)
    if for_request is not None and for_request not in _first_for_request:
        _first_for_request.append(for_request)


class ReadAheadMiddleware:
    """Marks the request whose first read takes the registered keys with it (read_first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _first_read_of.set(request)
        try:
            return self.get_response(request)
        finally:
            _first_read_of.reset(token)


def _with_first_read(keys: list[str]) -> list[str]:
    """`keys`, and when this is the request's first read, the keys registered to come with it."""
    request = _first_read_of.get()
    if request is None:
        return keys
    _first_read_of.set(None)  # before naming them: a function naming keys reads nothing itself
    found_ahead = _found()
    wanted = dict.fromkeys(keys)
    wanted.update(dict.fromkeys(k for k in _first_keys if k not in found_ahead))
    if request.method in ("GET", "HEAD"):
        for keys_of in _first_for_request:
            wanted.update(dict.fromkeys(k for k in keys_of(request) if k not in found_ahead))
    return list(wanted)


def _found() -> dict[str, object]:
    found = getattr(_request, "found", None)
    if found is None:
        found = _request.found = {}
    return found


def forget_all(**kwargs) -> None:
    """request_started and request_finished: nothing read ahead outlives its request."""
    _request.found = {}


def read(keys: Iterable[str]) -> dict:
    """cache.get_many(keys) (with the request's first read's keys when it is the first), kept
    for this request's later get_many of them."""
    keys = list(keys)
    asked = _with_first_read(keys)
    got = cache.get_many(asked)
    _found().update({key: got.get(key, _ABSENT) for key in asked})
    return {key: got[key] for key in keys if key in got}


def known(key: str) -> bool:
    """Whether `key` has been read ahead in this request (found or not)."""
    return key in _found()


def get_many(keys: Iterable[str], *, take: bool = False) -> dict:
    """cache.get_many(keys), the keys read ahead in this request served from what was read
    (and, with `take`, no longer kept)."""
    keys = list(keys)
    found_ahead = _found()
    rest = [key for key in keys if key not in found_ahead]
    if rest and _first_read_of.get() is not None:
        read(rest)  # the request's first read: kept with the keys that come with it
        rest = []
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
