"""Reads of payments: for the shopper's pages (what they are told about paying an order) and
for the admin pages (which refunds a viewer may see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.admin_scoping import sees_every_merchant
from orders.models import Order, OrderStatus
from orders.selectors import orders_merchants_alone_q

from .models import Payment, Refund, RefundStatus
from .models import PaymentStatus as P

if TYPE_CHECKING:
    from accounts.models import User


class PaymentState:
    """What the shopper is told about paying an order (also the status endpoint's `state`)."""

    PAID = "paid"  # the order is paid
    CONFIRMING = "confirming"  # sent to the cashier lately, no payment confirmed yet
    AWAITING_PAYMENT = "awaiting_payment"  # may pay (again)
    OTHER = "other"  # neither: held for review, cancelled unpaid ...


@dataclass(frozen=True)
class OrderPaymentState:
    state: str
    # While confirming: when the order page offers to pay again if nothing was confirmed.
    pay_again_at: dt.datetime | None = None


def order_payment_state(*, order: Order, now: dt.datetime | None = None) -> OrderPaymentState:
    """Whether the order is paid, being confirmed, or awaiting payment. It is being confirmed
    while its newest pending payment was sent to the cashier less than
    PAYMENTS_CONFIRMING_MINUTES ago: the buyer may have paid and Alipay not told us yet, so we
    must not invite them to pay twice."""
    if order.paid_at is not None:
        return OrderPaymentState(PaymentState.PAID)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return OrderPaymentState(PaymentState.OTHER)
    started = (
        Payment.objects.filter(order=order, status=P.PENDING)
        .annotate(sent_at=Coalesce("started_at", "created_at"))
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if started is not None:
        pay_again_at = started + timedelta(minutes=settings.PAYMENTS_CONFIRMING_MINUTES)
        if (now or timezone.now()) < pay_again_at:
            return OrderPaymentState(PaymentState.CONFIRMING, pay_again_at)
    return OrderPaymentState(PaymentState.AWAITING_PAYMENT)


def payment_for_reference(*, out_trade_no: str) -> Payment | None:
    """The payment a gateway knows by `out_trade_no`, with its order."""
    if not out_trade_no:
        return None
    return Payment.objects.select_related("order").filter(out_trade_no=out_trade_no[:64]).first()


def payment_locator(*, out_trade_no: str, gateway: str) -> tuple[int, int] | None:
    """(payment id, order id) of the payment `gateway` knows by `out_trade_no`, if any."""
    return (
        Payment.objects.filter(out_trade_no=out_trade_no, gateway=gateway)
        .values_list("pk", "order_id")
        .first()
    )


def pending_payment_ids(*, order_id: int, newest: int | None = None) -> list[int]:
    """The order's pending payments, oldest first; or only the `newest` few, newest first."""
    pending = Payment.objects.filter(order_id=order_id, status=P.PENDING)
    if newest is None:
        return list(pending.order_by("pk").values_list("pk", flat=True))
    return list(pending.order_by("-pk").values_list("pk", flat=True)[:newest])


def pending_payment_trade(*, payment_id: int) -> tuple[int, str, str] | None:
    """(order id, out_trade_no, gateway) of the payment if it is still pending."""
    return (
        Payment.objects.filter(pk=payment_id, status=P.PENDING)
        .values_list("order_id", "out_trade_no", "gateway")
        .first()
    )


def pending_payment_trades(*, created_before: dt.datetime) -> list[tuple[int, int, str, str]]:
    """(payment id, order id, out_trade_no, gateway) of every payment still pending that was
    created before `created_before`, oldest first."""
    return list(
        Payment.objects.filter(status=P.PENDING, created_at__lt=created_before)
        .order_by("pk")
        .values_list("pk", "order_id", "out_trade_no", "gateway")
    )


def guest_order_among(*, number: str, order_ids: list) -> Order | None:
    """The guest order `number` if it is one of `order_ids` (those this browser started paying)."""
    ids = [pk for pk in order_ids if isinstance(pk, int)]
    if not ids:
        return None
    return Order.objects.filter(number=number, user=None, pk__in=ids).first()


def order_refunds_for_shopper(*, order: Order) -> list[Refund]:
    """The order's refunds its shopper is told of: made, or on their way back, oldest first.
    Refusals are the shop's to resolve."""
    return list(
        Refund.objects.filter(
            payment__order=order, status__in=(RefundStatus.PENDING, RefundStatus.SUCCEEDED)
        ).order_by("created_at", "pk")
    )


def refunds_visible_to(*, user: User, refunds: QuerySet[Refund] | None = None) -> QuerySet[Refund]:
    """The refunds a staff user may see and act on. The operator (a superuser): all of them.
    A merchant's staff: the refunds made for their merchant's lines, and the operator's
    whole-order refunds (no merchant) of orders whose lines are all theirs, since those
    concern nobody else. Another merchant's refunds on a shared order (their amounts,
    reasons and lines) stay with that merchant."""
    refunds = Refund.objects.all() if refunds is None else refunds
    if sees_every_merchant(user):
        return refunds
    merchant_id = getattr(user, "merchant_id", None)
    if merchant_id is None:
        return refunds.none()
    return refunds.filter(
        Q(merchant_id=merchant_id)
        | (
            Q(merchant__isnull=True)
            & orders_merchants_alone_q(merchant_id=merchant_id, order_path="payment__order_id")
        )
    )
