"""The payment and refund state machines: which status may follow which. Every change goes
through payments.services.payment_status_move or refund_status_move, which check these maps and
write the event."""

from .models import PaymentStatus as P
from .models import RefundStatus as R

PAYMENT_ALLOWED: dict[str, frozenset[str]] = {
    # Settled or closed by the gateway's notify or query, or closed when its order is cancelled;
    # a wrong amount or money for an order no longer awaiting it is held for a person.
    P.PENDING: frozenset({P.PAID, P.CLOSED, P.NEEDS_REVIEW}),
    # A trade closed here may still have been paid at the gateway (the buyer paid just before).
    P.CLOSED: frozenset({P.PAID, P.NEEDS_REVIEW}),
    P.PAID: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    # Each further partial refund is a move too (its event names the refund).
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    # A person decides outside the shop (usually a refund at the gateway).
    P.NEEDS_REVIEW: frozenset(),
    P.REFUNDED: frozenset(),
}

REFUND_ALLOWED: dict[str, frozenset[str]] = {
    R.PENDING: frozenset({R.SUCCEEDED, R.FAILED}),
    R.SUCCEEDED: frozenset(),
    R.FAILED: frozenset(),
}


def payment_can_move(from_status: str, to_status: str) -> bool:
    return to_status in PAYMENT_ALLOWED.get(from_status, frozenset())


def refund_can_move(from_status: str, to_status: str) -> bool:
    return to_status in REFUND_ALLOWED.get(from_status, frozenset())
