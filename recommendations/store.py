"""The shared cache where serving reads the precomputed lists: its keys and its Redis client.
With an in-process cache (embedded mode) nothing is shared and the tables are read instead."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

LIVE_CACHE_KEY = "recs:live"


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
