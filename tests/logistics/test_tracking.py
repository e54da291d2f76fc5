"""The carriers' webhook: signed tracking events recorded once, in any order, never moving a
shipment backwards; every refusal a 4xx with a JSON error."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from logistics.models import ShipmentEvent, ShipmentEventType
from logistics.models import ShipmentStatus as S
from logistics.services import tracking
from tests.logistics.factories import CarrierFactory, shipped_shipment

pytestmark = pytest.mark.django_db

URL = "/logistics/carriers/{code}/events/"


def event_body(shipment, *, event_id="evt-1", status="in_transit", when=None, **extra) -> dict:
    when = when or timezone.now() - timedelta(minutes=5)
    return {
        "event_id": event_id,
        "tracking_number": shipment.tracking_number,
        "status": status,
        "occurred_at": when.isoformat(),
        "city": "嘉兴市",
        **extra,
    }


def deliver(client, carrier, body, *, signature=None, raw: bytes | None = None):
    """POST an event as the carrier's servers do: the raw JSON, signed with its secret."""
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    if signature is None:
        signature = tracking.tracking_signature(secret=carrier.webhook_secret, body=data)
    return client.post(
        URL.format(code=carrier.code),
        data=data,
        content_type="application/json",
        headers={"X-Carrier-Signature": signature},
    )


@pytest.fixture
def shipment():
    return shipped_shipment()


def test_a_signed_event_moves_the_shipment_and_is_recorded(client, shipment):
    response = deliver(client, shipment.carrier, event_body(shipment))

    assert response.status_code == 200
    assert response.json() == {
        "result": "applied",
        "shipment": shipment.number,
        "status": "in_transit",
    }
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    event = shipment.events.get(external_id="evt-1")
    assert (event.type, event.city, event.carrier) == (
        ShipmentEventType.IN_TRANSIT,
        "嘉兴市",
        shipment.carrier,
    )


def test_a_bad_signature_is_refused_with_401_and_changes_nothing(client, shipment):
    response = deliver(client, shipment.carrier, event_body(shipment), signature="sha256=00ff")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert response.json()["error"]["message"]
    shipment.refresh_from_db()
    assert shipment.status == S.SHIPPED
    assert not shipment.events.filter(external_id="evt-1").exists()


def test_an_event_signed_with_another_carriers_secret_is_refused(client, shipment):
    other = CarrierFactory(code="other")
    data = json.dumps(event_body(shipment)).encode()
    forged = tracking.tracking_signature(secret=other.webhook_secret, body=data)

    response = deliver(client, shipment.carrier, None, raw=data, signature=forged)

    assert response.status_code == 401


def test_a_missing_signature_is_refused(client, shipment):
    response = deliver(client, shipment.carrier, event_body(shipment), signature="")

    assert response.status_code == 401


def test_an_unknown_carrier_is_404(client, shipment):
    response = client.post(URL.format(code="nobody"), data=b"{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_carrier"


def test_an_unknown_tracking_number_is_404(client, shipment):
    body = event_body(shipment)
    body["tracking_number"] = "NOSUCHPARCEL"

    response = deliver(client, shipment.carrier, body)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_tracking_number"


def test_another_carriers_tracking_number_is_unknown(client, shipment):
    other = CarrierFactory(code="other")

    response = deliver(client, other, event_body(shipment))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_tracking_number"


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b"",
        b'"in_transit"',
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, shipment, raw):
    response = deliver(client, shipment.carrier, None, raw=raw)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_event"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_id": None}, "event_id"),
        ({"event_id": ""}, "event_id"),
        ({"event_id": "x" * 65}, "event_id"),
        ({"event_id": 12}, "event_id"),
        ({"tracking_number": None}, "tracking_number"),
        ({"status": "teleported"}, "status"),
        ({"status": None}, "status"),
        ({"status": ["delivered"]}, "status"),
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-12-03T10:00:00"}, "occurred_at"),  # no time zone
        ({"occurred_at": "2026-13-45T10:00:00+08:00"}, "occurred_at"),
        ({"occurred_at": 1764748800}, "occurred_at"),
        ({"city": "武" * 41}, "city"),
        ({"city": "嘉兴\x00市"}, "city"),
        ({"description": {"text": "hi"}}, "description"),
        ({"status": "exception", "reason": "aliens"}, "reason"),
    ],
)
def test_a_malformed_event_is_400_naming_the_field(client, shipment, change, field):
    body = {**event_body(shipment), **change}
    if change.get(field, "") is None:
        del body[field]

    response = deliver(client, shipment.carrier, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_event"
    assert field in error["message"]
    assert not ShipmentEvent.objects.filter(type=ShipmentEventType.IN_TRANSIT).exists()


def test_an_event_dated_in_the_future_is_400(client, shipment):
    body = event_body(shipment, when=timezone.now() + timedelta(days=1))

    response = deliver(client, shipment.carrier, body)

    assert response.status_code == 400
    assert "future" in response.json()["error"]["message"]


def test_a_utc_date_with_z_is_understood(client, shipment):
    when = (timezone.now() - timedelta(minutes=1)).replace(microsecond=0)
    body = event_body(shipment)
    body["occurred_at"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    response = deliver(client, shipment.carrier, body)

    assert response.status_code == 200
    assert shipment.events.get(external_id="evt-1").occurred_at == when


def test_get_is_405_with_json(client, shipment):
    response = client.get(URL.format(code=shipment.carrier.code))

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_a_body_that_is_not_json_by_its_type_is_415(client, shipment, content_type):
    response = client.post(
        URL.format(code=shipment.carrier.code), data="status=delivered", content_type=content_type
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_huge_body_is_refused_unread(client, shipment):
    response = deliver(client, shipment.carrier, None, raw=b"{" + b" " * 20_000 + b"}")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_the_same_event_twice_is_stored_once(client, shipment):
    body = event_body(shipment)

    first = deliver(client, shipment.carrier, body)
    second = deliver(client, shipment.carrier, body)

    assert first.json()["result"] == "applied"
    assert second.status_code == 200
    assert second.json()["result"] == "duplicate"
    assert shipment.events.filter(external_id="evt-1").count() == 1


def test_an_older_event_after_a_newer_one_is_recorded_but_does_not_move_the_shipment(
    client, shipment
):
    now = timezone.now()
    out = event_body(shipment, event_id="e2", status="out_for_delivery", when=now)
    late = event_body(shipment, event_id="e1", status="in_transit", when=now - timedelta(hours=5))

    deliver(client, shipment.carrier, out)
    response = deliver(client, shipment.carrier, late)

    assert response.json()["result"] == "recorded"
    shipment.refresh_from_db()
    assert shipment.status == S.OUT_FOR_DELIVERY
    assert shipment.status_changed_at == now
    recorded = shipment.events.get(external_id="e1")
    assert recorded.to_status == S.OUT_FOR_DELIVERY
    assert recorded.params["applied"] is False


def test_nothing_moves_a_delivered_shipment(client, shipment):
    now = timezone.now()
    deliver(client, shipment.carrier, event_body(shipment, event_id="d", status="delivered"))
    after = event_body(shipment, event_id="x", status="exception", when=now, reason="damaged")

    response = deliver(client, shipment.carrier, after)

    assert response.status_code == 200
    assert response.json() == {
        "result": "recorded",
        "shipment": shipment.number,
        "status": "delivered",
    }
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
    assert shipment.events.get(external_id="x").params["reason"] == "damaged"


def test_delivered_sets_when_it_was_delivered(client, shipment):
    when = timezone.now() - timedelta(minutes=3)

    deliver(client, shipment.carrier, event_body(shipment, status="delivered", when=when))

    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivered_at) == (S.DELIVERED, when)


def test_an_exception_then_a_retry_moves_on(client, shipment):
    now = timezone.now()
    problem = event_body(
        shipment,
        event_id="p",
        status="exception",
        when=now - timedelta(minutes=30),
        reason="recipient_absent",
        description="电话无人接听",
    )
    retry = event_body(shipment, event_id="r", status="out_for_delivery", when=now)

    deliver(client, shipment.carrier, problem)
    shipment.refresh_from_db()
    assert shipment.status == S.EXCEPTION
    deliver(client, shipment.carrier, retry)

    shipment.refresh_from_db()
    assert shipment.status == S.OUT_FOR_DELIVERY
    assert shipment.events.get(external_id="p").params == {
        "carrier_status": "exception",
        "description": "电话无人接听",
        "reason": "recipient_absent",
    }


def test_the_service_raises_typed_domain_errors(shipment):
    from common.errors import DomainError

    with pytest.raises(tracking.BadSignature) as caught:
        tracking.tracking_event_receive(
            carrier_code=shipment.carrier.code, body=b"{}", signature="nope"
        )

    assert isinstance(caught.value, DomainError)
