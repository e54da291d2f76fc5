"""The listings' kept counts (CategoryFacetCount): exact after every kind of catalog write, on
both databases and under concurrent writes on PostgreSQL; the check command finds and fixes a
drift; a listing's facets and total read from them equal a count over the products."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from catalog import selectors, services
from catalog.models import CategoryFacetCount, Product
from catalog.selectors import ListingParams, category_facet_count_drift, category_tree
from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory
from tests.conftest import on_postgres
from tests.logistics.factories import StockFactory
from tests.orders.test_concurrency import run_together

pytestmark = pytest.mark.django_db


def kept() -> dict[tuple, int]:
    return {
        (c, b, bool(s)): n
        for c, b, s, n in CategoryFacetCount.objects.filter(n__gt=0).values_list(
            "category_id", "brand_id", "in_stock", "n"
        )
    }


def counted() -> dict[tuple, int]:
    return {
        (c, b or 0, bool(s)): n
        for c, b, s, n in Product.objects.filter(is_active=True)
        .order_by()
        .values_list("category_id", "brand_id", "in_stock")
        .annotate(n=Count("*"))
        .values_list("category_id", "brand_id", "in_stock", "n")
    }


def assert_exact() -> None:
    assert kept() == counted()
    assert category_facet_count_drift() == []


def test_counts_follow_every_kind_of_product_write(make_product):
    shoes, boots = CategoryFactory(), CategoryFactory()
    acme, zeta = BrandFactory(), BrandFactory()

    # Published (created), with stock and without, with a brand and without.
    a = make_product(category=shoes, brand=acme)
    b = make_product(category=shoes, brand=acme, stock=0)
    c = ProductFactory(category=shoes, brand=None)
    assert kept()[(shoes.id, acme.id, True)] == 1
    assert kept()[(shoes.id, acme.id, False)] == 1
    assert kept()[(shoes.id, 0, False)] == 1
    assert_exact()

    # Unpublished and published again (one bulk UPDATE through the service).
    services.product_set_active(products=Product.objects.filter(pk=a.pk), active=False, actor=None)
    assert (shoes.id, acme.id, True) not in kept()
    assert_exact()
    services.product_set_active(products=Product.objects.filter(pk=a.pk), active=True, actor=None)
    assert_exact()

    # Moved to another category, and its brand changed (admin saves).
    a.category = boots
    a.save()
    b.brand = zeta
    b.save(update_fields=["brand"])
    assert kept()[(boots.id, acme.id, True)] == 1
    assert kept()[(shoes.id, zeta.id, False)] == 1
    assert_exact()

    # Brand deleted: its products fall to "no brand" (SET NULL).
    zeta.delete()
    assert kept()[(shoes.id, 0, False)] == 2
    assert_exact()

    # Stock arrives for the sold-out product: its in-stock flag is refreshed by the service.
    StockFactory(variant=VariantFactory(product=c), quantity=3)
    services.product_availability_refresh(product_ids=[c.pk])
    assert kept()[(shoes.id, 0, True)] == 1
    assert_exact()

    # A price change alone changes no count; a bulk update of many rows at once, a bulk
    # insert and a delete do.
    services.product_sales_counts_set(counts={a.pk: 5, b.pk: 7})
    Product.objects.filter(category=shoes).update(category=boots)
    Product.objects.bulk_create(
        [
            Product(merchant=a.merchant, category=shoes, brand=acme, name=f"Bulk {i}",
                    slug=f"bulk-{i}", in_stock=bool(i % 2))
            for i in range(5)
        ]
    )  # fmt: skip
    assert_exact()
    Product.objects.filter(pk=a.pk).delete()
    assert_exact()
    assert sum(kept().values()) == Product.objects.filter(is_active=True).count()


def test_without_the_triggers_the_counts_drift_and_the_check_command_finds_and_fixes_it(
    make_product,
):
    make_product()
    assert_exact()
    with connection.cursor() as cursor:
        for event in ("insert", "update", "delete"):
            on = " ON catalog_product" if on_postgres() else ""
            cursor.execute(f"DROP TRIGGER catalog_facet_counts_{event}{on}")
    make_product()
    Product.objects.update(in_stock=False)

    assert category_facet_count_drift() != []
    with pytest.raises(CommandError, match="differ"):
        call_command("catalog_facet_counts")
    call_command("catalog_facet_counts", "--fix")
    assert_exact()
    call_command("catalog_facet_counts")  # no difference left: no error


def test_listing_facets_and_total_from_the_kept_counts_equal_a_count_of_the_products(
    make_product,
):
    root = CategoryFactory()
    left, right = CategoryFactory(parent=root), CategoryFactory(parent=root)
    brands = [BrandFactory(name=f"B{i}") for i in range(3)]
    for i in range(14):
        product = make_product(
            category=(root, left, right)[i % 3],
            brand=brands[i % 3],
            stock=i % 2,
            prices=(Decimal(10 + i),),
        )
        if i % 4 == 0:
            Product.objects.filter(pk=product.pk).update(brand=None)
    tree = category_tree()
    node = tree.by_id[root.id]
    ids = tree.descendant_ids(node)
    for params in (
        ListingParams(),
        ListingParams(in_stock=True),
        ListingParams(brands=(brands[1].slug,)),
        ListingParams(brands=(brands[0].slug, brands[2].slug), in_stock=True),
        ListingParams(price_min=Decimal(12), price_max=Decimal(20)),
    ):
        listing = selectors.category_listing(tree=tree, category=node, params=params)
        products = Product.objects.filter(category_id__in=ids, is_active=True)
        if params.in_stock:
            products = products.filter(in_stock=True)
        if params.price_min is not None:
            products = products.filter(price__gte=params.price_min, price__lte=params.price_max)
        expected = dict(
            products.exclude(brand=None)
            .order_by()
            .values_list("brand__slug")
            .annotate(n=Count("*"))
            .values_list("brand__slug", "n")
        )
        if params.brands:
            products = products.filter(brand__slug__in=params.brands)

        assert {f.slug: f.count for f in listing.brands} == expected
        assert listing.page.paginator.count == products.count()


# --- Concurrency (PostgreSQL, real threads) -----------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_counts_stay_exact_under_concurrent_writes_to_the_same_combinations():
    shoes, boots = CategoryFactory(), CategoryFactory()
    acme, zeta = BrandFactory(), BrandFactory()
    products = [
        ProductFactory(category=(shoes, boots)[i % 2], brand=(acme, zeta)[i % 3 % 2])
        for i in range(24)
    ]
    ids = [p.pk for p in products]

    def write(i: int) -> None:
        # Each thread writes its own products (no product row is shared), one statement per
        # transaction as the services write, again and again: all of them move the same few
        # count rows from every side at once.
        mine = ids[i::6]
        for round_ in range(5):
            flip = bool((i + round_) % 2)
            Product.objects.filter(pk__in=mine).update(in_stock=flip)
            Product.objects.filter(pk__in=mine[:2]).update(category=(boots, shoes)[flip])
            Product.objects.filter(pk=mine[-1]).update(brand=(zeta, acme)[flip])
            services.product_set_active(
                products=Product.objects.filter(pk=mine[0]), active=flip, actor=None
            )

    results = run_together(6, write)

    assert results == [None] * 6
    assert_exact()
