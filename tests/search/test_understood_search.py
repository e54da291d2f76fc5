"""A price range and colours read from a query's words: every backend filters on them (the `backend`
fixture runs each test against the database's backend and Elasticsearch), and
`search.services.search_understood` turns the words into them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.base import SearchBackend, SearchQuery
from search.services import search_understood
from search.understanding import CHEAP, COLOUR, PRICE
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


def ids(result) -> set[int]:
    return {hit.product_id for hit in result.hits}


def facet(result, name) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


@pytest.fixture
def shoes(shop):
    return [
        shop.product("Road Running Shoes", price="299", attributes={"colour": "red"}),
        shop.product("Trail Running Shoes", price="500", attributes={"colour": "navy"}),
        shop.product("Racing Running Shoes", price="899", attributes={"colour": "red"}),
    ]


# --- Every backend filters on them ------------------------------------------------------------
def test_a_price_range_keeps_the_prices_within_it_both_ends_included(backend, shoes):
    road, trail, racing = shoes
    index(backend, *shoes)

    under = backend.search(SearchQuery(text="running shoes", price_max=Decimal("500")))
    over = backend.search(SearchQuery(text="running shoes", price_min=Decimal("500")))
    between = backend.search(
        SearchQuery(text="shoes", price_min=Decimal("300"), price_max=Decimal("899"))
    )

    assert ids(under) == {road.pk, trail.pk}
    assert ids(over) == {trail.pk, racing.pk}
    assert ids(between) == {trail.pk, racing.pk}


def test_a_price_range_narrows_every_facet_count(backend, shop, shoes):
    index(backend, *shoes)

    result = backend.search(SearchQuery(text="shoes", price_max=Decimal("500")))

    assert result.total == 2
    assert facet(result, "price") == {"100-300": 1, "300-1000": 1}
    assert facet(result, "brand") == {"plainware": 2}


def test_a_colour_keeps_the_products_with_a_variant_of_it(backend, shoes):
    road, trail, racing = shoes
    index(backend, *shoes)

    red = backend.search(SearchQuery(text="running shoes", colours=("red",)))
    either = backend.search(SearchQuery(text="shoes", colours=("red", "navy")))

    assert ids(red) == {road.pk, racing.pk}
    assert red.total == 2
    assert facet(red, "price") == {"100-300": 1, "300-1000": 1}
    assert ids(either) == {road.pk, trail.pk, racing.pk}


def test_a_colour_is_matched_in_the_attributes_only(backend, shop):
    red = shop.product("Canvas Tote", attributes={"colour": "red"})
    named = shop.product("Red Canvas Tote", attributes={"colour": "black"})
    described = shop.product(
        "Canvas Tote Bag", description="Goes with a red coat.", attributes={"colour": "white"}
    )
    index(backend, red, named, described)

    result = backend.search(SearchQuery(text="tote", colours=("red",)))

    assert ids(result) == {red.pk}


def test_a_flavour_holding_a_colour_word_is_no_colour(backend, shop):
    flavoured = shop.product("Tea Biscuits", attributes={"flavour": "green tea"})
    green = shop.product("Biscuit Tin", attributes={"colour": "green"})
    index(backend, flavoured, green)

    result = backend.search(SearchQuery(text="biscuit", colours=("green",)))

    assert ids(result) == {green.pk}


def test_an_unknown_colour_matches_nothing(backend, shoes):
    index(backend, *shoes)

    assert backend.search(SearchQuery(text="shoes", colours=("plaid",))).total == 0


def test_a_price_range_and_a_colour_browse_without_words(backend, shop, shoes):
    road, _trail, _racing = shoes
    index(backend, *shoes, shop.product("Red Mug", price="20"))

    result = backend.search(SearchQuery(colours=("red",), price_min=Decimal("100")))

    assert ids(result) == {road.pk, shoes[2].pk}
    assert facet(result, "price") == {"100-300": 1, "300-1000": 1}


def test_a_range_a_colour_and_facet_filters_combine(backend, shop, shoes):
    road, _trail, racing = shoes
    index(backend, *shoes)

    result = backend.search(
        SearchQuery(
            text="shoes", colours=("red",), price_max=Decimal("900"), price_bands=("100-300",)
        )
    )

    assert ids(result) == {road.pk}
    # The price facet counts every band within the range and colour; the band itself is its own.
    assert facet(result, "price") == {"100-300": 1, "300-1000": 1}
    assert racing.pk not in ids(result)


# --- The service reads the words --------------------------------------------------------------
def test_price_words_become_the_price_filter(backend, shoes):
    road, trail, _racing = shoes
    index(backend, *shoes)

    english = search_understood(backend, SearchQuery(text="running shoes under 500"))
    chinese = search_understood(backend, SearchQuery(text="500元以下 shoes", language="zh-hans"))

    assert ids(english) == {road.pk, trail.pk}
    assert [(p.kind, p.price_max) for p in english.understood] == [(PRICE, Decimal("500"))]
    assert ids(chinese) == {road.pk, trail.pk}


def test_colour_words_become_the_colour_filter(backend, shoes):
    road, _trail, racing = shoes
    index(backend, *shoes)

    result = search_understood(backend, SearchQuery(text="red running shoes"))

    assert ids(result) == {road.pk, racing.pk}
    assert [(p.kind, p.colour) for p in result.understood] == [(COLOUR, "red")]


def test_a_colour_no_match_comes_in_stays_a_word(backend, shop):
    chain = shop.product("Gold Chain Necklace", attributes={"material": "steel"})
    index(backend, chain, shop.product("Silver Ring", attributes={"colour": "silver"}))

    result = search_understood(backend, SearchQuery(text="gold necklace"))

    assert ids(result) == {chain.pk}
    assert result.understood == []


def test_cheap_keeps_the_cheapest_third_of_the_matches(backend, shop):
    made = [
        shop.product(f"Headphones Model {n}", price=str(price))
        for n, price in enumerate((100, 200, 300, 400, 500, 600))
    ]
    index(backend, *made, shop.product("Desk Lamp", price="10"))

    result = search_understood(backend, SearchQuery(text="cheap headphones"))

    assert ids(result) == {made[0].pk, made[1].pk}
    assert [(p.kind, p.price_max) for p in result.understood] == [(CHEAP, Decimal("200"))]


def test_the_cheap_ceiling_in_one_statement_is_the_one_two_searches_find(backend, shop):
    made = [
        shop.product(f"Headphones Model {n}", price=str(price))
        for n, price in enumerate((120, 80, 330, 45, 999, 610, 250))
    ]
    index(backend, *made, shop.product("Desk Lamp", price="10"))
    # (query, whether its words match as typed or corrected: then one statement, no search)
    for query, direct in (
        (SearchQuery(text="headphones"), True),
        (SearchQuery(text="headphnoes"), True),  # a typo, corrected
        (SearchQuery(text="headphones", price_max=Decimal("300")), True),
        (SearchQuery(text=""), True),
        (SearchQuery(text="", price_min=Decimal("100")), True),
        (SearchQuery(text="headphones zebra"), False),  # no product has both: one is left out
        (SearchQuery(text="lamp stand"), False),
    ):
        for share in (1 / 3, 0.5, 1.0):
            two_searches = SearchBackend.price_at_share(backend, query, share)
            with CaptureQueriesContext(connection) as queries:
                assert backend.price_at_share(query, share) == two_searches, (query.text, share)
            searched = [q for q in queries.captured_queries if "AS kind" in q["sql"]]
            if direct and backend.name != "elasticsearch":
                assert not searched, (query.text, share)
    assert backend.price_at_share(SearchQuery(text="headphones"), 1 / 3) == Decimal("120")
    assert backend.price_at_share(SearchQuery(text="nothing like it"), 1 / 3) is None


def test_a_query_of_price_words_alone_browses_the_range(backend, shoes):
    road, _trail, _racing = shoes
    index(backend, *shoes)

    result = search_understood(backend, SearchQuery(text="under ¥300"))

    assert ids(result) == {road.pk}


def test_did_you_mean_keeps_the_understood_words(backend, shoes):
    index(backend, *shoes)

    result = search_understood(backend, SearchQuery(text="runing shoes under 500"))

    assert result.did_you_mean == "running shoes under 500"


def test_a_query_without_price_or_colour_is_searched_as_typed(backend, shoes):
    index(backend, *shoes)

    result = search_understood(backend, SearchQuery(text="racing"))

    assert ids(result) == {shoes[2].pk}
    assert result.understood == []
