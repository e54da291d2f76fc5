"""Low-stock alerts under concurrency, on PostgreSQL with real threads: stock falling through its
threshold in many transactions at once, and one alert delivered many times at once, each email
exactly once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from logistics import services, tasks
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory
from tests.orders.test_concurrency import place_line, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row():
    staff = StaffFactory()
    variant = VariantFactory(product=ProductFactory(merchant=staff.merchant))
    return StockFactory(variant=variant, quantity=10, low_stock_threshold=5)


def test_many_allocations_falling_through_the_threshold_send_one_email(row):
    lines = [place_line(row.variant) for _ in range(8)]

    def allocate(i: int) -> None:
        with transaction.atomic():
            line = lines[i]
            services.stock_allocate(
                requests=[services.LineRequest(line.pk, line.variant_id, line.quantity)]
            )

    results = run_together(len(lines), allocate)

    assert results == [None] * len(lines)
    row.refresh_from_db()
    assert row.available == 2
    assert len(mail.outbox) == 1


def test_one_alert_delivered_many_times_at_once_sends_one_email(row):
    with transaction.atomic():
        services.stock_adjust(stock=row, quantity=4, actor=None, reason="count")
    assert len(mail.outbox) == 1
    # The crossing again, as if the worker had not yet marked it sent: its claim is given back
    row.refresh_from_db()
    services.low_stock_alert_release(stock_id=row.pk, since=row.low_stock_since)

    results = run_together(6, lambda i: tasks.send_low_stock_alert(row.pk))

    assert sorted(results) == [0, 0, 0, 0, 0, 1]
    assert len(mail.outbox) == 2
