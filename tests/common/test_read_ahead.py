"""The request's first read of the cache (common.read_ahead.read_first): whatever asks first,
the keys registered come with it, once per request."""

from django.core.cache import cache

from catalog.caching import VERSION_KEY, catalog_version
from common import read_ahead


def test_the_first_read_takes_the_registered_keys_whoever_asks(in_a_request, cache_round_trips):
    read_ahead.read_first("shared", for_request=lambda request: [f"mine:{request.method}"])
    cache.set_many({VERSION_KEY: 7, "shared": 1, "mine:GET": 2, "session": 3})
    in_a_request()
    cache_round_trips.clear()

    assert read_ahead.get_many(["session"], take=True) == {"session": 3}  # e.g. the session
    assert catalog_version() == 7
    assert read_ahead.get_many(["shared", "mine:GET"]) == {"shared": 1, "mine:GET": 2}

    assert cache_round_trips == [["session", VERSION_KEY, "shared", "mine:GET"]]


def test_only_the_first_read_takes_them(in_a_request, cache_round_trips):
    read_ahead.read_first("shared")
    in_a_request()
    read_ahead.get_many(["one"])
    cache_round_trips.clear()

    read_ahead.get_many(["two"])

    assert cache_round_trips == [["two"]]


def test_a_function_naming_keys_that_reads_the_cache_reads_on_its_own(
    in_a_request, cache_round_trips
):
    """It should not (it is asked during the first read), but if it does, its read is not taken
    for the first one again: no endless recursion, nothing lost."""
    cache.set("inner", 5)

    def naming(request):
        assert read_ahead.get_many(["inner"]) == {"inner": 5}
        return ["mine"]

    read_ahead.read_first(for_request=naming)
    in_a_request()
    cache_round_trips.clear()

    read_ahead.get_many(["asked"])

    assert cache_round_trips == [["inner"], ["asked", VERSION_KEY, "mine"]]


def test_outside_a_request_nothing_comes_with_a_read(cache_round_trips):
    read_ahead.read_first("shared")
    try:
        cache_round_trips.clear()
        read_ahead.get_many(["asked"])
    finally:
        read_ahead._first_keys.remove("shared")
        read_ahead.forget_all()

    assert cache_round_trips == [["asked"]]
