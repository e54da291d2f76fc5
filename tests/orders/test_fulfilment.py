"""Fulfilment: shipments made from an order's lines (one per merchant and warehouse), handed to a
carrier (stock leaves, the order moves), moved between warehouses through the stock services,
cancelled; delivered shipments make the order delivered; the shopper hears of each parcel
once."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from accounts import regions
from logistics import locks as logistics_locks
from logistics import services as logistics
from logistics.models import (
    Allocation,
    Shipment,
    ShipmentEventType,
    ShipmentStatus,
    Stock,
    StockMovement,
    StockMovementKind,
)
from orders import fulfilment, tasks
from orders.errors import OrderError
from orders.models import Order, OrderEventType, ShipmentNotice
from orders.models import OrderStatus as S
from tests.accounts.factories import MerchantFactory, StaffFactory
from tests.logistics.factories import WarehouseFactory
from tests.orders.factories import carrier, paid_order, variant_in_warehouses

pytestmark = pytest.mark.django_db


def stock_at(variant, code: str) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant, warehouse__code=code)
    return row.quantity, row.allocated


def by_warehouse(shipments) -> dict[str, dict[str, int]]:
    return {
        s.warehouse.code: {part.order_line.sku: part.quantity for part in s.lines.all()}
        for s in shipments
    }


def deliver(shipment: Shipment, *, callbacks) -> None:
    """What the carrier's webhook does: the shipment arrives (through the one status writer)."""
    with callbacks(execute=True), transaction.atomic():
        locked = logistics_locks.lock_shipment(shipment.pk)
        logistics.shipment_status_move(
            shipment=locked, to_status=ShipmentStatus.DELIVERED, type=ShipmentEventType.DELIVERED
        )


@pytest.fixture
def merchant():
    return MerchantFactory()


@pytest.fixture
def staff(merchant):
    return StaffFactory(merchant=merchant)


# --- Creating shipments ------------------------------------------------------------------------


def test_lines_allocated_in_two_warehouses_make_one_shipment_per_warehouse(merchant, staff):
    # 3 + 3 on hand: the 5 ordered are allocated 3 in north (lower pk) and 2 in south.
    split = variant_in_warehouses(merchant=merchant, sku="SPLIT", north=3, south=3)
    only_north = variant_in_warehouses(merchant=merchant, sku="NORTH", north=4)
    order = paid_order((split, 5), (only_north, 1))

    shipments = fulfilment.order_shipments_create(order=order, actor=staff)

    assert by_warehouse(shipments) == {
        "north": {"SPLIT": 3, "NORTH": 1},
        "south": {"SPLIT": 2},
    }
    for shipment in shipments:
        assert shipment.status == ShipmentStatus.PACKING
        assert re.fullmatch(r"SP\d{6}-[0-9A-Z]{6}", shipment.number)
        assert shipment.merchant == merchant
        [event] = shipment.events.all()
        assert (event.type, event.to_status, event.actor) == (
            ShipmentEventType.CREATED,
            ShipmentStatus.PACKING,
            staff,
        )
    # Packing changes no stock: it stays allocated until the parcel leaves.
    assert stock_at(split, "north") == (3, 3) and stock_at(split, "south") == (3, 2)
    order.refresh_from_db()
    assert order.status == S.PAID


def test_a_shipment_copies_the_orders_destination_window_and_promise(merchant):
    variant = variant_in_warehouses(merchant=merchant, north=5)
    order = paid_order((variant, 1))
    code = regions.resolve("浙江省", "杭州市", "西湖区").code
    Order.objects.filter(pk=order.pk).update(region_code=code, promised_date="2026-12-10")

    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)

    district = regions.district(code)
    assert shipment.region_code == code
    assert (shipment.destination_latitude, shipment.destination_longitude) == (
        district.latitude,
        district.longitude,
    )
    assert str(shipment.promised_date) == "2026-12-10"


def test_creating_again_finds_nothing_new_to_pack(merchant, staff):
    order = paid_order((variant_in_warehouses(merchant=merchant, north=5), 2))
    fulfilment.order_shipments_create(order=order, actor=staff)

    with pytest.raises(OrderError, match="already in a shipment"):
        fulfilment.order_shipments_create(order=order, actor=staff)


def test_a_merchants_staff_pack_only_their_own_lines(merchant, staff):
    mine = variant_in_warehouses(merchant=merchant, sku="MINE", north=5)
    theirs = variant_in_warehouses(merchant=MerchantFactory(), sku="THEIRS", north=5)
    order = paid_order((mine, 1), (theirs, 1))

    shipments = fulfilment.order_shipments_create(
        order=order, actor=staff, merchant_id=theirs.product.merchant_id
    )

    assert by_warehouse(shipments) == {"north": {"MINE": 1}}


def test_an_unpaid_order_cannot_be_packed(merchant):
    from tests.orders.factories import place_order

    order = place_order((variant_in_warehouses(merchant=merchant, north=5), 1))

    with pytest.raises(OrderError, match="cannot be shipped"):
        fulfilment.order_shipments_create(order=order, actor=None)
    assert not Shipment.objects.exists()


# --- Dispatching -------------------------------------------------------------------------------


def test_dispatch_deducts_exactly_the_shipments_units_and_moves_the_order_step_by_step(
    merchant, staff
):
    split = variant_in_warehouses(merchant=merchant, sku="SPLIT", north=3, south=3)
    order = paid_order((split, 5))
    north, south = sorted(
        fulfilment.order_shipments_create(order=order, actor=staff), key=lambda s: s.warehouse.code
    )
    sf = carrier()

    fulfilment.order_shipment_dispatch(
        shipment=north, actor=staff, carrier=sf, tracking_number="SF1234567890"
    )

    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    assert stock_at(split, "north") == (0, 0)
    assert stock_at(split, "south") == (3, 2)  # untouched
    assert order.lines.get().quantity_shipped == 3
    north.refresh_from_db()
    assert (north.status, north.carrier, north.tracking_number) == (
        ShipmentStatus.SHIPPED,
        sf,
        "SF1234567890",
    )
    assert north.shipped_at is not None
    event = order.events.latest("id")
    assert (event.type, event.actor, event.to_status) == (
        OrderEventType.SHIPPED,
        staff,
        S.PARTIALLY_SHIPPED,
    )
    assert event.params == {
        "skus": ["SPLIT"],
        "partial": True,
        "shipment": north.number,
        "carrier": "SF Express",
        "tracking_number": "SF1234567890",
    }

    fulfilment.order_shipment_dispatch(
        shipment=south, actor=staff, carrier=sf, tracking_number="SF1234567891"
    )

    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert stock_at(split, "south") == (1, 0)
    assert order.lines.get().quantity_shipped == 5
    assert not Allocation.objects.filter(order_line__order=order).exists()
    shipped = StockMovement.objects.filter(kind=StockMovementKind.SHIPPED, actor=staff)
    assert sorted(shipped.values_list("quantity_delta", flat=True)) == [-3, -2]


def test_a_carrier_with_its_own_numbers_needs_the_tracking_number(merchant):
    order = paid_order((variant_in_warehouses(merchant=merchant, north=5), 1))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)

    with pytest.raises(logistics.ShipmentError, match="needs the tracking number"):
        fulfilment.order_shipment_dispatch(shipment=shipment, actor=None, carrier=carrier())

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PACKING
    assert Stock.objects.get().allocated == 1


def test_the_shops_own_vans_make_up_a_tracking_number(merchant):
    order = paid_order((variant_in_warehouses(merchant=merchant, north=5), 1))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    vans = carrier(code="city-vans", name="City vans", is_local=True)

    fulfilment.order_shipment_dispatch(shipment=shipment, actor=None, carrier=vans)

    shipment.refresh_from_db()
    assert re.fullmatch(r"CITY\d{12}", shipment.tracking_number)


def test_a_tracking_number_already_used_with_that_carrier_is_refused(merchant):
    variant = variant_in_warehouses(merchant=merchant, north=5)
    first = paid_order((variant, 1))
    second = paid_order((variant, 1))
    [one] = fulfilment.order_shipments_create(order=first, actor=None)
    [two] = fulfilment.order_shipments_create(order=second, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=one, actor=None, carrier=carrier(), tracking_number="SF1"
    )

    with pytest.raises(logistics.ShipmentError, match="already on another shipment"):
        fulfilment.order_shipment_dispatch(
            shipment=two, actor=None, carrier=carrier(), tracking_number="SF1"
        )
    second.refresh_from_db()
    assert second.status == S.PAID


def test_another_merchants_staff_cannot_ship_it(merchant):
    order = paid_order((variant_in_warehouses(merchant=merchant, north=5), 1))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    stranger = StaffFactory(merchant=MerchantFactory())

    with pytest.raises(OrderError, match="another merchant"):
        fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=stranger, carrier=carrier(), tracking_number="SF9"
        )
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PACKING


def test_a_shipped_shipment_cannot_be_shipped_again(merchant):
    order = paid_order(
        (variant_in_warehouses(merchant=merchant, north=5), 1),
        (variant_in_warehouses(merchant=merchant, south=5), 1),
    )
    shipment, _other = fulfilment.order_shipments_create(order=order, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF1"
    )

    with pytest.raises(logistics.ShipmentError, match="only a shipment being packed"):
        fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF2"
        )


# --- Cancelling and moving ---------------------------------------------------------------------


def test_a_cancelled_shipments_lines_can_be_packed_again(merchant, staff):
    variant = variant_in_warehouses(merchant=merchant, north=5)
    order = paid_order((variant, 2))
    [first] = fulfilment.order_shipments_create(order=order, actor=staff)

    fulfilment.order_shipment_cancel(shipment=first, actor=staff, note="wrong box")

    first.refresh_from_db()
    assert first.status == ShipmentStatus.CANCELLED
    assert first.events.latest("id").note == "wrong box"
    assert stock_at(variant, "north") == (5, 2)  # still promised to the order
    [again] = fulfilment.order_shipments_create(order=order, actor=staff)
    assert by_warehouse([again]) == {"north": {variant.sku: 2}}


def test_moving_a_shipment_moves_its_allocation_through_the_stock_service(merchant, staff):
    variant = variant_in_warehouses(merchant=merchant, north=5, south=4)
    order = paid_order((variant, 3))  # allocated in north, which has the most
    [shipment] = fulfilment.order_shipments_create(order=order, actor=staff)
    south = WarehouseFactory(code="south")

    fulfilment.order_shipment_warehouse_change(
        shipment=shipment, actor=staff, warehouse=south, reason="north is snowed in"
    )

    shipment.refresh_from_db()
    assert shipment.warehouse == south
    assert stock_at(variant, "north") == (5, 0)
    assert stock_at(variant, "south") == (4, 3)
    [allocation] = Allocation.objects.filter(order_line__order=order)
    assert (allocation.stock.warehouse.code, allocation.quantity) == ("south", 3)
    assert shipment.lines.get().stock == allocation.stock
    moves = StockMovement.objects.filter(reason="north is snowed in").order_by("id")
    assert [(m.warehouse.code, m.kind, m.allocated_delta) for m in moves] == [
        ("north", StockMovementKind.RELEASED, -3),
        ("south", StockMovementKind.ALLOCATED, 3),
    ]
    assert shipment.events.latest("id").type == ShipmentEventType.WAREHOUSE_CHANGED

    # And it leaves from there.
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=staff, carrier=carrier(), tracking_number="SF77"
    )
    assert stock_at(variant, "south") == (1, 0)


def test_a_warehouse_short_of_units_is_refused_and_nothing_moves(merchant, staff):
    plenty = variant_in_warehouses(merchant=merchant, sku="PLENTY", north=5, south=5)
    scarce = variant_in_warehouses(merchant=merchant, sku="SCARCE", north=5, south=1)
    order = paid_order((plenty, 2), (scarce, 2))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=staff)

    with pytest.raises(logistics.StockError, match="has only 1 of SCARCE available, 2 needed"):
        fulfilment.order_shipment_warehouse_change(
            shipment=shipment, actor=staff, warehouse=WarehouseFactory(code="south")
        )

    shipment.refresh_from_db()
    assert shipment.warehouse.code == "north"
    assert stock_at(plenty, "south") == (5, 0) and stock_at(plenty, "north") == (5, 2)
    assert not StockMovement.objects.filter(kind=StockMovementKind.RELEASED).exists()


# --- Delivered ---------------------------------------------------------------------------------


def test_the_order_is_delivered_when_its_last_shipment_is(
    merchant, django_capture_on_commit_callbacks
):
    order = paid_order(
        (variant_in_warehouses(merchant=merchant, north=5), 1),
        (variant_in_warehouses(merchant=merchant, south=5), 1),
    )
    first, second = fulfilment.order_shipments_create(order=order, actor=None)
    for number, shipment in enumerate((first, second)):
        fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=None, carrier=carrier(), tracking_number=f"SF{number}"
        )

    deliver(first, callbacks=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == S.SHIPPED

    deliver(second, callbacks=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    event = order.events.latest("id")
    assert (event.type, event.actor, event.from_status) == (
        OrderEventType.DELIVERED,
        None,
        S.SHIPPED,
    )
    assert sorted(event.params["shipments"]) == sorted([first.number, second.number])


def test_a_delivered_parcel_does_not_deliver_an_order_with_items_left_to_ship(
    merchant, django_capture_on_commit_callbacks
):
    order = paid_order(
        (variant_in_warehouses(merchant=merchant, north=5), 1),
        (variant_in_warehouses(merchant=merchant, south=5), 1),
    )
    first, _second = fulfilment.order_shipments_create(order=order, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=first, actor=None, carrier=carrier(), tracking_number="SF1"
    )

    deliver(first, callbacks=django_capture_on_commit_callbacks)

    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED


# --- Emails ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "on_its_way", "delivered"),
    [("en", "is on its way", "has been delivered"), ("zh-hans", "已发出", "已送达")],
)
def test_the_shopper_hears_once_that_the_parcel_left_and_once_that_it_arrived(
    merchant, django_capture_on_commit_callbacks, language, on_its_way, delivered
):
    order = paid_order((variant_in_warehouses(merchant=merchant, north=5), 1), language=language)
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.order_shipment_dispatch(
            shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF42"
        )
    tasks.send_shipment_email(shipment.pk, "shipped")  # a duplicate delivery of the task

    [email] = mail.outbox
    assert on_its_way in email.subject
    assert order.number in email.subject
    assert "SF42" in email.body and "https://track.example/SF42" in email.body
    assert shipment.number in email.body
    assert order.lines.get().sku in email.body
    # The link leads to the parcel's tracking page (a guest's, with the order's secret)
    tracking = f"/orders/guest/{order.number}/{order.guest_token}/tracking/"
    assert tracking in email.body
    assert settings.SHOP_BASE_URL.rstrip("/") in email.body

    deliver(shipment, callbacks=django_capture_on_commit_callbacks)
    tasks.send_shipment_email(shipment.pk, "delivered")

    assert len(mail.outbox) == 2
    assert delivered in mail.outbox[1].subject
    assert ShipmentNotice.objects.filter(shipment=shipment).count() == 2


def test_order_ship_in_one_go_still_ships_everything_through_shipments(merchant):
    from orders import services

    variant = variant_in_warehouses(merchant=merchant, north=3, south=3)
    order = paid_order((variant, 5))

    order = services.order_ship(order=order, actor=None)

    assert order.status == S.SHIPPED
    assert set(order.shipments.values_list("status", flat=True)) == {ShipmentStatus.SHIPPED}
    assert order.shipments.count() == 2
    assert stock_at(variant, "north") == (0, 0) and stock_at(variant, "south") == (1, 0)
    assert order.events.filter(type=OrderEventType.SHIPPED).count() == 1


def test_cancelling_the_order_withdraws_its_shipments_being_packed(merchant, staff):
    from orders import services

    variant = variant_in_warehouses(merchant=merchant, north=5)
    order = paid_order((variant, 2))
    [shipment] = fulfilment.order_shipments_create(order=order, actor=staff)

    services.order_cancel(order=order, actor=None, reason="changed my mind")

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED
    assert stock_at(variant, "north") == (5, 0)


def test_a_merchant_cancelling_its_lines_withdraws_only_their_shipment(merchant, staff):
    from orders import services

    mine = variant_in_warehouses(merchant=merchant, sku="MINE", north=5)
    theirs = variant_in_warehouses(merchant=MerchantFactory(), sku="THEIRS", south=5)
    order = paid_order((mine, 1), (theirs, 1))
    shipments = {
        s.merchant_id: s for s in fulfilment.order_shipments_create(order=order, actor=None)
    }

    services.order_lines_cancel(order=order, actor=staff, merchant_id=None, reason="out of stock")

    statuses = {
        merchant_id: Shipment.objects.get(pk=s.pk).status for merchant_id, s in shipments.items()
    }
    assert statuses == {
        merchant.pk: ShipmentStatus.CANCELLED,
        theirs.product.merchant_id: ShipmentStatus.PACKING,
    }


def test_units_never_allocated_join_the_lines_shipment_from_the_fullest_warehouse(merchant):
    variant = variant_in_warehouses(merchant=merchant, north=9, south=2)
    order = paid_order((variant, 3))  # all 3 allocated in north
    line = order.lines.get()
    Allocation.objects.filter(order_line=line).update(quantity=2)  # as an order from before
    Stock.objects.filter(variant=variant, warehouse__code="north").update(allocated=2)

    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF5"
    )

    assert by_warehouse([shipment]) == {"north": {variant.sku: 3}}
    assert stock_at(variant, "north") == (7, 0)  # only the allocated units are deducted
    line.refresh_from_db()
    assert line.quantity_shipped == 3
