"""The catalog endpoints: categories, products (listing, detail), search, suggestions,
recommendations. Open to everyone, read-only, only published products."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import variant_price_set
from catalog.signals import product_viewed
from recommendations.tasks import flush_interactions
from search import services as search_services
from tests.api.conftest import bearer
from tests.catalog.factories import BrandFactory, CategoryFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoes():
    return CategoryFactory(slug="shoes", name="Shoes")


@pytest.fixture
def running(shoes):
    return CategoryFactory(slug="running", name="Running", parent=shoes)


def test_categories_are_a_tree_of_active_categories(anon, shoes, running):
    CategoryFactory(slug="hidden", name="Hidden", is_active=False)
    body = anon.get("/api/v1/categories/").json()
    assert [c["slug"] for c in body] == ["shoes"]
    assert [c["slug"] for c in body[0]["children"]] == ["running"]
    assert body[0]["children"][0]["children"] == []


def test_product_list_filters_by_category_brand_price_and_stock(anon, make_product, shoes, running):
    stride = BrandFactory(slug="stride", name="Stride")
    cheap = make_product(category=running, brand=stride, prices=(Decimal("50.00"),), slug="cheap")
    make_product(category=running, prices=(Decimal("60.00"),), slug="other-brand")
    make_product(category=running, brand=stride, prices=(Decimal("500.00"),), slug="dear")
    make_product(category=running, brand=stride, prices=(Decimal("55.00"),), stock=0, slug="gone")
    make_product(prices=(Decimal("40.00"),), slug="elsewhere")
    make_product(category=running, brand=stride, slug="hidden", is_active=False)

    def slugs(query):
        response = anon.get(f"/api/v1/products/?{query}")
        assert response.status_code == 200, response.content
        return [p["slug"] for p in response.json()["results"]]

    assert set(slugs("category=shoes")) == {"cheap", "other-brand", "dear", "gone"}
    assert slugs("category=shoes&brand=stride&price_max=100&in_stock=true") == ["cheap"]
    assert slugs("category=running&sort=price_desc&price_min=55") == ["dear", "other-brand", "gone"]
    card = anon.get("/api/v1/products/?category=shoes&brand=stride&price_max=50").json()
    assert card["results"][0] == {
        "id": cheap.pk,
        "slug": "cheap",
        "name": cheap.name,
        "price": "50.00",
        "rating_avg": "0.00",
        "rating_count": 0,
        "in_stock": True,
        "brand": {"slug": "stride", "name": "Stride"},
        "image": None,
    }


def test_product_list_refuses_an_unknown_category_and_a_bad_price(anon):
    unknown = anon.get("/api/v1/products/?category=nope")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["attr"] == "category"
    bad = anon.get("/api/v1/products/?price_min=cheap")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "price_min"


def test_product_list_costs_the_same_queries_whatever_the_page_size(anon, make_product, shoes):
    for n in range(22):
        make_product(category=shoes, images=1 if n % 2 else 0)
    anon.get("/api/v1/products/?category=shoes")  # the category tree and brands, then cached
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            body = anon.get(f"/api/v1/products/?category=shoes&page_size={size}").json()
        assert len(body["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert body["count"] == 22
    assert "page=2" in body["next"]


def test_product_list_reads_its_cards_as_rows_without_model_instances(
    anon, make_product, shoes, monkeypatch
):
    from catalog.models import Product

    made = [make_product(category=shoes, images=1, name_en=f"Runner {n}") for n in range(3)]

    def refused(*args, **kwargs):
        raise AssertionError("a card was built as a model instance")

    monkeypatch.setattr(Product, "from_db", classmethod(refused))
    body = anon.get("/api/v1/products/?category=shoes&sort=price_asc").json()

    assert {card["slug"] for card in body["results"]} == {p.slug for p in made}
    assert all(card["image"].startswith("http") for card in body["results"])
    assert {card["name"] for card in body["results"]} == {"Runner 0", "Runner 1", "Runner 2"}


def test_product_detail_shows_each_variants_price_and_stock(anon, make_product, running):
    product = make_product(category=running, prices=(Decimal("99.00"), Decimal("129.00")), images=1)
    first, second = product.variants.order_by("position", "id")
    second.stock.update(quantity=0)
    ReviewFactory(product=product, rating=5, title="Grippy")
    body = anon.get(f"/api/v1/products/{product.slug}/").json()
    assert body["price"] == "99.00"
    assert [c["slug"] for c in body["categories"]] == ["shoes", "running"]
    assert [(v["id"], v["price"], v["available"], v["in_stock"]) for v in body["variants"]] == [
        (first.pk, "99.00", 10, True),
        (second.pk, "129.00", 0, False),
    ]
    assert body["selected_variant"] == first.pk
    assert body["images"][0]["url"].startswith("http://testserver/")
    assert body["reviews"][0]["title"] == "Grippy"
    assert body["rating_histogram"][0] == {"stars": 5, "count": 1, "percent": 100}


def test_an_unpublished_or_unknown_product_is_a_404(anon, make_product):
    hidden = make_product(is_active=False)
    assert anon.get(f"/api/v1/products/{hidden.slug}/").status_code == 404
    assert anon.get("/api/v1/products/no-such-thing/").status_code == 404
    assert anon.get(f"/api/v1/products/{hidden.slug}/recommendations/").status_code == 404


def test_product_detail_records_a_view_for_the_signed_in_shopper(shopper, make_product):
    product = make_product()
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    product_viewed.connect(receiver)
    try:
        bearer(shopper).get(f"/api/v1/products/{product.slug}/")
    finally:
        product_viewed.disconnect(receiver)
    assert seen[0]["product_id"] == product.pk
    assert seen[0]["user_id"] == shopper.pk


def test_a_cached_product_shows_a_new_price_at_once(
    anon, make_product, storefront_cache, django_capture_on_commit_callbacks
):
    product = make_product(prices=(Decimal("99.00"),))
    assert anon.get(f"/api/v1/products/{product.slug}/").json()["price"] == "99.00"
    with CaptureQueriesContext(connection) as cached:
        anon.get(f"/api/v1/products/{product.slug}/")
    assert not [q for q in cached if "catalog_product" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        variant_price_set(variant=product.variants.get(), price=Decimal("79.00"), actor=None)
    assert anon.get(f"/api/v1/products/{product.slug}/").json()["price"] == "79.00"


def test_search_answers_what_the_search_page_shows(anon, make_product, shoes):
    red = make_product(category=shoes, name_en="Trail Runner", prices=(Decimal("300.00"),))
    red.variants.update(attributes={"colour": "red"})
    make_product(category=shoes, name_en="Road Runner", prices=(Decimal("900.00"),))
    search_services.search_index_products(
        product_ids=list(shoes.products.values_list("id", flat=True))
    )
    body = anon.get("/api/v1/search/?q=runner under 500").json()
    assert [r["slug"] for r in body["results"]] == [red.slug]
    assert body["count"] == 1
    assert body["understood"][0]["kind"] == "price"
    assert body["understood"][0]["price_max"] == "500.00"
    assert body["understood"][0]["query_without"].strip() == "runner"
    assert "mark" in body["results"][0]["highlights"]["name"]
    facets = {f["name"]: f for f in body["facets"]}
    assert facets["category"]["values"][0]["value"] == "shoes"
    misspelt = anon.get("/api/v1/search/?q=runnr").json()
    assert misspelt["did_you_mean"] == "runner"
    ignored = anon.get("/api/v1/search/?q=runner&brand=no-such-brand").json()
    assert ignored["notices"] and ignored["count"] == 2


def test_search_without_words_or_filters_finds_nothing(anon):
    body = anon.get("/api/v1/search/").json()
    assert body["count"] == 0 and body["results"] == []


def test_suggest_offers_products_and_categories(anon, make_product, shoes):
    product = make_product(category=shoes, name_en="Trail Runner")
    search_services.search_index_products(product_ids=[product.pk])
    body = anon.get("/api/v1/suggest/?q=trail").json()
    assert body["query"] == "trail"
    assert any(s["label"] == "Trail Runner" for s in body["suggestions"])
    assert anon.get("/api/v1/suggest/?q=").json()["suggestions"] == []


def test_recommendations_show_what_this_shopper_viewed_not_someone_elses(
    shopper, other_shopper, make_product
):
    mine, theirs = make_product(), make_product()
    bearer(shopper).get(f"/api/v1/products/{mine.slug}/")
    bearer(other_shopper).get(f"/api/v1/products/{theirs.slug}/")
    flush_interactions()  # services mode buffers views in Redis until this task drains them
    body = bearer(shopper).get("/api/v1/recommendations/").json()
    assert [p["slug"] for p in body["recently_viewed"]] == [mine.slug]
    other = bearer(other_shopper).get(f"/api/v1/products/{mine.slug}/recommendations/").json()
    assert [p["slug"] for p in other["recently_viewed"]] == [theirs.slug]


def test_recommendations_answer_an_anonymous_app(anon, make_product):
    product = make_product()
    response = anon.get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert response.json()["recently_viewed"] == []
    assert "no-store" in response["Cache-Control"]
    assert anon.get(f"/api/v1/products/{product.slug}/recommendations/").status_code == 200


def test_the_catalog_is_read_only(anon, shopper):
    assert anon.post("/api/v1/products/", {}).status_code == 405
    assert bearer(shopper).delete("/api/v1/categories/").status_code == 405


def test_a_cached_product_list_shows_a_new_price_at_once_and_ignores_junk_parameters(
    anon, make_product, shoes, storefront_cache, django_capture_on_commit_callbacks
):
    product = make_product(category=shoes, prices=(Decimal("99.00"),))
    url = "/api/v1/products/?category=shoes"
    assert anon.get(url).json()["results"][0]["price"] == "99.00"
    with CaptureQueriesContext(connection) as cached:
        again = anon.get(f"{url}&utm_source=junk")
    assert again.json()["results"][0]["price"] == "99.00"
    assert not [q for q in cached if "catalog_product" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        variant_price_set(variant=product.variants.get(), price=Decimal("79.00"), actor=None)
    assert anon.get(url).json()["results"][0]["price"] == "79.00"
    assert anon.get("/api/v1/products/?category=nope").status_code == 400


def test_an_anonymous_cached_product_is_answered_before_the_api_reads_the_request(
    anon, shopper, make_product, storefront_cache
):
    product = make_product()
    url = f"/api/v1/products/{product.slug}/"
    first = anon.get(url)
    with CaptureQueriesContext(connection) as queries:
        hit = anon.get(url)
    assert len(queries) == 0
    assert hit.json() == first.json()
    assert hit["Content-Type"] == "application/json"
    # A signed-in shopper gets the same body the whole way (recorded, throttled).
    assert bearer(shopper).get(url).json() == first.json()
    assert anon.get(url, HTTP_ACCEPT="text/html").status_code == 406


def test_a_cached_product_is_answered_in_each_callers_language(
    anon, make_product, storefront_cache
):
    product = make_product(name_en="Thermos Cup", name_zh_hans="保温杯")
    url = f"/api/v1/products/{product.slug}/"
    assert anon.get(url).json()["name"] == "Thermos Cup"
    chinese = anon.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert chinese.json()["name"] == "保温杯"
    assert "Accept-Language" in chinese["Vary"]
    assert anon.get(url).json()["name"] == "Thermos Cup"
