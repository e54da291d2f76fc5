"""Reads of logistics: the delivery options offered, and what stock order lines hold. No side
effects, no locks."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Allocation, ShippingMethod


def shipping_method_active(*, pk: int) -> ShippingMethod | None:
    """The delivery option if it is still offered."""
    return ShippingMethod.objects.filter(pk=pk, is_active=True).first()


def allocations_of_lines(*, line_ids: Iterable[int]) -> list[Allocation]:
    """The stock the given order lines hold (their allocations), by pk."""
    return list(Allocation.objects.filter(order_line_id__in=list(line_ids)).order_by("pk"))
