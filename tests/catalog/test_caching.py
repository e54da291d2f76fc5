from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import caching
from catalog.caching import VERSION_KEY, bump_catalog_version, catalog_version
from common import read_ahead
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.logistics.factories import StockFactory

pytestmark = pytest.mark.django_db


def test_a_cached_category_page_needs_no_catalog_queries(
    client, storefront_cache, make_product, django_assert_max_num_queries
):
    category = CategoryFactory()
    make_product(category=category, name_en="Cached Lamp")
    url = reverse("catalog:category", args=[category.slug])
    client.get(url)

    with django_assert_max_num_queries(0):
        response = client.get(url)

    assert "Cached Lamp" in response.content.decode()


def test_a_cached_product_page_needs_no_queries(
    client, storefront_cache, make_product, django_assert_max_num_queries
):
    product = make_product(name_en="Cached Kettle")
    client.get(product.get_absolute_url())

    with django_assert_max_num_queries(0):
        response = client.get(product.get_absolute_url())

    assert "Cached Kettle" in response.content.decode()


def test_renaming_a_product_shows_the_new_name_at_once(
    client, storefront_cache, make_product, django_capture_on_commit_callbacks
):
    category = CategoryFactory()
    product = make_product(category=category, name_en="Old Name")
    url = reverse("catalog:category", args=[category.slug])
    assert "Old Name" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        product.name_en = "New Name"
        product.save()

    html = client.get(url).content.decode()
    assert "New Name" in html
    assert "Old Name" not in html


def test_a_stock_change_refreshes_the_product_page(
    client, storefront_cache, make_product, django_capture_on_commit_callbacks
):
    product = make_product(stock=0)
    assert "Out of stock" in client.get(product.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        StockFactory(variant=product.variants.get(), quantity=50)

    assert "In stock" in client.get(product.get_absolute_url()).content.decode()


def test_a_new_variant_price_refreshes_the_product_page(
    client, storefront_cache, make_product, django_capture_on_commit_callbacks
):
    product = make_product(prices=(Decimal("10.00"),))
    client.get(product.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        VariantFactory(product=product, price=Decimal("77.00"))

    assert "¥77.00" in client.get(product.get_absolute_url()).content.decode()


def test_cached_pages_are_kept_apart_by_language(client, storefront_cache, make_product):
    category = CategoryFactory(slug="tea", name_en="Tea", name_zh_hans="茶叶")
    make_product(category=category, name_en="Green Tea", name_zh_hans="绿茶")

    english = client.get("/c/tea/").content.decode()
    chinese = client.get("/zh-hans/c/tea/").content.decode()

    assert "Green Tea" in english and "绿茶" not in english
    assert "绿茶" in chinese


def test_bumping_the_version_moves_it_forward():
    before = catalog_version()

    bump_catalog_version()

    assert catalog_version() == before + 1


def test_anonymous_cookieless_visitors_get_whole_pages_from_the_cache(
    client, storefront_cache, make_product, django_assert_max_num_queries
):
    product = make_product(name_en="Whole Page Teapot")
    client.get(product.get_absolute_url())

    with django_assert_max_num_queries(0):
        response = client.get(product.get_absolute_url())

    assert "Whole Page Teapot" in response.content.decode()
    assert "Cookie" in response["Vary"]


def test_logged_in_shoppers_never_get_an_anonymous_cached_page(
    client, storefront_cache, make_product
):
    from tests.accounts.factories import UserFactory

    product = make_product()
    client.get(product.get_absolute_url())  # cached for anonymous visitors
    client.force_login(UserFactory(email="li@example.com"))

    html = client.get(product.get_absolute_url()).content.decode()

    assert "My account" in html
    assert "Register" not in html


def test_a_kept_page_is_read_in_the_catalog_versions_round_trip(
    client, storefront_cache, make_product, cache_round_trips
):
    """An anonymous visitor's page from the cache is one round trip: the page comes with the
    catalog version (it is kept with the version it was made under, not under it)."""
    product = make_product(name_en="One Trip Teapot")
    client.get(product.get_absolute_url())
    cache_round_trips.clear()

    response = client.get(product.get_absolute_url())

    assert "One Trip Teapot" in response.content.decode()
    assert len(cache_round_trips) == 1
    assert VERSION_KEY in cache_round_trips[0]
    assert any(key.startswith("page:product:") for key in cache_round_trips[0])


def test_a_signed_in_shoppers_kept_page_is_read_with_the_catalog_version(
    client, storefront_cache, make_product, cache_round_trips
):
    product = make_product()
    client.force_login(UserFactory())
    client.get(product.get_absolute_url())
    cache_round_trips.clear()

    html = client.get(product.get_absolute_url()).content.decode()

    assert "My account" in html
    reading_the_page = [
        keys for keys in cache_round_trips if any(k.startswith("page:product:in:") for k in keys)
    ]
    assert len(reading_the_page) == 1
    assert VERSION_KEY in reading_the_page[0]


def test_a_page_kept_under_an_older_catalog_version_is_not_served(
    client, storefront_cache, make_product
):
    product = make_product(name_en="Versioned Vase")
    url = product.get_absolute_url()
    client.get(url)
    assert served_from_the_cache(client, url)

    bump_catalog_version()

    assert not served_from_the_cache(client, url)
    assert served_from_the_cache(client, url)


# --- What the anonymous page cache keys on ------------------------------------------------------
def served_from_the_cache(client, url: str) -> bool:
    """Whether the page came whole from the page cache: no template was rendered for it (its
    fragments alone can be cached, so counting queries would not tell)."""
    response = client.get(url)
    assert response.status_code == 200
    return not response.templates


def test_junk_query_parameters_share_one_cached_page(client, storefront_cache, make_product):
    category = CategoryFactory(slug="lamps")
    make_product(category=category, name_en="Junk-proof Lamp")
    client.get("/c/lamps/?junk=1")

    assert served_from_the_cache(client, "/c/lamps/?junk=2&utm_source=x")
    assert served_from_the_cache(client, "/c/lamps/")


def test_a_junk_value_never_reaches_the_links_of_a_cached_page(
    client, storefront_cache, make_product
):
    category = CategoryFactory(slug="lamps")
    make_product(category=category)

    first = client.get("/c/lamps/?sort=newest&junk=planted").content.decode()
    second = client.get("/c/lamps/?sort=newest").content.decode()

    assert "planted" not in first
    assert second == first


def test_parameters_in_another_order_share_one_cached_page(client, storefront_cache, make_product):
    category = CategoryFactory(slug="lamps")
    make_product(category=category)
    client.get("/c/lamps/?sort=newest&in_stock=on")

    assert served_from_the_cache(client, "/c/lamps/?in_stock=on&sort=newest")


@pytest.mark.parametrize(
    "query", ["?page=2", "?sort=price_asc", "?price_min=10", "?brand=acme", "?in_stock=on"]
)
def test_a_parameter_the_listing_reads_keeps_its_own_cached_page(
    client, storefront_cache, make_product, query
):
    category = CategoryFactory(slug="lamps")
    make_product(category=category)
    client.get("/c/lamps/")

    assert not served_from_the_cache(client, f"/c/lamps/{query}")
    assert served_from_the_cache(client, f"/c/lamps/{query}&junk=1")


def test_the_chosen_variant_keeps_its_own_cached_product_page(
    client, storefront_cache, make_product
):
    product = make_product(prices=(Decimal("10.00"), Decimal("20.00")))
    first, second = product.variants.order_by("pk")
    client.get(f"{product.get_absolute_url()}?variant={first.pk}&junk=1")

    html = client.get(f"{product.get_absolute_url()}?variant={second.pk}&junk=2").content.decode()

    assert f'name="variant" value="{second.pk}" data-add-variant' in html


class CountingCache:
    """The cache, counting the reads of the catalog version."""

    def __init__(self, real):
        self.real, self.version_reads = real, 0

    def get(self, key, *args, **kwargs):
        if key == VERSION_KEY:
            self.version_reads += 1
        return self.real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        keys = list(keys)
        if VERSION_KEY in keys:
            self.version_reads += 1
        return self.real.get_many(keys, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_page_reads_the_catalog_version_once(client, storefront_cache, make_product, monkeypatch):
    category = CategoryFactory()
    make_product(category=category)
    catalog_version()  # set (a first read also seeds it)
    counting = CountingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", counting)
    monkeypatch.setattr(read_ahead, "cache", counting)  # the version with the keys read with it
    # A signed-in visitor's page is rendered (not served whole): fragments, tree, brands.
    client.force_login(UserFactory())

    response = client.get(reverse("catalog:category", args=[category.slug]))

    assert response.status_code == 200
    assert counting.version_reads == 1


def test_a_request_that_changes_the_catalog_reads_the_new_version_after():
    token = caching._request_version.set([])
    try:
        before = catalog_version()
        bump_catalog_version()
        assert catalog_version() == before + 1
    finally:
        caching._request_version.reset(token)


def test_keys_read_with_the_version_are_not_read_again(in_a_request, cache_round_trips):
    from django.core.cache import cache

    read_ahead.read_first("shared", for_request=lambda request: [f"mine:{request.method}"])
    cache.set_many({VERSION_KEY: 7, "shared": 1, "mine:GET": 2})
    in_a_request()
    cache_round_trips.clear()

    assert catalog_version() == 7
    found = read_ahead.get_many(["shared", "mine:GET", "absent"])

    assert found == {"shared": 1, "mine:GET": 2}
    assert cache_round_trips[0] == [VERSION_KEY, "shared", "mine:GET"]
    assert cache_round_trips[1:] == [["absent"]]


def test_a_request_that_changes_a_key_read_ahead_reads_it_again(in_a_request, cache_round_trips):
    from django.core.cache import cache

    read_ahead.read_first("shared")
    cache.set("shared", 1)
    in_a_request()
    catalog_version()

    cache.set("shared", 2)
    read_ahead.forget(["shared"])

    assert read_ahead.get_many(["shared"]) == {"shared": 2}


def test_a_request_that_changes_things_reads_nothing_of_its_own_ahead(
    in_a_request, cache_round_trips
):
    read_ahead.read_first("shared", for_request=lambda request: ["mine"])
    in_a_request("POST")
    cache_round_trips.clear()

    catalog_version()

    assert cache_round_trips[0] == [VERSION_KEY, "shared"]
