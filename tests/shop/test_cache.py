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
