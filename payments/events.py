"""The audit trail of payments and of what the gateway told us."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import NotifyRecord, Payment, PaymentEvent

# Never stored: the signature is a credential-like blob and useless for audit once checked.
SECRET_PARAMS = frozenset({"sign"})


def payment_event_record(
    *, payment: Payment, actor, from_status: str, to_status: str, note: str = ""
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note[:500],
    )


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
