"""The first pages of a search without words narrowed by a price range or colours come from the
most popular products in it when they decide the page (search/backends/database/browse.py): the
same hits, in the same order, with the same scores as ranking every product in the range."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.cache import cache

from search.backends.base import SearchQuery
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(shop):
    shop.category("bags", "Bags", "包")
    shop.category("shoes", "Shoes", "鞋")
    rng = random.Random(3)
    made = [
        shop.product(
            f"Item {n}",
            category="bags" if n % 3 else "shoes",
            price=str(rng.choice((15, 45, 90, 120, 180, 250, 400))),
            sales=rng.choice((0, 0, 1, 3, 10, 40, 200)),
            rating=rng.choice(("0", "2.5", "4", "5")),
            stock=rng.choice((0, 5, 5, 5)),
            attributes={"colour": rng.choice(("red", "blue"))},
        )
        for n in range(40)
    ]
    backend = database_backend()
    index(backend, *made)
    backend.rebuild()  # the top popularity, as a shop's index has it
    return backend


QUERIES = [
    SearchQuery(price_max=Decimal("200"), per_page=4),
    SearchQuery(price_max=Decimal("200"), per_page=4, page=2),
    SearchQuery(price_max=Decimal("200"), per_page=4, page=5),
    SearchQuery(price_min=Decimal("100"), per_page=3, categories=("bags",)),
    SearchQuery(colours=("red",), per_page=5, in_stock=True),
    SearchQuery(price_max=Decimal("50"), per_page=24),
]


def hits(backend, query):
    cache.clear()
    return [(h.product_id, round(h.score, 9)) for h in backend.search(query).hits]


@pytest.mark.parametrize("candidates", [3, 8, 40])
def test_the_page_from_the_most_popular_is_the_page_of_the_whole_range(
    catalog, monkeypatch, candidates
):
    backend = catalog
    monkeypatch.setattr(backend, "popular_candidates", candidates)
    decided = []
    original = backend._popular_page

    def spy(*args, **kwargs):
        page = original(*args, **kwargs)
        decided.append(page is not None)
        return page

    monkeypatch.setattr(backend, "_popular_page", spy)
    early = [hits(backend, q) for q in QUERIES]
    monkeypatch.setattr(backend, "_popular_page", lambda *args, **kwargs: None)
    ranked = [hits(backend, q) for q in QUERIES]

    assert early == ranked
    assert any(early)
    if candidates >= 8:
        assert any(decided)  # some pages were decided by the most popular alone
    if candidates == 3:
        assert not all(decided)  # and some were not: the whole range was ranked


def test_a_well_rated_product_just_below_the_most_popular_is_not_missed(shop, monkeypatch):
    """The most popular eight are read; the ninth, a little less popular but rated 5, outranks
    them all: the bound on the products not read counts what a rating can add."""
    shop.category("bags", "Bags", "包")
    made = [shop.product("Tote 1", category="bags", price="50", sales=50)]
    made += [shop.product(f"Tote {n}", category="bags", price="50", sales=40) for n in range(2, 9)]
    rated = shop.product("Rated tote", category="bags", price="50", sales=39, rating="5")
    backend = database_backend()
    index(backend, *made, rated)
    backend.rebuild()
    monkeypatch.setattr(backend, "popular_candidates", 8)

    page = hits(backend, SearchQuery(price_max=Decimal("100"), per_page=1))

    assert [product_id for product_id, _score in page] == [rated.pk]
