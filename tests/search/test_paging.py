"""Paging through /search/: the pages of a search share no product and together hold every hit,
their links lead to the right pages, and a page that does not exist gives a normal page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db

PER_PAGE = 4
HITS = 11  # pages of 4, 4 and 3


@pytest.fixture
def lamps(shop, settings):
    """Eleven lamps (hits for "lamp") with equal text and different prices, sales and ages, and a
    chair that is never a hit."""
    settings.SHOP_PRODUCTS_PER_PAGE = PER_PAGE
    products = [
        shop.product(
            f"Lamp {n:02d}",
            description="A lamp for a desk.",
            category="lighting",
            # Some prices and sales repeat, so the sorts must break ties the same way each time.
            price=f"{100 + (n % 4) * 10}.00",
            sales=n % 3,
        )
        for n in range(HITS)
    ]
    chair = shop.product("Chair", description="A chair for a desk.", category="furniture")
    index(database_backend(), *products, chair)
    return products


def search(client, **params):
    return client.get(reverse("search:results"), {"q": "lamp", **params})


def shown(response) -> list[int]:
    return [card.pk for card in response.context["cards"]]


def pagination_links(response) -> dict[str, str]:
    """The pagination's links by their text ("Previous", "2", "Next"); the current page's number
    under "current"."""
    html = response.content.decode()
    nav = html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    links = {
        unescape(text).strip(): unescape(href)
        for href, text in re.findall(r'<a[^>]*href="([^"]*)"[^>]*>([^<]*)</a>', nav)
    }
    current = re.search(r'aria-current="page">(\d+)<', nav)
    links["current"] = current.group(1) if current else ""
    return links


@pytest.mark.parametrize("sort", ["", "price_asc", "price_desc", "best_selling", "newest"])
def test_the_pages_share_no_product_and_together_hold_every_hit(client, lamps, sort):
    pages = [shown(search(client, sort=sort, page=n)) for n in (1, 2, 3)]

    assert [len(p) for p in pages] == [4, 4, 3]
    every = [pk for page in pages for pk in page]
    assert len(set(every)) == HITS  # no product twice
    assert set(every) == {p.pk for p in lamps}  # and none missing


def test_the_pages_follow_the_sort_from_one_page_to_the_next(client, lamps):
    pages = [shown(search(client, sort="price_asc", page=n)) for n in (1, 2, 3)]

    price = {p.pk: p.price for p in lamps}
    prices = [price[pk] for page in pages for pk in page]
    assert prices == sorted(prices)


def test_the_first_page_links_to_the_next_and_to_each_page(client, lamps):
    links = pagination_links(search(client, sort="price_asc"))

    assert links["current"] == "1"
    assert "Previous" not in links  # nothing before the first page
    assert links["Next"] == "?q=lamp&sort=price_asc&page=2"
    assert links["2"] == "?q=lamp&sort=price_asc&page=2"
    assert links["3"] == "?q=lamp&sort=price_asc&page=3"


def test_a_middle_page_links_both_ways(client, lamps):
    links = pagination_links(search(client, page=2))

    assert links["current"] == "2"
    assert links["Previous"] == "?q=lamp&page=1"
    assert links["Next"] == "?q=lamp&page=3"
    assert links["1"] == "?q=lamp&page=1" and links["3"] == "?q=lamp&page=3"


def test_the_last_page_has_no_next_link(client, lamps):
    links = pagination_links(search(client, page=3))

    assert links["current"] == "3"
    assert links["Previous"] == "?q=lamp&page=2"
    assert "Next" not in links


def test_following_the_links_walks_every_page_once(client, lamps):
    seen, url, visited = [], "", 0
    response = search(client, sort="best_selling")
    while True:
        visited += 1
        seen.extend(shown(response))
        url = pagination_links(response).get("Next", "")
        if not url or visited > 5:
            break
        response = client.get(reverse("search:results") + url)

    assert visited == 3
    assert sorted(seen) == sorted(p.pk for p in lamps)


def test_one_page_of_hits_has_no_pagination(client, lamps, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = HITS

    response = search(client)

    assert len(shown(response)) == HITS
    assert 'class="pagination"' not in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, lamps):
    last = shown(search(client, page=3))

    response = search(client, page=9)

    assert response.status_code == 200
    assert response.context["query"].page == 3
    assert shown(response) == last
    assert pagination_links(response)["current"] == "3"


@pytest.mark.parametrize("page", ["0", "-2", "abc", "501", "99999999999999999999"])
def test_a_page_that_cannot_exist_shows_the_first_page(client, lamps, page):
    first = shown(search(client))

    response = search(client, page=page)

    assert response.status_code == 200
    assert shown(response) == first
    assert pagination_links(response)["current"] == "1"
