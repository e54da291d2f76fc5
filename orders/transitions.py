"""The order state machine: which status may follow which. Every change goes through a service in
services.py, which checks this map and writes an OrderEvent."""

from .models import OrderStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.UNDER_REVIEW}),
    # Held by the risk checks: approved (payable again) or rejected (cancelled).
    S.UNDER_REVIEW: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    # Before shipping, a shopper cancels rather than asking for a refund; the shop may still
    # refund the whole order.
    S.PAID: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED, S.REFUNDED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.REFUND_REQUESTED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
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
CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.UNDER_REVIEW, S.PAID})
SHIPPABLE = frozenset({S.PAID, S.PARTIALLY_SHIPPED})
REFUNDABLE_REQUEST = frozenset({S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED})
# The shop may send money back (payments' refunds) in these; of an order that has not shipped
# (paid, or cancelled after it was paid) only all of it. Refunding a paid order gives its stock
# back; a cancelled one gave it back when it was cancelled and stays cancelled.
REFUNDABLE = frozenset(
    {
        S.PAID,
        S.SHIPPED,
        S.DELIVERED,
        S.COMPLETED,
        S.REFUND_REQUESTED,
        S.PARTIALLY_REFUNDED,
        S.CANCELLED,
    }
)
PARTIAL_REFUND_FORBIDDEN = frozenset({S.PAID, S.CANCELLED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())
