"""The webhook's idempotency proven on PostgreSQL with real threads: the same event delivered
twice at once is stored once, whichever delivery wins. Each thread has its own connection."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.models import ShipmentStatus
from logistics.services import tracking
from tests.logistics.factories import shipped_shipment
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_event_delivered_twice_at_once_is_stored_once():
    shipment = shipped_shipment()
    carrier = shipment.carrier

    for attempt in range(5):  # several rounds: the race must come out right every time
        event_id = f"same-event-{attempt}"
        body = json.dumps(
            {
                "event_id": event_id,
                "tracking_number": shipment.tracking_number,
                "status": "out_for_delivery",
                "occurred_at": (timezone.now() - timedelta(minutes=1)).isoformat(),
                "city": "杭州市",
            }
        ).encode()
        signature = tracking.tracking_signature(secret=carrier.webhook_secret, body=body)

        results = run_together(
            2,
            lambda _i, body=body, signature=signature: tracking.tracking_event_receive(
                carrier_code=carrier.code, body=body, signature=signature
            ),
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(str(r.outcome) for r in results) == ["applied", "duplicate"]
        assert shipment.events.filter(external_id=event_id).count() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
