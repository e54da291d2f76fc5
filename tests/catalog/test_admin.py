"""The catalog, stock and order admin pages: what saving does, and the pages all render."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.caching import catalog_version
from catalog.models import Product
from logistics.models import Stock
from orders.models import Order, OrderLine
from tests.accounts.factories import StaffFactory
from tests.accounts.test_admin_scoping import admin_form_data
from tests.catalog.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ReviewFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def variant_row(index: int, sku: str, price: str, *, active: bool = True) -> dict:
    row = {"sku": sku, "price": price, "weight_grams": "500", "position": "0"}
    if active:
        row["is_active"] = "on"
    return {f"variants-{index}-{name}": value for name, value in row.items()}


def test_adding_a_product_with_variants_sets_the_lowest_active_variant_price(client, staff):
    category = CategoryFactory()
    add_url = reverse("admin:catalog_product_add")
    data = admin_form_data(
        client.get(add_url),
        name_en="Desk Lamp",
        name_zh_hans="台灯",
        slug="desk-lamp",
        category=category.pk,
        **{"variants-TOTAL_FORMS": "3"},
        **variant_row(0, "LAMP-S", "59.00"),
        **variant_row(1, "LAMP-L", "79.00"),
        # Cheaper, but not on sale: it does not count.
        **variant_row(2, "LAMP-XS", "39.00", active=False),
    )

    response = client.post(add_url, data)

    assert response.status_code == 302
    product = Product.objects.get(slug="desk-lamp")
    assert product.merchant == staff.merchant
    assert product.variants.count() == 3
    assert product.price == Decimal("59.00")


def test_changing_a_variant_price_in_the_product_inline_updates_the_from_price(client, staff):
    product = ProductFactory(merchant=staff.merchant, price=Decimal("99.00"))
    VariantFactory(product=product, price=Decimal("99.00"))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = admin_form_data(client.get(url), **{"variants-0-price": "45.50"})

    response = client.post(url, data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("45.50")


def test_changing_a_price_on_the_variant_page_updates_the_from_price(client, staff):
    product = ProductFactory(merchant=staff.merchant)
    variant = VariantFactory(product=product, price=Decimal("99.00"))
    url = reverse("admin:catalog_productvariant_change", args=[variant.pk])
    data = admin_form_data(client.get(url), price="12.00")

    response = client.post(url, data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("12.00")


def test_stock_below_allocated_is_a_form_error(client, staff):
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant))
    stock = StockFactory(variant=variant, quantity=10, allocated=6)
    url = reverse("admin:logistics_stock_change", args=[stock.pk])

    response = client.post(url, admin_form_data(client.get(url), quantity=5))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "6 units already allocated" in errors["quantity"][0]
    stock.refresh_from_db()
    assert (stock.quantity, stock.allocated) == (10, 6)


def test_stock_below_allocated_in_the_variant_inline_is_a_form_error(client, staff):
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant))
    stock = StockFactory(variant=variant, quantity=10, allocated=6)
    url = reverse("admin:catalog_productvariant_change", args=[variant.pk])

    response = client.post(url, admin_form_data(client.get(url), **{"stock-0-quantity": "2"}))

    assert response.status_code == 200
    assert "already allocated" in str(response.context["inline_admin_formsets"][0].formset.errors)
    stock.refresh_from_db()
    assert stock.quantity == 10


def test_saving_stock_changes_the_quantity_but_never_writes_allocated(client, staff):
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant))
    stock = StockFactory(variant=variant, quantity=10, allocated=2)
    url = reverse("admin:logistics_stock_change", args=[stock.pk])

    response = client.post(
        url, admin_form_data(client.get(url), quantity=8, allocated=0, warehouse="999")
    )

    assert response.status_code == 302
    stock.refresh_from_db()
    assert (stock.quantity, stock.allocated) == (8, 2)
    assert stock.warehouse_id != 999


def test_adding_stock_for_own_variant(client, staff):
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant))
    warehouse = WarehouseFactory()

    response = client.post(
        reverse("admin:logistics_stock_add"),
        {"warehouse": warehouse.pk, "variant": variant.pk, "quantity": 4},
    )

    assert response.status_code == 302
    assert Stock.objects.get(variant=variant, warehouse=warehouse).quantity == 4


def test_deactivate_action_hides_own_products_and_refreshes_the_storefront_cache(
    client, staff, django_capture_on_commit_callbacks
):
    products = ProductFactory.create_batch(2, merchant=staff.merchant)
    version = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalog_product_changelist"),
            {"action": "deactivate", "_selected_action": [p.pk for p in products]},
        )

    assert response.status_code == 302
    assert not Product.objects.filter(pk__in=[p.pk for p in products], is_active=True).exists()
    assert catalog_version() != version


def test_unpublishing_a_review_recomputes_the_products_rating(client, staff):
    product = ProductFactory(merchant=staff.merchant)
    ReviewFactory(product=product, rating=5)
    bad = ReviewFactory(product=product, rating=1)

    response = client.post(
        reverse("admin:catalog_review_changelist"),
        {"action": "unpublish", "_selected_action": [bad.pk]},
    )

    assert response.status_code == 302
    bad.refresh_from_db()
    product.refresh_from_db()
    assert not bad.is_published
    assert (product.rating_count, product.rating_avg) == (1, Decimal("5.00"))


def test_review_text_is_read_only_for_moderators(client, staff):
    review = ReviewFactory(product=ProductFactory(merchant=staff.merchant), title="Original")
    url = reverse("admin:catalog_review_change", args=[review.pk])

    response = client.post(url, {"title": "Rewritten", "rating": 1, "is_published": "on"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.title, review.rating, review.is_published) == ("Original", 5, True)


def test_staff_view_categories_but_cannot_change_them(client, staff):
    category = CategoryFactory(name_en="Lighting")
    url = reverse("admin:catalog_category_change", args=[category.pk])

    page = client.get(url)
    client.post(url, {"name_en": "Renamed", "slug": category.slug, "position": 0})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    category.refresh_from_db()
    assert category.name_en == "Lighting"
    assert client.get(reverse("admin:catalog_category_add")).status_code == 403


def test_category_admin_edits_both_languages(admin_client):
    category = CategoryFactory()

    response = admin_client.get(reverse("admin:catalog_category_change", args=[category.pk]))

    fields = response.context["adminform"].form.fields
    assert {"name_en", "name_zh_hans", "description_en", "description_zh_hans"} <= set(fields)


def _listed_product(merchant, warehouse):
    product = ProductFactory(merchant=merchant)
    variant = VariantFactory(product=product)
    StockFactory(variant=variant, warehouse=warehouse)
    ReviewFactory(product=product)
    order = Order.objects.create(email="q@example.com")
    OrderLine.objects.create(
        order=order,
        merchant=merchant,
        product=product,
        variant=variant,
        product_name="x",
        sku=variant.sku,
        unit_price=Decimal("1.00"),
        quantity=1,
        line_total=Decimal("1.00"),
    )


@pytest.mark.parametrize(
    "model",
    [
        "catalog_product",
        "catalog_productvariant",
        "catalog_review",
        "logistics_stock",
        "orders_order",
    ],
)
def test_a_changelist_takes_as_many_queries_for_many_rows_as_for_one(client, staff, model):
    warehouse = WarehouseFactory()
    url = reverse(f"admin:{model}_changelist")

    def queries() -> int:
        client.get(url)  # the signed-in user kept in the cache again, after the rows' changes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _listed_product(staff.merchant, warehouse)
    one = queries()
    for _ in range(5):
        _listed_product(staff.merchant, warehouse)

    assert queries() == one


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_every_admin_page_renders_for_a_superuser(admin_client, admin_user, rf, prefix):
    """A smoke test of the configuration: every changelist and add page, in both languages."""
    product = ProductFactory()
    variant = VariantFactory(product=product)
    StockFactory(variant=variant)
    ProductImageFactory(product=product)
    review = ReviewFactory(product=product)
    request = rf.get("/")
    request.user = admin_user
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    urls += [
        reverse("admin:catalog_product_change", args=[product.pk]),
        reverse("admin:catalog_productvariant_change", args=[variant.pk]),
        reverse("admin:catalog_review_change", args=[review.pk]),
        reverse("admin:accounts_user_change", args=[admin_user.pk]),
    ]

    for url in urls:
        assert admin_client.get(prefix + url).status_code == 200, prefix + url
