"""Carriers' tracking events: the webhook's one service (tracking_event_receive), also called by
the simulated carrier (carrier_sim) with events it signs itself.

An event is verified (HMAC-SHA256 of the raw body with the carrier's secret), parsed, then
recorded once: a carrier's event id is unique per carrier, so the same event delivered twice, or
twice at once, is stored once (the shipment's row lock serialises deliveries of one shipment; the
unique constraint is the last word). An event is always recorded in the shipment's timeline, but
it moves the shipment only when it is newer than the event that last moved it and the state
machine (transitions.py) allows the move: a late, older event never moves a shipment backwards,
and nothing moves a delivered one. The payload and responses are described for carriers'
integrators in docs/carrier-webhook.md."""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import locks, transitions
from ..models import Carrier, Shipment, ShipmentEvent, ShipmentEventType
from ..models import ShipmentStatus as S
from .shipments import shipment_event_record, shipment_status_move

# How far ahead of the shop's clock an event may claim to have happened (clocks differ a little;
# an event dated days ahead would freeze the shipment: every real event after it looks older).
CLOCK_SKEW = timedelta(minutes=10)
MAX_EVENT_ID = 64
MAX_TRACKING_NUMBER = 40
MAX_CITY = 40
MAX_DESCRIPTION = 200


class CarrierStatus(enum.StrEnum):
    """What a carrier may say happened, as its events name it (docs/carrier-webhook.md)."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    ARRIVED = "arrived"  # at the destination city's depot
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"


class ExceptionReason(enum.StrEnum):
    """Why a delivery did not go as planned (optional `reason` of an exception event)."""

    RECIPIENT_ABSENT = "recipient_absent"
    ADDRESS_PROBLEM = "address_problem"
    DAMAGED = "damaged"
    DELAYED = "delayed"
    OTHER = "other"


# A carrier status: the event type the timeline shows, and the status it moves the shipment to.
STATUS_MAP: dict[CarrierStatus, tuple[ShipmentEventType, S]] = {
    CarrierStatus.PICKED_UP: (ShipmentEventType.PICKED_UP, S.IN_TRANSIT),
    CarrierStatus.IN_TRANSIT: (ShipmentEventType.IN_TRANSIT, S.IN_TRANSIT),
    CarrierStatus.ARRIVED: (ShipmentEventType.IN_TRANSIT, S.IN_TRANSIT),
    CarrierStatus.OUT_FOR_DELIVERY: (ShipmentEventType.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY),
    CarrierStatus.DELIVERED: (ShipmentEventType.DELIVERED, S.DELIVERED),
    CarrierStatus.EXCEPTION: (ShipmentEventType.EXCEPTION, S.EXCEPTION),
}


# --- Errors: each says what was wrong; the webhook answers 4xx with its code and message ------


class TrackingError(DomainError):
    """A tracking event the shop refuses; `code` names the reason for the carrier's systems."""

    code = "invalid_event"


class UnknownCarrier(TrackingError):
    code = "unknown_carrier"


class BadSignature(TrackingError):
    code = "bad_signature"


class MalformedEvent(TrackingError):
    code = "malformed_event"


class UnknownTrackingNumber(TrackingError):
    code = "unknown_tracking_number"


# --- Results ------------------------------------------------------------------------------------


class Outcome(enum.StrEnum):
    APPLIED = "applied"  # recorded, and the shipment moved (or stayed in that status, newer)
    RECORDED = "recorded"  # recorded in the timeline; too old or not allowed to move the shipment
    DUPLICATE = "duplicate"  # this event was already recorded: nothing changed


@dataclass(frozen=True)
class TrackingResult:
    outcome: Outcome
    shipment_number: str
    status: str  # the shipment's status after the event


@dataclass(frozen=True)
class TrackingEvent:
    """One carrier event, as parsed from a webhook body."""

    event_id: str
    tracking_number: str
    status: CarrierStatus
    occurred_at: datetime
    city: str = ""
    description: str = ""
    reason: str = ""

    def as_json(self) -> bytes:
        """The body a carrier sends for this event (what the simulated carrier signs)."""
        body = {
            "event_id": self.event_id,
            "tracking_number": self.tracking_number,
            "status": str(self.status),
            "occurred_at": self.occurred_at.isoformat(),
            "city": self.city,
        }
        if self.description:
            body["description"] = self.description
        if self.reason:
            body["reason"] = self.reason
        return json.dumps(body, ensure_ascii=False).encode()


# --- Signature ----------------------------------------------------------------------------------

SIGNATURE_PREFIX = "sha256="


def tracking_signature(*, secret: str, body: bytes) -> str:
    """The signature a carrier sends with `body`: "sha256=" and the hex HMAC-SHA256 of the raw
    body, keyed with the carrier's webhook secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def _signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    given = (signature or "").strip()
    if not given.startswith(SIGNATURE_PREFIX):
        given = SIGNATURE_PREFIX + given  # the bare hex digest is accepted too
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a forged header).
    return hmac.compare_digest(
        tracking_signature(secret=secret, body=body).encode(), given.lower().encode()
    )


# --- Parsing ------------------------------------------------------------------------------------


def _text(data: dict, field: str, *, required: bool, limit: int) -> str:
    value = data.get(field, "")
    if value is None and not required:
        value = ""
    if not isinstance(value, str):
        raise MalformedEvent(_("%(field)s must be a string.") % {"field": field})
    value = value.strip()
    if "\x00" in value:
        # Never in a real value, and PostgreSQL refuses it in any text it compares or stores.
        raise MalformedEvent(_("%(field)s contains a NUL character.") % {"field": field})
    if required and not value:
        raise MalformedEvent(_("%(field)s is required.") % {"field": field})
    if len(value) > limit:
        raise MalformedEvent(
            _("%(field)s is longer than %(limit)s characters.") % {"field": field, "limit": limit}
        )
    return value


def _when(value: object, *, now: datetime) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise MalformedEvent(_("occurred_at is required."))
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise MalformedEvent(
            _("occurred_at must be an ISO 8601 date and time, such as 2026-12-03T14:05:00+08:00.")
        ) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise MalformedEvent(_("occurred_at must include a time zone (+08:00 or Z)."))
    if when > now + CLOCK_SKEW:
        raise MalformedEvent(_("occurred_at is in the future."))
    return when


def tracking_event_parse(body: bytes, *, now: datetime | None = None) -> TrackingEvent:
    """The event in a webhook body, or MalformedEvent saying what is wrong with it."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedEvent(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedEvent(_("The body must be one JSON object."))
    raw_status = data.get("status")
    try:
        status = CarrierStatus(raw_status)
    except (ValueError, TypeError):
        raise MalformedEvent(
            _("status must be one of: %(choices)s.")
            % {"choices": ", ".join(s.value for s in CarrierStatus)}
        ) from None
    reason = _text(data, "reason", required=False, limit=32)
    if reason and reason not in {r.value for r in ExceptionReason}:
        raise MalformedEvent(
            _("reason must be one of: %(choices)s.")
            % {"choices": ", ".join(r.value for r in ExceptionReason)}
        )
    return TrackingEvent(
        event_id=_text(data, "event_id", required=True, limit=MAX_EVENT_ID),
        tracking_number=_text(data, "tracking_number", required=True, limit=MAX_TRACKING_NUMBER),
        status=status,
        occurred_at=_when(data.get("occurred_at"), now=now or timezone.now()),
        city=_text(data, "city", required=False, limit=MAX_CITY),
        description=_text(data, "description", required=False, limit=MAX_DESCRIPTION),
        reason=reason if status == CarrierStatus.EXCEPTION else "",
    )


# --- Receiving ----------------------------------------------------------------------------------


def _already_recorded(*, carrier: Carrier, event: TrackingEvent) -> TrackingResult | None:
    known = (
        ShipmentEvent.objects.filter(carrier=carrier, external_id=event.event_id)
        .select_related("shipment")
        .first()
    )
    if known is None:
        return None
    return TrackingResult(Outcome.DUPLICATE, known.shipment.number, known.shipment.status)


def tracking_event_receive(*, carrier_code: str, body: bytes, signature: str) -> TrackingResult:
    """Verify, parse and record one tracking event of the carrier `carrier_code` (the webhook's
    raw body and signature header). Raises UnknownCarrier, BadSignature, MalformedEvent or
    UnknownTrackingNumber (in that order of checking); otherwise the event is recorded once and
    the result says whether it moved the shipment. Idempotent: the same event again changes
    nothing and answers DUPLICATE."""
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None:
        raise UnknownCarrier(_("No carrier has the code %(code)s.") % {"code": carrier_code})
    if not _signature_valid(secret=carrier.webhook_secret, body=body, signature=signature):
        raise BadSignature(_("The signature does not match the body."))
    event = tracking_event_parse(body)
    shipment_id = (
        Shipment.objects.filter(carrier=carrier, tracking_number=event.tracking_number)
        .values_list("pk", flat=True)
        .first()
    )
    if shipment_id is None:
        raise UnknownTrackingNumber(
            _("No shipment of %(carrier)s has the tracking number %(number)s.")
            % {"carrier": carrier.name, "number": event.tracking_number}
        )
    if (known := _already_recorded(carrier=carrier, event=event)) is not None:
        return known
    try:
        with transaction.atomic():
            return _record(carrier=carrier, shipment_id=shipment_id, event=event)
    except IntegrityError:
        # The same event id, recorded meanwhile for another of this carrier's shipments (the
        # shipment's lock serialises deliveries of one shipment only).
        if (known := _already_recorded(carrier=carrier, event=event)) is not None:
            return known
        raise


def _record(*, carrier: Carrier, shipment_id: int, event: TrackingEvent) -> TrackingResult:
    # A carrier's event locks its one shipment alone (docs/architecture.md, "The lock order"),
    # then looks again: a delivery of the same event that held the lock has committed by now.
    shipment = locks.lock_shipment(shipment_id)
    if (known := _already_recorded(carrier=carrier, event=event)) is not None:
        return known
    event_type, to_status = STATUS_MAP[event.status]
    params: dict = {"carrier_status": str(event.status)}
    if event.description:
        params["description"] = event.description
    if event.reason:
        params["reason"] = event.reason
    fields = {
        "shipment": shipment, "type": event_type, "params": params,
        "occurred_at": event.occurred_at, "city": event.city, "carrier": carrier,
        "external_id": event.event_id,
    }  # fmt: skip
    older = (
        shipment.status_changed_at is not None and event.occurred_at < shipment.status_changed_at
    )
    if older or to_status not in transitions.ALLOWED[shipment.status]:
        # Kept for the timeline; the shipment stays where newer news or a final status put it.
        params["applied"] = False
        shipment_event_record(**fields)
        return TrackingResult(Outcome.RECORDED, shipment.number, shipment.status)
    shipment_status_move(to_status=to_status, **fields)
    return TrackingResult(Outcome.APPLIED, shipment.number, shipment.status)
