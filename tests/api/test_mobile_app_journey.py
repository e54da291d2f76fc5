"""A mobile app's journey through the API, end to end: registered, a product searched for, the
anonymous cart filled and merged at sign-in, delivery options, an order placed with an
Idempotency-Key (and retried), Alipay app pay started, paid at the sandbox's cashier, settled by
the sandbox's notify, and the order seen paid; shipped by the merchant's staff through the
merchant API, and its tracking seen by the app."""

import time
import urllib.parse
import uuid

import pytest
from rest_framework.test import APIClient

from catalog.models import ProductVariant
from orders.models import Order
from tests.accounts.factories import VALID_ADDRESS, StaffFactory
from tests.api.conftest import bearer
from tests.api.orders.conftest import alipay, method  # noqa: F401 (fixtures)
from tests.orders.factories import carrier, variant_in_stock
from tests.payments.conftest import alipay_keys, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-app-password"


def test_a_mobile_app_buys_and_pays_with_alipay_app_pay(alipay, browser, method):  # noqa: F811
    # A product in stock, sold by a merchant.
    variant_in_stock(price="88.00", name="Thermos cup")
    app = APIClient()

    # The shopper registers in the app (on another day, signed out, they shop again below).
    registered = app.post(
        "/api/v1/account/register/",
        {"email": "app@example.com", "password": PASSWORD, "first_name": "Mei"},
        format="json",
    )
    assert registered.status_code == 201, registered.content

    # They search and open the product.
    found = app.get("/api/v1/search/?q=thermos+cup").json()
    slug = found["results"][0]["slug"]
    product = app.get(f"/api/v1/products/{slug}/").json()
    variant = next(v for v in product["variants"] if v["available"])

    # The shopper fills a cart before signing in: the app keeps its token.
    added = app.post(
        "/api/v1/cart/lines/", {"variant": variant["id"], "quantity": 2}, format="json"
    )
    assert added.status_code == 201, added.content
    token = added["X-Cart-Token"]

    # Signing in merges that cart into the account's.
    signed_in = app.post(
        "/api/v1/auth/token/",
        {"email": "app@example.com", "password": PASSWORD},
        format="json",
        HTTP_X_CART_TOKEN=token,
    )
    assert signed_in.status_code == 200, signed_in.content
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['access']}")
    cart = app.get("/api/v1/cart/").json()
    assert (cart["count"], cart["subtotal"]) == (2, "176.00")

    # An address from the region table's pickers.
    saved = app.post("/api/v1/account/addresses/", VALID_ADDRESS, format="json")
    assert saved.status_code == 201, saved.content
    address = saved.json()["id"]

    options = app.get(f"/api/v1/checkout/delivery-options/?address={address}").json()
    option = next(o for o in options if o["shipping_method"] == method.pk)
    assert option["price"] == "12.00"

    # Placed with an Idempotency-Key; the network drops the answer and the app retries.
    key = str(uuid.uuid4())
    order_data = {"address": address, "shipping_method": method.pk}
    placed = app.post("/api/v1/orders/", order_data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    retried = app.post("/api/v1/orders/", order_data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert placed.status_code == retried.status_code == 201, placed.content
    assert retried.json()["number"] == placed.json()["number"]
    assert Order.objects.count() == 1
    number = placed.json()["number"]
    assert placed.json()["total"] == "188.00"
    assert placed.json()["channel"] == "app"

    # App pay: the order string goes to the Alipay SDK; here, to the sandbox's cashier.
    started = app.post(
        f"/api/v1/orders/{number}/payment/",
        {"method": "alipay_app"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert started.status_code == 200, started.content
    order_string = started.json()["order_string"]
    assert dict(urllib.parse.parse_qsl(order_string))["method"] == "alipay.trade.app.pay"
    assert browser.get(alipay.ALIPAY_GATEWAY + "?" + order_string).status == 200
    assert browser.press("pay").status == 200

    # The sandbox notifies the shop (payments' notify endpoint): the order is paid.
    deadline = time.monotonic() + 10
    while True:
        detail = app.get(f"/api/v1/orders/{number}/").json()
        if detail["status"] == "paid" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert detail["status"] == "paid"
    assert detail["paid_at"]
    assert detail["actions"]["awaiting_payment"] is False
    listed = app.get("/api/v1/orders/").json()["results"]
    assert [(o["number"], o["status"]) for o in listed] == [(number, "paid")]

    # The merchant's staff ship it through the merchant API ...
    carrier()
    merchant = ProductVariant.objects.get(pk=variant["id"]).product.merchant
    staff = bearer(StaffFactory(merchant=merchant))
    made = staff.post(f"/api/v1/merchant/orders/{number}/shipments/")
    assert made.status_code == 201, made.content
    [parcel] = made.json()
    shipped = staff.post(
        f"/api/v1/merchant/shipments/{parcel['number']}/ship/",
        {"carrier": "sf", "tracking_number": "SF1234567890"},
        format="json",
    )
    assert shipped.status_code == 200, shipped.content

    # ... and the app shows where the parcel is.
    assert app.get(f"/api/v1/orders/{number}/").json()["status"] == "shipped"
    tracking = app.get(f"/api/v1/orders/{number}/shipments/").json()["results"]
    assert [(p["number"], p["status"], p["tracking_number"]) for p in tracking] == [
        (parcel["number"], "shipped", "SF1234567890")
    ]
    # Newest first, as the tracking page lists them.
    assert [e["type"] for e in tracking[0]["events"]] == ["shipped", "created"]
    one = app.get(f"/api/v1/shipments/{parcel['number']}/").json()
    assert one["carrier"] == "SF Express"
