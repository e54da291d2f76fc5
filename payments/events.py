"""The audit trail of payments and refunds (one typed event per change, worded in the reader's
language from its type and params) and of what the gateway told us."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.channel import with_via
from common.money import money_format
from orders.models import OrderStatus
from orders.selectors import GATEWAY_NAMES

from .models import (
    NotifyRecord,
    Payment,
    PaymentEvent,
    PaymentEventType,
    Refund,
    RefundEvent,
    RefundEventType,
)

if TYPE_CHECKING:
    from accounts.models import User

# Never stored: the signature is a credential-like blob and useless for audit once checked.
SECRET_PARAMS = frozenset({"sign"})


def _person(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def payment_event_record(
    *,
    payment: Payment,
    actor: User | None,
    from_status: str,
    to_status: str,
    type: str,
    params: Mapping[str, object] | None = None,
    note: str = "",
) -> PaymentEvent:
    """Write one payment event. Changes of status are recorded by
    services.payment_status_move; this is for the first (a payment started) and that one."""
    return PaymentEvent.objects.create(
        payment=payment,
        created_at=timezone.now(),
        actor=_person(actor),
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=with_via(params),
        note=note[:500],
    )


def refund_event_record(
    *,
    refund: Refund,
    actor: User | None,
    from_status: str,
    to_status: str,
    type: str,
    params: Mapping[str, object] | None = None,
    note: str = "",
) -> RefundEvent:
    """Write one refund event (services.refund_status_move for changes of status)."""
    return RefundEvent.objects.create(
        refund=refund,
        created_at=timezone.now(),
        actor=_person(actor),
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=dict(params or {}),
        note=note[:500],
    )


# --- Wording ------------------------------------------------------------------------------------
# One sentence per type (and, for some, per params["reason"]), filled with the event's params.

PAYMENT_TEXTS = {
    (PaymentEventType.STARTED, ""): _("Payment started at %(gateway)s."),
    (PaymentEventType.PAID, ""): _("Paid at %(gateway)s (trade %(trade_no)s)."),
    (PaymentEventType.CLOSED, "gateway"): _("Closed by %(gateway)s (trade %(trade_no)s)."),
    (PaymentEventType.CLOSED, "order_cancelled"): _(
        "Trade closed at %(gateway)s: the order was cancelled."
    ),
    (PaymentEventType.NEEDS_REVIEW, "amount"): _(
        "Held for review: %(gateway)s reported %(amount)s for trade %(trade_no)s "
        "(%(trade_status)s)."
    ),
    (PaymentEventType.NEEDS_REVIEW, "order"): _(
        "Held for review: paid at %(gateway)s (trade %(trade_no)s) while the order was "
        "%(order_status)s."
    ),
    (PaymentEventType.REFUNDED, ""): _(
        "Refund %(out_request_no)s of %(amount)s made (%(total)s refunded in all)."
    ),
}

REFUND_TEXTS = {
    RefundEventType.REQUESTED: _("Refund of %(amount)s requested."),
    RefundEventType.SUCCEEDED: _("Made at the gateway: %(message)s"),
    RefundEventType.FAILED: _("Refused by the gateway: %(message)s"),
    RefundEventType.ORDER_NOT_UPDATED: _("Refund made, but the order was not updated: %(error)s"),
}


def _filled(template, params: Mapping[str, object]) -> str | None:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return None


# Params that hold an amount of money (stored as plain numbers, shown as ¥1,299.00).
MONEY_PARAMS = ("amount", "total")


def _shown_params(params: Mapping[str, object]) -> dict[str, object]:
    shown = dict(params)
    for name in MONEY_PARAMS:
        if name in shown:
            shown[name] = money_format(shown[name]) or shown[name]
    if "gateway" in shown:
        shown["gateway"] = GATEWAY_NAMES.get(str(shown["gateway"]), shown["gateway"])
    if "order_status" in shown and shown["order_status"] in OrderStatus.values:
        shown["order_status"] = OrderStatus(shown["order_status"]).label
    return shown


def payment_event_text(event: PaymentEvent) -> str:
    """The event as a sentence in the active language; a note (or an event whose params do not
    fit its sentence) shows its type's name and the note as written."""
    params = event.params if isinstance(event.params, dict) else {}
    template = PAYMENT_TEXTS.get((event.type, str(params.get("reason", ""))))
    text = _filled(template, _shown_params(params)) if template is not None else None
    if text is None:
        text = str(event.get_type_display())
    if params.get("via") == "chat":
        text = _("%(what)s (via chat)") % {"what": text}
    return f"{text} {event.note}" if event.note else text


def refund_event_text(event: RefundEvent) -> str:
    """payment_event_text for a refund's event; a person's note (the reason) follows it."""
    params = event.params if isinstance(event.params, dict) else {}
    template = REFUND_TEXTS.get(event.type)
    text = _filled(template, _shown_params(params)) if template is not None else None
    if text is None:
        text = str(event.get_type_display())
    return f"{text} {event.note}" if event.note else text


# What is kept of a rejected (unverified) notification: anyone can post one, so only these
# fields, each cut short, and how many others there were; never the body as sent.
REJECTED_KEPT_PARAMS = (
    "notify_id",
    "notify_type",
    "notify_time",
    "app_id",
    "seller_id",
    "out_trade_no",
    "trade_no",
    "trade_status",
    "total_amount",
    "charset",
    "sign_type",
    "version",
)
REJECTED_VALUE_CHARS = 128


def _bounded(params: dict) -> dict[str, str | int]:
    kept: dict[str, str | int] = {
        name: str(params[name])[:REJECTED_VALUE_CHARS]
        for name in REJECTED_KEPT_PARAMS
        if name in params
    }
    others = sum(1 for name in params if name not in kept and name not in SECRET_PARAMS)
    if others:
        kept["other_params_dropped"] = others
    return kept


def notify_record(*, params: dict, verified: bool, outcome: str) -> NotifyRecord:
    """Record a notification and what we made of it. A verified one is kept whole (minus its
    signature), for the audit; of an unverified one only a bounded summary, and the oldest
    unverified records beyond the configured number and age are deleted."""

    def text(name: str, limit: int) -> str:
        value = params.get(name) if isinstance(params, dict) else None
        return value[:limit] if isinstance(value, str) else ""

    if not isinstance(params, dict):
        kept: dict = {}
    elif verified:
        kept = {str(k): str(v) for k, v in params.items() if k not in SECRET_PARAMS}
    else:
        kept = _bounded(params)
    record = NotifyRecord.objects.create(
        created_at=timezone.now(),
        out_trade_no=text("out_trade_no", 64),
        notify_id=text("notify_id", 128),
        trade_status=text("trade_status", 32),
        verified=verified,
        outcome=outcome[:200],
        params=kept,
    )
    if not verified:
        notify_records_prune_rejected()
    return record


def notify_records_prune_rejected() -> int:
    """Delete unverified notification records beyond the newest PAYMENTS_NOTIFY_REJECTED_KEEP
    and older than PAYMENTS_NOTIFY_REJECTED_KEEP_DAYS, so junk posted to the public endpoint
    cannot fill the database. Verified records are never deleted. Returns how many went."""
    rejected = NotifyRecord.objects.filter(verified=False)
    too_old = Q(
        created_at__lt=timezone.now() - timedelta(days=settings.PAYMENTS_NOTIFY_REJECTED_KEEP_DAYS)
    )
    oldest_kept = (
        rejected.order_by("-pk")
        .values_list("pk", flat=True)[max(settings.PAYMENTS_NOTIFY_REJECTED_KEEP, 1) - 1 :]
        .first()
    )
    if oldest_kept is not None:
        too_old |= Q(pk__lt=oldest_kept)
    deleted, _ = rejected.filter(too_old).delete()
    return deleted
