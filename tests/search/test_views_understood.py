"""The results page shows what it read from the words as chips that search again without them,
says which words it left out, and offers other words when nothing was found."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from search import services
from search.backends.base import SearchQuery, SearchResult
from search.models import SearchQueryLog
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(shop):
    shop.category("running-shoes", "Running Shoes", "跑鞋")
    products = [
        shop.product("Fleetfoot Road Running Shoes", zh="Fleetfoot 公路跑鞋", brand="Fleetfoot",
                     category="running-shoes", price="499", attributes={"colour": "red"}),
        shop.product("Strideon Trail Running Shoes", zh="Strideon 越野跑鞋", brand="Strideon",
                     category="running-shoes", price="699", attributes={"colour": "navy"}),
        shop.product("Wireless Earbuds", zh="无线耳机", brand="Auralis", price="299",
                     attributes={"colour": "black"}),
    ]  # fmt: skip
    index(database_backend(), *products)
    return products


def search(client, path=None, **params):
    return client.get(path or reverse("search:results"), params)


def chips(response) -> list[tuple[str, dict]]:
    """(label, the link's parameters) of each chip."""
    return [
        (str(chip["label"]), parse_qs(urlsplit(chip["link"]).query))
        for chip in response.context["chips"]
    ]


def test_a_price_in_the_words_is_a_chip_that_searches_again_without_it(client, catalog):
    response = search(client, q="running shoes under 500")

    assert [c.name for c in response.context["cards"]] == ["Fleetfoot Road Running Shoes"]
    assert chips(response) == [("Under ¥500", {"q": ["running shoes"]})]
    html = response.content.decode()
    assert 'data-testid="understood"' in html
    assert "Under ¥500" in html


def test_a_colour_in_the_words_is_a_chip(client, catalog):
    response = search(client, q="navy running shoes")

    assert [c.name for c in response.context["cards"]] == ["Strideon Trail Running Shoes"]
    assert chips(response) == [("Colour: Navy", {"q": ["running shoes"]})]


def test_chips_in_chinese(client, catalog):
    response = search(client, "/zh-hans/search/", q="500元以下的红色跑鞋")

    assert [c.name for c in response.context["cards"]] == ["Fleetfoot 公路跑鞋"]
    labels = [label for label, _link in chips(response)]
    assert labels == ["¥500 以下", "颜色：红色"]  # noqa: RUF001
    assert chips(response)[0][1] == {"q": ["红色跑鞋"]}


def test_cheap_is_a_chip_with_the_ceiling_it_chose(client, catalog):
    response = search(client, q="cheap running shoes")

    assert [c.name for c in response.context["cards"]] == ["Fleetfoot Road Running Shoes"]
    assert chips(response) == [("Cheapest: Under ¥499", {"q": ["running shoes"]})]


def test_the_query_log_keeps_the_typed_words(client, catalog):
    search(client, q="Running shoes under 500")

    assert SearchQueryLog.objects.get().query == "running shoes under 500"


def test_a_price_range_in_the_url_filters_and_is_a_chip(client, catalog):
    response = search(client, q="running shoes", min_price="500", max_price="800")

    assert [c.name for c in response.context["cards"]] == ["Strideon Trail Running Shoes"]
    assert chips(response) == [("¥500 – ¥800", {"q": ["running shoes"]})]  # noqa: RUF001


@pytest.mark.parametrize(
    "params",
    [
        {"min_price": "cheap"},
        {"max_price": "-5"},
        {"max_price": "1e999"},
        {"min_price": "NaN"},
        {"max_price": "Infinity"},
        {"min_price": "99999999999"},
    ],
)
def test_a_bad_price_limit_is_ignored_with_a_notice(client, catalog, params):
    response = search(client, q="running shoes", **params)

    assert response.status_code == 200
    assert response.context["result"].total == 2
    assert "A price limit that is not an amount in yuan was ignored." in response.context["notices"]


def hits_of(result_total, **fields):
    """A stand-in for run_search: the real hits of "running shoes" with the given fields."""

    def run_search(query, *, log=True):
        real = database_backend().search(SearchQuery(text="running shoes"))
        return SearchResult(
            hits=real.hits[:result_total],
            total=result_total,
            facets=real.facets,
            backend="sqlite",
            **fields,
        )

    return run_search


def test_words_left_out_are_named(client, catalog, monkeypatch):
    monkeypatch.setattr(services, "run_search", hits_of(2, dropped=["trail", "dog"]))

    response = search(client, q="dog trail running shoes")

    html = response.content.decode()
    assert 'data-testid="dropped"' in html
    assert "showing results without <em>trail dog</em>" in html


def test_words_left_out_are_named_in_chinese(client, catalog, monkeypatch):
    monkeypatch.setattr(services, "run_search", hits_of(2, dropped=["狗"]))

    response = search(client, "/zh-hans/search/", q="狗 跑鞋")

    assert "<em>狗</em>" in response.content.decode()
    assert 'data-testid="dropped"' in response.content.decode()


def test_nothing_found_offers_other_words_instead(client, catalog, monkeypatch):
    monkeypatch.setattr(
        services, "run_search", hits_of(0, instead="food", related=["running shoes"])
    )

    response = search(client, q="dog food")

    html = response.content.decode()
    assert 'data-testid="instead"' in html
    assert parse_qs(urlsplit(response.context["instead_link"]).query) == {"q": ["food"]}
    assert 'data-testid="related"' in html
    assert 'data-testid="dropped"' not in html


def test_a_page_with_every_word_found_has_no_notice(client, catalog):
    html = search(client, q="running shoes").content.decode()

    assert 'data-testid="dropped"' not in html
    assert 'data-testid="instead"' not in html
    assert 'data-testid="understood"' not in html
