"""What the database backends (SQLite, PostgreSQL) do to stay fast at 100,000 products without
changing what a search answers: the counts of a search without words are cached per index
version, every index write makes a new version, and misspelt words are looked up together."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from search.backends.base import SearchQuery
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


def brand_counts(result) -> dict[str, int]:
    return {v.value: v.count for v in result.facets["brand"]}


def test_counts_without_words_follow_a_new_product(shop):
    backend = database_backend()
    stool, bench, cup = (
        shop.product("Oak Stool", brand="Woodline"),
        shop.product("Oak Bench", brand="Woodline"),
        shop.product("Tin Cup"),
    )
    index(backend, stool)
    assert backend.search(SearchQuery()).total == 1  # counts now cached for this index

    index(backend, bench, cup)
    result = backend.search(SearchQuery(brands=("woodline",)))

    assert result.total == 2
    assert brand_counts(result) == {"woodline": 2, "plainware": 1}


def test_counts_without_words_follow_a_removed_product(shop):
    backend = database_backend()
    stool, bench = shop.product("Oak Stool"), shop.product("Oak Bench")
    index(backend, stool, bench)
    assert backend.search(SearchQuery()).total == 2

    Product.objects.filter(pk=bench.pk).update(is_active=False)
    index(backend, bench)

    assert backend.search(SearchQuery()).total == 1
    assert [h.product_id for h in backend.search(SearchQuery()).hits] == [stool.pk]


def test_every_index_write_makes_a_new_version_with_the_top_popularity(shop):
    backend = database_backend()
    before = backend.index_state()
    index(backend, shop.product("Oak Stool", sales=40))
    after_one = backend.index_state()
    index(backend, shop.product("Oak Bench", sales=7))
    after_two = backend.index_state()

    assert before.version < after_one.version < after_two.version
    assert after_two.max_popularity == 40


def test_a_rebuild_makes_a_new_version(shop):
    backend = database_backend()
    index(backend, shop.product("Oak Stool"))
    version = backend.index_state().version

    backend.rebuild()

    assert backend.index_state().version > version


def test_two_misspelt_words_are_both_corrected(shop):
    backend = database_backend()
    shoes = shop.product("Fleetfoot Trail Running Shoes")
    index(backend, shoes, shop.product("Canvas Tote Bag"))

    result = backend.search(SearchQuery(text="runing shoez"))

    assert result.did_you_mean == "running shoes"
    assert [h.product_id for h in result.hits] == [shoes.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram lookup")
def test_misspelt_words_are_looked_up_in_one_statement(shop):
    backend = database_backend()
    index(backend, shop.product("Fleetfoot Trail Running Shoes"))

    with CaptureQueriesContext(connection) as queries:
        backend.search(SearchQuery(text="runing shoez trial"))

    lookups = [q["sql"] for q in queries.captured_queries if "similarity(" in q["sql"]]
    assert len(lookups) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_products_indexed_at_once_by_two_workers(shop):
    from tests.orders.test_concurrency import errors_of, run_together

    products = [shop.product(f"Oak Stool {n}") for n in range(5)]
    ids = [p.pk for p in products]
    for _ in range(5):  # rounds, for more chances of an overlap
        results = run_together(2, lambda i: database_backend().index_products(ids))

        assert errors_of(results) == []
        assert database_backend().search(SearchQuery(text="stool")).total == 5


# PostgreSQL ranks every match by its name, brand, category and attributes, then only the best
# few (`rescore_candidates`) by their whole text; SQLite ranks every match by its whole text.
def test_the_description_still_ranks_the_best_matches(shop, monkeypatch):
    backend = database_backend()
    monkeypatch.setattr(backend, "rescore_candidates", 5)
    described = shop.product("Steel Kettle", description="A kettle, the kettle: kettle and tea.")
    plain = [shop.product("Steel Kettle") for _ in range(4)]
    index(backend, described, *plain)

    result = backend.search(SearchQuery(text="kettle"))

    assert result.hits[0].product_id == described.pk
    assert result.hits[0].score > result.hits[1].score


def test_pages_past_the_rescored_matches_hold_every_hit_once(shop, monkeypatch):
    backend = database_backend()
    monkeypatch.setattr(backend, "rescore_candidates", 3)
    products = [
        shop.product("Steel Kettle", sales=n, description="kettle " * (n % 3)) for n in range(7)
    ]
    index(backend, *products)

    pages = [backend.search(SearchQuery(text="kettle", per_page=2, page=n)) for n in range(1, 5)]
    seen = [h.product_id for result in pages for h in result.hits]

    assert sorted(seen) == sorted(p.pk for p in products)
    assert {result.total for result in pages} == {7}
