"""Checkout and orders for apps: delivery options for an address, placing an order from the cart
(with its channel and Idempotency-Key), the list, the detail, cancelling and asking for a refund.
Someone else's order is a 404."""

import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cart.services import cart_add
from orders import services as order_services
from orders.models import Order, OrderEventType, OrderStatus
from tests.accounts.factories import AddressFactory
from tests.api.conftest import bearer
from tests.orders.factories import allocated, paid_order, place_order, variant_in_stock

pytestmark = pytest.mark.django_db


def fill(user, *items):
    for variant, quantity in items:
        cart_add(user=user, session=SessionStore(), variant_id=variant.pk, quantity=quantity)


def place(client, address, method, **headers):
    return client.post(
        "/api/v1/orders/",
        {"address": address.pk, "shipping_method": method.pk},
        format="json",
        **headers,
    )


# --- delivery options ---------------------------------------------------------------------------


def test_delivery_options_are_priced_and_dated_for_the_cart_and_address(shopper, address, method):
    fill(shopper, (variant_in_stock(price="50.00"), 2))
    response = bearer(shopper).get(f"/api/v1/checkout/delivery-options/?address={address.pk}")
    assert response.status_code == 200, response.content
    option = next(o for o in response.json() if o["shipping_method"] == method.pk)
    assert option["price"] == "12.00"
    assert option["eta"]
    assert option["slots"] == []


def test_delivery_options_are_free_above_the_threshold(shopper, address, method):
    fill(shopper, (variant_in_stock(price="100.00"), 2))
    options = bearer(shopper).get(f"/api/v1/checkout/delivery-options/?address={address.pk}")
    assert next(o for o in options.json() if o["shipping_method"] == method.pk)["price"] == "0.00"


def test_delivery_options_for_someone_elses_address_are_a_400(shopper, other_shopper, method):
    fill(shopper, (variant_in_stock(), 1))
    theirs = AddressFactory(user=other_shopper)
    response = bearer(shopper).get(f"/api/v1/checkout/delivery-options/?address={theirs.pk}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "address"


def test_delivery_options_for_an_empty_cart_are_a_409(shopper, address, method):
    response = bearer(shopper).get(f"/api/v1/checkout/delivery-options/?address={address.pk}")
    assert response.status_code == 409
    assert response.json()["errors"][0]["detail"] == "Your cart is empty."


def test_delivery_options_need_a_signed_in_shopper(anon, address):
    assert anon.get(f"/api/v1/checkout/delivery-options/?address={address.pk}").status_code == 401


# --- placing ------------------------------------------------------------------------------------


def test_placing_turns_the_cart_into_an_order_priced_on_the_server(shopper, address, method):
    variant = variant_in_stock(price="50.00")
    fill(shopper, (variant, 2))
    response = place(bearer(shopper), address, method)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending_payment"
    assert (body["subtotal"], body["shipping_total"], body["total"]) == (
        "100.00",
        "12.00",
        "112.00",
    )
    assert body["channel"] == "app"
    assert body["address"]["recipient"] == address.recipient
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [(variant.sku, 2)]
    order = Order.objects.get(number=body["number"])
    assert order.user == shopper and order.channel == "app"
    assert order.events.get().type == OrderEventType.PLACED
    assert allocated(variant) == 2
    assert not shopper.cart.lines.exists()


@pytest.mark.parametrize("channel", ["mini_program", "partner"])
def test_the_client_says_its_channel(shopper, address, method, channel):
    fill(shopper, (variant_in_stock(), 1))
    response = place(bearer(shopper), address, method, HTTP_X_CLIENT_CHANNEL=channel)
    assert response.json()["channel"] == channel
    assert Order.objects.get().channel == channel


def test_an_unknown_channel_is_a_400_and_places_nothing(shopper, address, method):
    fill(shopper, (variant_in_stock(), 1))
    response = place(bearer(shopper), address, method, HTTP_X_CLIENT_CHANNEL="web")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "X-Client-Channel"
    assert not Order.objects.exists()


def test_placing_with_an_empty_cart_is_a_409(shopper, address, method):
    response = place(bearer(shopper), address, method)
    assert response.status_code == 409
    assert response.json()["errors"][0]["detail"] == "Your cart is empty."


def test_placing_to_someone_elses_address_is_a_400(shopper, other_shopper, method):
    fill(shopper, (variant_in_stock(), 1))
    theirs = AddressFactory(user=other_shopper)
    response = place(bearer(shopper), theirs, method)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_placing_with_an_unknown_delivery_option_is_a_409(shopper, address, method):
    fill(shopper, (variant_in_stock(), 1))
    response = bearer(shopper).post(
        "/api/v1/orders/", {"address": address.pk, "shipping_method": 99999}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["detail"] == "Please choose a delivery option."


def test_placing_needs_a_signed_in_shopper(anon, address, method):
    assert place(anon, address, method).status_code == 401


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_answer_and_one_order(shopper, address, method):
    variant = variant_in_stock()
    fill(shopper, (variant, 1))
    client = bearer(shopper)
    key = str(uuid.uuid4())
    first = place(client, address, method, HTTP_IDEMPOTENCY_KEY=key)
    # The app refills its cart meanwhile: the retry still answers the first order, placing none.
    fill(shopper, (variant, 1))
    again = place(client, address, method, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert shopper.cart.lines.count() == 1


def test_a_new_key_places_a_new_order(shopper, address, method):
    variant = variant_in_stock()
    client = bearer(shopper)
    fill(shopper, (variant, 1))
    place(client, address, method, HTTP_IDEMPOTENCY_KEY="one")
    fill(shopper, (variant, 1))
    second = place(client, address, method, HTTP_IDEMPOTENCY_KEY="two")
    assert second.status_code == 201
    assert Order.objects.count() == 2


def test_a_key_reused_with_another_body_is_a_422(shopper, address, method):
    fill(shopper, (variant_in_stock(), 1))
    client = bearer(shopper)
    place(client, address, method, HTTP_IDEMPOTENCY_KEY="k")
    other = AddressFactory(user=shopper)
    reused = place(client, other, method, HTTP_IDEMPOTENCY_KEY="k")
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_a_refused_request_is_not_remembered_and_may_be_retried(shopper, address, method):
    client = bearer(shopper)
    refused = place(client, address, method, HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 409
    fill(shopper, (variant_in_stock(), 1))
    assert place(client, address, method, HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_keys_are_per_shopper(shopper, other_shopper, address, method):
    fill(shopper, (variant_in_stock(), 1))
    theirs = AddressFactory(user=other_shopper)
    fill(other_shopper, (variant_in_stock(), 1))
    mine = place(bearer(shopper), address, method, HTTP_IDEMPOTENCY_KEY="same")
    their = place(bearer(other_shopper), theirs, method, HTTP_IDEMPOTENCY_KEY="same")
    assert their.status_code == 201
    assert their.json()["number"] != mine.json()["number"]


def test_a_too_long_key_is_a_400(shopper, address, method):
    fill(shopper, (variant_in_stock(), 1))
    response = place(bearer(shopper), address, method, HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert not Order.objects.exists()


# --- list and detail ----------------------------------------------------------------------------


def test_the_list_shows_only_my_orders_newest_first(shopper, other_shopper):
    first = place_order((variant_in_stock(), 1), user=shopper)
    second = place_order((variant_in_stock(), 2), user=shopper)
    place_order((variant_in_stock(), 1), user=other_shopper)
    body = bearer(shopper).get("/api/v1/orders/").json()
    assert body["count"] == 2
    assert [o["number"] for o in body["results"]] == [second.number, first.number]
    assert body["results"][0]["item_count"] == 2
    assert body["results"][0]["channel"] == "web"


def test_the_list_costs_the_same_queries_whatever_the_page_size(shopper):
    for _ in range(5):
        place_order((variant_in_stock(), 1), user=shopper)
    client = bearer(shopper)
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/orders/?page_size={size}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.json()["results"]) == 5
    assert counts[0] == counts[1]


def test_the_detail_shows_my_order(shopper):
    order = place_order((variant_in_stock(price="30.00"), 3), user=shopper)
    body = bearer(shopper).get(f"/api/v1/orders/{order.number}/").json()
    assert body["number"] == order.number
    assert body["total"] == str(order.total)
    assert body["lines"][0]["quantity"] == 3
    assert body["actions"]["can_cancel"] is True


def test_someone_elses_order_is_a_404_everywhere(shopper, other_shopper):
    order = place_order((variant_in_stock(), 1), user=other_shopper)
    client = bearer(shopper)
    assert client.get(f"/api/v1/orders/{order.number}/").status_code == 404
    assert client.post(f"/api/v1/orders/{order.number}/cancel/").status_code == 404
    refund = client.post(f"/api/v1/orders/{order.number}/refund/", {"reason": "x"}, format="json")
    assert refund.status_code == 404
    pay = client.post(
        f"/api/v1/orders/{order.number}/payment/", {"method": "alipay_app"}, format="json"
    )
    assert pay.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_orders_need_a_signed_in_shopper(anon):
    assert anon.get("/api/v1/orders/").status_code == 401


# --- cancel and refund --------------------------------------------------------------------------


def test_cancelling_gives_the_stock_back(shopper):
    variant = variant_in_stock()
    order = place_order((variant, 2), user=shopper)
    response = bearer(shopper).post(f"/api/v1/orders/{order.number}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert allocated(variant) == 0
    assert order.events.last().params == {"by": "customer"}


def test_cancelling_a_shipped_order_is_a_409(shopper):
    order = order_services.order_ship(
        order=paid_order((variant_in_stock(), 1), user=shopper), actor=None
    )
    response = bearer(shopper).post(f"/api/v1/orders/{order.number}/cancel/")
    assert response.status_code == 409
    assert "can no longer be cancelled" in response.json()["errors"][0]["detail"]


def test_a_refund_request_on_a_shipped_order(shopper):
    order = order_services.order_ship(
        order=paid_order((variant_in_stock(), 1), user=shopper), actor=None
    )
    client = bearer(shopper)
    url = f"/api/v1/orders/{order.number}/refund/"
    first = client.post(url, {"reason": "Too small."}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "refund_requested"
    again = client.post(url, {"reason": "Too small."}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert again.status_code == 200 and again.json() == first.json()
    assert order.events.filter(type=OrderEventType.REFUND_REQUESTED).count() == 1


def test_a_refund_request_before_shipping_is_a_409(shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    response = bearer(shopper).post(
        f"/api/v1/orders/{order.number}/refund/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409


def test_a_refund_request_needs_a_reason(shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    response = bearer(shopper).post(f"/api/v1/orders/{order.number}/refund/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "reason"


def test_a_key_older_than_a_day_is_forgotten(shopper, address, method):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotencyKey
    from api.tasks import purge_idempotency_keys

    variant = variant_in_stock()
    fill(shopper, (variant, 1))
    client = bearer(shopper)
    place(client, address, method, HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert purge_idempotency_keys() == 1
    fill(shopper, (variant, 1))
    again = place(client, address, method, HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    # The key also named the first order: orders' own guard still finds it.
    assert Order.objects.count() == 1
