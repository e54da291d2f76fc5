"""Row locks for payments: Payment before Refund, each under its order's lock (the caller takes
the Order first); RiskAssessment after the Order, never together with a Payment or Refund. The
project-wide order is in docs/architecture.md ("The lock order"). A function here takes only its
own row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Payment, Refund, RiskAssessment
from .models import PaymentStatus as P

if TYPE_CHECKING:
    from decimal import Decimal


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def lock_pending_payment(*, order_id: int, gateway: str, amount: Decimal) -> Payment | None:
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
