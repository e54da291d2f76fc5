import logging

import pytest
from django.urls import reverse

from search import services
from search.backends.base import SearchQuery
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


def test_the_database_backend_follows_the_database(settings):
    from django.db import connection

    backend = services.search_backend()

    assert backend.name == ("postgres" if connection.vendor == "postgresql" else "sqlite")


def test_elasticsearch_is_chosen_when_its_url_is_set(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9200"

    assert services.search_backend().name == "elasticsearch"


def test_unreachable_elasticsearch_falls_back_to_the_database(
    unreachable_elasticsearch, shop, caplog, client
):
    lamp = shop.product("Desk Lamp")
    index(services.database_backend(), lamp)

    with caplog.at_level(logging.WARNING, logger="search.services"):
        result = services.run_search(SearchQuery(text="lamp"))

    assert [h.product_id for h in result.hits] == [lamp.pk]
    assert result.backend == services.database_backend().name
    assert "answered from the database" in caplog.text
    health = client.get(reverse("healthz")).json()
    assert health["status"] == "degraded"
    assert health["checks"]["search"]["ok"] is False


def test_unreachable_elasticsearch_autocomplete_falls_back(unreachable_elasticsearch, shop):
    index(services.database_backend(), shop.product("Desk Lamp"))

    suggestions = services.autocomplete("lam", language="en")

    assert [s.label for s in suggestions if s.kind == "product"] == ["Desk Lamp"]


def test_results_page_works_while_elasticsearch_is_down(unreachable_elasticsearch, shop, client):
    index(services.database_backend(), shop.product("Desk Lamp"))

    response = client.get(reverse("search:results"), {"q": "lamp"})

    assert response.status_code == 200
    assert response.context["result"].total == 1


def test_indexing_reaches_elasticsearch_too_when_configured(elasticsearch_backend, shop):
    lamp = shop.product("Desk Lamp")

    services.search_index_products(product_ids=[lamp.pk])

    assert services.database_backend().search(SearchQuery(text="lamp")).total == 1
    assert elasticsearch_backend.search(SearchQuery(text="lamp")).total == 1


def test_refresh_stale_reindexes_only_changed_products(shop):
    from catalog.models import Product

    kept, changed = shop.product("Desk Lamp"), shop.product("Floor Lamp")
    index(services.database_backend(), kept, changed)
    Product.objects.filter(pk=changed.pk).update(sales_count=40)

    refreshed = services.search_index_refresh_stale()

    assert refreshed == 1
    top = services.database_backend().search(SearchQuery(text="lamp")).hits[0]
    assert top.product_id == changed.pk
