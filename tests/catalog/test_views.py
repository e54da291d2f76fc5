import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import Product
from catalog.services import product_availability_refresh
from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, ReviewFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def category_url(category, lang="en", **params):
    with translation.override(lang):
        url = reverse("catalog:category", args=[category.slug])
    return url


def names_on(response) -> list[str]:
    return [p.name for p in response.context["listing"].page.object_list]


SCRIPT = "<script>alert(1)</script>"
# What a page may show of SCRIPT: the text, escaped as Django's templates escape it.
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- Home ---------------------------------------------------------------------------------------
def test_home_shows_featured_products_and_the_category_tree(client, make_product):
    parent = CategoryFactory(name_en="Clothing")
    CategoryFactory(name_en="T-Shirts", parent=parent)
    make_product(category=parent, name_en="Linen Shirt", is_featured=True)
    make_product(category=parent, name_en="Plain Socks", is_featured=False)

    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Clothing" in html and "T-Shirts" in html
    featured = html.split('data-testid="featured"', 1)[1].split("</section>", 1)[0]
    assert "Linen Shirt" in featured
    assert "Plain Socks" not in featured


# --- Category listing ---------------------------------------------------------------------------
def test_category_lists_its_products_and_its_subcategories_products(client, make_product):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    make_product(category=parent, name_en="Parent Product")
    make_product(category=child, name_en="Child Product")
    make_product(name_en="Elsewhere Product")

    response = client.get(category_url(parent))

    assert sorted(names_on(response)) == ["Child Product", "Parent Product"]


def test_category_hides_inactive_products(client, make_product):
    category = CategoryFactory()
    make_product(category=category, name_en="Live")
    make_product(category=category, name_en="Retired", is_active=False)

    assert names_on(client.get(category_url(category))) == ["Live"]


def test_category_pages_hold_24_products(client):
    category = CategoryFactory()
    ProductFactory.create_batch(30, category=category)

    first = client.get(category_url(category))
    second = client.get(category_url(category), {"page": 2})

    assert len(names_on(first)) == 24
    assert len(names_on(second)) == 6
    assert first.context["listing"].page.paginator.count == 30


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Cheap", "Middle", "Dear"]),
        ("price_desc", ["Dear", "Middle", "Cheap"]),
    ],
)
def test_category_sorts_by_price(client, sort, expected):
    category = CategoryFactory()
    ProductFactory(category=category, name_en="Middle", price=Decimal("50"))
    ProductFactory(category=category, name_en="Dear", price=Decimal("500"))
    ProductFactory(category=category, name_en="Cheap", price=Decimal("5"))

    assert names_on(client.get(category_url(category), {"sort": sort})) == expected


def test_category_sorts_by_rating_and_newest(client):
    category = CategoryFactory()
    old = ProductFactory(category=category, name_en="Old but loved", rating_avg=Decimal("4.90"))
    new = ProductFactory(category=category, name_en="New and meh", rating_avg=Decimal("3.10"))
    Product.objects.filter(pk=old.pk).update(created_at=new.created_at.replace(year=2020))

    assert names_on(client.get(category_url(category), {"sort": "rating"}))[0] == "Old but loved"
    assert names_on(client.get(category_url(category), {"sort": "newest"}))[0] == "New and meh"


def test_category_filters_by_price_range(client):
    category = CategoryFactory()
    for name, price in [("A", 10), ("B", 100), ("C", 1000)]:
        ProductFactory(category=category, name_en=name, price=Decimal(price))

    response = client.get(category_url(category), {"price_min": "50", "price_max": "500"})

    assert names_on(response) == ["B"]


def test_category_filters_by_brand_and_counts_brands(client):
    category = CategoryFactory()
    acme, zen = BrandFactory(name="Acme", slug="acme"), BrandFactory(name="Zen", slug="zen")
    ProductFactory.create_batch(2, category=category, brand=acme)
    ProductFactory(category=category, brand=zen, name_en="Zen thing")

    response = client.get(category_url(category), {"brand": "zen"})

    assert names_on(response) == ["Zen thing"]
    counts = {b.slug: (b.count, b.selected) for b in response.context["listing"].brands}
    assert counts == {"acme": (2, False), "zen": (1, True)}


def test_category_in_stock_only_leaves_out_sold_out_and_fully_allocated(client, make_product):
    category = CategoryFactory()
    make_product(category=category, name_en="Plenty", stock=5)
    make_product(category=category, name_en="None left", stock=0)
    allocated = make_product(category=category, name_en="All promised", stock=3)
    allocated.variants.get().stock.update(allocated=3)
    product_availability_refresh(product_ids=[allocated.pk])

    response = client.get(category_url(category), {"in_stock": "1"})

    assert names_on(response) == ["Plenty"]


def test_sold_out_products_show_a_badge(client, make_product):
    category = CategoryFactory()
    make_product(category=category, name_en="Gone", stock=0)

    assert "Sold out" in client.get(category_url(category)).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"sort": "bogus"},
        {"price_min": "-5"},
        {"price_min": "abc", "price_max": "1e400"},
        {"price_min": "500", "price_max": "5"},
        {"brand": "x" * 5000},
        {"price_min": "9" * 5000},
        {"in_stock": "maybe"},
        {"q": SCRIPT},
    ],
)
def test_bad_query_parameters_give_a_normal_page(client, make_product, params):
    category = CategoryFactory()
    make_product(category=category, name_en="Still here")

    response = client.get(category_url(category), params)

    assert response.status_code == 200
    assert "Still here" in response.content.decode()


@pytest.mark.parametrize("name", ["q", "brand", "sort", "price_min", "page"])
def test_a_script_in_a_category_parameter_is_never_echoed_raw(client, make_product, name):
    category = CategoryFactory()
    make_product(category=category, name_en="Still here")

    html = client.get(category_url(category), {name: SCRIPT}).content.decode()

    assert SCRIPT not in html
    assert "alert(1)" not in html or ESCAPED_SCRIPT in html


def test_a_negative_minimum_price_is_explained_and_ignored(client, make_product):
    category = CategoryFactory()
    make_product(category=category, name_en="Still here")

    response = client.get(category_url(category), {"price_min": "-5"})

    assert any("Minimum price" in e for e in response.context["filter_errors"])
    assert names_on(response) == ["Still here"]


def test_a_page_past_the_end_shows_the_last_page(client):
    category = CategoryFactory()
    ProductFactory.create_batch(30, category=category)

    response = client.get(category_url(category), {"page": "7"})

    assert response.context["listing"].page.number == 2


def test_unknown_category_is_a_styled_404(client):
    response = client.get("/c/no-such-thing/")

    assert response.status_code == 404
    assert "couldn" in response.content.decode()  # "We couldn't find that page"


def test_category_page_queries_do_not_grow_with_the_page(
    client, make_product, django_assert_max_num_queries
):
    small, large, parent = CategoryFactory(), CategoryFactory(), CategoryFactory()
    make_product(category=small, images=1)
    for i in range(24):
        make_product(category=large, images=2)
        make_product(category=CategoryFactory(parent=parent) if i < 4 else parent)
    client.get(reverse("catalog:home"))  # the category tree is cached from here on

    # The kept counts (which give the total too), then the page with its cards.
    with django_assert_max_num_queries(2) as few:
        client.get(category_url(small))
    with django_assert_max_num_queries(2) as many:
        client.get(category_url(large), {"in_stock": "1", "sort": "price_asc"})
    with django_assert_max_num_queries(2) as subcategories:
        client.get(category_url(parent), {"sort": "price_desc", "price_min": "1"})

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(subcategories.captured_queries) == len(few.captured_queries)


# --- Product page -------------------------------------------------------------------------------
def test_product_page_shows_variants_price_stock_and_reviews(client, make_product):
    product = make_product(name_en="Trail Runner", prices=(Decimal("499.00"), Decimal("529.00")))
    ReviewFactory(product=product, rating=4, title="Comfortable", body="Good grip.")
    Product.objects.filter(pk=product.pk).update(rating_avg=Decimal("4.00"), rating_count=1)

    response = client.get(product.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Trail Runner" in html
    assert "¥499.00" in html and "¥529.00" in html
    assert "In stock" in html
    assert "Comfortable" in html and "Good grip." in html
    assert f'<p class="product-brand">{product.brand.name}</p>' in html
    assert product.merchant.name in html


def test_a_renamed_brand_shows_on_its_product_pages_at_once(
    client, make_product, django_capture_on_commit_callbacks
):
    product = make_product()
    client.get(product.get_absolute_url())
    brand = product.brand
    brand.name = "Northwind Outfitters"
    with django_capture_on_commit_callbacks(execute=True):  # the catalog moves on at commit
        brand.save()

    html = client.get(product.get_absolute_url()).content.decode()

    assert '<p class="product-brand">Northwind Outfitters</p>' in html


def test_product_page_preselects_the_variant_in_the_url(client, make_product):
    product = make_product(prices=(Decimal("10.00"), Decimal("20.00")))
    dear = product.variants.get(price=Decimal("20.00"))

    response = client.get(product.get_absolute_url(), {"variant": dear.id})

    page = response.context["p"]
    assert page.selected == dear
    assert f'value="{dear.id}" checked' in response.content.decode()


def test_product_stock_sums_warehouses_minus_allocated(client, make_product):
    product = make_product(stock=2)
    variant = product.variants.get()
    StockFactory(variant=variant, warehouse=WarehouseFactory(code="cd"), quantity=5, allocated=4)

    response = client.get(product.get_absolute_url())

    assert response.context["p"].selected.available == 3
    assert "Only 3 left" in response.content.decode()


def test_inactive_or_unknown_product_is_404(client, make_product):
    retired = make_product(is_active=False)

    assert client.get(retired.get_absolute_url()).status_code == 404
    assert client.get("/p/nope/").status_code == 404


@pytest.mark.parametrize(
    "variant", ["abc", "-1", "9" * 40, "999999", SCRIPT, "²", "\u0661\u0662", "\uff11"]
)
def test_product_page_ignores_a_bad_variant_parameter(client, make_product, variant):
    product = make_product()

    response = client.get(product.get_absolute_url(), {"variant": variant})

    assert response.status_code == 200
    assert response.context["p"].selected == product.variants.get()


def test_a_script_in_the_variant_parameter_is_never_echoed_raw(client, make_product):
    product = make_product()

    html = client.get(product.get_absolute_url(), {"variant": SCRIPT}).content.decode()

    assert SCRIPT not in html
    assert "alert(1)" not in html or ESCAPED_SCRIPT in html


def test_product_page_queries_do_not_grow_with_variants_images_or_reviews(
    client, make_product, django_assert_max_num_queries
):
    plain = make_product(images=1)
    ReviewFactory(product=plain)  # a product without reviews makes one query less
    rich = make_product(prices=tuple(Decimal(p) for p in range(10, 16)), images=4)
    for _ in range(5):
        ReviewFactory(product=rich)
    client.get(reverse("catalog:home"))  # the category tree is cached from here on

    with django_assert_max_num_queries(4) as few:
        client.get(plain.get_absolute_url())
    with django_assert_max_num_queries(4) as many:
        client.get(rich.get_absolute_url())

    assert len(many.captured_queries) == len(few.captured_queries)


# --- Language -----------------------------------------------------------------------------------
def test_chinese_pages_show_chinese_product_and_category_names(client, make_product):
    category = CategoryFactory(name_en="Tea", name_zh_hans="茶叶")
    product = make_product(category=category, name_en="Jasmine Tea", name_zh_hans="茉莉花茶")

    listing = client.get(category_url(category, lang="zh-hans"))
    with translation.override("zh-hans"):
        detail = client.get(product.get_absolute_url())

    assert listing.status_code == 200
    assert "茶叶" in listing.content.decode() and "茉莉花茶" in listing.content.decode()
    assert '<html lang="zh-hans">' in detail.content.decode()
    assert "茉莉花茶" in detail.content.decode()


def test_language_links_point_to_the_same_page_in_the_other_language(client, make_product):
    category = CategoryFactory(slug="tea")

    html = client.get(category_url(category)).content.decode()

    link = re.search(r'<a href="([^"]+)"[^>]*data-lang="zh-hans"', html).group(1)
    response = client.get(unescape(link))
    assert response["Location"] == "/zh-hans/c/tea/"


def test_a_price_range_typed_backwards_is_read_the_right_way_round(client):
    category = CategoryFactory()
    for name, price in [("A", 10), ("B", 100), ("C", 1000)]:
        ProductFactory(category=category, name_en=name, price=Decimal(price))

    response = client.get(category_url(category), {"price_min": "500", "price_max": "50"})

    assert names_on(response) == ["B"]


def test_pages_outside_the_catalog_show_the_category_navigation(client):
    CategoryFactory(name_en="Stationery")

    html = client.get(reverse("accounts:login")).content.decode()

    assert "Stationery" in html


def test_variant_labels_keep_one_option_order_whatever_the_stored_key_order():
    from catalog.attributes import variant_label

    assert variant_label({"size": "M", "colour": "red"}) == "Red / M"
    assert variant_label({"colour": "red", "size": "M"}) == "Red / M"
    assert variant_label({"zeta": "z", "size": "L", "alpha": "a"}) == "L / a / z"
