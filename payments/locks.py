"""Row locks for payments.

The project takes row locks in one order, so that two transactions never wait on each other:
Order (orders.locks.lock_order), then the payments rows of that order, Payment before Refund
(a refund is applied under its order's, then its payment's, then its own lock) and
RiskAssessment (taken after the Order, never together with a Payment or Refund), then
OrderLine (orders.locks.lock_lines, by pk), then Stock rows by pk (logistics.locks), which
orders.services takes when a refund or a rejected review returns units to stock. Within one
model, rows are locked by pk. A function here takes only its own row: the caller takes the
Order's first.
"""

from __future__ import annotations

from .models import Payment, Refund, RiskAssessment
from .models import PaymentStatus as P


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def lock_pending_payment(*, order_id: int, gateway: str, amount) -> Payment | None:
    """The newest pending payment of the order at `gateway` for `amount`, locked, if any."""
    return (
        Payment.objects.select_for_update()
        .filter(order_id=order_id, gateway=gateway, status=P.PENDING, amount=amount)
        .order_by("-pk")
        .first()
    )


def lock_refund(refund_id: int) -> Refund:
    """The refund, locked, with its payment read (not locked: the caller locks the Payment
    first when it changes it)."""
    return (
        Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund_id)
    )


def lock_risk_assessment(assessment_id: int) -> RiskAssessment:
    return RiskAssessment.objects.select_for_update().get(pk=assessment_id)
