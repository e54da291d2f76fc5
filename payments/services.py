"""Starting an Alipay payment and applying Alipay's asynchronous notifications.

A notification is applied under the order's row lock and then the payment's (the project lock
order), in one transaction with its NotifyRecord, so a duplicate delivered at the same instant
waits, then finds the payment paid and is recorded as a duplicate."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import locks as order_locks
from orders import services as order_services
from orders.models import Order, OrderStatus

from . import locks
from .alipay_client import AlipayGateway, InvalidNotification, format_amount
from .config import alipay_config
from .errors import PaymentError
from .events import notify_record, payment_event_record
from .models import Payment
from .models import PaymentStatus as P

logger = logging.getLogger(__name__)

GATEWAY = "alipay"
SETTLED_TRADE_STATUSES = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})


def _gateway() -> AlipayGateway:
    return AlipayGateway(alipay_config())


def _set_status(payment: Payment, to_status: str, note: str, fields: tuple[str, ...] = ()) -> None:
    from_status = payment.status
    payment.status = to_status
    payment.save(update_fields=["status", "updated_at", *fields])
    payment_event_record(
        payment=payment, actor=None, from_status=from_status, to_status=to_status, note=note
    )


@transaction.atomic
def _open_payment(order: Order) -> Payment:
    order = order_locks.lock_order(order.pk)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise PaymentError(
            _("This order is %(status)s and cannot be changed to %(new)s.")
            % {"status": order.get_status_display(), "new": OrderStatus.PAID.label}
        )
    payment = (
        Payment.objects.select_for_update()
        .filter(order=order, gateway=GATEWAY, status=P.PENDING, amount=order.total)
        .order_by("-pk")
        .first()
    )
    if payment is None:
        attempt = Payment.objects.filter(order=order).count() + 1
        payment = Payment.objects.create(
            order=order,
            gateway=GATEWAY,
            amount=order.total,
            currency=order.currency,
            out_trade_no=f"{order.number}-{attempt}",
        )
        payment_event_record(
            payment=payment, actor=None, from_status="", to_status=P.PENDING, note="started"
        )
    return payment


def payment_start(
    *, order: Order, mobile: bool, return_url: str, notify_url: str
) -> tuple[Payment, str]:
    """Open (or reuse) the pending Alipay payment of an order awaiting payment and return it with
    the signed gateway URL the buyer's browser goes to. Raises PaymentError for other orders."""
    payment = _open_payment(order)
    url = _gateway().page_pay_url(
        payment.out_trade_no,
        payment.amount,
        f"{settings.SHOP_NAME} {order.number}",
        return_url,
        notify_url,
        mobile=mobile,
    )
    return payment, url


def _reject(params: dict, reason: str, *, verified: bool) -> bool:
    logger.warning(
        "alipay notify rejected (%s): out_trade_no=%r notify_id=%r",
        reason,
        params.get("out_trade_no") if isinstance(params, dict) else None,
        params.get("notify_id") if isinstance(params, dict) else None,
    )
    notify_record(params=params, verified=verified, outcome=f"rejected: {reason}")
    return False


def _exact_amount(value: str | None) -> Decimal | None:
    try:
        amount = Decimal(value or "")
    except (InvalidOperation, TypeError):
        return None
    return amount if amount.is_finite() else None


def payment_handle_notification(*, params: dict[str, str]) -> bool:
    """Apply one asynchronous notification from Alipay. True means "answer success": the
    notification is authentic and handled (or was already). Forged, unsigned, other-app or
    unknown-trade notifications change nothing, are recorded and give False, so Alipay retries
    a genuine one that we could not take yet.

    TRADE_SUCCESS / TRADE_FINISHED settle the payment and mark the order paid; WAIT_BUYER_PAY
    changes nothing; TRADE_CLOSED closes a pending payment and never unpays a paid one. A
    signed notification whose total_amount differs from the payment's sets the payment to
    needs_review, pays nothing and answers failure (as the issue specifies: a wrong amount is
    never acknowledged as a settled payment); its retries are recorded and change nothing more."""
    try:
        params = _gateway().verify_notification(params)
    except InvalidNotification as exc:
        return _reject(params, exc.reason, verified=False)
    out_trade_no = params.get("out_trade_no", "")
    found = Payment.objects.filter(out_trade_no=out_trade_no).values_list("pk", "order_id").first()
    if found is None:
        return _reject(params, "unknown out_trade_no", verified=True)
    payment_id, order_id = found
    outcome = _apply_locked(payment_id, order_id, params)
    if outcome.startswith("review"):
        logger.error("alipay notify for %s needs review: %s", out_trade_no, outcome)
        return False
    return True


def _apply_locked(payment_id: int, order_id: int, params: dict[str, str], prefix: str = "") -> str:
    """What a verified trade status means for the payment, applied under the project lock order
    (Order, then Payment) and recorded in a NotifyRecord in the same transaction. The notify
    endpoint and the reconciliation both come through here, so they settle the same way."""
    with transaction.atomic():
        order = order_locks.lock_order(order_id)
        payment = locks.lock_payment(payment_id)
        outcome = _apply(order, payment, params)
        notify_record(params=params, verified=True, outcome=f"{prefix}{outcome}")
    return outcome


def _apply(order: Order, payment: Payment, params: dict[str, str]) -> str:
    trade_status = params.get("trade_status", "")
    trade_no = params.get("trade_no", "")[:64]
    if _exact_amount(params.get("total_amount")) != payment.amount:
        note = f"alipay {trade_no} {trade_status}: amount {params.get('total_amount')!r}"
        if payment.status in (P.PENDING, P.CLOSED):
            _set_status(payment, P.NEEDS_REVIEW, note)
        return "review: amount mismatch"
    if trade_status in SETTLED_TRADE_STATUSES:
        return _settle(order, payment, trade_no)
    if trade_status == "TRADE_CLOSED":
        if payment.status == P.PENDING:
            _set_status(payment, P.CLOSED, f"alipay {trade_no} closed")
            return "closed"
        return f"ignored: closed while {payment.status}"
    return f"ignored: {trade_status or 'no trade_status'}"


def _settle(order: Order, payment: Payment, trade_no: str) -> str:
    if payment.status == P.PAID:
        return "duplicate"
    if payment.status not in (P.PENDING, P.CLOSED):
        return f"ignored: payment {payment.status}"
    payment.trade_no = trade_no
    payment.paid_at = timezone.now()
    if order.status != OrderStatus.PENDING_PAYMENT:
        # Money arrived for an order that was cancelled or already paid by another attempt:
        # a person decides (usually a refund).
        _set_status(
            payment,
            P.NEEDS_REVIEW,
            f"alipay {trade_no}: paid while order {order.status}",
            fields=("trade_no", "paid_at"),
        )
        return f"review: order {order.status}"
    _set_status(payment, P.PAID, f"alipay {trade_no}", fields=("trade_no", "paid_at"))
    order_services.order_mark_paid(order=order, actor=None, note=f"alipay {trade_no}")
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
    gateway = _gateway()
    if not gateway.close(payment.out_trade_no):
        # Refused: the trade does not exist (the buyer never opened the cashier), is already
        # closed, or was paid. Only the last keeps the payment open.
        result = gateway.query(payment.out_trade_no)
        if result.found and result.trade_status in SETTLED_TRADE_STATUSES:
            return "paid at gateway"
    with transaction.atomic():
        order_locks.lock_order(payment.order_id)
        payment = locks.lock_payment(payment_id)
        if payment.status != P.PENDING:
            return "ignored"
        _set_status(payment, P.CLOSED, "alipay trade closed: order cancelled")
    return "closed"


def pending_payment_ids(*, order_id: int) -> list[int]:
    return list(
        Payment.objects.filter(order_id=order_id, gateway=GATEWAY, status=P.PENDING).values_list(
            "pk", flat=True
        )
    )


def payments_reconcile(*, older_than: timedelta, now=None) -> dict[str, int]:
    """Ask Alipay about payments still pending after `older_than` (a notify that never arrived)
    and apply what it says through the notify's own code path, recorded as "reconciled: ...":
    TRADE_SUCCESS/TRADE_FINISHED with the exact amount settle, TRADE_CLOSED closes, a trade not
    found or still waiting is left alone. Idempotent. Returns how many of each outcome."""
    cutoff = (now or timezone.now()) - older_than
    counts: dict[str, int] = {}
    gateway = _gateway()
    pending = Payment.objects.filter(gateway=GATEWAY, status=P.PENDING, created_at__lt=cutoff)
    for payment_id, order_id, out_trade_no in pending.order_by("pk").values_list(
        "pk", "order_id", "out_trade_no"
    ):
        result = gateway.query(out_trade_no)
        if not result.found or result.trade_status not in {
            *SETTLED_TRADE_STATUSES,
            "TRADE_CLOSED",
        }:
            outcome = "left"
        else:
            params = {
                "out_trade_no": out_trade_no,
                "trade_no": result.trade_no or "",
                "trade_status": result.trade_status,
                "total_amount": (
                    format_amount(result.total_amount) if result.total_amount is not None else ""
                ),
                "source": "alipay.trade.query",
            }
            outcome = _apply_locked(payment_id, order_id, params, prefix="reconciled: ")
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
