"""Reads of logistics: the delivery options offered, and what stock order lines hold. No side
effects, no locks."""

from __future__ import annotations

from collections.abc import Iterable

from .models import (
    Allocation,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShippingMethod,
    Stock,
    Warehouse,
)


def shipping_method_active(*, pk: int) -> ShippingMethod | None:
    """The delivery option if it is still offered."""
    return ShippingMethod.objects.filter(pk=pk, is_active=True).first()


def allocations_of_lines(*, line_ids: Iterable[int]) -> list[Allocation]:
    """The stock the given order lines hold (their allocations), by pk."""
    return list(Allocation.objects.filter(order_line_id__in=list(line_ids)).order_by("pk"))


def variant_availability(variant_ids: list[int]) -> dict[int, int]:
    """Units available now (on hand minus allocated, all warehouses), without locking."""
    totals: dict[int, int] = {}
    for row in Stock.objects.filter(variant_id__in=variant_ids):
        totals[row.variant_id] = totals.get(row.variant_id, 0) + row.available
    return totals


# --- Shipments ---------------------------------------------------------------------------------


def shipments_of_order(*, order_id: int) -> list[Shipment]:
    """An order's shipments, oldest first, with their warehouse and carrier."""
    return list(
        Shipment.objects.filter(order_id=order_id)
        .select_related("warehouse", "carrier")
        .order_by("created_at", "pk")
    )


def units_being_packed(*, line_ids: Iterable[int]) -> dict[tuple[int, int | None], int]:
    """Units of these order lines in shipments still being packed, by (line id, stock id)."""
    packed: dict[tuple[int, int | None], int] = {}
    rows = ShipmentLine.objects.filter(
        order_line_id__in=list(line_ids), shipment__status=ShipmentStatus.PACKING
    ).values_list("order_line_id", "stock_id", "quantity")
    for line_id, stock_id, quantity in rows:
        packed[(line_id, stock_id)] = packed.get((line_id, stock_id), 0) + quantity
    return packed


def warehouse_to_ship_from(*, variant_id: int | None) -> Warehouse | None:
    """Where units never allocated to a warehouse ship from: the active warehouse holding the
    most of the variant, else the first active one."""
    row = (
        Stock.objects.filter(variant_id=variant_id, warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("-quantity", "pk")
        .first()
    )
    if row is not None:
        return row.warehouse
    return Warehouse.objects.filter(is_active=True).order_by("pk").first()


def shipments_holding_lines(*, shipment_ids: Iterable[int], line_ids: Iterable[int]) -> list[int]:
    """Which of these shipments hold any of these order lines."""
    return sorted(
        set(
            ShipmentLine.objects.filter(
                shipment_id__in=list(shipment_ids), order_line_id__in=list(line_ids)
            ).values_list("shipment_id", flat=True)
        )
    )
