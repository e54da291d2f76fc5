"""search/ranking.py, and the database backends computing the same blend in SQL."""

import math

import pytest

from search import ranking
from search.backends.base import SearchQuery
from search.models import SearchSettings
from search.services import database_backend
from tests.search.conftest import index


def test_the_blend_follows_the_documented_formula():
    weights = ranking.Weights(popularity_weight=0.3, rating_weight=0.2, out_of_stock_factor=0.5)

    score = ranking.blend(
        text_score=2.0, popularity=99.0, max_popularity=999.0, rating_avg=4.0, in_stock=False,
        weights=weights,
    )  # fmt: skip

    expected = 2.0 * (1 + 0.3 * math.log(100) / math.log(1000) + 0.2 * 4 / 5) * 0.5
    assert score == pytest.approx(expected)


def test_an_empty_index_uses_e_as_the_most_popular():
    assert ranking.max_popularity_log(0) == pytest.approx(math.log1p(math.e))


def test_popularity_counts_a_view_as_a_tenth_of_a_sale():
    assert ranking.popularity(sales_count=3, view_count=25) == 5.5


@pytest.mark.django_db
def test_database_scores_equal_the_python_blend(shop):
    settings = SearchSettings.load()
    settings.popularity_weight, settings.out_of_stock_factor = 1, "0.25"
    settings.save()
    backend = database_backend()
    a = shop.product("Walnut Tray", sales=10, rating="4.0", stock=0)
    b = shop.product("Walnut Tray", sales=0, rating="0")
    index(backend, a, b)

    hits = {h.product_id: h.score for h in backend.search(SearchQuery(text="walnut tray")).hits}

    weights = SearchSettings.load().weights()
    boost_a = ranking.boost(
        popularity=10, max_popularity=10, rating_avg=4.0, in_stock=False, weights=weights
    )
    boost_b = ranking.boost(
        popularity=0, max_popularity=10, rating_avg=0.0, in_stock=True, weights=weights
    )
    # Same text, so the scores differ by exactly the boosts.
    assert hits[a.pk] / hits[b.pk] == pytest.approx(boost_a / boost_b, rel=1e-6)


@pytest.mark.django_db
def test_changing_the_settings_changes_the_order_at_once(shop, admin_client):
    from django.urls import reverse

    backend = database_backend()
    sold_out_star = shop.product("Oak Stool", sales=900, rating="5", stock=0)
    plain = shop.product("Oak Stool", stock=3)
    index(backend, sold_out_star, plain)
    assert backend.search(SearchQuery(text="stool")).hits[0].product_id == plain.pk

    url = reverse("admin:search_searchsettings_change", args=[SearchSettings.load().pk])
    admin_client.post(
        url, {"popularity_weight": "0.3", "rating_weight": "0.2", "out_of_stock_factor": "1"}
    )

    # No penalty for being sold out: sales and rating put it first.
    assert backend.search(SearchQuery(text="stool")).hits[0].product_id == sold_out_star.pk
