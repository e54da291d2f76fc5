"""Fixtures shared by the whole suite.

REQUIRE_SERVICES=1 (set by CI) turns a missing PostgreSQL or Redis into a failure: tests that
need them must not be skipped there.
"""

import os
from decimal import Decimal

import pytest
from django.conf import settings

from catalog.services import product_availability_refresh
from tests.catalog.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_url() -> str:
    """A Redis for a test that needs one (REDIS_URL, or the local one): the test is skipped
    without it, and fails instead under REQUIRE_SERVICES=1."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.ConnectionError:
        if REQUIRE_SERVICES:
            pytest.fail(f"no Redis at {REDIS_TEST_URL} (REQUIRE_SERVICES=1)")
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    return REDIS_TEST_URL


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# What a browser on the shop sends with each POST; views exempt from the CSRF token check it
# (shop/origin.py). Tests of cross-site requests build their own client.
SAME_ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def client():
    """Django's test client, sending the shop's own Origin as a browser does."""
    from django.test import Client

    return Client(headers=SAME_ORIGIN)


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the test client leaves its language active in this thread; start each
    test in the default language so reverse() and templates do not inherit the last one."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    import importlib

    from django.core.cache import cache

    from accounts import sessions

    cards = importlib.import_module("recommendations.selectors.cards")

    def clear():
        cache.clear()
        # What a process keeps beside the cache, too: each test starts as a new process would.
        cards._kept = ("", {})
        sessions._seen.clear()

    clear()
    yield
    clear()


@pytest.fixture
def make_product():
    """A product with variants at given prices, stock in one warehouse, and optional images."""

    def make(*, category=None, brand=None, prices=(Decimal("99.00"),), stock=10, images=0, **kw):
        product = ProductFactory(
            category=category or CategoryFactory(),
            brand=brand or BrandFactory(),
            price=min(prices),
            **kw,
        )
        warehouse = WarehouseFactory(code="sh")
        for price in prices:
            variant = VariantFactory(product=product, price=price)
            StockFactory(variant=variant, warehouse=warehouse, quantity=stock)
        for _ in range(images):
            ProductImageFactory(product=product)
        # Stock saved in a test transaction never commits, so run what on_commit would run.
        product_availability_refresh(product_ids=[product.pk])
        product.refresh_from_db()
        return product

    return make


@pytest.fixture
def merchant_a():
    from tests.accounts.factories import MerchantFactory

    return MerchantFactory(name="Alpha", slug="alpha")


@pytest.fixture
def merchant_b():
    from tests.accounts.factories import MerchantFactory

    return MerchantFactory(name="Bravo", slug="bravo")


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys of each get_many the cache is asked, in order (clear() it before what is
    measured)."""
    from django.core.cache import cache

    asked: list[list] = []
    original = cache.get_many

    def get_many(keys, *args, **kwargs):
        keys = list(keys)
        asked.append(keys)
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    return asked


@pytest.fixture
def cache_round_trips(monkeypatch):
    """The keys of each round trip to the cache for reading (get or get_many), in order."""
    from django.core.cache import cache

    asked: list[list[str]] = []
    inside: list[bool] = []  # in a get_many (the local-memory cache's calls get for each key)
    get, get_many = cache.get, cache.get_many

    def counting_get(key, *args, **kwargs):
        if not inside:
            asked.append([key])
        return get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        keys = list(keys)
        asked.append(keys)
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", counting_get)
    monkeypatch.setattr(cache, "get_many", counting_get_many)
    return asked


@pytest.fixture
def in_a_request(monkeypatch, rf):
    """As within a request (common.read_ahead.ReadAheadMiddleware and
    catalog.caching.CatalogVersionMiddleware), with only the keys read with the request's first
    read that the test registers (read_first): `in_a_request(method)` starts one and returns its
    request."""
    from catalog import caching
    from common import read_ahead

    monkeypatch.setattr(read_ahead, "_first_keys", [caching.VERSION_KEY])
    monkeypatch.setattr(read_ahead, "_first_for_request", [])
    tokens = []

    def start(method: str = "GET"):
        request = rf.generic(method, "/")
        read_ahead.forget_all()
        tokens.extend(
            [
                (caching._request_version, caching._request_version.set([])),
                (read_ahead._first_read_of, read_ahead._first_read_of.set(request)),
            ]
        )
        return request

    yield start
    for var, token in reversed(tokens):
        var.reset(token)
    read_ahead.forget_all()


@pytest.fixture
def storefront_cache(settings):
    """Turn the storefront fragment cache on for one test (it is off in test settings)."""
    settings.STOREFRONT_CACHE_SECONDS = 300
    return settings


def pytest_configure(config):
    # Each pass must really run on what it says; never fall back silently either way.
    test_pass = os.environ.get("SHOP_TEST_PASS")
    if test_pass not in ("services", "embedded"):
        return
    from django.conf import settings as dj_settings

    engine = dj_settings.DATABASES["default"]["ENGINE"]
    if test_pass == "services":
        if not engine.endswith("postgresql") or not dj_settings.REDIS_URL:
            raise pytest.UsageError(
                "the services pass needs DATABASE_URL=postgres://... and REDIS_URL=redis://..."
            )
        return
    found = []
    if not engine.endswith("sqlite3"):
        found.append(f"database {engine.rsplit('.', 1)[-1]} (DATABASE_URL)")
    if not dj_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        found.append(f"cache {dj_settings.CACHES['default']['BACKEND']} (REDIS_URL)")
    if not dj_settings.CELERY_BROKER_URL.startswith("sqla+sqlite"):
        found.append("a Celery broker other than the SQLite file (CELERY_BROKER_URL, REDIS_URL)")
    if dj_settings.ELASTICSEARCH_URL:
        found.append("Elasticsearch (ELASTICSEARCH_URL)")
    if found:
        raise pytest.UsageError(
            "the embedded pass runs on SQLite and local memory only, but found "
            + "; ".join(found)
            + ": unset those variables (make test-sqlite does) or run the services pass"
        )


from tests.chromium import browser, page, screenshot  # noqa: E402, F401
from tests.worker import celery_worker_process, live_worker  # noqa: E402, F401
