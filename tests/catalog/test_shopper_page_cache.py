"""Pages kept with holes for visitors with a session (catalog.caching, common.page_holes): the
page comes from the cache, the shopper's own parts (cart count, CSRF token, recommendation
slots) are worked out for every request."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.models import EventKind, ShopperEvent
from insights.tasks import flush_views
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def count_in_header(html: str) -> int:
    match = re.search(r"data-cart-count>(\d+)<", html)
    assert match, "the header shows no cart count"
    return int(match.group(1))


def get(client, url):
    """The page, and whether it was kept (no template rendered for it)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), not response.templates


@pytest.fixture
def listing(make_product):
    category = CategoryFactory(slug="bowls", name_en="Bowls")
    product = make_product(category=category, name_en="Rice Bowl", prices=(Decimal("30.00"),))
    return reverse("catalog:category", args=[category.slug]), product


def signed_in(email: str) -> Client:
    client = Client(headers=SAME_ORIGIN)
    client.force_login(UserFactory(email=email))
    return client


def test_a_signed_in_shopper_s_second_page_is_the_kept_one(storefront_cache, listing):
    url, _ = listing
    client = signed_in("an@example.com")

    first, first_kept = get(client, url)
    second, second_kept = get(client, url)

    assert not first_kept and second_kept
    assert "Rice Bowl" in second and "My account" in second
    assert CSRF_INPUT.sub("", first) == CSRF_INPUT.sub("", second)


def test_the_kept_page_is_the_page_rendered_afresh(storefront_cache, listing):
    url, _ = listing
    get(signed_in("first@example.com"), url)  # keeps the page
    client = signed_in("second@example.com")

    kept, was_kept = get(client, url)
    storefront_cache.STOREFRONT_CACHE_SECONDS = 0
    fresh, fresh_kept = get(client, url)

    assert was_kept and not fresh_kept
    assert CSRF_INPUT.sub("", kept) == CSRF_INPUT.sub("", fresh)


def test_the_cart_count_is_right_right_after_adding_to_the_cart(storefront_cache, listing):
    url, product = listing
    client = signed_in("bo@example.com")
    get(client, url)
    html, _ = get(client, url)
    assert count_in_header(html) == 0

    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 3})
    client.cookies.pop("messages", None)  # the "added" message read, as the cart page would
    html, kept = get(client, url)

    assert kept
    assert count_in_header(html) == 3


def test_a_visitor_s_cart_count_is_their_own(storefront_cache, listing):
    url, product = listing
    visitor = Client(headers=SAME_ORIGIN)
    visitor.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 2})
    visitor.cookies.pop("messages", None)
    other = Client(headers=SAME_ORIGIN)
    other.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 1})
    other.cookies.pop("messages", None)

    get(visitor, url)
    html, kept = get(other, url)

    assert kept
    assert count_in_header(html) == 1
    assert "Log in" in html


def test_each_shopper_gets_their_own_csrf_token(storefront_cache, listing):
    url, _ = listing
    get(signed_in("cy@example.com"), url)
    client = signed_in("di@example.com")

    html, kept = get(client, url)

    assert kept
    token = CSRF_INPUT.search(html).group(1)
    # The log-out form's token is this shopper's own: the secret of their CSRF cookie.
    assert _unmask_cipher_token(token) == client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_kept_product_page_still_records_the_view(storefront_cache, make_product):
    product = make_product(name_en="Viewed Vase")
    shopper = UserFactory(email="ed@example.com")
    client = Client(headers=SAME_ORIGIN)
    client.force_login(shopper)

    get(client, product.get_absolute_url())
    _, kept = get(client, product.get_absolute_url())
    flush_views()  # views wait in Redis until then in services mode

    assert kept
    views = ShopperEvent.objects.filter(kind=EventKind.VIEW, user=shopper, product=product)
    assert views.count() == 2


def test_a_message_to_show_is_never_missed(storefront_cache, listing):
    url, product = listing
    client = signed_in("fa@example.com")
    get(client, url)
    get(client, url)

    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 1})
    html, kept = get(client, url)

    assert not kept
    assert "Added to your cart." in html


def test_a_signed_in_shopper_s_kept_page_runs_no_query(storefront_cache, listing):
    url, product = listing
    client = signed_in("ed@example.com")
    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 2})
    client.cookies.pop("messages", None)
    get(client, url)  # keeps the page, the shopper and their count

    with CaptureQueriesContext(connection) as queries:
        html, kept = get(client, url)

    assert kept and count_in_header(html) == 2 and "My account" in html
    assert [q["sql"] for q in queries.captured_queries] == []


def test_the_shopper_and_their_cart_count_are_read_in_one_round_trip(
    storefront_cache, listing, cache_reads
):
    url, product = listing
    client = signed_in("flo@example.com")
    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 3})
    client.cookies.pop("messages", None)
    get(client, url)
    cache_reads.clear()
    html, kept = get(client, url)

    assert kept and count_in_header(html) == 3
    together = [
        keys
        for keys in cache_reads
        if any(k.startswith("auth:user:") for k in keys)
        and any(k.startswith("cart:count:") for k in keys)
    ]
    assert len(together) == 1
    assert not [keys for keys in cache_reads if keys not in together and "cart:count" in str(keys)]
