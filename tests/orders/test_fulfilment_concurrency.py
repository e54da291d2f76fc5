"""Shipments under concurrency, on PostgreSQL with real threads: a shipment is handed over once
whoever clicks at the same time, packing twice at once makes one set of shipments, shipments and
checkouts sharing stock rows never deadlock, and an order whose two parcels arrive at the same
moment becomes delivered exactly once."""

from __future__ import annotations

import pytest
from django.db import transaction

from common.errors import DomainError
from logistics import locks as logistics_locks
from logistics import services as logistics
from logistics.models import Shipment, ShipmentEventType, ShipmentStatus, Stock
from orders import fulfilment
from orders.models import OrderEventType
from orders.models import OrderStatus as S
from tests.accounts.factories import MerchantFactory, StaffFactory
from tests.logistics.factories import WarehouseFactory
from tests.orders.factories import carrier, paid_order, variant_in_warehouses
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merchant():
    return MerchantFactory()


def test_two_people_marking_one_shipment_shipped_hand_it_over_once(merchant):
    variant = variant_in_warehouses(merchant=merchant, north=10)
    order = paid_order((variant, 3))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    staff = [StaffFactory(merchant=merchant) for _ in range(2)]
    sf = carrier()

    results = run_together(
        2,
        lambda i: fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=staff[i], carrier=sf, tracking_number=f"SF{i}"
        ),
    )

    assert sum(isinstance(r, Shipment) for r in results) == 1
    [refused] = [r for r in results if not isinstance(r, Shipment)]
    assert isinstance(refused, DomainError)  # refused under the locks, with a message
    row = Stock.objects.get(variant=variant)
    assert (row.quantity, row.allocated) == (7, 0)
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert order.lines.get().quantity_shipped == 3
    assert order.events.filter(type=OrderEventType.SHIPPED).count() == 1


def test_packing_twice_at_once_makes_one_set_of_shipments(merchant):
    order = paid_order(
        (variant_in_warehouses(merchant=merchant, north=10), 2),
        (variant_in_warehouses(merchant=merchant, south=10), 1),
    )

    results = run_together(2, lambda i: fulfilment.order_shipments_create(order=order, actor=None))

    assert sorted(type(r).__name__ for r in results) == ["OrderError", "list"]
    assert Shipment.objects.filter(order=order).count() == 2


def test_dispatches_and_warehouse_moves_over_shared_stock_do_not_deadlock(merchant):
    # Every order holds both variants, allocated in north; half the threads ship an order, the
    # other half move another order's shipment to south: all lock the same stock rows.
    first = variant_in_warehouses(merchant=merchant, sku="FIRST", north=40, south=40)
    second = variant_in_warehouses(merchant=merchant, sku="SECOND", north=40, south=40)
    Stock.objects.filter(warehouse__code="south").update(quantity=20)
    orders = [paid_order((first, 1), (second, 1)) for _ in range(8)]
    shipments = [fulfilment.order_shipments_create(order=o, actor=None)[0] for o in orders]
    south = WarehouseFactory(code="south")
    vans = carrier(code="vans", name="Vans", is_local=True)

    def work(i: int):
        if i % 2:
            return fulfilment.order_shipment_warehouse_change(
                shipment=shipments[i], actor=None, warehouse=south
            )
        return fulfilment.order_shipment_dispatch(shipment=shipments[i], actor=None, carrier=vans)

    results = run_together(8, work)

    assert all(isinstance(r, Shipment) for r in results), results
    for variant in (first, second):
        north_row = Stock.objects.get(variant=variant, warehouse__code="north")
        south_row = Stock.objects.get(variant=variant, warehouse__code="south")
        assert (north_row.quantity, north_row.allocated) == (36, 0)  # 4 shipped, 4 moved away
        assert (south_row.quantity, south_row.allocated) == (20, 4)


def test_two_parcels_arriving_at_once_deliver_the_order_once(merchant):
    order = paid_order(
        (variant_in_warehouses(merchant=merchant, north=10), 1),
        (variant_in_warehouses(merchant=merchant, south=10), 1),
    )
    shipments = fulfilment.order_shipments_create(order=order, actor=None)
    for number, shipment in enumerate(shipments):
        fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=None, carrier=carrier(), tracking_number=f"SF{number}"
        )

    def arrive(i: int) -> None:
        # As the carrier webhook does: the one shipment alone, then orders' receiver after commit.
        with transaction.atomic():
            locked = logistics_locks.lock_shipment(shipments[i].pk)
            logistics.shipment_status_move(
                shipment=locked,
                to_status=ShipmentStatus.DELIVERED,
                type=ShipmentEventType.DELIVERED,
            )

    results = run_together(2, arrive)

    assert results == [None, None]
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert order.events.filter(type=OrderEventType.DELIVERED).count() == 1


def test_one_tracking_number_given_to_two_parcels_at_once_is_taken_by_one(merchant):
    variant = variant_in_warehouses(merchant=merchant, north=10)
    orders = [paid_order((variant, 1)) for _ in range(2)]
    shipments = [fulfilment.order_shipments_create(order=o, actor=None)[0] for o in orders]
    sf = carrier()

    results = run_together(
        2,
        lambda i: fulfilment.order_shipment_dispatch(
            shipment=shipments[i], actor=None, carrier=sf, tracking_number="SF-SAME"
        ),
    )

    assert sum(isinstance(r, Shipment) for r in results) == 1
    [refused] = [r for r in results if not isinstance(r, Shipment)]
    assert isinstance(refused, logistics.ShipmentError), refused
    assert "already on another shipment" in str(refused)
    assert Stock.objects.get(variant=variant).quantity == 9
