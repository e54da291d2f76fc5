"""Fulfilment: an order's lines leave in shipments, one per merchant and warehouse, and the
shipments move the order (all shipped: shipped; all delivered: delivered).

Orders calls down into logistics (logistics.services.shipments, its stock services) inside its
own transaction, taking the locks in the project's order: the order, its lines, the shipment,
then stock rows (docs/architecture.md, "The lock order"). Logistics tells orders that a shipment
moved through logistics.signals.shipment_status_changed (orders/receivers.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import regions
from accounts.permissions import merchant_acting_for
from logistics import locks as logistics_locks
from logistics import selectors as logistics_selectors
from logistics import services as logistics
from logistics.models import Carrier, Shipment, ShipmentStatus, Stock, Warehouse

from . import locks, transitions
from .errors import IllegalTransition, OrderError
from .events import order_event_record
from .models import Order, OrderLine
from .models import OrderEventType as T
from .models import OrderStatus as S
from .services import _move

if TYPE_CHECKING:
    from .services import Actor


def _destination(order: Order) -> logistics.Destination:
    district = regions.district(order.region_code) if order.region_code else None
    return logistics.Destination(
        region_code=order.region_code,
        latitude=getattr(district, "latitude", None),
        longitude=getattr(district, "longitude", None),
        window_start=order.delivery_window_start,
        window_end=order.delivery_window_end,
        promised_date=order.promised_date,
    )


def _require_shippable(order: Order) -> None:
    if order.status not in transitions.SHIPPABLE:
        raise IllegalTransition(
            _("This order is %(status)s and cannot be shipped.")
            % {"status": order.get_status_display()}
        )


def _create_for_lines(order: Order, lines: list[OrderLine], actor: Actor) -> list[Shipment]:
    """Shipments for what of `lines` is neither shipped nor being packed: one per merchant and
    warehouse, each line's units from where they are allocated (a line allocated in two
    warehouses is split). Units never allocated ship from the warehouse holding most of the
    variant."""
    line_ids = [line.pk for line in lines]
    packing = logistics_selectors.units_being_packed(line_ids=line_ids)
    allocations = defaultdict(list)
    for allocation in logistics_selectors.allocations_of_lines(line_ids=line_ids):
        allocations[allocation.order_line_id].append(allocation)
    stock_warehouse = dict(
        Stock.objects.filter(
            pk__in=[a.stock_id for group in allocations.values() for a in group]
        ).values_list("pk", "warehouse_id")
    ) if allocations else {}  # fmt: skip
    plans: dict[tuple[int, int], list[logistics.LinePlan]] = defaultdict(list)
    for line in lines:
        left = (
            line.quantity
            - line.quantity_shipped
            - sum(quantity for (line_id, _s), quantity in packing.items() if line_id == line.pk)
        )
        for allocation in allocations[line.pk]:
            if left <= 0:
                break
            free = allocation.quantity - packing.get((line.pk, allocation.stock_id), 0)
            take = min(left, free)
            if take > 0:
                warehouse_id = stock_warehouse[allocation.stock_id]
                plans[line.merchant_id, warehouse_id].append(
                    logistics.LinePlan(line.pk, allocation.stock_id, take)
                )
                left -= take
        if left > 0:
            warehouse = logistics_selectors.warehouse_to_ship_from(variant_id=line.variant_id)
            if warehouse is None:
                raise OrderError(_("There is no warehouse to ship from."))
            group = plans[line.merchant_id, warehouse.pk]
            same = next((plan for plan in group if plan.line_id == line.pk), None)
            if same is None:
                group.append(logistics.LinePlan(line.pk, None, left))
            else:  # one shipment line per order line: the unallocated units join the rest
                group[group.index(same)] = logistics.LinePlan(
                    line.pk, same.stock_id, same.quantity + left
                )
    warehouses = Warehouse.objects.in_bulk([warehouse_id for _m, warehouse_id in plans])
    destination = _destination(order)
    return [
        logistics.shipment_create(
            order_id=order.pk,
            merchant_id=merchant_id,
            warehouse=warehouses[warehouse_id],
            lines=line_plans,
            destination=destination,
            actor=actor,
        )
        for (merchant_id, warehouse_id), line_plans in sorted(plans.items())
    ]


def _lines_in_scope(order: Order, merchant_id: int | None) -> list[OrderLine]:
    return [
        line
        for line in locks.lock_lines(order)
        if line.cancelled_at is None
        and line.quantity_shipped < line.quantity
        and (merchant_id is None or line.merchant_id == merchant_id)
    ]


@transaction.atomic
def order_shipments_create(
    *, order: Order, actor: Actor, merchant_id: int | None = None
) -> list[Shipment]:
    """Start packing: shipments for the merchant's unshipped, uncancelled lines of a paid order
    (every merchant's for the operator) that no shipment holds yet, one per warehouse their
    stock is allocated in. A merchant's staff act for their merchant whatever `merchant_id`
    says. Nothing changes in stock (it stays allocated) nor in the order's status."""
    merchant_id = merchant_acting_for(actor) or merchant_id
    order = locks.lock_order(order.pk)
    _require_shippable(order)
    created = _create_for_lines(order, _lines_in_scope(order, merchant_id), actor)
    if not created:
        raise OrderError(_("Every item left to ship is already in a shipment."))
    return created


def _lock_shipment_of(shipment: Shipment, actor: Actor) -> tuple[Order, dict, Shipment]:
    """Lock the shipment's order, its lines and the shipment, in that order, and check that
    the actor may handle it (a merchant's staff: their merchant's shipments only)."""
    order = locks.lock_order(shipment.order_id)
    lines = {line.pk: line for line in locks.lock_lines(order)}
    shipment = logistics_locks.lock_shipment(shipment.pk)
    merchant_id = merchant_acting_for(actor)
    if merchant_id is not None and shipment.merchant_id != merchant_id:
        raise OrderError(_("This shipment is another merchant's."))
    return order, lines, shipment


def _dispatch(
    lines: dict[int, OrderLine],
    shipment: Shipment,
    actor: Actor,
    carrier: Carrier,
    tracking_number: str,
) -> list[OrderLine]:
    """Hand over one locked shipment and count its units shipped on the (locked) lines. (The
    checks after the hand-over undo it with the transaction.)"""
    logistics.shipment_dispatch(
        shipment=shipment, carrier=carrier, tracking_number=tracking_number, actor=actor
    )
    parts = list(shipment.lines.all())
    for part in parts:
        line = lines.get(part.order_line_id)
        if line is None or line.cancelled_at is not None:
            raise OrderError(
                _("An item of shipment %(number)s was cancelled: cancel the shipment instead.")
                % {"number": shipment.number}
            )
        if line.quantity_shipped + part.quantity > line.quantity:
            raise OrderError(
                _("Shipment %(number)s holds more of %(sku)s than is left to ship.")
                % {"number": shipment.number, "sku": line.sku}
            )
    shipped = []
    for part in parts:
        line = lines[part.order_line_id]
        line.quantity_shipped += part.quantity
        shipped.append(line)
    OrderLine.objects.bulk_update(shipped, ["quantity_shipped"])
    return shipped


def _record_shipped(
    order: Order, lines: dict[int, OrderLine], shipped: list[OrderLine], actor: Actor, params: dict
) -> Order:
    """The order after shipments left: shipped once every line has gone, partially shipped
    before; a SHIPPED event either way."""
    live = [line for line in lines.values() if line.cancelled_at is None]
    everything = all(line.quantity_shipped == line.quantity for line in live)
    skus = list(dict.fromkeys(line.sku for line in shipped))
    params = {"skus": skus, "partial": not everything, **params}
    new_status = S.SHIPPED if everything else S.PARTIALLY_SHIPPED
    if new_status != order.status:
        return _move(order, new_status, actor, "", type=T.SHIPPED, params=params)
    order_event_record(
        order=order, actor=actor, from_status=order.status, to_status=order.status,
        type=T.SHIPPED, params=params,
    )  # fmt: skip
    return order


@transaction.atomic
def order_shipment_dispatch(
    *, shipment: Shipment, actor: Actor, carrier: Carrier, tracking_number: str = ""
) -> Shipment:
    """Mark a packed shipment shipped with `carrier` and its tracking number: its units leave
    the warehouse stock, its lines count as shipped, and the order becomes shipped once every
    line has gone (partially shipped before), with a SHIPPED event naming the shipment,
    carrier and tracking number. The shopper's email follows the shipment's signal."""
    order, lines, shipment = _lock_shipment_of(shipment, actor)
    _require_shippable(order)
    shipped = _dispatch(lines, shipment, actor, carrier, tracking_number)
    params = {
        "shipment": shipment.number,
        "carrier": carrier.name,
        "tracking_number": shipment.tracking_number,
    }
    _record_shipped(order, lines, shipped, actor, params)
    return shipment


@transaction.atomic
def order_shipment_cancel(*, shipment: Shipment, actor: Actor, note: str = "") -> Shipment:
    """Withdraw a shipment still being packed; its lines wait for another shipment."""
    _order, _lines, shipment = _lock_shipment_of(shipment, actor)
    return logistics.shipment_cancel(shipment=shipment, actor=actor, note=note)


@transaction.atomic
def order_shipment_warehouse_change(
    *, shipment: Shipment, actor: Actor, warehouse: Warehouse, reason: str = ""
) -> Shipment:
    """Pack a shipment in another warehouse: its allocated units move there through the stock
    services (refused, with the shortage named, when that warehouse lacks them)."""
    _order, _lines, shipment = _lock_shipment_of(shipment, actor)
    return logistics.shipment_warehouse_change(
        shipment=shipment, warehouse=warehouse, actor=actor, reason=reason
    )


def packing_shipments_withdraw(*, order: Order, line_ids: list[int], actor: Actor) -> int:
    """Cancel the order's shipments still being packed that hold any of these lines, because
    the lines are being cancelled or refunded. Runs in the caller's transaction, which holds
    the order's and its lines' locks; returns how many it cancelled."""
    wanted = set(line_ids)
    packing = [
        shipment.pk
        for shipment in logistics_selectors.shipments_of_order(order_id=order.pk)
        if shipment.status == ShipmentStatus.PACKING
    ]
    if not packing:
        return 0
    held = logistics_selectors.shipments_holding_lines(shipment_ids=packing, line_ids=wanted)
    for shipment in logistics_locks.lock_shipments(held):
        logistics.shipment_cancel(
            shipment=shipment, actor=actor, note="its items were cancelled or refunded"
        )
    return len(held)


@transaction.atomic
def order_ship_everything(
    *, order: Order, actor: Actor, merchant_id: int | None = None, carrier: Carrier | None = None
) -> Order:
    """Ship in one go what is left of the merchant's lines (every merchant's for the
    operator): shipments for what no shipment holds yet, then every one of them being packed
    handed to `carrier` (the simulated carrier when none is given: carrier_for_handover), with
    one SHIPPED event for them all."""
    merchant_id = merchant_acting_for(actor) or merchant_id
    order = locks.lock_order(order.pk)
    _require_shippable(order)
    lines = {line.pk: line for line in locks.lock_lines(order)}
    in_scope = [
        line
        for line in lines.values()
        if line.cancelled_at is None
        and line.quantity_shipped < line.quantity
        and (merchant_id is None or line.merchant_id == merchant_id)
    ]
    _create_for_lines(order, in_scope, actor)
    packing = [
        shipment.pk
        for shipment in logistics_selectors.shipments_of_order(order_id=order.pk)
        if shipment.status == ShipmentStatus.PACKING
        and (merchant_id is None or shipment.merchant_id == merchant_id)
    ]
    if not packing:
        raise OrderError(_("There is nothing left to ship in this order."))
    carrier = carrier or logistics.carrier_for_handover()
    shipped, numbers, tracking = [], [], []
    for shipment in logistics_locks.lock_shipments(packing):
        shipped += _dispatch(lines, shipment, actor, carrier, "")
        numbers.append(shipment.number)
        tracking.append(shipment.tracking_number)
    params = {"shipments": numbers, "carrier": carrier.name, "tracking_numbers": tracking}
    return _record_shipped(order, lines, shipped, actor, params)


@transaction.atomic
def order_deliver_if_all_delivered(*, order_id: int) -> Order | None:
    """After a shipment was delivered: the order becomes delivered (a DELIVERED event, no
    actor) when nothing is left to ship and every shipment that was not cancelled has been
    delivered. Returns the order if it moved. Safe to call again: it re-reads under the
    order's lock."""
    order = locks.lock_order(order_id)
    if order.status != S.SHIPPED:
        return None
    lines = [line for line in locks.lock_lines(order) if line.cancelled_at is None]
    if any(line.quantity_shipped < line.quantity for line in lines):
        return None
    shipments = [
        s
        for s in logistics_selectors.shipments_of_order(order_id=order.pk)
        if s.status != ShipmentStatus.CANCELLED
    ]
    if not shipments or any(s.status != ShipmentStatus.DELIVERED for s in shipments):
        return None
    return _move(
        order, S.DELIVERED, None, "", type=T.DELIVERED,
        params={"shipments": [s.number for s in shipments]},
    )  # fmt: skip
