"""The Redis cache backend (shop.cache) reuses one client per connection pool and otherwise
behaves as Django's."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

from tests.conftest import REQUIRE_SERVICES

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if REQUIRE_SERVICES:
            pytest.fail(f"no Redis at {REDIS_URL} (REQUIRE_SERVICES=1)")
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-cache-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "shop.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
    }
    cache = caches["shared"]
    yield cache
    cache.clear()


def test_one_client_object_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool


def test_it_still_reads_and_writes_like_djangos_redis_cache(redis_cache):
    redis_cache.set("a", {"n": 1}, 30)
    redis_cache.set_many({"b": 2, "c": [3]}, 30)
    assert redis_cache.get("a") == {"n": 1}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"n": 1}, "b": 2, "c": [3]}
    assert redis_cache.incr("b") == 3
    assert redis_cache.add("a", "other") is False
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    # Stored under the prefix, in the database of the URL.
    raw = redis.Redis.from_url(REDIS_URL)
    assert raw.exists(redis_cache.make_key("b")) == 1
