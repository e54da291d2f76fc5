import pytest
from django.urls import reverse

from search.models import SearchQueryLog
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(shop):
    shop.category("sports", "Sports", "运动户外")
    shop.category("running-shoes", "Running Shoes", "跑鞋", parent="sports")
    products = [
        shop.product("Fleetfoot Road Running Shoes", zh="Fleetfoot 公路跑步鞋",
                     brand="Fleetfoot", category="running-shoes", price="499"),
        shop.product("Strideon Trail Running Shoes", zh="Strideon 越野跑步鞋",
                     brand="Strideon", category="running-shoes", price="699"),
        shop.product("Wireless Earbuds", zh="无线耳机", brand="Auralis", price="299"),
    ]  # fmt: skip
    index(database_backend(), *products)
    return products


def test_results_page_shows_hits_with_marked_words_and_facets(client, catalog):
    response = client.get(reverse("search:results"), {"q": "running shoes"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 products" in html
    assert "<mark>Running</mark> <mark>Shoes</mark>" in html
    assert 'data-facet="brand"' in html and "Fleetfoot" in html


def test_chinese_results_page_under_the_language_prefix(client, catalog):
    response = client.get("/zh-hans/search/", {"q": "耳机"})

    assert response.status_code == 200
    assert "<mark>耳机</mark>" in response.content.decode()


def test_a_homophone_typo_marks_the_word_it_was_read_as(client, catalog):
    response = client.get("/zh-hans/search/", {"q": "跑步写"})

    html = response.content.decode()
    assert "<mark>跑步鞋</mark>" in html
    assert "跑步鞋" in html.split("<mark>", 1)[0]  # the did-you-mean above the hits


def test_a_typo_shows_did_you_mean(client, catalog):
    response = client.get(reverse("search:results"), {"q": "runing shoes"})

    assert response.context["result"].did_you_mean == "running shoes"
    assert 'data-testid="did-you-mean"' in response.content.decode()


def test_facet_links_combine_filters(client, catalog):
    response = client.get(reverse("search:results"), {"q": "shoes", "brand": "fleetfoot"})

    assert response.context["result"].total == 1
    brand_facet = next(f for f in response.context["facets"] if f["name"] == "brand")
    strideon = next(v for v in brand_facet["values"] if v["value"].value == "strideon")
    # Choosing Strideon keeps Fleetfoot chosen.
    follow = client.get(reverse("search:results") + strideon["link"])
    assert follow.context["query"].brands == ("fleetfoot", "strideon")
    assert follow.context["result"].total == 2


def test_nothing_found_shows_related_searches(client, catalog):
    response = client.get(reverse("search:results"), {"q": "zzqqxx"})

    assert response.status_code == 200
    assert 'data-testid="no-results"' in response.content.decode()
    assert response.context["related_links"]


def test_an_empty_query_shows_the_start_page(client, catalog):
    response = client.get(reverse("search:results"), {"q": "   "})

    assert response.status_code == 200
    assert response.context["result"] is None
    assert SearchQueryLog.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": '" ( ) * ~ : \\ / [ ] { } ^ !'},
        {"q": "'; DROP TABLE catalog_product; --"},
        {"q": "shoes\x00"},
        {"q": "shoes", "brand": "no-such-brand", "price": "cheap", "category": "../etc"},
        {"q": "shoes", "rating": "9", "sort": "sideways", "page": "-3"},
        {"q": "shoes", "page": "99999999999999999999"},
        {"q": "shoes", "in_stock": "maybe"},
    ],
)
def test_bad_input_gets_a_normal_page(client, catalog, params):
    response = client.get(reverse("search:results"), params)

    assert response.status_code == 200


def test_unknown_filter_values_are_dropped_with_a_message(client, catalog):
    response = client.get(
        reverse("search:results"), {"q": "shoes", "brand": ["fleetfoot", "no-such-brand"]}
    )

    assert response.context["query"].brands == ("fleetfoot",)
    assert "An unknown brand filter was ignored." in response.content.decode()


def test_an_oversize_query_is_cut_with_a_message(client, catalog):
    response = client.get(reverse("search:results"), {"q": "shoes " * 1000})

    assert len(response.context["query"].text) == 200
    assert "shortened" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, catalog):
    response = client.get(reverse("search:results"), {"q": "shoes", "page": "40"})

    assert response.context["query"].page == 1
    assert len(response.context["cards"]) == 2


def test_a_search_is_logged_once_without_who_searched(client, catalog, django_user_model):
    client.get(reverse("search:results"), {"q": "  Running   SHOES "})
    client.get(reverse("search:results"), {"q": "running shoes", "page": "2"})

    log = SearchQueryLog.objects.get()
    assert (log.query, log.result_count, log.language) == ("running shoes", 2, "en")
    assert {f.name for f in SearchQueryLog._meta.fields} == {
        "id", "query", "language", "result_count", "backend", "created_at"
    }  # fmt: skip


def test_results_page_runs_a_fixed_number_of_queries(
    client, catalog, shop, django_assert_max_num_queries
):
    more = [shop.product(f"Running Shoes Model {n}", category="running-shoes") for n in range(10)]
    index(database_backend(), *more)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("search:results"), {"q": "running shoes"})

    assert len(response.context["cards"]) == 12


def test_autocomplete_answers_json(client, catalog):
    response = client.get(reverse("search:autocomplete"), {"q": "fleet"})

    assert response.status_code == 200
    kinds = {(s["kind"], s["label"]) for s in response.json()["suggestions"]}
    assert ("product", "Fleetfoot Road Running Shoes") in kinds
    assert ("brand", "Fleetfoot") in kinds


@pytest.mark.parametrize("q", ["", "   ", "x" * 5000, '"(*~:\\', "\x00"])
def test_autocomplete_bad_input_is_an_empty_or_normal_answer(client, catalog, q):
    response = client.get(reverse("search:autocomplete"), {"q": q})

    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


def test_the_header_has_the_search_box(client, catalog):
    html = client.get(reverse("catalog:home")).content.decode()

    assert 'role="search"' in html
    assert reverse("search:autocomplete") in html
