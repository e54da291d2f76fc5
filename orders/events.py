"""The audit trail: one OrderEvent for every change of an order (who, when, from, to, what
happened and, in the note, what a person wrote about it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from common.channel import with_via

from .models import Order, OrderEvent, OrderEventType, OrderStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

S = OrderStatus
T = OrderEventType

_REFUNDED = (S.REFUNDED, S.PARTIALLY_REFUNDED)


def order_event_type_for(*, from_status: str, to_status: str) -> OrderEventType:
    """The type a change of status most likely is, for callers that do not name one (so every
    recorded change still reads as a sentence on the order pages). A step that keeps the status
    is a note."""
    if not from_status:
        return T.PLACED
    if from_status == to_status:
        return T.NOTE
    if from_status == S.REFUND_REQUESTED and to_status not in _REFUNDED:
        return T.REFUND_DECLINED
    if from_status == S.UNDER_REVIEW and to_status == S.PENDING_PAYMENT:
        return T.APPROVED
    by_status = {
        S.PENDING_PAYMENT: T.PLACED,
        S.UNDER_REVIEW: T.UNDER_REVIEW,
        S.PAID: T.PAID,
        S.PARTIALLY_SHIPPED: T.SHIPPED,
        S.SHIPPED: T.SHIPPED,
        S.DELIVERED: T.DELIVERED,
        S.COMPLETED: T.COMPLETED,
        S.CANCELLED: T.CANCELLED,
        S.REFUND_REQUESTED: T.REFUND_REQUESTED,
        S.PARTIALLY_REFUNDED: T.REFUNDED,
        S.REFUNDED: T.REFUNDED,
    }
    return by_status.get(to_status, T.NOTE)


def order_event_record(
    *,
    order: Order,
    actor: User | AnonymousUser | None,
    from_status: str,
    to_status: str,
    type: str | None = None,
    params: dict | None = None,
    note: str = "",
) -> OrderEvent:
    """Write one event. `type` defaults to what the statuses say (order_event_type_for);
    `params` are the values its sentence shows; `note` is for free text a person typed."""
    return OrderEvent.objects.create(
        order=order,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        type=type or order_event_type_for(from_status=from_status, to_status=to_status),
        params=with_via(params),
        note=note[:500],
    )
