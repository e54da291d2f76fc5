"""Authorization across every operation of the live schema: one shopper's (or one merchant's)
objects put in each path parameter, asked for with every method by another shopper (or the other
merchant's staff). Nothing of theirs is shown or changed: each answer is an error (a 404, as if
it did not exist; a 400 where the body is checked first), and their objects are as they were.
Operations added later are covered as soon as the schema lists them: a path parameter this
test cannot fill fails it."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Address
from logistics.models import Stock
from orders.models import Order
from support.models import Conversation
from tests.accounts.factories import AddressFactory
from tests.api.conftest import bearer
from tests.logistics.factories import CarrierFactory, shipped_shipment
from tests.orders.factories import paid_order, variant_in_warehouses

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def operations(prefix: str):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    for path, item in schema.json()["paths"].items():
        if "{" not in path or not path.startswith(prefix):
            continue
        for method in METHODS:
            if method in item:
                yield path, method


@pytest.fixture
def ann_owns(shopper):
    """What a shopper has behind the API: an address, a shipped order, a cart line, a
    conversation with a message."""
    address = AddressFactory(user=shopper)
    shipment = shipped_shipment(
        user=shopper, carrier=CarrierFactory(code="sf", name="SF Express"), tracking_number="SF1"
    )
    variant = shipment.order.lines.first().variant
    line = {"variant": variant.pk, "quantity": 1}
    assert bearer(shopper).post("/api/v1/cart/lines/", line, format="json").status_code == 201
    started = bearer(shopper).post("/api/v1/support/conversations/")
    conversation = Conversation.objects.get(token=started.json()["token"])
    bearer(shopper).post(
        f"/api/v1/support/conversations/{conversation.token}/messages/",
        {"text": "where is my order"},
        format="json",
    )
    return {
        "address": address,
        "order": shipment.order,
        "shipment": shipment,
        "variant": variant,
        "conversation": conversation,
    }


def fill(path: str, values: dict[str, object]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"no value of another's object for {path}: add one to this test"
    return path


def shopper_values(path: str, owns: dict) -> dict:
    if path.startswith("/api/v1/account/addresses/"):
        return {"id": owns["address"].pk}
    if path.startswith("/api/v1/orders/"):
        return {"number": owns["order"].number}
    if path.startswith("/api/v1/shipments/"):
        return {"number": owns["shipment"].number}
    if path.startswith("/api/v1/support/conversations/"):
        return {"token": owns["conversation"].token}
    if path.startswith("/api/v1/cart/lines/"):
        return {"variant_id": owns["variant"].pk}
    if path.startswith("/api/v1/products/"):
        return {"slug": owns["variant"].product.slug}  # public: shown to everyone
    return {}


def snapshot(owns: dict) -> tuple:
    order = Order.objects.get(pk=owns["order"].pk)
    return (
        list(Address.objects.filter(pk=owns["address"].pk).values()),
        order.status,
        order.events.count(),
        owns["shipment"].__class__.objects.get(pk=owns["shipment"].pk).status,
        owns["conversation"].messages.count(),
        owns["conversation"].__class__.objects.get(pk=owns["conversation"].pk).status,
    )


def test_no_operation_shows_or_changes_another_shoppers_objects(ann_owns, other_shopper):
    bob = bearer(other_shopper)
    before = snapshot(ann_owns)
    checked = []
    for path, method in operations("/api/v1/"):
        if path.startswith("/api/v1/merchant/") or path.startswith("/api/v1/products/"):
            continue
        url = fill(path, shopper_values(path, ann_owns))
        response = getattr(bob, method)(url, {}, format="json")
        assert response.status_code in (400, 404), (method, url, response.status_code)
        assert response.json()["type"] in ("client_error", "validation_error")
        checked.append((method, path))
    assert snapshot(ann_owns) == before
    # The operations this walks: those of addresses, orders, shipments, conversations, cart.
    assert len(checked) >= 14, checked


def test_references_to_another_shoppers_address_are_refused(ann_owns, other_shopper):
    bob = bearer(other_shopper)
    address = ann_owns["address"].pk
    options = bob.get(f"/api/v1/checkout/delivery-options/?address={address}")
    assert options.status_code in (400, 404)
    assert "上海" not in options.content.decode()
    line = {"variant": ann_owns["variant"].pk, "quantity": 1}
    assert bob.post("/api/v1/cart/lines/", line, format="json").status_code == 201
    placed = bob.post("/api/v1/orders/", {"address": address, "shipping_method": 1}, format="json")
    assert placed.status_code in (400, 404)
    assert Order.objects.filter(user=other_shopper).count() == 0


def test_no_list_shows_another_shoppers_objects(ann_owns, other_shopper):
    bob = bearer(other_shopper)
    for url in (
        "/api/v1/account/addresses/",
        "/api/v1/orders/",
        "/api/v1/support/conversations/",
        "/api/v1/cart/",
    ):
        body = bob.get(url).content.decode()
        for secret in (
            ann_owns["order"].number,
            ann_owns["shipment"].number,
            ann_owns["conversation"].token,
            ann_owns["address"].street,
        ):
            assert secret not in body, (url, secret)


@pytest.fixture
def alpha_owns(merchant_a, shopper):
    variant = variant_in_warehouses(merchant=merchant_a, north=5)
    order = paid_order((variant, 1), user=shopper)
    return {"variant": variant, "order": order, "stock": Stock.objects.filter(variant=variant)[0]}


def test_no_merchant_operation_shows_or_changes_another_merchants_objects(alpha_owns, staff_b):
    bravo = bearer(staff_b)
    stock = alpha_owns["stock"]
    before = (stock.quantity, alpha_owns["variant"].price, alpha_owns["order"].shipments.count())
    values = {
        "/api/v1/merchant/products/": {"id": alpha_owns["variant"].product_id},
        "/api/v1/merchant/variants/": {"id": alpha_owns["variant"].pk},
        "/api/v1/merchant/stock/": {"id": stock.pk},
        "/api/v1/merchant/orders/": {"number": alpha_owns["order"].number},
        "/api/v1/merchant/shipments/": {"number": alpha_owns["order"].number},
    }
    checked = []
    for path, method in operations("/api/v1/merchant/"):
        prefix = next(p for p in values if path.startswith(p))
        url = fill(path, values[prefix])
        body = {"quantity": 1, "price": "1.00", "is_active": False, "reason": "x"}
        response = getattr(bravo, method)(url, body, format="json")
        assert response.status_code in (400, 404), (method, url, response.status_code)
        checked.append((method, path))
    stock.refresh_from_db()
    variant = alpha_owns["variant"].__class__.objects.get(pk=alpha_owns["variant"].pk)
    assert (stock.quantity, variant.price, alpha_owns["order"].shipments.count()) == before
    assert variant.price != Decimal("1.00")
    assert len(checked) >= 6, checked
