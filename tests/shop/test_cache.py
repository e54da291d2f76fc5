"""The Redis cache backend (shop.cache) keeps one client with its own connection per thread and
process, and otherwise behaves as Django's."""

import gc
import os
import threading
import uuid

import pytest
import redis
from django.core.cache import caches


@pytest.fixture
def redis_cache(settings, redis_url):
    prefix = f"test-cache-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "shop.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix},
    }
    cache = caches["shared"]
    yield cache
    cache.clear()


def connections_taken(pool, monkeypatch) -> list:
    """One item for each connection taken from `pool` from now on."""
    taken: list[int] = []
    original = pool.get_connection

    def get_connection(*args, **kwargs):
        taken.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pool, "get_connection", get_connection)
    return taken


def test_one_client_object_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool


def test_a_call_uses_the_clients_own_connection_not_the_pools(redis_cache, monkeypatch):
    redis_cache.set("a", 1, 30)
    taken = connections_taken(redis_cache._cache._get_connection_pool(False), monkeypatch)

    for _ in range(5):
        assert redis_cache.get("a") == 1
    redis_cache.get_many(["a", "b"])

    assert taken == []


def test_a_pipeline_is_sent_on_the_clients_own_connection(redis_cache, monkeypatch):
    client = redis_cache._cache.get_client(write=True)
    pool = client.connection_pool
    in_use = len(pool._in_use_connections)
    taken = connections_taken(pool, monkeypatch)
    key = redis_cache.make_key("list")

    for transaction in (False, True):
        pipe = client.pipeline(transaction=transaction)
        pipe.rpush(key, "a")
        pipe.lrange(key, 0, -1)
        assert pipe.execute()[-1][-1] == b"a"
    redis_cache.set_many({"x": 1, "y": 2}, 30)  # Django's set_many: a pipeline too

    assert taken == []
    assert len(pool._in_use_connections) == in_use  # still the client's, not given back
    assert redis_cache.get_many(["x", "y"]) == {"x": 1, "y": 2}


def test_a_pipeline_on_a_connection_the_server_dropped_is_sent_again(redis_cache, redis_url):
    client = redis_cache._cache.get_client(write=True)
    redis.Redis.from_url(redis_url).client_kill_filter(_id=client.client_id())

    pipe = client.pipeline(transaction=False)
    pipe.set(redis_cache.make_key("a"), b"1")
    pipe.get(redis_cache.make_key("a"))

    assert pipe.execute() == [True, b"1"]


def test_each_thread_and_each_forked_process_has_its_own_client(redis_cache, monkeypatch):
    here = redis_cache._cache.get_client()
    there = []
    thread = threading.Thread(target=lambda: there.append(redis_cache._cache.get_client()))
    thread.start()
    thread.join()
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a process forked from this one
    forked = redis_cache._cache.get_client()

    assert there[0] is not here
    assert there[0].connection is not here.connection
    assert forked is not here


def test_a_threads_connection_goes_back_to_the_pool_when_the_thread_ends(redis_cache):
    pool = redis_cache._cache._get_connection_pool(False)
    redis_cache.get("a")  # this thread's client and connection
    in_use = len(pool._in_use_connections)

    thread = threading.Thread(target=lambda: redis_cache.set("b", 2, 30))
    thread.start()
    thread.join()
    gc.collect()

    assert len(pool._in_use_connections) == in_use
    assert redis_cache.get("b") == 2


def test_an_unreachable_redis_fails_the_command_not_the_clients_making(settings):
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "shop.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client = caches["down"]._cache.get_client()

    with pytest.raises(redis.ConnectionError):
        client.get("a")
    with pytest.raises(redis.ConnectionError):
        caches["down"].get("a")


def test_a_connection_the_server_dropped_is_made_again(redis_cache, redis_url):
    redis_cache.set("a", 1, 30)
    client = redis_cache._cache.get_client()
    redis.Redis.from_url(redis_url).client_kill_filter(_id=client.client_id())

    assert redis_cache.get("a") == 1


def test_it_still_reads_and_writes_like_djangos_redis_cache(redis_cache, redis_url):
    redis_cache.set("a", {"n": 1}, 30)
    redis_cache.set_many({"b": 2, "c": [3]}, 30)
    assert redis_cache.get("a") == {"n": 1}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"n": 1}, "b": 2, "c": [3]}
    assert redis_cache.incr("b") == 3
    assert redis_cache.add("a", "other") is False
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    # Stored under the prefix, in the database of the URL.
    raw = redis.Redis.from_url(redis_url)
    assert raw.exists(redis_cache.make_key("b")) == 1


def test_clear_deletes_this_caches_keys_and_leaves_the_rest_of_the_database(redis_cache, redis_url):
    raw = redis.Redis.from_url(redis_url)
    other_prefix = f"{redis_cache.key_prefix}-other"
    raw.set(f"{other_prefix}:1:kept", "another cache's")  # another shop's or test run's key
    raw.rpush(f"{redis_cache.key_prefix}celery", "a queued task")  # a neighbour's own key
    redis_cache.set_many({f"k{i}": i for i in range(2500)}, 30)  # more than one SCAN batch
    redis_cache.set("v", "older version", 30, version=2)

    try:
        redis_cache.clear()

        assert redis_cache.get("k0") is None and redis_cache.get("k2499") is None
        assert redis_cache.get("v", version=2) is None
        assert not list(raw.scan_iter(match=f"{redis_cache.key_prefix}:*"))
        assert raw.get(f"{other_prefix}:1:kept") == b"another cache's"
        assert raw.lrange(f"{redis_cache.key_prefix}celery", 0, -1) == [b"a queued task"]
    finally:
        raw.delete(f"{other_prefix}:1:kept", f"{redis_cache.key_prefix}celery")


def test_clear_takes_a_prefix_literally(settings, redis_url):
    raw = redis.Redis.from_url(redis_url)
    tag = uuid.uuid4().hex[:8]
    settings.CACHES = {
        **settings.CACHES,
        "starred": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"t*{tag}",
        },
    }
    neighbour = f"tx{tag}:1:kept"  # what the prefix would match as a pattern
    raw.set(neighbour, "1")
    caches["starred"].set("gone", 1, 30)

    try:
        caches["starred"].clear()

        assert caches["starred"].get("gone") is None
        assert raw.exists(neighbour) == 1
    finally:
        raw.delete(neighbour)


def test_any_key_is_kept_without_memcacheds_warnings(redis_cache, recwarn):
    """Redis keys hold any bytes: no key is walked character by character for memcached's
    limits (a session key a client made up, a long fingerprint)."""
    key = "session:\x07 spaced " + "x" * 300

    redis_cache.set(key, 1, 30)

    assert redis_cache.get_many([key]) == {key: 1}
    assert not [w for w in recwarn if "memcached" in str(w.message)]
