"""The audit trail: one OrderEvent for every change of an order (who, when, from, to, why)."""

from django.utils import timezone

from .models import Order, OrderEvent


def order_event_record(*, order: Order, actor, from_status: str, to_status: str, note: str = ""):
    return OrderEvent.objects.create(
        order=order,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note[:500],
    )
