"""Shipments: the one writer of Shipment.status (shipment_status_move), with a typed
ShipmentEvent for every change. Creating shipments from an order's lines and handing them to a
carrier are driven by orders (which locks the order and its lines first); carriers' tracking
events arrive through the webhook. Lock order: docs/architecture.md ("The lock order")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import signals, transitions
from ..models import Carrier, Shipment, ShipmentEvent, ShipmentEventType
from ..models import ShipmentStatus as S

if TYPE_CHECKING:
    from accounts.models import User


class ShipmentError(DomainError):
    """A shipment change that cannot be made; the message is shown to the person as it is."""


def shipment_event_record(
    *,
    shipment: Shipment,
    type: ShipmentEventType,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    params: dict | None = None,
    note: str = "",
    occurred_at: datetime | None = None,
    city: str = "",
    carrier: Carrier | None = None,
    external_id: str = "",
) -> ShipmentEvent:
    now = timezone.now()
    return ShipmentEvent.objects.create(
        shipment=shipment,
        created_at=now,
        occurred_at=occurred_at or now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status or shipment.status,
        to_status=to_status or shipment.status,
        type=type,
        params=params or {},
        note=note[:500],
        city=city[:40],
        carrier=carrier,
        external_id=external_id,
    )


def shipment_status_move(
    *,
    shipment: Shipment,
    to_status: str,
    type: ShipmentEventType,
    actor: User | None = None,
    params: dict | None = None,
    note: str = "",
    occurred_at: datetime | None = None,
    city: str = "",
    carrier: Carrier | None = None,
    external_id: str = "",
) -> ShipmentEvent:
    """Move a shipment (locked by the caller: locks.lock_shipment) to `to_status`, recording the
    event; after commit, signals.shipment_status_changed tells orders. Raises ShipmentError for a
    move the state machine does not allow."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("shipment changes must run inside the caller's transaction")
    previous = shipment.status
    if to_status not in transitions.ALLOWED[previous]:
        raise ShipmentError(
            _("Shipment %(number)s is %(status)s and cannot become %(to)s.")
            % {
                "number": shipment.number,
                "status": shipment.get_status_display(),
                "to": S(to_status).label,
            }
        )
    when = occurred_at or timezone.now()
    event = shipment_event_record(
        shipment=shipment, type=type, actor=actor, from_status=previous, to_status=to_status,
        params=params, note=note, occurred_at=when, city=city, carrier=carrier,
        external_id=external_id,
    )  # fmt: skip
    shipment.status = to_status
    shipment.status_changed_at = when
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status == S.SHIPPED and shipment.shipped_at is None:
        shipment.shipped_at = when
        fields.append("shipped_at")
    if to_status == S.DELIVERED:
        shipment.delivered_at = when
        fields.append("delivered_at")
    shipment.save(update_fields=fields)
    if to_status != previous:
        shipment_id, order_id = shipment.pk, shipment.order_id
        transaction.on_commit(
            lambda: signals.shipment_status_changed.send(
                sender=Shipment,
                shipment_id=shipment_id,
                order_id=order_id,
                status=to_status,
                previous=previous,
            ),
            robust=True,
        )
    return event
