"""Refunds: a merchant (or the operator) sends part or all of a paid order's money back.

Two steps, two transactions, so a crash can never refund twice:

1. `refund_create` checks the amount against what is left to refund and records the Refund with
   a new out_request_no, committed before the gateway hears of it.
2. `refund_submit` sends it. Each attempt is counted (and committed) before it goes out; an
   attempt after one that may have reached the gateway first asks whether that one was made
   (alipay.trade.fastpay.refund.query), and a re-sent request carries the same out_request_no,
   which the gateway refunds once. An unreachable gateway or an unknown answer raises
   GatewayError and leaves the refund pending for the task (payments.submit_refund) or the
   periodic reconciliation to try again.

An order cancelled after it was paid is refunded in full by itself (refund_cancelled_order, on
orders' order_cancelled signal, with refunds_reconcile as the backstop); it stays cancelled.

When the gateway confirms, the payment becomes refunded or partially refunded and the order
too (orders.services.order_mark_refunded, which also returns units to stock), all under the
locks Order, Payment, Refund, then OrderLine and Stock.

A merchant's staff refund only up to the value of their own lines, less what was refunded for
that merchant before; the shipping charge and refunds beyond one merchant's lines are the shop
operator's. An order that has not shipped is refunded in full only (its stock is released),
with one exception: a merchant sharing the order with others may withdraw its own unshipped
lines (orders.services.order_lines_cancel, then refund_cancelled_lines): they are cancelled,
their stock released and their value refunded, while the order goes on, still paid, for the
other merchants' lines. `refund_allowance` says
beforehand what a person may refund, so the admin offers only what will be accepted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import merchant_acting_for
from common.money import money_format
from orders import locks as order_locks
from orders import services as order_services
from orders import transitions
from orders.errors import OrderError
from orders.models import Order, OrderLine, OrderStatus

from . import locks
from .errors import PaymentError
from .events import refund_event_record
from .gateways import gateway_for
from .gateways.base import RefundOutcome, RefundRequest
from .models import (
    Payment,
    PaymentEventType,
    PaymentStatus,
    Refund,
    RefundEventType,
    RefundLine,
    RefundStatus,
)
from .services import payment_status_move, refund_status_move

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
REFUNDABLE_PAYMENTS = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)
COUNTED = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)


class RefundError(PaymentError):
    """A refund that cannot be made as asked; the message is shown to the person as it is,
    next to the form field it concerns when `field` names one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RefundLineRequest:
    line_id: int
    quantity: int


def _counted(refunds) -> Decimal:
    return refunds.filter(status__in=COUNTED).aggregate(total=Sum("amount"))["total"] or ZERO


def refundable_payment(*, order: Order) -> Payment | None:
    """The order's payment money can go back to (the one that paid it), if any."""
    return (
        Payment.objects.filter(order=order, status__in=REFUNDABLE_PAYMENTS).order_by("pk").first()
    )


def refund_remaining(*, payment: Payment, merchant_id: int | None = None) -> Decimal:
    """What may still be refunded: of the payment, less pending and made refunds; for a
    merchant, also at most the value of their lines less what was refunded for them."""
    left = payment.amount - _counted(Refund.objects.filter(payment=payment))
    if merchant_id is not None:
        own = (
            OrderLine.objects.filter(order_id=payment.order_id, merchant_id=merchant_id).aggregate(
                total=Sum("line_total")
            )["total"]
            or ZERO
        )
        left = min(
            left, own - _counted(Refund.objects.filter(payment=payment, merchant_id=merchant_id))
        )
    return max(left, ZERO).quantize(CENT)  # SQLite sums lose the scale


def refund_quantities(*, order: Order) -> dict[int, int]:
    """Units of each line already in a pending or made refund."""
    rows = (
        RefundLine.objects.filter(refund__payment__order=order, refund__status__in=COUNTED)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["order_line_id"]: row["total"] for row in rows}


def _money(amount) -> Decimal:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise RefundError(
            _("Enter the amount as a number of yuan, e.g. 25.00."), field="amount"
        ) from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise RefundError(_("Enter the amount in yuan with at most two decimals."), field="amount")
    return value


@dataclass(frozen=True)
class RefundAllowance:
    """What a person may refund of an order now: `amount` (zero: nothing, and `reason` says
    why), and whether only all of it (`full_only`: the order has not shipped)."""

    amount: Decimal
    full_only: bool = False
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.amount > 0


def refund_allowance(*, order: Order, actor: User | None) -> RefundAllowance:
    """Whether and how much `actor` may refund of `order` through the refund form, by the same
    rules as refund_create, so that a button or form is offered only when it will be accepted."""
    payment = refundable_payment(order=order)
    if payment is None:
        return RefundAllowance(ZERO, reason=_("This order has no payment that could be refunded."))
    if order.status not in transitions.REFUNDABLE:
        return RefundAllowance(
            ZERO,
            reason=_("This order is %(status)s and cannot be refunded.")
            % {"status": order.get_status_display()},
        )
    merchant_id = merchant_acting_for(actor)
    mine = refund_remaining(payment=payment, merchant_id=merchant_id)
    if order.status in transitions.PARTIAL_REFUND_FORBIDDEN:
        whole = refund_remaining(payment=payment)
        if mine != whole:
            return RefundAllowance(
                ZERO,
                full_only=True,
                reason=_(
                    "This order has not shipped: only the shop operator can refund it, in full. "
                    "Cancel your lines instead: they are refunded when cancelled."
                )
                if order.status != OrderStatus.CANCELLED
                else _("This order was cancelled: only the shop operator can refund it."),
            )
        return RefundAllowance(whole, full_only=True)
    if mine <= 0:
        return RefundAllowance(ZERO, reason=_("Nothing is left for you to refund in this order."))
    return RefundAllowance(mine)


@transaction.atomic
def refund_create(
    *,
    order: Order,
    actor: User | None,
    amount: Decimal | str | None,
    reason: str,
    lines: list[RefundLineRequest] | None = None,
    restock: bool = False,
) -> Refund:
    """Record a refund of `amount` (or, when None, of the value of `lines`) and its new
    out_request_no; nothing is sent yet (refund_submit does, after this commits). Raises
    RefundError with a message for the person for anything not allowed."""
    lines = [item for item in (lines or []) if item.quantity]
    merchant_id = merchant_acting_for(actor)
    order = order_locks.lock_order(order.pk)
    if order.status not in transitions.REFUNDABLE:
        raise RefundError(
            _("This order is %(status)s and cannot be refunded.")
            % {"status": order.get_status_display()}
        )
    payment = refundable_payment(order=order)
    if payment is None:
        raise RefundError(_("This order has no payment that could be refunded."))
    payment = locks.lock_payment(payment.pk)
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    earlier = refund_quantities(order=order)
    value = ZERO
    for item in lines:
        line = order_lines.get(item.line_id)
        if line is None or (merchant_id is not None and line.merchant_id != merchant_id):
            raise RefundError(_("You can only refund lines of this order that are yours."))
        if line.cancelled_at is not None:
            raise RefundError(_("%(sku)s was cancelled and refunded already.") % {"sku": line.sku})
        if item.quantity < 0 or item.quantity + earlier.get(line.pk, 0) > line.quantity:
            raise RefundError(
                _("%(sku)s: at most %(count)s more units can be refunded.")
                % {"sku": line.sku, "count": line.quantity - earlier.get(line.pk, 0)}
            )
        if restock and item.quantity > line.quantity_shipped:
            raise RefundError(
                _("%(sku)s: only shipped units can be returned to stock (%(count)s shipped).")
                % {"sku": line.sku, "count": line.quantity_shipped}
            )
        value += line.unit_price * item.quantity
    if amount is None:
        if not lines:
            raise RefundError(_("Enter an amount or the units to refund."), field="amount")
        amount = value
    amount = _money(amount)
    if amount <= 0:
        raise RefundError(_("The amount to refund must be more than zero."), field="amount")
    remaining = refund_remaining(payment=payment, merchant_id=merchant_id)
    if amount > remaining:
        raise RefundError(
            _("At most %(remaining)s can still be refunded.")
            % {"remaining": money_format(remaining, payment.currency)},
            field="amount",
        )
    whole = refund_remaining(payment=payment)
    if order.status in transitions.PARTIAL_REFUND_FORBIDDEN and amount != whole:
        raise RefundError(
            _("This order has not shipped: it can only be refunded in full (%(total)s).")
            % {"total": money_format(whole, payment.currency)},
            field="amount",
        )
    if restock and not lines:
        raise RefundError(_("Choose the units that come back to stock."), field="restock")
    return _refund_record(
        payment=payment,
        merchant_id=merchant_id,
        amount=amount,
        reason=reason,
        lines=lines,
        restock=restock,
        actor=actor,
    )


def _refund_record(
    *,
    payment: Payment,
    merchant_id: int | None,
    amount: Decimal,
    reason: str,
    lines: list[RefundLineRequest],
    restock: bool,
    actor: User | None,
) -> Refund:
    """The Refund row with its lines and its "requested" event; the caller holds the locks."""
    number = Refund.objects.filter(payment=payment).count() + 1
    refund = Refund.objects.create(
        payment=payment,
        merchant_id=merchant_id,
        amount=amount,
        reason=reason[:200],
        out_request_no=f"{payment.out_trade_no}-R{number}",
        restock=restock,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    RefundLine.objects.bulk_create(
        [RefundLine(refund=refund, order_line_id=i.line_id, quantity=i.quantity) for i in lines]
    )
    refund_event_record(
        refund=refund,
        actor=actor,
        from_status="",
        to_status=RefundStatus.PENDING,
        type=RefundEventType.REQUESTED,
        params={"amount": str(amount)},
        note=reason,
    )
    return refund


@transaction.atomic
def refund_cancelled_lines(
    *, order_id: int, line_ids: list[int], actor: User | None = None, reason: str = ""
) -> Refund | None:
    """Record the refund of lines their merchant cancelled before shipping
    (orders.services.order_lines_cancel, on orders' order_lines_cancelled signal, with
    refunds_reconcile as the backstop), for refund_submit to send: their value, as that
    merchant's refund of those units; no restock, their stock went back at the cancellation.
    None when the order has no payment or the lines are refunded already: idempotent, and two
    calls at once record one refund (the second waits for the payment's lock). Locks: Order,
    Payment."""
    order = order_locks.lock_order(order_id)
    payment = refundable_payment(order=order)
    if payment is None:
        return None
    payment = locks.lock_payment(payment.pk)
    already = refund_quantities(order=order)
    lines = [
        line
        for line in OrderLine.objects.filter(
            order=order, pk__in=line_ids, cancelled_at__isnull=False
        ).order_by("pk")
        if not already.get(line.pk)
    ]
    if not lines:
        return None
    merchants = {line.merchant_id for line in lines}
    amount = min(sum((line.line_total for line in lines), ZERO), refund_remaining(payment=payment))
    if amount <= 0:
        return None
    return _refund_record(
        payment=payment,
        merchant_id=merchants.pop() if len(merchants) == 1 else None,
        amount=amount,
        reason=reason or CANCELLED_LINES_REASON,
        lines=[RefundLineRequest(line.pk, line.quantity) for line in lines],
        restock=False,
        actor=actor,
    )


CANCELLED_LINES_REASON = "lines cancelled by their merchant before shipping"
CANCELLED_REASON = "order cancelled before it shipped"


def refund_cancelled_order(*, order_id: int) -> Refund | None:
    """Record the refund of everything still refundable of an order cancelled after it was paid
    (a shopper may cancel until it ships), for refund_submit to send. None when the order is not
    cancelled, was never paid, or its money is already refunded or on its way back: idempotent,
    and two calls at once record one refund (refund_create re-checks under the payment's lock)."""
    order = Order.objects.filter(pk=order_id, status=OrderStatus.CANCELLED).first()
    payment = refundable_payment(order=order) if order is not None else None
    if payment is None:
        return None
    remaining = refund_remaining(payment=payment)
    if remaining <= 0:
        return None
    try:
        return refund_create(order=order, actor=None, amount=remaining, reason=CANCELLED_REASON)
    except RefundError as error:  # another call recorded it meanwhile
        logger.info("order %s: no refund on cancellation: %s", order_id, error)
        return None


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to the gateway and apply its answer; anything else is returned as
    it is. Idempotent and safe to run twice at once: both send the same out_request_no, the
    gateway refunds it once, and only the first answer is applied. GatewayError (unreachable,
    unknown outcome) propagates with the refund still pending."""
    with transaction.atomic():
        refund = locks.lock_refund(refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        may_have_been_made = refund.attempts > 0
        refund.attempts += 1
        refund.save(update_fields=["attempts", "updated_at"])
    payment = refund.payment
    gateway = gateway_for(payment.gateway)
    if may_have_been_made and gateway.refund_query(payment.out_trade_no, refund.out_request_no):
        outcome = RefundOutcome(ok=True, message="made earlier (refund query)")
    else:
        outcome = gateway.refund(
            RefundRequest(
                reference=payment.out_trade_no,
                request_reference=refund.out_request_no,
                amount=refund.amount,
                reason=refund.reason,
            )
        )
    return _refund_apply(refund_id, outcome)


def _refund_apply(refund_id: int, outcome: RefundOutcome) -> Refund:
    order_id, payment_id = Refund.objects.filter(pk=refund_id).values_list(
        "payment__order_id", "payment_id"
    )[0]
    with transaction.atomic():
        order = order_locks.lock_order(order_id)
        payment = locks.lock_payment(payment_id)
        refund = locks.lock_refund(refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.payment = payment
        refund.gateway_message = outcome.message[:200]
        refund.gateway_total_refunded = outcome.total_refunded
        refund.completed_at = timezone.now()
        if not outcome.ok:
            refund_status_move(
                refund=refund,
                to_status=RefundStatus.FAILED,
                type=RefundEventType.FAILED,
                params={"message": refund.gateway_message},
                fields=("gateway_message", "completed_at"),
            )
            return refund
        refund_status_move(
            refund=refund,
            to_status=RefundStatus.SUCCEEDED,
            type=RefundEventType.SUCCEEDED,
            params={"message": refund.gateway_message},
            fields=("gateway_message", "gateway_total_refunded", "completed_at"),
        )
        refunded = (
            Refund.objects.filter(payment=payment, status=RefundStatus.SUCCEEDED).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
        full = refunded >= payment.amount
        payment_status_move(
            payment=payment,
            to_status=PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED,
            type=PaymentEventType.REFUNDED,
            actor=refund.actor,
            params={
                "refund_id": refund.pk,
                "out_request_no": refund.out_request_no,
                "amount": str(refund.amount),
                "total": str(refunded.quantize(CENT)),
            },
        )
        _order_refunded(order, refund, full)
    return refund


def _order_refunded(order: Order, refund: Refund, full: bool) -> None:
    """The order's side: its status and the units returned to stock. The money has gone back
    whatever happens here, so a refusal (the order moved on meanwhile) is recorded, not raised."""
    refund_lines = list(refund.lines.select_related("order_line"))
    if refund_lines and all(rl.order_line.cancelled_at is not None for rl in refund_lines):
        # Lines their merchant cancelled: the order goes on as it is for the other lines.
        order_services.order_lines_refunded(order=order, actor=refund.actor, amount=refund.amount)
        return
    returns = (
        [order_services.LineReturn(rl.order_line_id, rl.quantity) for rl in refund_lines]
        if refund.restock
        else []
    )
    try:
        with transaction.atomic():
            _order, restocked = order_services.order_mark_refunded(
                order=order, actor=refund.actor, full=full, returns=returns, amount=refund.amount
            )
    except OrderError as error:
        logger.error("refund %s made but order %s not updated: %s", refund.pk, order.pk, error)
        refund_event_record(
            refund=refund,
            actor=None,
            from_status=refund.status,
            to_status=refund.status,
            type=RefundEventType.ORDER_NOT_UPDATED,
            params={"error": str(error)[:400]},
        )
        return
    put_back = {r.variant_id: r.quantity for r in restocked}
    for rl in refund_lines:
        variant_id = rl.order_line.variant_id
        if refund.restock and variant_id in put_back:
            take = min(rl.quantity, put_back[variant_id])
            put_back[variant_id] -= take
            rl.restocked = take
    RefundLine.objects.bulk_update(refund_lines, ["restocked"])


def _refund_cancelled_lines_left(cutoff: datetime) -> list[int]:
    """Lines cancelled by their merchant before `cutoff` on a paid order, with no refund
    recorded for them (the receiver failed after the cancellation committed): recorded now."""
    counted = RefundLine.objects.filter(refund__status__in=COUNTED).values("order_line_id")
    left = (
        OrderLine.objects.filter(
            cancelled_at__lt=cutoff, order__payments__status__in=REFUNDABLE_PAYMENTS
        )
        .exclude(pk__in=counted)
        .values_list("order_id", "pk")
        .distinct()
        .order_by("order_id", "pk")
    )
    by_order: dict[int, list[int]] = {}
    for order_id, line_id in left:
        by_order.setdefault(order_id, []).append(line_id)
    recorded = []
    for order_id, line_ids in by_order.items():
        refund = refund_cancelled_lines(order_id=order_id, line_ids=line_ids)
        if refund is not None:
            recorded.append(refund.pk)
    return recorded


def refunds_reconcile(*, older_than: timedelta, now: datetime | None = None) -> dict[str, int]:
    """The periodic backstop of refunds (the payments.reconcile task, `reconcile_payments`):
    an order cancelled after it was paid more than `older_than` ago whose refund was never
    recorded (refund_cancelled_order failed after the cancellation committed) gets it now; then
    every refund still pending after `older_than` (a gateway call that failed or whose answer
    was lost) is submitted again, these included. Each step is idempotent; a gateway still
    unreachable is counted, not raised. Returns how many of each outcome."""
    from .gateways.base import GatewayError

    cutoff = (now or timezone.now()) - older_than
    counts: dict[str, int] = {}
    cancelled = (
        Payment.objects.filter(
            status__in=REFUNDABLE_PAYMENTS,
            order__status=OrderStatus.CANCELLED,
            order__updated_at__lt=cutoff,
        )
        .values_list("order_id", flat=True)
        .distinct()
    )
    recorded = []
    for order_id in cancelled:
        refund = refund_cancelled_order(order_id=order_id)
        if refund is not None:
            recorded.append(refund.pk)
    if recorded:
        counts["refund recorded for a cancelled order"] = len(recorded)
    lines_recorded = _refund_cancelled_lines_left(cutoff)
    if lines_recorded:
        counts["refund recorded for cancelled lines"] = len(lines_recorded)
        recorded += lines_recorded
    pending = Refund.objects.filter(
        Q(status=RefundStatus.PENDING), Q(updated_at__lt=cutoff) | Q(pk__in=recorded)
    ).order_by("pk")
    for refund_id in pending.values_list("pk", flat=True):
        try:
            outcome = refund_submit(refund_id=refund_id).status
        except GatewayError:
            outcome = "unreachable"
        counts[f"refund {outcome}"] = counts.get(f"refund {outcome}", 0) + 1
    return counts
