"""Reads of logistics: the delivery options offered, and what stock order lines hold. No side
effects, no locks."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Allocation, ShippingMethod, Stock


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
