"""Units sold are counted from paid order lines by the recommender and stored on the products
through a catalog service (the catalog does not read orders)."""

from decimal import Decimal

import pytest

from catalog.services import product_sales_counts_set
from orders.models import Order, OrderLine, OrderStatus
from recommendations.services.sales import product_sales_counts_refresh
from recommendations.tasks import refresh_sales_counts
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def sell(product, quantity, status):
    order = Order.objects.create(email="s@example.com", status=status)
    OrderLine.objects.create(
        order=order,
        merchant=product.merchant,
        product=product,
        product_name=product.name,
        sku="X",
        unit_price=Decimal("1.00"),
        quantity=quantity,
        line_total=Decimal(quantity),
    )


def test_units_of_paid_orders_count_but_not_cancelled_or_unpaid():
    product = ProductFactory()
    sell(product, 2, OrderStatus.COMPLETED)
    sell(product, 1, OrderStatus.PAID)
    sell(product, 5, OrderStatus.CANCELLED)
    sell(product, 7, OrderStatus.PENDING_PAYMENT)

    assert product_sales_counts_refresh() == 1

    product.refresh_from_db()
    assert product.sales_count == 3


def test_the_refresh_is_idempotent_and_resets_products_without_sales():
    sold, forgotten = ProductFactory(), ProductFactory(sales_count=4)
    sell(sold, 2, OrderStatus.PAID)

    assert product_sales_counts_refresh() == 2
    assert product_sales_counts_refresh() == 0

    sold.refresh_from_db()
    forgotten.refresh_from_db()
    assert (sold.sales_count, forgotten.sales_count) == (2, 0)


def test_a_refresh_of_some_products_leaves_the_others_alone():
    asked, other = ProductFactory(sales_count=9), ProductFactory(sales_count=9)

    refresh_sales_counts(product_ids=[asked.pk])

    asked.refresh_from_db()
    other.refresh_from_db()
    assert (asked.sales_count, other.sales_count) == (0, 9)


def test_setting_counts_writes_only_the_changed_products(django_assert_max_num_queries):
    same, changed = ProductFactory(sales_count=5), ProductFactory(sales_count=1)

    with django_assert_max_num_queries(4):  # a savepoint, one read, one UPDATE
        assert product_sales_counts_set(counts={same.pk: 5, changed.pk: 6}) == 1

    changed.refresh_from_db()
    assert changed.sales_count == 6
