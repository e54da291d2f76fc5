"""The shipment and stock services orders drives fulfilment with: numbers, what a shipment
holds, and units leaving exactly as far as they were allocated."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import transaction

from logistics import services
from logistics.models import Allocation, StockMovement, StockMovementKind
from tests.logistics.factories import StockFactory
from tests.orders.factories import paid_order, variant_in_warehouses

pytestmark = pytest.mark.django_db


def test_a_shipment_number_carries_the_day_and_six_readable_random_characters():
    numbers = {services.new_shipment_number(date(2026, 12, 3)) for _ in range(200)}

    assert len(numbers) == 200
    assert all(re.fullmatch(r"SP261203-[0-9A-HJKMNP-TV-Z]{6}", n) for n in numbers)


def test_a_shipment_without_items_is_refused():
    order = paid_order((variant_in_warehouses(north=5), 1))
    line = order.lines.get()

    with pytest.raises(services.ShipmentError, match="at least one item"), transaction.atomic():
        services.shipment_create(
            order_id=order.pk, merchant_id=line.merchant_id,
            warehouse=line.allocations.get().stock.warehouse,
            lines=[services.LinePlan(line.pk, None, 0)], destination=services.Destination(),
        )  # fmt: skip


def test_shipping_part_of_an_allocation_leaves_the_rest_allocated():
    variant = variant_in_warehouses(north=10)
    order = paid_order((variant, 3))
    line = order.lines.get()
    allocation = line.allocations.get()

    with transaction.atomic():
        deducted = services.stock_ship_units(
            units=[services.ShippedUnits(line.pk, allocation.stock_id, 2)], actor=None
        )

    assert deducted == 2
    allocation.refresh_from_db()
    assert allocation.quantity == 1
    allocation.stock.refresh_from_db()
    assert (allocation.stock.quantity, allocation.stock.allocated) == (8, 1)
    movement = StockMovement.objects.get(kind=StockMovementKind.SHIPPED)
    assert (movement.quantity_delta, movement.allocated_delta, movement.reference) == (
        -2,
        -2,
        f"order-line:{line.pk}",
    )


def test_units_never_allocated_there_change_no_stock():
    variant = variant_in_warehouses(north=10)
    order = paid_order((variant, 3))
    line = order.lines.get()
    elsewhere = StockFactory(variant=variant, quantity=4)

    with transaction.atomic():
        deducted = services.stock_ship_units(
            units=[services.ShippedUnits(line.pk, elsewhere.pk, 3)], actor=None
        )

    assert deducted == 0
    elsewhere.refresh_from_db()
    assert (elsewhere.quantity, elsewhere.allocated) == (4, 0)
    assert Allocation.objects.get(order_line=line).quantity == 3
