"""The shopper's tracking page: each parcel of an order with its carrier, items and timeline
(newest first) in the reader's language; the order's owner or its guest link only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from logistics import carrier_sim
from logistics.models import ShipmentEvent, ShipmentEventType, ShipmentStatus
from tests.accounts.factories import UserFactory
from tests.logistics.factories import shipped_shipment
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    return UserFactory()


def record(shipment, type, *, city="", hours_ago=0.5, **params):
    """A carrier's event on the shipment (as the webhook records one)."""
    when = timezone.now() - timedelta(hours=hours_ago)
    return ShipmentEvent.objects.create(
        shipment=shipment, type=type, created_at=when, occurred_at=when, city=city,
        from_status=shipment.status, to_status=shipment.status, carrier=shipment.carrier,
        external_id=f"e{ShipmentEvent.objects.count()}", params=params,
    )  # fmt: skip


def tracking_url(order, lang=""):
    prefix = f"/{lang}" if lang else ""
    return f"{prefix}/orders/{order.number}/tracking/"


def texts(response) -> list[str]:
    return [entry.text for parcel in response.context["parcels"] for entry in parcel.timeline]


def test_the_owner_sees_each_parcel_with_its_timeline_newest_first(client, shopper):
    shipment = shipped_shipment(user=shopper)
    record(shipment, ShipmentEventType.PICKED_UP, city="上海市", hours_ago=0.8)
    record(shipment, ShipmentEventType.IN_TRANSIT, city="嘉兴市", hours_ago=0.2)
    client.force_login(shopper)

    response = client.get(tracking_url(shipment.order))

    assert response.status_code == 200
    assert texts(response) == [
        "In transit at 嘉兴市",
        "Picked up by the courier in 上海市",
        f"Handed to Shop Express, tracking number {shipment.tracking_number}",
    ]
    page = response.content.decode()
    assert shipment.tracking_number in page
    assert "Shop Express" in page
    assert "Shanghai Pudong" in page  # the warehouse it ships from
    assert "Stoneware Mug" in page
    assert "Track on Shop Express" not in page  # the carrier has no tracking page
    assert 'data-event="in_transit"' in page
    assert "data-live" in page  # on its way: the page refreshes itself


def test_the_page_reads_in_chinese(client, shopper):
    shipment = shipped_shipment(user=shopper)
    record(shipment, ShipmentEventType.IN_TRANSIT, city="武汉市")
    record(shipment, ShipmentEventType.EXCEPTION, reason="recipient_absent", hours_ago=0.1)
    client.force_login(shopper)

    response = client.get(tracking_url(shipment.order, "zh-hans"))

    assert texts(response)[:2] == [
        "派送未成功：收件人不在",  # noqa: RUF001 -- Chinese punctuation
        "运输中，途经武汉市",  # noqa: RUF001
    ]
    assert "物流记录" in response.content.decode()


def test_the_carriers_tracking_page_is_linked_when_it_has_one(client, shopper):
    shipment = shipped_shipment(user=shopper)
    shipment.carrier.tracking_url = "https://track.example.com/?no={number}"
    shipment.carrier.save()
    client.force_login(shopper)

    response = client.get(tracking_url(shipment.order))

    page = response.content.decode()
    assert f'href="https://track.example.com/?no={shipment.tracking_number}"' in page
    assert "Track on Shop Express" in page


def test_someone_elses_order_is_404(client, shopper):
    shipment = shipped_shipment(user=UserFactory())
    client.force_login(shopper)

    assert client.get(tracking_url(shipment.order)).status_code == 404


def test_a_visitor_is_asked_to_sign_in(client):
    shipment = shipped_shipment(user=UserFactory())

    response = client.get(tracking_url(shipment.order))

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_the_guest_link_shows_the_guests_parcels(client):
    shipment = shipped_shipment()
    order = shipment.order

    response = client.get(f"/orders/guest/{order.number}/{order.guest_token}/tracking/")

    assert response.status_code == 200
    assert [p.number for p in response.context["parcels"]] == [shipment.number]


def test_a_wrong_guest_token_is_404(client):
    order = shipped_shipment().order

    assert client.get(f"/orders/guest/{order.number}/wrong/tracking/").status_code == 404


def test_an_order_without_parcels_says_it_has_not_shipped(client, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    client.force_login(shopper)

    response = client.get(tracking_url(order))

    assert response.status_code == 200
    assert response.context["parcels"] == []
    assert "data-no-parcels" in response.content.decode()
    assert "data-live" not in response.content.decode()


def test_a_delivered_parcel_stops_refreshing_and_says_when(client, shopper, settings):
    settings.CARRIER_SIM_EXCEPTION_RATE = 0
    shipment = shipped_shipment(user=shopper)
    carrier_sim.carrier_sim_run(until=ShipmentStatus.DELIVERED, steps=None)
    client.force_login(shopper)

    response = client.get(tracking_url(shipment.order))

    (parcel,) = response.context["parcels"]
    assert parcel.status == ShipmentStatus.DELIVERED
    assert [step.done for step in parcel.steps] == [True] * 5
    assert parcel.timeline[0].text == "Delivered in 杭州市"
    assert "data-live" not in response.content.decode()
    assert "Delivered on" in response.content.decode()


def test_the_page_is_a_fixed_number_of_queries(client, shopper, django_assert_max_num_queries):
    order = place_order((variant_in_stock(), 1), (variant_in_stock(), 2), user=shopper)
    for _ in range(3):
        shipment = shipped_shipment(order=order, tracking_number=f"T{_}")
        for hours in range(5):
            record(shipment, ShipmentEventType.IN_TRANSIT, city="嘉兴市", hours_ago=hours / 10)
    client.force_login(shopper)
    client.get(tracking_url(order))  # warm the session and the user

    with django_assert_max_num_queries(8):
        response = client.get(tracking_url(order))

    assert len(response.context["parcels"]) == 3


def test_the_order_page_and_list_link_to_tracking_once_a_parcel_exists(client, shopper):
    waiting = place_order((variant_in_stock(), 1), user=shopper)
    shipped = shipped_shipment(user=shopper).order
    client.force_login(shopper)

    assert "data-track-link" not in client.get(f"/orders/{waiting.number}/").content.decode()
    assert tracking_url(shipped) in client.get(f"/orders/{shipped.number}/").content.decode()
    listing = client.get("/orders/").content.decode()
    assert tracking_url(shipped) in listing
    assert tracking_url(waiting) not in listing


def test_the_guest_order_page_links_to_the_guest_tracking_page(client):
    order = shipped_shipment().order

    page = client.get(f"/orders/guest/{order.number}/{order.guest_token}/").content.decode()

    assert f"/orders/guest/{order.number}/{order.guest_token}/tracking/" in page
