"""A shopper's home slots are kept (recommendations.selectors.kept_slots) under everything they are
made from: worked out again only when the shopper's history, the catalog, the live model or the
settings change, never shown to another shopper."""

import re

import pytest
from django.urls import reverse

from catalog.caching import VERSION_KEY, bump_catalog_version
from recommendations import selectors
from recommendations.history import history_key
from recommendations.models import SETTINGS_CACHE_KEY, RecommenderSettings
from recommendations.services.serving import recommender_settings_changed
from recommendations.store import BEST_SELLERS_KEY, LIVE_CACHE_KEY
from tests.accounts.factories import UserFactory
from tests.recommendations.test_serving import live_version_with, shelf  # noqa: F401

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def worked_out(monkeypatch):
    """How many times the home page's personal slot has been worked out."""
    calls = []
    original = selectors.for_you

    def counting(**kwargs):
        calls.append(kwargs.get("user"))
        return original(**kwargs)

    monkeypatch.setattr(selectors, "for_you", counting)
    return calls


def home(client) -> str:
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_slots_are_kept_until_the_shopper_looks_at_something(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    worked_out,
):
    items = shelf["items"]
    live_version_with()
    client.force_login(UserFactory())

    first = home(client)
    again = home(client)
    assert len(worked_out) == 1
    assert CSRF_INPUT.sub("", again) == CSRF_INPUT.sub("", first)

    client.get(items[3].get_absolute_url())
    after_a_view = home(client)

    assert len(worked_out) == 2
    viewed = after_a_view.split('data-testid="recs-recently-viewed"')[1]
    assert items[3].get_absolute_url() in viewed


def test_a_catalog_change_or_new_settings_work_the_slots_out_again(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    worked_out,
):
    live_version_with()
    client.force_login(UserFactory())
    home(client)

    bump_catalog_version()
    home(client)
    RecommenderSettings.objects.update_or_create(pk=1, defaults={"max_per_category_run": 1})
    recommender_settings_changed()
    home(client)

    assert len(worked_out) == 3


def test_kept_slots_are_never_another_shopper_s(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    worked_out,
):
    live_version_with()
    for email in ("an@example.com", "bo@example.com"):
        client.force_login(UserFactory(email=email))
        home(client)

    assert len(worked_out) == 2


def test_nothing_is_kept_with_the_storefront_cache_off(
    client,
    shelf,  # noqa: F811 (fixture)
    worked_out,
):
    live_version_with()
    client.force_login(UserFactory())
    home(client)
    home(client)

    assert len(worked_out) == 2


def test_kept_slots_are_read_with_the_serving_state(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    cache_reads,
):
    live_version_with()
    client.force_login(UserFactory())
    home(client)
    cache_reads.clear()
    home(client)

    together = [
        keys
        for keys in cache_reads
        if any("recs:slots" in key for key in keys) and any("recs:hist" in key for key in keys)
    ]
    assert len(together) == 1


@pytest.mark.parametrize("live", [False, True], ids=["best sellers", "live model"])
def test_the_slots_keys_are_read_with_the_catalog_version(
    client,
    shelf,  # noqa: F811 (fixture)
    cache_round_trips,
    live,
):
    """A page's first read of the cache (the catalog version) brings the live model version,
    the serving settings and the best sellers too: an anonymous visitor's home page, slots and
    all, is one round trip to the cache."""
    if live:
        version = live_version_with()
        version.trending = {"all": [p.pk for p in shelf["items"]]}
        version.save()
    home(client)  # what the slots read is cached by the first page
    cache_round_trips.clear()

    html = home(client)

    assert 'data-testid="recs-for-you"' in html
    assert len(cache_round_trips) == 1
    assert {VERSION_KEY, LIVE_CACHE_KEY, SETTINGS_CACHE_KEY, BEST_SELLERS_KEY} <= set(
        cache_round_trips[0]
    )


def test_a_shoppers_history_and_kept_slots_are_read_with_the_catalog_version(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    cache_round_trips,
):
    """On the pages that show slots, the shopper's own keys join the catalog version's round
    trip: the history (home, product page) and the kept home slots."""
    items = shelf["items"]
    shopper = UserFactory()
    client.force_login(shopper)
    client.get(items[0].get_absolute_url())
    home(client)
    history = history_key(user_id=shopper.pk, session_key=None)

    cache_round_trips.clear()
    html = home(client)
    first = read_only_with_the_version(cache_round_trips, history)
    assert any(key.startswith("recs:slots:home:") for key in first)
    assert items[0].get_absolute_url() in html.split('data-testid="recs-recently-viewed"')[1]

    cache_round_trips.clear()
    page = client.get(items[1].get_absolute_url()).content.decode()
    read_only_with_the_version(cache_round_trips, history)
    viewed = page.split('data-testid="recs-recently-viewed"')[1]
    assert items[0].get_absolute_url() in viewed


def read_only_with_the_version(round_trips: list[list[str]], key: str) -> list[str]:
    """The round trip that read the catalog version, after checking `key` was read in it and in
    no other."""
    first = next(keys for keys in round_trips if VERSION_KEY in keys)
    assert key in first
    assert not [keys for keys in round_trips if keys is not first and key in keys]
    return first


def test_a_listing_reads_no_history_ahead(
    client,
    shelf,  # noqa: F811 (fixture)
    storefront_cache,
    cache_round_trips,
):
    shopper = UserFactory()
    client.force_login(shopper)
    listing = reverse("catalog:category", args=[shelf["items"][0].category.slug])
    client.get(listing)

    cache_round_trips.clear()
    client.get(listing)

    history = history_key(user_id=shopper.pk, session_key=None)
    assert cache_round_trips and not [keys for keys in cache_round_trips if history in keys]


@pytest.mark.parametrize("change", ["views", "events", "merge", "forget"])
def test_a_request_that_changes_the_history_reads_it_again(in_a_request, change):
    """A history read with the catalog version, then changed by the same request (a view
    recorded, a purchase, a login's merge, a history dropped), is read again, never served as it
    was read."""
    from django.core.cache import cache

    from catalog import caching
    from common import read_ahead
    from recommendations import history as histories

    key = history_key(user_id=7, session_key=None)
    cache.set(key, histories.History(viewed=[1], latest=1.0, stamp=1))
    read_ahead.read_first(for_request=lambda request: [key])
    in_a_request()
    caching.catalog_version()
    assert read_ahead.get_many([key])[key].viewed == [1]

    if change == "views":
        histories.history_note_views([(7, "", 2, 2.0)])
    elif change == "events":
        histories.history_note_events([(7, "", 2, "purchase", 2.0, 0)])
    elif change == "merge":
        histories.history_merge(into=key, source=histories.History(viewed=[2], latest=2.0))
    else:
        histories.history_forget([(7, "")])

    assert read_ahead.get_many([key]).get(key) == cache.get(key)
