"""The Redis cache backend (shop.cache) reuses one client per connection pool and otherwise
behaves as Django's."""

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


def test_one_client_object_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool


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
