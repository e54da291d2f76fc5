"""The shared cache where serving reads the precomputed lists: its keys and its Redis client.
With an in-process cache (embedded mode) nothing is shared and the tables are read instead."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

LIVE_CACHE_KEY = "recs:live"

# The best sellers the slots show before the first model is live (their ids, kept 5 minutes).
BEST_SELLERS_KEY = "recs:best-sellers"


# Lists precomputed with a model version do not change until the next version: kept a day.
LIST_SECONDS = 24 * 3600


# The hashes of a version's lists outlive a missed nightly run; older versions' are deleted.
LIST_HASH_SECONDS = 7 * 24 * 3600


def neighbours_key(version_id: int, product_id: int) -> str:
    return f"recs:nb:{version_id}:{product_id}"


def top_key(version_id: int, user_id: int) -> str:
    return f"recs:top:{version_id}:{user_id}"


def shared_cache() -> bool:
    """Whether the cache is one store all processes share (Redis), not each process's memory."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def lists_hash(kind: str, version_id: int) -> str:
    """The Redis hash holding a version's precomputed lists of one kind ("top": a shopper's, by
    user id; "nb": a product's "also|similar", by product id), as comma-separated ids."""
    return cache.make_key(f"recs:{kind}:{version_id}")


def redis_client(*, write: bool = False):
    """The shared cache's Redis client (services mode only, see shared_cache)."""
    return cache._cache.get_client(write=write)


def buffer_drain(name: str, insert: Callable[[list], int], *, batch: int) -> int:
    """Drain the Redis list `name` (a buffer of JSON rows, oldest first, in the shared cache)
    `batch` rows at a time: each batch is taken off the list in one step (so two runs at once
    share the rows out and none is handled twice) and given, decoded, to `insert`, which returns
    how many it wrote. A batch `insert` fails on goes back to the head of the list and the error
    is raised. Returns the total `insert` reported."""
    client = redis_client(write=True)
    key = cache.make_key(name)
    total = 0
    while True:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(key, 0, batch - 1)
        pipe.ltrim(key, batch, -1)
        raw, _trimmed = pipe.execute()
        if not raw:
            return total
        try:
            total += insert([json.loads(item) for item in raw])
        except Exception:
            client.lpush(key, *reversed(raw))
            raise
        if len(raw) < batch:
            return total


def cache_dumps(value) -> bytes:
    """`value` as the shared cache stores it (what cache.get reads back), for a value written
    with the client's own commands (e.g. in a pipeline with others)."""
    return cache._cache._serializer.dumps(value)


def lists_read(kind: str, version_id: int, ids: list[int]) -> list[str | None]:
    """Entries of a version's list hash (None where absent, or without a shared cache)."""
    if not ids or not shared_cache():
        return [None] * len(ids)
    values = redis_client().hmget(lists_hash(kind, version_id), ids)
    return [value.decode() if value is not None else None for value in values]


# --- Writes sent once the response has gone ------------------------------------------------------
# A sender puts its commands in the pipeline it is given (services mode) and may return what to
# do with their replies; with None (embedded mode) it writes on its own.
AfterResponse = Callable[[Any], Callable[[list], None] | None]
_senders: list[AfterResponse] = []


def send_after_response_with(sender: AfterResponse) -> None:
    """Have `sender(pipe)` send the writes its app held until the response had gone (the
    recommender's views and the histories they change, the funnel's views and their sessions)
    with the other apps', in one round trip to Redis."""
    if sender not in _senders:
        _senders.append(sender)


def send_after_response(sender=None, **kwargs) -> None:
    """request_finished: every registered sender's writes in one pipeline, one round trip (with
    a shared cache; each writes on its own otherwise), then each sender's replies to what it
    sent. Never raises: what cannot be sent is logged and lost."""
    pipe = redis_client(write=True).pipeline(transaction=False) if shared_cache() else None
    replies: list[tuple[Callable[[list], None], int, int]] = []
    for send in _senders:
        start = len(pipe) if pipe is not None else 0
        try:
            handle = send(pipe)
        except Exception:
            log.exception("could not prepare the writes of %s", getattr(send, "__name__", send))
            continue
        if handle is not None:
            replies.append((handle, start, len(pipe) if pipe is not None else 0))
    if pipe is None or not len(pipe):
        return
    try:
        results = pipe.execute(raise_on_error=False)
    except Exception:
        log.exception("could not send %d writes held until the response had gone", len(pipe))
        return
    for handle, start, end in replies:
        try:
            handle(results[start:end])
        except Exception:
            log.exception("could not finish the writes of %s", getattr(handle, "__name__", handle))
