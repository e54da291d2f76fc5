"""A one-word search for a frequent stem (held by SEARCH_FREQUENT_STEM_SHARE of the documents at
the last rebuild) reads precomputed facet counts and, on PostgreSQL, postings ranked without
visiting every match; a search without words reads the whole catalog's counts, kept the same way.
It must answer exactly what reading every match answers: the same total, the same facet counts
and the same pages, after any kind of index write."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from search.backends.base import SearchQuery
from search.backends.database.sql import FACET, POSTING, PRICE_STEP_STEM, PRICE_STEPS_STEM
from search.models import FrequentStem, StemFacetCount, Synonym
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db

QUERIES = [
    SearchQuery(text="black"),
    SearchQuery(text="blacks"),
    SearchQuery(text="blakc"),  # a typo, corrected to the stem's word
    SearchQuery(text="black", categories=("bags",), in_stock=True),
    SearchQuery(text="black", price_bands=("100-300",), min_rating=3),
    SearchQuery(text="black", brands=("fernhill",), sort="price_asc"),
    # No words: the whole catalog's counts, kept like a frequent stem's.
    SearchQuery(),
    SearchQuery(categories=("bags",), sort="price_desc"),
    SearchQuery(in_stock=True, min_rating=3, price_bands=("100-300", "1000-")),
    # A price range read from the words, alone: the kept counts of its whole price steps.
    SearchQuery(price_max=Decimal("200")),
    SearchQuery(price_min=Decimal("100"), price_max=Decimal("450")),
    SearchQuery(price_min=Decimal("120")),
    SearchQuery(price_max=Decimal("299.5")),  # a step cut just below a product (299.99)
    SearchQuery(price_min=Decimal("80.01")),  # and just above one (80.00)
    SearchQuery(price_min=Decimal("80"), price_max=Decimal("300")),  # both ends on bounds
    SearchQuery(price_min=Decimal("299.99"), price_max=Decimal("1200"), categories=("bags",)),
    SearchQuery(price_max=Decimal("5")),  # inside the first step: nothing kept applies
]


def answer(backend, query: SearchQuery):
    cache.clear()  # a search without words caches its counts under the index version
    result = backend.search(query)
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    return result.total, facets, [(h.product_id, h.score) for h in result.hits]


def read_tables(backend, query: SearchQuery) -> set[str]:
    """The frequent-stem tables a search reads."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        backend.search(query)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    return {table for table in (FACET, POSTING) if table in sql}


def assert_same_as_a_full_scan(backend, monkeypatch):
    precomputed = [answer(backend, q) for q in QUERIES]
    with monkeypatch.context() as m:
        m.setattr(backend, "_frequent_stem", lambda parsed: None)
        m.setattr(backend, "_catalog_counts_kept", lambda: False)
        m.setattr(backend, "_price_steps_kept", lambda: False)
        scanned = [answer(backend, q) for q in QUERIES]
    assert precomputed == scanned
    assert all(FACET in read_tables(backend, q) for q in QUERIES if q.price_max != Decimal("5"))


@pytest.fixture
def catalog(shop):
    shop.category("bags", "Bags", "包")
    shop.category("shoes", "Shoes", "鞋")
    return [
        shop.product("Black Leather Tote", category="bags", brand="Fernhill", price="250.00",
                     rating="4.5", sales=30),
        shop.product("Black Canvas Backpack", category="bags", brand="Oakway", price="80.00",
                     rating="3.2", stock=0),
        shop.product("Black Running Shoe", category="shoes", brand="Fernhill", price="450.00",
                     rating="2.9", sales=12),
        shop.product("White Running Shoe", category="shoes", brand="Oakway", price="120.00",
                     description="Comes with black laces.", rating="4.1"),
        shop.product("Suede Loafer", category="shoes", brand="Fernhill", price="1200.00",
                     rating="5"),
        shop.product("Blacks Travel Duffel", category="bags", brand="Oakway", price="299.99",
                     rating="3"),
    ]  # fmt: skip


def rename(product, name):
    Product.objects.filter(pk=product.pk).update(name_en=name, name_zh_hans=name)


CHANGES = {
    "a product is added": lambda shop, products: shop.product(
        "Black Wallet", category="bags", brand="Fernhill", price="60.00", rating="4"
    ),
    "a word is removed from a name": lambda shop, products: rename(products[0], "Leather Tote"),
    "a word is added to a name": lambda shop, products: rename(products[4], "Black Suede Loafer"),
    "a product moves category": lambda shop, products: Product.objects.filter(
        pk=products[2].pk
    ).update(category=shop.categories["bags"]),
    "a price crosses a band": lambda shop, products: Product.objects.filter(
        pk=products[1].pk
    ).update(price=Decimal("300.00")),
    "a rating crosses a floor": lambda shop, products: Product.objects.filter(
        pk=products[2].pk
    ).update(rating_avg=Decimal("3.00")),
    "a product goes out of stock": lambda shop, products: Product.objects.filter(
        pk=products[0].pk
    ).update(in_stock=False),
    "a product is deactivated": lambda shop, products: Product.objects.filter(
        pk=products[3].pk
    ).update(is_active=False),
}


def test_a_frequent_word_with_synonyms_counts_those_found_only_through_them(
    shop, catalog, monkeypatch
):
    """The stem's counts plus those of the products found only through a synonym: what reading
    every match counts, and the same pages."""
    Synonym.objects.create(terms="black, noir")
    clutch = shop.product("Noir Evening Clutch", category="bags", brand="Oakway", price="90.00")
    backend = database_backend()
    backend.rebuild()
    queries = [
        SearchQuery(text="black"),
        SearchQuery(text="black", categories=("bags",), in_stock=True),
        SearchQuery(text="black", sort="price_asc"),
    ]

    precomputed = [answer(backend, q) for q in queries]
    with monkeypatch.context() as m:
        m.setattr(backend, "_frequent_stem", lambda parsed: None)
        scanned = [answer(backend, q) for q in queries]

    assert precomputed == scanned
    assert precomputed[0][0] == 6
    assert clutch.pk in [product_id for product_id, _score in precomputed[0][2]]
    assert all(FACET in read_tables(backend, q) for q in queries)


def test_after_a_rebuild_the_precomputed_counts_equal_a_full_scan(shop, catalog, monkeypatch):
    backend = database_backend()
    backend.rebuild()

    assert FrequentStem.objects.filter(stem="black").exists()
    assert_same_as_a_full_scan(backend, monkeypatch)


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_after_an_index_write_the_precomputed_counts_equal_a_full_scan(
    shop, catalog, monkeypatch, change
):
    backend = database_backend()
    backend.rebuild()

    changed = CHANGES[change](shop, catalog)
    touched = [p.pk for p in catalog]
    if isinstance(changed, Product):
        touched.append(changed.pk)
    backend.index_products(touched)

    assert_same_as_a_full_scan(backend, monkeypatch)


def test_reindexing_the_same_products_twice_leaves_the_counts_unchanged(shop, catalog, monkeypatch):
    backend = database_backend()
    backend.rebuild()
    before = answer(backend, QUERIES[0])

    index(backend, *catalog)
    index(backend, *catalog)

    assert answer(backend, QUERIES[0]) == before
    assert_same_as_a_full_scan(backend, monkeypatch)


@pytest.fixture
def kettles(shop):
    """Enough matches that only some get their final text score (rescore_candidates), with
    first-pass scores that differ by the name, popularity, rating and stock."""
    names = ["Steel Kettle", "Kettle", "Glass Kettle Kettle", "Travel Kettle Set", "Tea Kettles"]
    return [
        shop.product(
            names[n % len(names)],
            sales=(n * 7) % 11,
            rating=str((n * 3) % 6),
            stock=0 if n % 4 == 0 else 5,
            description="A kettle. " * (n % 3) + "Boils water.",
            attributes={"colour": "kettle black"} if n % 5 == 0 else None,
        )
        for n in range(24)
    ]


def pages(backend, text="kettle") -> list:
    return [answer(backend, SearchQuery(text=text, per_page=4, page=n)) for n in (1, 2, 3)]


@pytest.mark.parametrize("text", ["kettle", "kettles"])
def test_the_pages_of_a_frequent_stem_equal_the_pages_of_a_full_scan(
    shop, kettles, settings, monkeypatch, text
):
    backend = database_backend()
    monkeypatch.setattr(backend, "rescore_candidates", 5)
    settings.SEARCH_FREQUENT_STEM_SHARE = 2.0  # no stem is that frequent
    backend.rebuild()
    scanned = pages(backend, text)
    assert not read_tables(backend, SearchQuery(text=text))

    settings.SEARCH_FREQUENT_STEM_SHARE = 0.5
    backend.rebuild()

    assert pages(backend, text) == scanned
    expected = {FACET, POSTING} if backend.posting_score_sql else {FACET}
    assert read_tables(backend, SearchQuery(text=text)) == expected


def test_a_new_form_of_a_frequent_word_keeps_the_pages_equal(shop, kettles, monkeypatch):
    backend = database_backend()
    monkeypatch.setattr(backend, "rescore_candidates", 5)
    backend.rebuild()

    kettled = shop.product("Kettled Tea Set", sales=20, rating="5")
    index(backend, kettled)

    assert "kettled" in FrequentStem.objects.get(stem="kettl").words.split()
    postings = pages(backend)
    monkeypatch.setattr(backend, "_frequent_stem", lambda parsed: None)
    assert postings == pages(backend)


def test_a_stem_below_the_threshold_is_searched_by_reading_its_matches(shop, kettles, settings):
    walnut = shop.product("Walnut Kettle Stand")
    settings.SEARCH_FREQUENT_STEM_SHARE = 0.5
    backend = database_backend()
    backend.rebuild()

    assert not FrequentStem.objects.filter(stem="walnut").exists()
    result = backend.search(SearchQuery(text="walnut"))
    assert [h.product_id for h in result.hits] == [walnut.pk]
    assert result.total == 1
    assert not read_tables(backend, SearchQuery(text="walnut"))


def test_before_a_rebuild_a_search_without_words_counts_the_catalog_itself(shop, catalog):
    """An index only ever written product by product keeps no catalog counts: it counts."""
    backend = database_backend()
    index(backend, *catalog)

    result = backend.search(SearchQuery(categories=("bags",)))

    assert result.total == 3
    assert not read_tables(backend, SearchQuery())


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(text="black", price_max=Decimal("260")),
        SearchQuery(text="black", colours=("red",), price_min=Decimal("100")),
        SearchQuery(price_min=Decimal("100"), price_max=Decimal("300")),
    ],
)
def test_a_price_range_or_colour_counts_only_what_it_keeps(shop, catalog, query):
    """The precomputed counts hold every document of the stem (or the catalog): a range or a
    colour from the words narrows every count, so they cannot be used, except the price steps'
    for a range without words."""
    backend = database_backend()
    backend.rebuild()

    total, facets, hits = answer(backend, query)

    assert total == len(hits) == sum(facets["price"].values())
    assert all(
        (query.price_min or 0) <= Product.objects.get(pk=pk).price <= (query.price_max or 10**6)
        for pk, _score in hits
    )
    assert read_tables(backend, query) == (set() if query.text else {FACET})


def test_price_steps_kept_with_other_bounds_are_not_read(shop, catalog, monkeypatch):
    """Counts kept for the price steps of another version of the code (other bounds) would be
    wrong: until the next rebuild a price range is counted from the documents."""
    backend = database_backend()
    backend.rebuild()
    query = SearchQuery(price_max=Decimal("200"))
    right = answer(backend, query)
    assert backend._price_steps_kept()

    FrequentStem.objects.filter(stem=PRICE_STEPS_STEM).update(words="5 25 250")
    StemFacetCount.objects.filter(stem__startswith=PRICE_STEP_STEM).update(n=1000)

    assert not backend._price_steps_kept()
    assert answer(backend, query) == right
