"""Give the payment events written before they had a type their type and params, read from the
English notes the code used to write, and move the refund steps recorded as payment notes
(requested, refused, order not updated) to the refunds' own events. Reversible: backwards, the
notes are written again from type and params and the refund steps go back to payment notes."""

import re

from django.db import migrations

GATEWAY_TRADE = r"(?P<gateway>\S+) (?P<trade_no>\S*)"
PAYMENT_NOTES = [
    # (type, reason, from-status condition, to_status, pattern)
    ("paid", "", ("paid",), re.compile(rf"^{GATEWAY_TRADE}$")),
    ("closed", "gateway", ("closed",), re.compile(rf"^{GATEWAY_TRADE} closed$")),
    (
        "closed",
        "order_cancelled",
        ("closed",),
        re.compile(r"^(?P<gateway>\S+) trade closed: order cancelled$"),
    ),
    (
        "needs_review",
        "order",
        ("needs_review",),
        re.compile(rf"^{GATEWAY_TRADE}: paid while order (?P<order_status>\S+)$"),
    ),
    (
        "needs_review",
        "amount",
        ("needs_review",),
        re.compile(rf"^{GATEWAY_TRADE} (?P<trade_status>\S*): amount (?P<amount>.*)$"),
    ),
    (
        "refunded",
        "",
        ("refunded", "partially_refunded"),
        re.compile(
            r"^refund (?P<out_request_no>\S+) of (?P<amount>\S+) made \((?P<total>\S+) in all\)$"
        ),
    ),
]
REFUND_REQUESTED = re.compile(
    r"^refund (?P<no>\S+) of (?P<amount>\S+) requested: (?P<reason>.*)$", re.S
)
REFUND_REFUSED = re.compile(r"^refund (?P<no>\S+) refused: (?P<message>.*)$", re.S)
REFUND_ORDER_NOT_UPDATED = re.compile(
    r"^refund (?P<no>\S+): order not updated: (?P<error>.*)$", re.S
)
AMOUNT_REPR = re.compile(r"^(?:Decimal\()?'(?P<value>[^']*)'\)?$")


def _amount(text: str) -> str:
    match = AMOUNT_REPR.match(text)
    return match["value"] if match else text


def _refund_step(event, refunds):
    """(refund, type, from, to, params, note) for a payment note that was a refund's step."""
    for pattern, kind in (
        (REFUND_REQUESTED, "requested"),
        (REFUND_REFUSED, "failed"),
        (REFUND_ORDER_NOT_UPDATED, "order_not_updated"),
    ):
        match = pattern.match(event.note)
        if match is None:
            continue
        refund = refunds.get(match["no"])
        if refund is None:
            return None
        if kind == "requested":
            return refund, kind, "", "pending", {"amount": match["amount"]}, match["reason"]
        if kind == "failed":
            return refund, kind, "pending", "failed", {"message": match["message"]}, ""
        return refund, kind, refund.status, refund.status, {"error": match["error"]}, ""
    return None


def forwards(apps, schema_editor):
    PaymentEvent = apps.get_model("payments", "PaymentEvent")
    Refund = apps.get_model("payments", "Refund")
    RefundEvent = apps.get_model("payments", "RefundEvent")
    refunds = {r.out_request_no: r for r in Refund.objects.all()}
    typed, moved, refund_events = [], [], []
    # Read whole before writing: SQLite does not isolate a cursor from writes to its table.
    for event in list(PaymentEvent.objects.select_related("payment").order_by("pk")):
        if not event.from_status and event.note == "started":
            event.type, event.params, event.note = "started", {"gateway": event.payment.gateway}, ""
            typed.append(event)
            continue
        step = _refund_step(event, refunds) if event.from_status == event.to_status else None
        if step is not None:
            refund, kind, from_status, to_status, params, note = step
            refund_events.append(
                RefundEvent(
                    refund=refund,
                    created_at=event.created_at,
                    actor_id=event.actor_id,
                    from_status=from_status,
                    to_status=to_status,
                    type=kind,
                    params=params,
                    note=note[:500],
                )
            )
            moved.append(event.pk)
            continue
        for kind, reason, to_statuses, pattern in PAYMENT_NOTES:
            match = pattern.match(event.note) if event.to_status in to_statuses else None
            if match is None:
                continue
            params = match.groupdict()
            if "amount" in params and kind == "needs_review":
                params["amount"] = _amount(params["amount"])
            if reason:
                params["reason"] = reason
            if kind == "refunded":
                refund = refunds.get(params["out_request_no"])
                if refund is not None:
                    params["refund_id"] = refund.pk
                    refund_events.append(
                        RefundEvent(
                            refund=refund,
                            created_at=event.created_at,
                            actor_id=event.actor_id,
                            from_status="pending",
                            to_status="succeeded",
                            type="succeeded",
                            params={"message": refund.gateway_message},
                        )
                    )
            event.type, event.params, event.note = kind, params, ""
            typed.append(event)
            break
    PaymentEvent.objects.bulk_update(typed, ["type", "params", "note"], batch_size=1000)
    PaymentEvent.objects.filter(pk__in=moved).delete()
    RefundEvent.objects.bulk_create(refund_events, batch_size=1000)


def _payment_note(event) -> str:
    p = event.params or {}
    reason = p.get("reason", "")
    if event.type == "started":
        return "started"
    if event.type == "paid":
        return f"{p.get('gateway', '')} {p.get('trade_no', '')}"
    if event.type == "closed" and reason == "order_cancelled":
        return f"{p.get('gateway', '')} trade closed: order cancelled"
    if event.type == "closed":
        return f"{p.get('gateway', '')} {p.get('trade_no', '')} closed"
    if event.type == "needs_review" and reason == "order":
        return f"{p.get('gateway', '')} {p.get('trade_no', '')}: paid while order {p.get('order_status', '')}"
    if event.type == "needs_review":
        return (
            f"{p.get('gateway', '')} {p.get('trade_no', '')} {p.get('trade_status', '')}: "
            f"amount {p.get('amount', '')!r}"
        )
    if event.type == "refunded":
        return f"refund {p.get('out_request_no', '')} of {p.get('amount', '')} made ({p.get('total', '')} in all)"
    return ""


def backwards(apps, schema_editor):
    PaymentEvent = apps.get_model("payments", "PaymentEvent")
    RefundEvent = apps.get_model("payments", "RefundEvent")
    noted = []
    for event in list(PaymentEvent.objects.exclude(type="note").filter(note="")):
        event.note = _payment_note(event)[:500]
        noted.append(event)
    PaymentEvent.objects.bulk_update(noted, ["note"], batch_size=1000)
    notes = []
    for event in RefundEvent.objects.select_related("refund__payment").order_by("pk"):
        refund, p = event.refund, event.params or {}
        if event.type == "requested":
            note = f"refund {refund.out_request_no} of {p.get('amount', refund.amount)} requested: {event.note}"
        elif event.type == "failed":
            note = f"refund {refund.out_request_no} refused: {p.get('message', '')}"
        elif event.type == "order_not_updated":
            note = f"refund {refund.out_request_no}: order not updated: {p.get('error', '')}"
        else:
            continue
        notes.append(
            PaymentEvent(
                payment=refund.payment,
                created_at=event.created_at,
                actor_id=event.actor_id,
                from_status=refund.payment.status,
                to_status=refund.payment.status,
                note=note[:500],
            )
        )
    PaymentEvent.objects.bulk_create(notes, batch_size=1000)
    RefundEvent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_typed_payment_and_refund_events_schema")]

    operations = [migrations.RunPython(forwards, backwards)]
