"""The Redis cache backend: Django's own, with one client object per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` on every cache call, and building one (its
table of response callbacks) costs about half as much as a round trip to a local Redis. A
`redis.Redis` holds nothing but its connection pool and is safe to share between threads, so one
per pool serves every call; the pool still hands out the connections (and replaces them after a
fork, as before). Its clear() deletes only the cache's own keys. Keys are not checked for
memcached's limits (length, spaces, control characters): Redis keys may hold any bytes, and the
check walked every character of every key in Python, a few dozen keys per page.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def validate_key(self, key: str) -> None:
        """Any key is a valid Redis key (Django warns about keys memcached would refuse)."""

    def clear(self) -> None:
        """Delete this cache's keys (those under its KEY_PREFIX), not the whole Redis database
        as Django's FLUSHDB does: the Celery broker's queues live in the same database (REDIS_URL
        serves both), and so may the keys of another shop or test run under another prefix."""
        client = self._cache.get_client(write=True)
        pattern = _glob_escape(self.key_prefix) + ":*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)


def _glob_escape(text: str) -> str:
    """`text` matched literally in a Redis SCAN/KEYS pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
