"""Row locks for orders. The project's one lock order (Order, Payment, OrderLine, Stock) is
written in docs/architecture.md ("The lock order"); every locks module follows it."""

from __future__ import annotations

from datetime import datetime

from .models import Order, OrderLine, OrderStatus


def lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def lock_lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.select_for_update().filter(order=order).order_by("pk"))


def lock_order_if_free(
    order_id: int, *, status: OrderStatus, expires_before: datetime
) -> Order | None:
    """Lock the order if it is still in `status` and due before `expires_before`, or None when
    it is not, or when another transaction holds it (skipped, not waited for: a batch job)."""
    return (
        Order.objects.select_for_update(skip_locked=True)
        .filter(pk=order_id, status=status, expires_at__lt=expires_before)
        .first()
    )
