"""The shared cache where serving reads the precomputed lists: its keys and its Redis client.
With an in-process cache (embedded mode) nothing is shared and the tables are read instead."""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
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
# What apps note during a request and write only once its response has gone (page views: the
# recommender's interactions and the shopper's history, the funnel's events). Each app registers
# two functions: `take()`, run in the request's thread when it ends, takes what the request noted
# (None: nothing); `send(pipe, taken, batched=...)` puts the writes of a list of what was taken in
# the pipeline it is given (services mode) and may return what to do with their replies; with
# pipe None (embedded mode) it writes on its own. With a shared cache and
# AFTER_RESPONSE_BATCH_SECONDS above 0, what the requests of a process took is sent by a thread of
# the process, every so often, in one pipeline for all of them (one round trip, and one command
# per kind rather than per request); a worker that dies loses what it held that long.
Taken = Any
Take = Callable[[], Taken | None]
Send = Callable[..., Callable[[list], None] | None]
_senders: list[tuple[Take, Send]] = []

# A batch holding this many requests' writes is sent at once, from the request that filled it.
BATCH_MAX = 1000


def send_after_response_with(*, take: Take, send: Send) -> None:
    """Have `send` write what `take` took of each request once its response has gone (the
    recommender's views and the histories they change, the funnel's views and their sessions),
    with the other apps' writes, in one round trip to Redis."""
    if (take, send) not in _senders:
        _senders.append((take, send))


def send_after_response(sender=None, **kwargs) -> None:
    """request_finished: what the request noted is taken from it, and sent at once (one pipeline
    for every app's writes, with a shared cache) or, batched, by the process's sending thread.
    Never raises: what cannot be sent is logged and lost."""
    taken = []
    for take, send in _senders:
        try:
            value = take()
        except Exception:
            log.exception("could not take the writes of %s", getattr(take, "__name__", take))
            continue
        if value is not None:
            taken.append((send, value))
    if not taken:
        return
    if settings.AFTER_RESPONSE_BATCH_SECONDS > 0 and shared_cache():
        try:
            _batch.add(taken)
            return
        except Exception:  # e.g. no thread can be started: sent now instead
            log.exception("could not hold the writes of a request for the process's next batch")
    _send({send: [value] for send, value in taken}, batched=False)


def after_response_flush() -> None:
    """Send what this process holds of past requests now (its sending thread does every
    AFTER_RESPONSE_BATCH_SECONDS, and at exit)."""
    _batch.flush()


def _send(taken: dict[Send, list], *, batched: bool) -> None:
    """Every sender's writes for what was taken, in one pipeline (with a shared cache; each
    writes on its own otherwise), then each sender's replies to what it sent."""
    pipe = redis_client(write=True).pipeline(transaction=False) if shared_cache() else None
    replies: list[tuple[Callable[[list], None], int, int]] = []
    for send, values in taken.items():
        start = len(pipe) if pipe is not None else 0
        try:
            handle = send(pipe, values, batched=batched)
        except Exception:
            log.exception("could not prepare the writes of %s", getattr(send, "__name__", send))
            if pipe is not None:  # what it put in before failing is not sent
                del pipe.command_stack[start:]
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


class _Batch:
    """What the requests of this process took, until its sending thread sends it (started by
    the first request that holds something, in the process serving it: a forked worker starts
    its own). Sent at exit too."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Send, list] = {}
        self._count = 0
        self._waiting = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, taken: list[tuple[Send, Taken]]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                thread = threading.Thread(
                    target=self._run, name="after-response-writes", daemon=True
                )
                thread.start()  # before anything is held: when it fails, the caller sends
                self._thread = thread
            for send, value in taken:
                self._held.setdefault(send, []).append(value)
            self._count += 1
            full = self._count >= BATCH_MAX
            self._waiting.set()
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            held, self._held, self._count = self._held, {}, 0
            self._waiting.clear()
        if held:
            try:
                _send(held, batched=True)
            except Exception:
                log.exception("could not send the writes held after the responses")

    def _run(self) -> None:
        from django.db import connections

        while True:
            self._waiting.wait()
            time.sleep(max(settings.AFTER_RESPONSE_BATCH_SECONDS, 0.01))
            self.flush()  # never raises
            try:
                connections.close_all()  # this thread's, opened by a sender that read the table
            except Exception:
                log.exception("could not close the database connection of the sending thread")


_batch = _Batch()
os.register_at_fork(after_in_child=lambda: _batch._reset())  # the parent's thread is not here
atexit.register(after_response_flush)
