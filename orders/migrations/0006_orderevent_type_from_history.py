"""Fill OrderEvent.type (and params) for the events recorded before they existed, from their
statuses and the English notes the services used to write ("placed", "<gateway> <trade no>",
"shipped SKU-1, SKU-2", "not paid in time"...). Those notes are moved into type and params and
cleared, so only what a person wrote stays a note; going back writes them again.

Self-contained on purpose: a migration must not follow later changes to the app's code."""

import re

from django.db import migrations

BATCH = 2000
REJECTED_PREFIX = "rejected after review: "
SHIPPED_PREFIX = "shipped "
# "<gateway> <trade no>", as payments wrote it when settling a payment.
PAID_NOTE_RE = re.compile(r"^([a-z][a-z0-9_]*) (\S+)$")
REFUNDED = ("refunded", "partially_refunded")

# The notes that only repeated what the type says, for each type.
PLAIN_NOTES = {
    "placed": "placed",
    "under_review": "held for review",
    "approved": "review approved",
    "delivered": "delivered",
    "completed": "completed",
    "refund_requested": "refund requested",
    "refunded": "refunded",
    "expired": "not paid in time",
}


def classify(from_status: str, to_status: str, note: str) -> tuple[str, dict, str]:
    """(type, params, note left) for one old event."""
    if not from_status or note == "placed":
        return "placed", {}, "" if note == "placed" else note
    if note.startswith(SHIPPED_PREFIX) or note == "shipped":
        skus = [s for s in note[len(SHIPPED_PREFIX) :].split(", ") if s]
        partial = to_status == "partially_shipped"
        return "shipped", ({"skus": skus, "partial": partial} if skus else {}), ""
    if to_status == "cancelled" and from_status != "cancelled":
        if note == "not paid in time":
            return "expired", {}, ""
        if note.startswith(REJECTED_PREFIX):
            return "rejected", {}, note[len(REJECTED_PREFIX) :]
        if note == "cancelled by the customer":
            return "cancelled", {"by": "customer"}, ""
        return "cancelled", {}, note
    if to_status in REFUNDED or note == "refunded":
        return "refunded", {}, "" if note == "refunded" else note
    if from_status == to_status:
        return "note", {}, note
    if from_status == "refund_requested":
        return "refund_declined", {}, note
    if to_status == "paid":
        match = PAID_NOTE_RE.match(note)
        if note == "payment received":
            return "paid", {}, ""
        if match:
            return "paid", {"gateway": match.group(1), "trade_no": match.group(2)}, ""
        return "paid", {}, note
    if from_status == "under_review" and to_status == "pending_payment":
        kind = "approved"
    else:
        kind = {
            "under_review": "under_review",
            "delivered": "delivered",
            "completed": "completed",
            "refund_requested": "refund_requested",
            "pending_payment": "placed",
            "partially_shipped": "shipped",
            "shipped": "shipped",
        }.get(to_status, "note")
    return kind, {}, "" if PLAIN_NOTES.get(kind) == note else note


def note_for(kind: str, params: dict, note: str) -> str:
    """The note the services wrote for an event of this type (the inverse of classify)."""
    if kind == "paid" and params.get("gateway"):
        return f"{params['gateway']} {params.get('trade_no', '')}".strip()
    if kind == "shipped" and params.get("skus"):
        return SHIPPED_PREFIX + ", ".join(params["skus"])
    if kind == "rejected":
        return REJECTED_PREFIX + note
    if note:
        return note
    if kind == "cancelled" and params.get("by") == "customer":
        return "cancelled by the customer"
    if kind == "paid":
        return "payment received"
    return PLAIN_NOTES.get(kind, "")


def _in_batches(OrderEvent, fields, change):
    batch = []
    for event in OrderEvent.objects.order_by("pk").iterator(chunk_size=BATCH):
        change(event)
        batch.append(event)
        if len(batch) >= BATCH:
            OrderEvent.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        OrderEvent.objects.bulk_update(batch, fields)


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")

    def change(event):
        event.type, event.params, event.note = classify(
            event.from_status, event.to_status, event.note
        )

    _in_batches(OrderEvent, ["type", "params", "note"], change)


def backwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")

    def change(event):
        event.note = note_for(event.type, event.params or {}, event.note)[:500]

    _in_batches(OrderEvent, ["note"], change)


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_orderevent_type_params")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
