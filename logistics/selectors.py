"""Reads of logistics: the delivery options offered, what stock order lines hold, and the rows
that are low on stock. No side effects, no locks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.db.models.functions import Coalesce

from accounts.admin_scoping import scope_to_merchant

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


def low_stock(queryset=None):
    """Stock rows at or below their low-stock threshold (their own, else their warehouse's),
    the lowest available first, with `threshold` and `available_units` annotated."""
    queryset = Stock.objects.all() if queryset is None else queryset
    return (
        queryset.annotate(
            threshold=Coalesce("low_stock_threshold", "warehouse__low_stock_threshold"),
            available_units=F("quantity") - F("allocated"),
        )
        .filter(threshold__isnull=False, available_units__lte=F("threshold"))
        .order_by("available_units", "pk")
    )


def low_stock_for_staff(*, user, limit: int = 10) -> tuple[list[Stock], int]:
    """The low rows a staff user looks after (a merchant's staff: its variants'; an operator:
    all), at most `limit` of them, and how many there are."""
    rows = low_stock(scope_to_merchant(Stock.objects.all(), user, "variant__product__merchant"))
    shown = list(rows.select_related("variant__product", "warehouse")[:limit])
    count = len(shown) if len(shown) < limit else rows.count()
    return shown, count
