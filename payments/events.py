"""The audit trail of payments and of what the gateway told us."""

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


def notify_record(*, params: dict, verified: bool, outcome: str) -> NotifyRecord:
    def text(name: str, limit: int) -> str:
        value = params.get(name) if isinstance(params, dict) else None
        return value[:limit] if isinstance(value, str) else ""

    kept = (
        {str(k): str(v) for k, v in params.items() if k not in SECRET_PARAMS}
        if isinstance(params, dict)
        else {}
    )
    return NotifyRecord.objects.create(
        created_at=timezone.now(),
        out_trade_no=text("out_trade_no", 64),
        notify_id=text("notify_id", 128),
        trade_status=text("trade_status", 32),
        verified=verified,
        outcome=outcome[:200],
        params=kept,
    )
