"""What only the Elasticsearch backend does, against osmem-server: alias rebuilds (its own and
django-elasticsearch-dsl's command), the ranking blend as function_score, typo-tolerant
autocomplete through completion suggesters, escaping in highlights, and failing fast and
cleanly when the cluster is unreachable."""

import io
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from elasticsearch import Elasticsearch

from catalog.models import Product
from search.backends.base import SearchBackendUnavailable, SearchQuery
from search.backends.elasticsearch.backend import ElasticsearchBackend
from search.backends.elasticsearch.queries import MAX_RESULT_WINDOW, split_query
from search.documents import PRODUCTS_INDEX, ProductDocument, completion_inputs
from tests.catalog.factories import BrandFactory
from tests.search.es_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def ids(result):
    return [hit.product_id for hit in result.hits]


def alias_indices(client, alias=PRODUCTS_INDEX):
    return sorted(client.indices.get_alias(name=alias))


def rebuild_with_command() -> str:
    out = io.StringIO()
    try:
        call_command("search_index", "--rebuild", "--use-alias", "-f", stdout=out)
    finally:
        # The command renames the registered index in place; a new process starts clean.
        ProductDocument._index._name = PRODUCTS_INDEX
    return out.getvalue()


# --- documents ------------------------------------------------------------------------------------
def test_inactive_products_are_removed_from_the_index(elasticsearch_backend, make_product):
    kept = make_product(name_en="Enamel kettle")
    withdrawn = make_product(name_en="Enamel teapot")
    never_active = make_product(name_en="Enamel mug", is_active=False)
    elasticsearch_backend.index_products([kept.pk, withdrawn.pk, never_active.pk])
    assert sorted(ids(elasticsearch_backend.search(SearchQuery(text="enamel")))) == sorted(
        [kept.pk, withdrawn.pk]
    )

    Product.objects.filter(pk=withdrawn.pk).update(is_active=False)
    elasticsearch_backend.index_products([withdrawn.pk])

    assert ids(elasticsearch_backend.search(SearchQuery(text="enamel"))) == [kept.pk]
    assert not elasticsearch_backend.client.exists(index=PRODUCTS_INDEX, id=str(withdrawn.pk))


def test_deleted_products_are_removed_from_the_index(elasticsearch_backend, make_product):
    product = make_product(name_en="Walnut chopping board")
    elasticsearch_backend.index_products([product.pk])
    product_id = product.pk
    product.variants.all().delete()
    product.delete()

    elasticsearch_backend.index_products([product_id])

    assert elasticsearch_backend.search(SearchQuery(text="walnut")).total == 0


def test_document_holds_category_ancestors_prices_and_attribute_values(make_product):
    from tests.catalog.factories import CategoryFactory

    parent = CategoryFactory(name_en="Outdoor", slug="outdoor")
    child = CategoryFactory(name_en="Tents", slug="tents", parent=parent)
    product = make_product(category=child, prices=(Decimal("1299.90"), Decimal("899.50")))

    document = ProductDocument().prepare(ProductDocument().get_queryset().get(pk=product.pk))

    assert document["category_path"] == ["outdoor", "tents"]
    assert document["price"] == "899.50"
    assert sorted(document["attributes_en"]) == ["M", "red"]
    assert "red" not in document["attributes_zh_hans"]  # the shop's translation of the colour
    assert "M" in document["attributes_zh_hans"]
    assert document["product_id"] == product.pk


def test_completion_inputs_start_at_every_word_and_every_chinese_character():
    assert completion_inputs("Apple iPhone 15 case") == [
        "Apple iPhone 15 case",
        "iPhone 15 case",
        "15 case",
        "case",
    ]
    assert completion_inputs("越野跑鞋") == ["越野跑鞋", "野跑鞋", "跑鞋", "鞋"]


def test_quoted_phrases_are_split_from_free_words():
    assert split_query('red "running  shoes" size 42 "') == ("red size 42", ["running shoes"])


# --- search -------------------------------------------------------------------------------------
def test_highlights_escape_html_in_product_names(elasticsearch_backend, make_product):
    product = make_product(name_en='<img src=x onerror="alert(1)"> Copper kettle')
    elasticsearch_backend.index_products([product.pk])

    [hit] = elasticsearch_backend.search(SearchQuery(text="kettle")).hits

    name = hit.highlights["name"]
    assert "<mark>kettle</mark>" in name
    assert "&lt;img" in name
    assert "<img" not in name


def test_relevance_blends_popularity_rating_and_stock(elasticsearch_backend, make_product):
    plain = make_product(name_en="Canvas tote bag")
    popular = make_product(name_en="Canvas tote bag", sales_count=500)
    rated = make_product(name_en="Canvas tote bag", rating_avg=Decimal("4.90"))
    sold_out = make_product(name_en="Canvas tote bag", sales_count=800, stock=0)
    elasticsearch_backend.index_products([plain.pk, popular.pk, rated.pk, sold_out.pk])

    result = elasticsearch_backend.search(SearchQuery(text="canvas tote"))

    # Same text score for all four; with the default weights (0.3, 0.2, 0.5) the boosts are
    # popular 1.28, rated 1.20, plain 1 and the sold-out best seller 1.3 * 0.5 = 0.65.
    assert ids(result) == [popular.pk, rated.pk, plain.pk, sold_out.pk]


def test_out_of_stock_factor_is_read_from_the_merchant_settings(
    elasticsearch_backend, make_product
):
    from search.models import SearchSettings

    in_stock = make_product(name_en="Linen apron")
    sold_out = make_product(name_en="Linen apron", sales_count=1000, stock=0)
    elasticsearch_backend.index_products([in_stock.pk, sold_out.pk])
    row = SearchSettings.load()

    SearchSettings.objects.filter(pk=row.pk).update(out_of_stock_factor=Decimal("1"))
    cache.clear()
    no_penalty = ids(elasticsearch_backend.search(SearchQuery(text="apron")))
    SearchSettings.objects.filter(pk=row.pk).update(out_of_stock_factor=Decimal("0.1"))
    cache.clear()
    penalised = ids(elasticsearch_backend.search(SearchQuery(text="apron")))

    assert no_penalty == [sold_out.pk, in_stock.pk]
    assert penalised == [in_stock.pk, sold_out.pk]


def test_english_words_do_not_match_through_brand_names_in_chinese_text(
    elasticsearch_backend, make_product
):
    brand = BrandFactory(name="Harbor Roasters", slug="harbor-roasters")
    beans = make_product(
        name_en="Harbor Roasters Coffee Beans", name_zh_hans="Harbor Roasters 咖啡豆", brand=brand
    )
    rice = make_product(
        name_en="Harbor Roasters Jasmine Rice", name_zh_hans="Harbor Roasters 茉莉香米", brand=brand
    )
    elasticsearch_backend.index_products([beans.pk, rice.pk])

    assert ids(elasticsearch_backend.search(SearchQuery(text="harbor roasters coffee"))) == [
        beans.pk
    ]


def test_a_latin_word_in_a_chinese_query_must_match(elasticsearch_backend, make_product):
    nova = make_product(
        name_en="Novaphone Note 12",
        name_zh_hans="Novaphone Note 12 手机",
        brand=BrandFactory(name="Novaphone", slug="novaphone"),
    )
    other = make_product(
        name_en="Pixel Pro 5G",
        name_zh_hans="Pixel Pro 5G 手机",
        brand=BrandFactory(name="Pixel", slug="pixel"),
    )
    elasticsearch_backend.index_products([nova.pk, other.pk])

    assert ids(elasticsearch_backend.search(SearchQuery(text="novaphone 手机"))) == [nova.pk]
    assert set(ids(elasticsearch_backend.search(SearchQuery(text="手机")))) == {nova.pk, other.pk}


def test_pages_beyond_the_result_window_are_empty_not_errors(elasticsearch_backend, make_product):
    product = make_product(name_en="Bamboo steamer")
    elasticsearch_backend.index_products([product.pk])

    result = elasticsearch_backend.search(
        SearchQuery(text="bamboo", page=MAX_RESULT_WINDOW // 24 + 5, per_page=24)
    )

    assert result.total == 1
    assert result.hits == []


def test_did_you_mean_corrects_each_misspelt_word(elasticsearch_backend, make_product):
    product = make_product(name_en="Trail running shoes")
    elasticsearch_backend.index_products([product.pk])

    result = elasticsearch_backend.search(SearchQuery(text="runing shose"))

    assert ids(result) == [product.pk]  # found despite the typos
    assert result.did_you_mean == "running shoes"


def test_autocomplete_tolerates_typos_and_offers_categories_and_brands(
    elasticsearch_backend, make_product
):
    from tests.catalog.factories import BrandFactory, CategoryFactory

    phones = CategoryFactory(name_en="Phone cases", name_zh_hans="手机壳", slug="phone-cases")
    brand = BrandFactory(name="Pholio", slug="pholio")
    product = make_product(name_en="Apple iPhone 15 case", category=phones, brand=brand)
    elasticsearch_backend.index_products([product.pk])

    by_kind = {
        (s.kind, s.label): s.url
        for s in elasticsearch_backend.autocomplete("iphnoe", language="en")
        + elasticsearch_backend.autocomplete("phon", language="en")
    }

    assert by_kind[("product", "Apple iPhone 15 case")] == product.get_absolute_url()
    assert by_kind[("category", "Phone cases")] == phones.get_absolute_url()
    assert ("brand", "Pholio") in by_kind
    chinese = elasticsearch_backend.autocomplete("手机", language="zh-hans")
    assert ("category", "手机壳") in {(s.kind, s.label) for s in chinese}


def test_autocomplete_offers_only_categories_and_brands_with_active_products(
    elasticsearch_backend, make_product
):
    from tests.catalog.factories import BrandFactory, CategoryFactory

    shoes = CategoryFactory(name_en="Running shoes", slug="running-shoes")
    socks = CategoryFactory(name_en="Running socks", slug="running-socks")
    CategoryFactory(name_en="Running hats", slug="running-hats")  # no products at all
    BrandFactory(name="Runright", slug="runright")  # no products at all
    on_sale = make_product(
        name_en="Trail shoe", category=shoes, brand=BrandFactory(name="Runwell", slug="runwell")
    )
    withdrawn = make_product(
        name_en="Wool sock",
        category=socks,
        brand=BrandFactory(name="Runfast", slug="runfast"),
        is_active=False,
    )
    elasticsearch_backend.index_products([on_sale.pk, withdrawn.pk])

    suggestions = elasticsearch_backend.autocomplete("run", language="en")

    assert [s.label for s in suggestions if s.kind == "category"] == ["Running shoes"]
    assert [s.label for s in suggestions if s.kind == "brand"] == ["Runwell"]


def test_autocomplete_drops_a_category_once_it_is_deactivated(
    elasticsearch_backend, make_product, django_capture_on_commit_callbacks
):
    from tests.catalog.factories import CategoryFactory

    teapots = CategoryFactory(name_en="Teapots", slug="teapots")
    product = make_product(name_en="Clay teapot", category=teapots)
    elasticsearch_backend.index_products([product.pk])
    assert ("category", "Teapots") in {
        (s.kind, s.label) for s in elasticsearch_backend.autocomplete("teap", language="en")
    }

    with django_capture_on_commit_callbacks(execute=True):  # the catalog cache moves on
        teapots.is_active = False
        teapots.save()

    kinds = {(s.kind, s.label) for s in elasticsearch_backend.autocomplete("teap", language="en")}
    assert ("category", "Teapots") not in kinds
    assert ("product", "Clay teapot") in kinds


# --- rebuilds -----------------------------------------------------------------------------------
def test_rebuild_moves_the_alias_and_keeps_serving_meanwhile(
    elasticsearch_backend, make_product, monkeypatch
):
    products = [make_product(name_en=f"Ceramic bowl {n}") for n in range(3)]
    elasticsearch_backend.index_products([p.pk for p in products])
    [old_index] = alias_indices(elasticsearch_backend.client)
    seen_during_rebuild = []
    prepare = ProductDocument.prepare

    def prepare_and_search(document, instance):
        # While the new index is loading, shoppers still search the old one.
        seen_during_rebuild.append(elasticsearch_backend.search(SearchQuery(text="bowl")).total)
        return prepare(document, instance)

    monkeypatch.setattr(ProductDocument, "prepare", prepare_and_search)

    assert elasticsearch_backend.rebuild() == 3

    assert seen_during_rebuild == [3, 3, 3]
    [new_index] = alias_indices(elasticsearch_backend.client)
    assert new_index != old_index
    assert not elasticsearch_backend.client.indices.exists(index=old_index)
    assert elasticsearch_backend.search(SearchQuery(text="bowl")).total == 3


def test_search_index_command_rebuilds_behind_an_alias(elasticsearch_backend, make_product):
    product = make_product(name_en="Cast iron skillet")

    first_output = rebuild_with_command()
    [first] = alias_indices(elasticsearch_backend.client)
    rebuild_with_command()
    [second] = alias_indices(elasticsearch_backend.client)

    assert f"Added alias '{PRODUCTS_INDEX}' to index '{first}'" in first_output
    assert first != second
    assert not elasticsearch_backend.client.indices.exists(index=first)
    result = ElasticsearchBackend().search(SearchQuery(text="skillet"))
    assert ids(result) == [product.pk]


# --- an unreachable cluster -----------------------------------------------------------------------
def test_unreachable_cluster_raises_unavailable_quickly(unreachable_elasticsearch):
    backend = ElasticsearchBackend()
    started = time.monotonic()

    with pytest.raises(SearchBackendUnavailable):
        backend.search(SearchQuery(text="kettle"))
    with pytest.raises(SearchBackendUnavailable):
        backend.autocomplete("ket", language="en")
    with pytest.raises(SearchBackendUnavailable):
        backend.index_products([1])

    assert backend.ping() is False
    assert time.monotonic() - started < 3


def test_missing_index_is_unavailable_not_an_error(elasticsearch_client):
    backend = ElasticsearchBackend(client=elasticsearch_client)

    with pytest.raises(SearchBackendUnavailable):
        backend.search(SearchQuery(text="kettle"))


def test_ping_is_true_only_while_the_index_answers_searches(elasticsearch_client, settings):
    backend = ElasticsearchBackend(client=elasticsearch_client)
    assert backend.ping() is False  # no index yet: every search would fail

    backend.ensure_index()
    assert backend.ping() is True

    # The plain client reaches osmem (`HEAD /` answers) but its media types are refused on
    # searches, so that connection cannot answer.
    plain = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2)
    assert plain.ping() is True
    assert ElasticsearchBackend(client=plain).ping() is False


def test_search_falls_back_to_the_database_with_a_warning(
    unreachable_elasticsearch, make_product, caplog
):
    from search import services

    product = make_product(name_en="Porcelain teapot")
    services.database_backend().index_products([product.pk])

    with caplog.at_level("WARNING", logger="search.services"):
        result = services.run_search(SearchQuery(text="teapot"))

    assert [hit.product_id for hit in result.hits] == [product.pk]
    assert result.backend != "elasticsearch"
    assert any("elasticsearch" in r.getMessage() for r in caplog.records)
    assert services.recent_fallback()["backend"] == "elasticsearch"


def test_healthz_reports_search_degraded_not_down_when_the_cluster_is_unreachable(
    client, unreachable_elasticsearch
):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False


def test_facets_count_every_filter_but_their_own(elasticsearch_backend, make_product):
    from tests.catalog.factories import BrandFactory, CategoryFactory

    kitchen = CategoryFactory(name_en="Kitchen", slug="kitchen")
    pots = CategoryFactory(name_en="Pots", slug="pots", parent=kitchen)
    acme, zenith = BrandFactory(slug="acme"), BrandFactory(slug="zenith")
    cheap_acme = make_product(name_en="Steel pot", category=pots, brand=acme)
    dear_acme = make_product(
        name_en="Steel pot", category=pots, brand=acme, prices=(Decimal("450.00"),)
    )
    zenith_pot = make_product(name_en="Steel pot", category=kitchen, brand=zenith, stock=0)
    elasticsearch_backend.index_products([cheap_acme.pk, dear_acme.pk, zenith_pot.pk])

    result = elasticsearch_backend.search(
        SearchQuery(text="pot", categories=("kitchen",), brands=("acme",), price_bands=("0-100",))
    )

    assert ids(result) == [cheap_acme.pk]
    facets = {
        name: {v.value: (v.count, v.selected) for v in values}
        for name, values in result.facets.items()
    }
    # Brands: the price filter applies, the brand filter does not.
    assert facets["brand"] == {"acme": (1, True), "zenith": (1, False)}
    # Prices: the brand filter applies, the price filter does not.
    assert facets["price"] == {"0-100": (1, True), "300-1000": (1, False)}
    # Categories include their descendants' products.
    assert facets["category"] == {"kitchen": (1, True), "pots": (1, False)}
    assert facets["in_stock"] == {"1": (1, False)}
