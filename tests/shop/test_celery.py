"""The Celery machinery end to end: a real worker process, a real broker (SQLite file in the
embedded pass, Redis in the services pass) and the test database."""

from decimal import Decimal

import pytest
from django.conf import settings

from catalog.models import Product
from catalog.tasks import refresh_product_stats
from orders.models import Order, OrderLine, OrderStatus
from recommendations.tasks import refresh_sales_counts
from shop.celery import app
from tests.catalog.factories import ProductFactory, ReviewFactory
from tests.worker import wait_for


def test_the_stats_task_is_on_the_beat_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE

    for task in (refresh_product_stats, refresh_sales_counts):
        assert any(entry["task"] == task.name for entry in schedule.values())
        assert task.name in app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_ratings_and_best_seller_counts(live_worker):
    product = ProductFactory()
    ReviewFactory(product=product, rating=5)
    ReviewFactory(product=product, rating=2)
    order = Order.objects.create(email="a@example.com", status=OrderStatus.COMPLETED)
    OrderLine.objects.create(
        order=order,
        merchant=product.merchant,
        product=product,
        product_name="x",
        sku="x",
        unit_price=Decimal("10.00"),
        quantity=3,
        line_total=Decimal("30.00"),
    )
    assert Product.objects.get(pk=product.pk).rating_count == 0

    refresh_product_stats.delay()
    refresh_sales_counts.delay()

    def updated() -> bool:
        p = Product.objects.get(pk=product.pk)
        return p.rating_count == 2 and p.sales_count == 3

    wait_for(updated, live_worker)
    product.refresh_from_db()
    assert product.rating_avg == Decimal("3.50")
    assert product.sales_count == 3
    assert any("catalog.refresh_product_stats" in line for line in live_worker.lines)
