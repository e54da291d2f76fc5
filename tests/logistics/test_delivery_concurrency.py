"""On PostgreSQL with real threads: shoppers racing for the nearest warehouse's last units. Each
plan is made on the stock rows read under their locks, so the nearest warehouse gives exactly
what it has and the rest comes from the next one, never more than either holds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from logistics import services
from logistics.models import Allocation, Stock, StockMovement
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import (
    XIHU_HANGZHOU,
    StockFactory,
    warehouse_guangzhou,
    warehouse_pudong,
)
from tests.orders.test_concurrency import place_line, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_nearest_warehouse_gives_its_last_units_once_and_the_rest_ship_from_the_next():
    pudong, guangzhou = warehouse_pudong(), warehouse_guangzhou()
    variant = VariantFactory(price=Decimal("25.00"))
    near = StockFactory(variant=variant, warehouse=pudong, quantity=3)
    far = StockFactory(variant=variant, warehouse=guangzhou, quantity=10)
    lines = [place_line(variant) for _ in range(10)]

    def buy(i: int):
        with transaction.atomic():
            return services.stock_allocate(
                requests=[services.LineRequest(lines[i].pk, variant.pk, 1)],
                destination=XIHU_HANGZHOU,
            )

    results = run_together(len(lines), buy)

    assert not [r for r in results if isinstance(r, Exception)]
    near.refresh_from_db()
    far.refresh_from_db()
    assert (near.allocated, far.allocated) == (3, 7)
    assert Allocation.objects.count() == 10  # one warehouse for each one-unit order
    reasons = StockMovement.objects.values_list("stock_id", "reason")
    assert {reason.split(",")[0] for _, reason in reasons} == {"nearest warehouse with every item"}
    assert not Stock.objects.filter(allocated__gt=F("quantity")).exists()
