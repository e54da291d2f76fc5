"""The Redis cache backend: Django's own, with one client per process and thread, holding its
own connection.

Django's RedisCacheClient builds a new `redis.Redis` on every cache call, and building one (its
table of response callbacks) costs about half as much as a round trip to a local Redis. Each
call then takes a connection from the pool and gives it back, and taking one checks that the
connection has nothing left to read (a non-blocking read, two timeout changes): another third of
a round trip. Here each thread of each process keeps one `redis.Redis` that keeps one connection
of the pool (`single_connection_client`): a web worker's every cache call goes straight to its
connection (one Redis has closed is made again and the command sent once more). A thread's
client and connection go when the thread does; a forked process makes its own. Its pipelines
are sent on the same connection (redis-py's take one from the pool and give it back: three
commands cost 100-110 µs of CPU that way, 75-85 on the kept connection).

Its clear() deletes only the cache's own keys. Keys are not checked for memcached's limits
(length, spaces, control characters): Redis keys may hold any bytes, and the check walked every
character of every key in Python, a few dozen keys per page.
"""

from __future__ import annotations

import os
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import Redis
from redis.backoff import NoBackoff
from redis.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry


class _KeptConnection:
    """The pool as a pipeline of a client with a kept connection sees it: that connection is
    the one it gets, and giving it back leaves it with the client."""

    def __init__(self, pool, connection):
        self._pool = pool
        self._connection = connection

    def get_connection(self, *args, **kwargs):
        return self._connection

    def release(self, connection) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._pool, name)


class KeptConnectionRedis(Redis):
    """redis.Redis whose pipelines, with `single_connection_client`, are sent on its connection
    (a client's connection serves one thread: no command of another comes in between)."""

    def pipeline(self, transaction=True, shard_hint=None) -> Pipeline:
        if self.connection is None:
            return super().pipeline(transaction, shard_hint)
        pool = _KeptConnection(self.connection_pool, self.connection)
        return Pipeline(pool, self.response_callbacks, transaction, shard_hint)


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a new thread, or a forked process
            local.pid, local.clients = os.getpid(), {}
        client = local.clients.get(id(pool))
        if client is None:
            try:  # connects at once
                client = KeptConnectionRedis(connection_pool=pool, single_connection_client=True)
            except (RedisConnectionError, RedisTimeoutError):
                # Redis cannot be reached: a client of the pool, whose command fails (or goes
                # through, Redis back) where and as Django's would.
                return self._client(connection_pool=pool)
            local.clients[id(pool)] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        # A connection Redis closed while it was kept (a restart) fails the command sent on it:
        # it is made again and the command sent once more (the pool's check did this before).
        options = {"retry": Retry(NoBackoff(), 1), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
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
