"""The session store (accounts.sessions): the session, and the user this process last saw it
signed in as, read with the request's first read of the cache; the session decides who the
shopper is, whatever was guessed."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts import sessions
from accounts.backends import user_key
from catalog.caching import VERSION_KEY
from tests.accounts.factories import UserFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db


def header_count(response) -> int:
    match = re.search(r"data-cart-count>(\d+)<", response.content.decode())
    assert match, "the header shows no cart count"
    return int(match.group(1))


def signed_in_client(user) -> Client:
    client = Client(headers=SAME_ORIGIN)
    client.force_login(user)
    return client


def session_key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_signed_in_shoppers_cached_page_is_one_round_trip(
    storefront_cache, make_product, cache_round_trips
):
    product = make_product(name_en="Single Trip Kettle")
    client = signed_in_client(UserFactory())
    client.get(product.get_absolute_url())  # kept with holes; the session seen signed in
    cache_round_trips.clear()

    response = client.get(product.get_absolute_url())

    assert "Single Trip Kettle" in response.content.decode()
    assert "My account" in response.content.decode()
    assert len(cache_round_trips) == 1
    keys = cache_round_trips[0]
    assert sessions.SessionStore.cache_key_prefix + session_key_of(client) in keys
    assert VERSION_KEY in keys
    assert any(key.startswith("page:product:in:") for key in keys)
    assert any(key.startswith("auth:user:") for key in keys)


def test_a_session_this_process_has_not_seen_is_read_first_and_the_user_after(
    storefront_cache, make_product, cache_round_trips
):
    product = make_product()
    client = signed_in_client(UserFactory())
    client.get(product.get_absolute_url())
    sessions._seen.clear()  # as in another worker process
    cache_round_trips.clear()

    response = client.get(product.get_absolute_url())

    assert "My account" in response.content.decode()
    assert sessions.SessionStore.cache_key_prefix + session_key_of(client) in cache_round_trips[0]
    assert not any(key.startswith("auth:user:") for key in cache_round_trips[0])
    assert len(cache_round_trips) > 1


def test_the_session_decides_who_the_shopper_is_not_the_guess(
    client, storefront_cache, make_product
):
    """A guess naming someone else (another shopper, or nobody) only costs keys read for
    nothing: the page is the session's own shopper's, with their own cart count."""
    variant = make_product(stock=5).variants.get()
    shopper, other = UserFactory(), UserFactory()
    client = signed_in_client(shopper)
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 3})
    signed_in_client(other).get("/")  # the other shopper's user entry is in the cache too
    key = session_key_of(client)

    for guess in (str(other.pk), None):
        sessions._remember(key, guess)
        response = client.get("/")

        assert header_count(response) == 3
        assert "My account" in response.content.decode()
        assert sessions.signed_in_as(response.wsgi_request) == (True, str(shopper.pk))


def test_what_a_guess_read_ahead_is_not_taken_for_another_users(
    storefront_cache, cache_round_trips
):
    shopper, other = UserFactory(), UserFactory()
    client = signed_in_client(shopper)
    client.get("/")
    sessions._remember(session_key_of(client), str(other.pk))
    cache_round_trips.clear()

    client.get("/")

    read_ahead = cache_round_trips[0]
    assert user_key(other.pk) in read_ahead
    later = [key for keys in cache_round_trips[1:] for key in keys]
    assert user_key(shopper.pk) in later


def test_a_visitor_guessed_signed_in_is_served_as_a_visitor(client, storefront_cache, make_product):
    product = make_product(stock=5)
    someone = signed_in_client(UserFactory())
    someone.get(product.get_absolute_url())  # a signed-in page and user entry in the cache
    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 2})
    sessions._remember(session_key_of(client), str(someone.session[SESSION_KEY]))

    response = client.get(product.get_absolute_url())

    assert "My account" not in response.content.decode()
    assert header_count(response) == 2


def test_only_a_cookie_shaped_like_a_session_key_is_read_ahead(rf):
    for junk in ("x y", "short", "a" * 65, "é" * 32, "abc;def12345"):
        request = rf.get("/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = junk
        assert sessions._keys_ahead(request) == []
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32
    assert sessions._keys_ahead(request) == [sessions.SessionStore.cache_key_prefix + "k" * 32]


def test_the_process_remembers_a_bounded_number_of_sessions(monkeypatch):
    monkeypatch.setattr(sessions, "MEMORY", 2)
    monkeypatch.setattr(sessions, "_seen", sessions.OrderedDict())
    for key, user_id in (("a" * 32, "1"), ("b" * 32, None), ("c" * 32, "3")):
        sessions._remember(key, user_id)
    sessions._remember("b" * 32, None)  # seen again: the most recent
    sessions._remember("d" * 32, "4")

    assert list(sessions._seen) == ["b" * 32, "d" * 32]


def test_sessions_kept_some_other_way_are_not_read_ahead(rf, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32

    assert sessions._keys_ahead(request) == []
