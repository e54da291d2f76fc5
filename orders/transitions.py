"""The order state machine: which status may follow which. Every change goes through a service in
services.py, which checks this map and writes an OrderEvent."""

from .models import OrderStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    # Before shipping, a shopper cancels rather than asking for a refund.
    S.PAID: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUND_REQUESTED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUND_REQUESTED}),
    S.COMPLETED: frozenset({S.REFUND_REQUESTED}),
    # A refund request ends refunded (fully or partly) or is declined, which returns the order to
    # where it was (services.order_refund_decline reads that from the events).
    S.REFUND_REQUESTED: frozenset(
        {S.PARTIALLY_REFUNDED, S.REFUNDED, S.SHIPPED, S.DELIVERED, S.COMPLETED}
    ),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED, S.REFUND_REQUESTED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# A shopper may cancel until the goods leave the warehouse.
CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.PAID})
SHIPPABLE = frozenset({S.PAID, S.PARTIALLY_SHIPPED})
REFUNDABLE_REQUEST = frozenset({S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())
