"""Shipments: the one writer of Shipment.status (shipment_status_move), with a typed
ShipmentEvent for every change. Creating shipments from an order's lines (shipment_create),
handing them to a carrier (shipment_dispatch), moving them to another warehouse
(shipment_warehouse_change) and withdrawing them (shipment_cancel) are driven by orders, which
locks the order and its lines first and calls these inside its transaction; carriers' tracking
events arrive through the webhook. Lock order: docs/architecture.md ("The lock order")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import locks, signals, transitions
from ..models import (
    Carrier,
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    Stock,
    Warehouse,
)
from ..models import ShipmentStatus as S
from . import stock as stock_services

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


# --- Creating and handing over ------------------------------------------------------------------

# Crockford's base32 without I, L, O, U (as order numbers): easy to read out over the phone.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
E = ShipmentEventType


def new_shipment_number(today: date | None = None) -> str:
    """A shipment number such as "SP261203-7KQ3M9": the day it was made and 30 random bits."""
    today = today or timezone.localdate()
    tail = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"SP{today:%y%m%d}-{tail}"


@dataclass(frozen=True)
class LinePlan:
    """Units of one order line to pack from one stock row (None: units never allocated)."""

    line_id: int
    stock_id: int | None
    quantity: int


@dataclass(frozen=True)
class Destination:
    """Where a shipment goes, copied from the order when it is created."""

    region_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    promised_date: date | None = None


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("shipment changes must run inside the caller's transaction")


def shipment_create(
    *,
    order_id: int,
    merchant_id: int,
    warehouse: Warehouse,
    lines: list[LinePlan],
    destination: Destination,
    actor: User | None = None,
) -> Shipment:
    """A parcel being packed: these units of one merchant's lines of one order, from one
    warehouse, to `destination`. Their stock stays allocated until the parcel is dispatched.
    Runs in the caller's transaction (orders, holding the order's and its lines' locks)."""
    _require_transaction()
    lines = [line for line in lines if line.quantity > 0]
    if not lines:
        raise ShipmentError(_("A shipment holds at least one item."))
    shipment = _create_numbered(
        order_id=order_id,
        merchant_id=merchant_id,
        warehouse=warehouse,
        status=S.PACKING,
        region_code=destination.region_code,
        destination_latitude=destination.latitude,
        destination_longitude=destination.longitude,
        window_start=destination.window_start,
        window_end=destination.window_end,
        promised_date=destination.promised_date,
        status_changed_at=timezone.now(),
    )
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(
                shipment=shipment,
                order_line_id=line.line_id,
                stock_id=line.stock_id,
                quantity=line.quantity,
            )
            for line in lines
        ]
    )
    shipment_event_record(
        shipment=shipment, type=E.CREATED, actor=actor, from_status="", to_status=S.PACKING,
        params={"warehouse": warehouse.code, "units": sum(line.quantity for line in lines)},
        city=warehouse.city,
    )  # fmt: skip
    return shipment


def _create_numbered(**fields) -> Shipment:
    """A new shipment under a fresh number (drawn again in the rare case it is taken)."""
    for attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a taken number leaves the caller intact
                return Shipment.objects.create(number=new_shipment_number(), **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def tracking_number_for(carrier: Carrier) -> str:
    """A tracking number the shop makes up itself, for its own vans and the simulated carrier."""
    prefix = "".join(ch for ch in carrier.code.upper() if ch.isalnum())[:4] or "LC"
    return prefix + "".join(secrets.choice("0123456789") for _ in range(12))


def shipment_dispatch(
    *, shipment: Shipment, carrier: Carrier, tracking_number: str = "", actor: User | None = None
) -> Shipment:
    """Hand a packed shipment (locked by the caller, after the order and its lines) to
    `carrier`: its allocated units leave the warehouse stock (stock_ship_units: exactly what
    its lines hold) and it becomes shipped. A tracking number is required, except for the
    shop's own vans and the simulated carrier, which get one made up when none is given."""
    _require_transaction()
    if shipment.status != S.PACKING:
        raise ShipmentError(
            _("Shipment %(number)s is %(status)s: only a shipment being packed can be shipped.")
            % {"number": shipment.number, "status": shipment.get_status_display()}
        )
    if carrier is None or not carrier.is_active:
        raise ShipmentError(_("Choose an active carrier."))
    tracking_number = (tracking_number or "").strip()
    if not tracking_number:
        if not (carrier.is_local or carrier.is_simulated):
            raise ShipmentError(
                _("%(carrier)s needs the tracking number it gave the parcel.")
                % {"carrier": carrier.name}
            )
        tracking_number = tracking_number_for(carrier)
    if len(tracking_number) > 40:
        raise ShipmentError(_("A tracking number has at most 40 characters."))
    taken = Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exclude(
        pk=shipment.pk
    )
    if taken.exists():
        raise ShipmentError(
            _("Tracking number %(tracking)s of %(carrier)s is already on another shipment.")
            % {"tracking": tracking_number, "carrier": carrier.name}
        )
    units = [
        stock_services.ShippedUnits(line.order_line_id, line.stock_id, line.quantity)
        for line in shipment.lines.all()
        if line.stock_id is not None
    ]
    stock_services.stock_ship_units(units=units, actor=actor)
    shipment.carrier = carrier
    shipment.tracking_number = tracking_number
    try:
        with transaction.atomic():  # another shipment took the number in the meantime
            shipment.save(update_fields=["carrier", "tracking_number", "updated_at"])
    except IntegrityError:
        raise ShipmentError(
            _("Tracking number %(tracking)s of %(carrier)s is already on another shipment.")
            % {"tracking": tracking_number, "carrier": carrier.name}
        ) from None
    shipment_status_move(
        shipment=shipment, to_status=S.SHIPPED, type=E.SHIPPED, actor=actor,
        params={"carrier": carrier.code, "tracking_number": tracking_number},
        city=shipment.warehouse.city, carrier=carrier,
    )  # fmt: skip
    return shipment


def shipment_cancel(*, shipment: Shipment, actor: User | None = None, note: str = "") -> Shipment:
    """Withdraw a shipment still being packed (locked by the caller): its lines go back to the
    order, waiting for another shipment; their stock stays allocated."""
    _require_transaction()
    if shipment.status != S.PACKING:
        raise ShipmentError(
            _("Shipment %(number)s is %(status)s: only a shipment being packed can be cancelled.")
            % {"number": shipment.number, "status": shipment.get_status_display()}
        )
    shipment_status_move(
        shipment=shipment, to_status=S.CANCELLED, type=E.CANCELLED, actor=actor, note=note
    )
    return shipment


def shipment_warehouse_change(
    *, shipment: Shipment, warehouse: Warehouse, actor: User | None = None, reason: str = ""
) -> Shipment:
    """Pack a shipment (locked by the caller) in another warehouse: every line's allocated
    units move to that warehouse's stock of the same variant (stock_reallocate, recorded with
    `reason`). All or nothing: StockError, and nothing moves, when that warehouse lacks any of
    them."""
    _require_transaction()
    if shipment.status != S.PACKING:
        raise ShipmentError(
            _("Shipment %(number)s is %(status)s: it ships from where it left.")
            % {"number": shipment.number, "status": shipment.get_status_display()}
        )
    if warehouse.pk == shipment.warehouse_id:
        raise ShipmentError(_("The shipment already ships from that warehouse."))
    if not warehouse.is_active:
        raise ShipmentError(_("That warehouse no longer ships."))
    previous = shipment.warehouse
    why = reason or f"shipment {shipment.number} moved to {warehouse.code}"
    lines = list(shipment.lines.select_related("stock", "order_line").order_by("pk"))
    # Every stock row these lines may touch, locked at once in pk order (as checkout and
    # dispatch lock them), before moving line by line.
    locks.lock_stock_for_variants(line.order_line.variant_id for line in lines if line.stock)
    with transaction.atomic():  # a savepoint: a shortage on a later line undoes the earlier ones
        for line in lines:
            if line.stock is None:
                target = Stock.objects.filter(
                    warehouse=warehouse, variant_id=line.order_line.variant_id
                ).first()
                line.stock = target
            else:
                line.stock = stock_services.stock_reallocate(
                    line_id=line.order_line_id, stock=line.stock, to_warehouse=warehouse,
                    quantity=line.quantity, actor=actor, reason=why,
                )  # fmt: skip
        ShipmentLine.objects.bulk_update(lines, ["stock"])
    shipment.warehouse = warehouse
    shipment.save(update_fields=["warehouse", "updated_at"])
    shipment_event_record(
        shipment=shipment, type=E.WAREHOUSE_CHANGED, actor=actor,
        params={"from": previous.code, "to": warehouse.code}, note=reason, city=warehouse.city,
    )  # fmt: skip
    return shipment


def carrier_for_handover() -> Carrier:
    """The carrier a shipment goes with when staff ship without choosing one (the quick "ship
    everything" of an order): the first active simulated carrier, made if there is none."""
    carrier = Carrier.objects.filter(is_simulated=True, is_active=True).order_by("pk").first()
    if carrier is None:
        carrier, _created = Carrier.objects.get_or_create(
            code="simulated", defaults={"name": "Simulated carrier", "is_simulated": True}
        )
    return carrier
