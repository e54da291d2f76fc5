"""Shipments and tracking for apps: the parcels of one of the shopper's orders and one parcel,
with the same carrier, status and events as the tracking page. Anyone else's is a 404."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from logistics.services import tracking
from tests.api.conftest import bearer
from tests.logistics.factories import CarrierFactory, shipped_shipment
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment(shopper):
    carrier = CarrierFactory(
        code="sf", name="SF Express", tracking_url="https://track.example/{number}"
    )
    return shipped_shipment(user=shopper, carrier=carrier, tracking_number="SF1234567890")


def test_the_shipments_route_is_not_taken_by_the_order_detail():
    match = resolve("/api/v1/orders/LM7Q2X9K4P/shipments/")
    assert match.func.view_class.__name__ == "OrderShipmentListApi"
    assert resolve("/api/v1/orders/LM7Q2X9K4P/").func.view_class.__name__ == "OrderDetailApi"


def test_an_orders_shipments_carry_carrier_tracking_number_status_and_events(shopper, shipment):
    response = bearer(shopper).get(f"/api/v1/orders/{shipment.order.number}/shipments/")

    assert response.status_code == 200
    assert response.data["count"] == 1
    parcel = response.data["results"][0]
    assert parcel["number"] == shipment.number
    assert parcel["carrier"] == "SF Express"
    assert parcel["tracking_number"] == "SF1234567890"
    assert parcel["carrier_link"] == "https://track.example/SF1234567890"
    assert parcel["status"] == "shipped"
    assert parcel["items"][0]["name"] == "Stoneware Mug"
    assert parcel["items"][0]["quantity"] == 2
    assert [e["type"] for e in parcel["events"]] == ["shipped"]
    assert [s["current"] for s in parcel["steps"]] == [False, True, False, False, False]


def test_an_order_without_shipments_has_an_empty_list(shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)

    response = bearer(shopper).get(f"/api/v1/orders/{order.number}/shipments/")

    assert response.status_code == 200
    assert response.data["results"] == []


def test_another_shoppers_order_shipments_are_a_404(other_shopper, shipment):
    response = bearer(other_shopper).get(f"/api/v1/orders/{shipment.order.number}/shipments/")

    assert response.status_code == 404
    assert response.data["errors"][0]["code"] == "not_found"


def test_an_unknown_order_is_a_404(shopper):
    assert bearer(shopper).get("/api/v1/orders/NOPE/shipments/").status_code == 404


def test_signed_out_is_a_401(anon, shipment):
    assert anon.get(f"/api/v1/orders/{shipment.order.number}/shipments/").status_code == 401
    assert anon.get(f"/api/v1/shipments/{shipment.number}/").status_code == 401


def test_one_shipment_with_its_events_newest_first(shopper, shipment):
    body = json.dumps(
        {
            "event_id": "evt-1",
            "tracking_number": shipment.tracking_number,
            "status": "in_transit",
            "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "city": "杭州市",
        }
    ).encode()
    signature = tracking.tracking_signature(secret=shipment.carrier.webhook_secret, body=body)
    tracking.tracking_event_receive(carrier_code="sf", body=body, signature=signature)

    response = bearer(shopper).get(f"/api/v1/shipments/{shipment.number}/")

    assert response.status_code == 200
    assert response.data["number"] == shipment.number
    assert response.data["tracking_number"] == "SF1234567890"
    assert response.data["on_the_way"] is True
    assert response.data["status"] == "in_transit"
    assert [e["type"] for e in response.data["events"]] == ["in_transit", "shipped"]


def test_another_shoppers_shipment_is_a_404(other_shopper, shipment):
    response = bearer(other_shopper).get(f"/api/v1/shipments/{shipment.number}/")

    assert response.status_code == 404


def test_the_list_takes_the_same_queries_whatever_the_page_size(shopper):
    order = place_order((variant_in_stock(), 1), (variant_in_stock(), 1), user=shopper)
    for _ in range(3):
        shipped_shipment(order=order)
    client = bearer(shopper)
    url = f"/api/v1/orders/{order.number}/shipments/"
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url + "?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url + "?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def test_a_very_long_number_is_a_404_never_a_500(shopper):
    client = bearer(shopper)

    assert client.get(f"/api/v1/orders/{'Z' * 300}/shipments/").status_code == 404
    assert client.get(f"/api/v1/shipments/{'Z' * 300}/").status_code == 404
