"""Starting a payment at a gateway (Alipay) and applying the gateway's asynchronous notifications.

A notification is applied under the order's row lock and then the payment's (the project lock
order), in one transaction with its NotifyRecord, so a duplicate delivered at the same instant
waits, then finds the payment paid and is recorded as a duplicate."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import locks as order_locks
from orders import services as order_services
from orders.models import Order, OrderStatus

from . import locks, selectors, transitions
from .errors import IllegalPaymentTransition, PaymentError
from .events import notify_record, payment_event_record, refund_event_record
from .gateways import DEFAULT_GATEWAY, PaymentGateway, gateway_for
from .gateways.base import (
    GatewayError,
    InvalidNotification,
    PaymentRequest,
    TradeResult,
    TradeState,
)
from .models import Payment, PaymentEvent, PaymentEventType, Refund, RefundEvent
from .models import PaymentStatus as P
from .models import RefundStatus as R
from .notify_limits import notify_rejection_count, notify_rejections_exceeded

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

GATEWAY = DEFAULT_GATEWAY


def _gateway(code: str = GATEWAY) -> PaymentGateway:
    return gateway_for(code)


# --- The one writer of each status -----------------------------------------------------------


@transaction.atomic
def payment_status_move(
    *,
    payment: Payment,
    to_status: str,
    type: str,
    actor: User | None = None,
    params: Mapping[str, object] | None = None,
    fields: Iterable[str] = (),
    note: str = "",
) -> PaymentEvent:
    """Move the payment to `to_status`, the only way its status changes: under the payment's row
    lock (the caller takes its order's first, the project lock order in payments.locks), checked
    against payments.transitions, saved with `fields` (other fields the caller set on `payment`),
    and recorded as a PaymentEvent of `type` with `params`. An illegal move raises
    IllegalPaymentTransition and changes nothing."""
    from_status = locks.lock_payment(payment.pk).status
    if not transitions.payment_can_move(from_status, to_status):
        raise IllegalPaymentTransition(
            _("This payment is %(status)s and cannot be changed to %(new)s.")
            % {"status": P(from_status).label, "new": P(to_status).label}
        )
    payment.status = to_status
    payment.save(update_fields=["status", "updated_at", *fields])
    return payment_event_record(
        payment=payment,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=params,
        note=note,
    )


@transaction.atomic
def refund_status_move(
    *,
    refund: Refund,
    to_status: str,
    type: str,
    actor: User | None = None,
    params: Mapping[str, object] | None = None,
    fields: Iterable[str] = (),
    note: str = "",
) -> RefundEvent:
    """payment_status_move for a refund: under its row lock (after its order's and payment's),
    checked against payments.transitions, saved with `fields`, recorded as a RefundEvent."""
    from_status = locks.lock_refund(refund.pk).status
    if not transitions.refund_can_move(from_status, to_status):
        raise IllegalPaymentTransition(
            _("This refund is %(status)s and cannot be changed to %(new)s.")
            % {"status": R(from_status).label, "new": R(to_status).label}
        )
    refund.status = to_status
    refund.save(update_fields=["status", "updated_at", *fields])
    return refund_event_record(
        refund=refund,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=params,
        note=note,
    )


@transaction.atomic
def _open_payment(order: Order) -> Payment:
    order = order_locks.lock_order(order.pk)
    if order.status == OrderStatus.UNDER_REVIEW:
        raise PaymentError(_("Your order is being reviewed; we'll email you."))
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise PaymentError(
            _("This order is %(status)s and cannot be changed to %(new)s.")
            % {"status": order.get_status_display(), "new": OrderStatus.PAID.label}
        )
    payment = locks.lock_pending_payment(order_id=order.pk, gateway=GATEWAY, amount=order.total)
    if payment is None:
        attempt = Payment.objects.filter(order=order).count() + 1
        payment = Payment.objects.create(
            order=order,
            gateway=GATEWAY,
            amount=order.total,
            currency=order.currency,
            out_trade_no=f"{order.number}-{attempt}",
            started_at=timezone.now(),
        )
        payment_event_record(
            payment=payment,
            actor=None,
            from_status="",
            to_status=P.PENDING,
            type=PaymentEventType.STARTED,
            params={"gateway": payment.gateway},
        )
    else:
        payment.started_at = timezone.now()
        payment.save(update_fields=["started_at", "updated_at"])
    return payment


def payment_start(
    *, order: Order, mobile: bool, return_url: str, notify_url: str
) -> tuple[Payment, str]:
    """Open (or reuse) the pending payment of an order awaiting payment and return it with the
    signed gateway URL the buyer's browser goes to. The order is scored by the risk checks first
    (once): an order held for review, or any order not awaiting payment, raises PaymentError."""
    from .risk_review import risk_assess_order

    risk_assess_order(order=order)
    payment = _open_payment(order)
    url = _gateway(payment.gateway).start_payment(
        PaymentRequest(
            reference=payment.out_trade_no,
            amount=payment.amount,
            subject=f"{settings.SHOP_NAME} {order.number}",
            return_url=return_url,
            notify_url=notify_url,
            mobile=mobile,
        )
    )
    return payment, url


def payment_start_app(*, order: Order, notify_url: str) -> tuple[Payment, str]:
    """payment_start for a mobile app: the same risk checks and pending payment (recorded as
    started), and the signed order string the app hands to the gateway's SDK on the phone."""
    from .risk_review import risk_assess_order

    risk_assess_order(order=order)
    payment = _open_payment(order)
    order_string = _gateway(payment.gateway).start_app_payment(
        PaymentRequest(
            reference=payment.out_trade_no,
            amount=payment.amount,
            subject=f"{settings.SHOP_NAME} {order.number}",
            return_url="",
            notify_url=notify_url,
            mobile=True,
        )
    )
    return payment, order_string


def _reject(params: dict, reason: str, *, verified: bool, client_ip: str = "") -> bool:
    logger.warning(
        "alipay notify rejected (%s): out_trade_no=%r notify_id=%r",
        reason,
        str(params.get("out_trade_no"))[:64] if isinstance(params, dict) else None,
        str(params.get("notify_id"))[:128] if isinstance(params, dict) else None,
    )
    notify_record(params=params, verified=verified, outcome=f"rejected: {reason}")
    if not verified:
        notify_rejection_count(client_ip=client_ip)
    return False


def payment_handle_notification(
    *, params: dict[str, str], gateway: str = GATEWAY, client_ip: str = ""
) -> bool:
    """Apply one asynchronous notification from the gateway. True means "answer success": the
    notification is authentic and handled (or was already). Forged, unsigned, other-app or
    unknown-trade notifications change nothing, are recorded (unverified ones only in short,
    payments.events) and give False, so the gateway retries a genuine one that we could not take
    yet. An address that sent too many unverified ones is answered False unread for a while
    (payments.notify_limits).

    A paid trade settles the payment and marks the order paid; a waiting one changes nothing; a
    closed one closes a pending payment and never unpays a paid one. A signed notification whose
    amount differs from the payment's sets the payment to needs_review, pays nothing and answers
    failure (a wrong amount is never acknowledged as a settled payment); its retries are
    recorded and change nothing more."""
    if notify_rejections_exceeded(client_ip=client_ip):
        return False
    try:
        result = _gateway(gateway).verify_notification(params)
    except InvalidNotification as exc:
        return _reject(params, exc.reason, verified=False, client_ip=client_ip)
    found = selectors.payment_locator(out_trade_no=result.reference, gateway=gateway)
    if found is None:
        return _reject(result.params, "unknown out_trade_no", verified=True)
    payment_id, order_id = found
    outcome = _apply_locked(payment_id, order_id, result)
    if outcome.startswith("review"):
        logger.error("payment notify for %s needs review: %s", result.reference, outcome)
        return False
    return True


def _apply_locked(payment_id: int, order_id: int, result: TradeResult, prefix: str = "") -> str:
    """What a verified trade state means for the payment, applied under the project lock order
    (Order, then Payment) and recorded in a NotifyRecord in the same transaction. The notify
    endpoint and the reconciliation both come through here, so they settle the same way."""
    with transaction.atomic():
        order = order_locks.lock_order(order_id)
        payment = locks.lock_payment(payment_id)
        outcome = _apply(order, payment, result)
        notify_record(params=result.params, verified=True, outcome=f"{prefix}{outcome}")
    return outcome


def _apply(order: Order, payment: Payment, result: TradeResult) -> str:
    reference = result.gateway_reference
    if result.amount != payment.amount:
        amount = result.params.get("total_amount", result.amount)
        if payment.status in (P.PENDING, P.CLOSED):
            payment_status_move(
                payment=payment,
                to_status=P.NEEDS_REVIEW,
                type=PaymentEventType.NEEDS_REVIEW,
                params={
                    "reason": "amount",
                    "gateway": payment.gateway,
                    "trade_no": reference,
                    "trade_status": result.raw_status,
                    "amount": str(amount)[:32],
                },
            )
        return "review: amount mismatch"
    if result.state == TradeState.PAID:
        return _settle(order, payment, reference)
    if result.state == TradeState.CLOSED:
        if payment.status == P.PENDING:
            payment_status_move(
                payment=payment,
                to_status=P.CLOSED,
                type=PaymentEventType.CLOSED,
                params={"reason": "gateway", "gateway": payment.gateway, "trade_no": reference},
            )
            return "closed"
        return f"ignored: closed while {payment.status}"
    return f"ignored: {result.raw_status or 'no trade_status'}"


def _settle(order: Order, payment: Payment, trade_no: str) -> str:
    code = payment.gateway
    if payment.status == P.PAID:
        return "duplicate"
    if payment.status not in (P.PENDING, P.CLOSED):
        return f"ignored: payment {payment.status}"
    payment.trade_no = trade_no
    payment.paid_at = timezone.now()
    if order.status != OrderStatus.PENDING_PAYMENT:
        # Money arrived for an order that was cancelled or already paid by another attempt:
        # a person decides (usually a refund).
        payment_status_move(
            payment=payment,
            to_status=P.NEEDS_REVIEW,
            type=PaymentEventType.NEEDS_REVIEW,
            params={
                "reason": "order",
                "gateway": code,
                "trade_no": trade_no,
                "order_status": order.status,
            },
            fields=("trade_no", "paid_at"),
        )
        return f"review: order {order.status}"
    payment_status_move(
        payment=payment,
        to_status=P.PAID,
        type=PaymentEventType.PAID,
        params={"gateway": code, "trade_no": trade_no},
        fields=("trade_no", "paid_at"),
    )
    order_services.order_mark_paid(order=order, actor=None, gateway=code, trade_no=trade_no)
    return "settled"


def payment_close(*, payment_id: int) -> str:
    """Close the Alipay trade of a pending payment (its order was cancelled) so it can no longer
    be paid, and mark the payment closed. Idempotent: anything but a pending payment is left
    alone. When Alipay refuses to close because the buyer paid meanwhile, the payment stays
    pending for the notify or the reconciliation to settle (a paid cancelled order goes to
    review there). GatewayError (Alipay unreachable) propagates so the caller retries."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != P.PENDING:
        return "ignored"
    gateway = _gateway(payment.gateway)
    # Refused: the trade does not exist (the buyer never opened the cashier), is already closed,
    # or was paid. Only the last keeps the payment open.
    if (
        not gateway.close(payment.out_trade_no)
        and gateway.query(payment.out_trade_no).state == TradeState.PAID
    ):
        return "paid at gateway"
    with transaction.atomic():
        order_locks.lock_order(payment.order_id)
        payment = locks.lock_payment(payment_id)
        if payment.status != P.PENDING:
            return "ignored"
        payment_status_move(
            payment=payment,
            to_status=P.CLOSED,
            type=PaymentEventType.CLOSED,
            params={"reason": "order_cancelled", "gateway": payment.gateway},
        )
    return "closed"


def _query_and_apply(
    gateway: PaymentGateway, payment_id: int, order_id: int, out_trade_no: str, prefix: str
) -> str:
    """Ask the gateway about one payment and apply a paid or closed trade through the notify's
    own locked path (_apply_locked), recorded with `prefix`; a trade not found or still waiting
    is "left" and recorded nowhere. GatewayError propagates."""
    result = gateway.query(out_trade_no)
    if result.state in (TradeState.PAID, TradeState.CLOSED):
        return _apply_locked(payment_id, order_id, result, prefix=prefix)
    return "left"


def payments_reconcile(*, older_than: timedelta, now: datetime | None = None) -> dict[str, int]:
    """Ask the gateway about payments still pending after `older_than` (a notify that never
    arrived) and apply what it says through the notify's own code path, recorded as
    "reconciled: ...": paid with the exact amount settles, closed closes, a trade not found or
    still waiting is left alone. Idempotent. Returns how many of each outcome."""
    cutoff = (now or timezone.now()) - older_than
    counts: dict[str, int] = {}
    gateways: dict[str, PaymentGateway] = {}
    for payment_id, order_id, out_trade_no, code in selectors.pending_payment_trades(
        created_before=cutoff
    ):
        gateway = gateways.get(code) or gateways.setdefault(code, _gateway(code))
        outcome = _query_and_apply(gateway, payment_id, order_id, out_trade_no, "reconciled: ")
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- The buyer is back from the cashier -----------------------------------------------------------
# Alipay's notify is the source of truth but may lag the buyer's return by seconds (or never
# arrive). Like Alipay's own integrations, the return and the pages polling the payment's state
# ask Alipay (alipay.trade.query) and apply its answer through the same locked path as the notify
# and the reconciliation, so the shopper sees "paid" without waiting for the notify.

# How many of an order's pending payments one refresh asks about (newest first).
REFRESH_MAX_PAYMENTS = 3


def payment_refresh(*, payment_id: int, source: str) -> str:
    """Ask the gateway about a pending payment and apply a paid or closed trade, recorded as
    "<source>: <outcome>". At most one question per payment every PAYMENTS_STATUS_QUERY_SECONDS
    (the cache keeps the time), so pages that poll cannot hammer the gateway: a refresh within
    that time is "throttled". An unreachable gateway is "unreachable" (the notify and the
    reconciliation still come); a payment no longer pending is "not pending"."""
    found = selectors.pending_payment_trade(payment_id=payment_id)
    if found is None:
        return "not pending"
    order_id, out_trade_no, code = found
    if not cache.add(
        f"payments:refresh:{payment_id}", 1, timeout=settings.PAYMENTS_STATUS_QUERY_SECONDS
    ):
        return "throttled"
    try:
        return _query_and_apply(_gateway(code), payment_id, order_id, out_trade_no, f"{source}: ")
    except GatewayError as exc:
        logger.warning("payment %s: %s query failed: %s", out_trade_no, source, exc)
        return "unreachable"


def payments_refresh_pending(*, order_id: int, source: str) -> list[str]:
    """payment_refresh for the order's newest pending payments; their outcomes."""
    pending = selectors.pending_payment_ids(order_id=order_id, newest=REFRESH_MAX_PAYMENTS)
    return [payment_refresh(payment_id=pk, source=source) for pk in pending]


def payment_handle_return(*, params: dict[str, str], gateway: str = GATEWAY) -> str:
    """The buyer's browser is back from the cashier with the gateway's signed return. Only an
    authentic return makes us ask the gateway about its payment (and apply the answer, recorded
    as "returned: ..."); a forged, unsigned or tampered one changes nothing and is recorded
    nowhere (anyone can open the return URL with anything), only logged."""
    try:
        reference = _gateway(gateway).verify_return(params)
    except InvalidNotification as exc:
        logger.info("alipay return not verified (%s)", exc.reason)
        return f"rejected: {exc.reason}"
    found = selectors.payment_locator(out_trade_no=reference, gateway=gateway)
    if found is None:
        return "rejected: unknown out_trade_no"
    payment_id, _order_id = found
    return payment_refresh(payment_id=payment_id, source="returned")
