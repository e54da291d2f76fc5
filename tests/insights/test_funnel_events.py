"""The funnel's events are recorded by the real pages and API calls: a product looked at, put in
the cart, an order placed at checkout and paid, each with its channel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from insights.models import EventKind, ShopperEvent
from insights.tasks import flush_views
from orders.models import Order
from tests.accounts.factories import (
    PASSWORD,
    VALID_ADDRESS,
    AddressFactory,
    MerchantFactory,
    UserFactory,
)
from tests.api.conftest import bearer
from tests.orders.factories import shipping_method, variant_in_stock
from tests.payments.conftest import alipay_keys, notify_url, payment, sandbox_settings  # noqa: F401
from tests.payments.test_notify import post, signed

pytestmark = pytest.mark.django_db


def events(**filters) -> list[tuple]:
    return list(
        ShopperEvent.objects.filter(**filters)
        .order_by("id")
        .values_list("visitor", "kind", "product_id", "merchant_id", "order_id", "channel")
    )


@pytest.fixture
def shopper():
    return UserFactory(email="mei@example.com")


def test_the_product_page_records_a_view_on_the_web(client, shopper):
    variant = variant_in_stock()
    product = variant.product
    client.force_login(shopper)

    response = client.get(reverse("catalog:product", args=[product.slug]))
    flush_views()  # views wait in Redis until then in services mode

    assert response.status_code == 200
    assert events() == [
        (f"u{shopper.pk}", EventKind.VIEW, product.pk, product.merchant_id, None, "web")
    ]


def test_the_api_records_a_view_with_the_client_s_channel(shopper):
    variant = variant_in_stock()
    product = variant.product

    response = bearer(shopper).get(
        f"/api/v1/products/{product.slug}/", HTTP_X_CLIENT_CHANNEL="mini_program"
    )
    flush_views()

    assert response.status_code == 200
    assert events() == [
        (f"u{shopper.pk}", EventKind.VIEW, product.pk, product.merchant_id, None, "mini_program")
    ]


def test_an_api_client_without_a_known_channel_is_an_app(shopper):
    product = variant_in_stock().product
    bearer(shopper).get(f"/api/v1/products/{product.slug}/", HTTP_X_CLIENT_CHANNEL="fax")
    flush_views()
    assert [e[-1] for e in events()] == ["app"]


def test_a_visitor_without_a_session_is_not_recorded(client):
    product = variant_in_stock().product
    assert client.get(reverse("catalog:product", args=[product.slug])).status_code == 200
    flush_views()
    assert events() == []


def test_adding_to_the_cart_on_the_web_records_the_visitor_s_session(client):
    variant = variant_in_stock()

    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    assert response.status_code == 302
    key = client.session.session_key
    assert key
    assert events() == [
        (f"s{key}", EventKind.CART, variant.product_id, variant.product.merchant_id, None, "web")
    ]


def test_adding_to_the_cart_through_the_api_records_the_channel(shopper):
    variant = variant_in_stock()
    anonymous = APIClient()

    added = anonymous.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": 1},
        HTTP_X_CLIENT_CHANNEL="partner",
    )
    signed_in = bearer(shopper).post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, HTTP_X_CLIENT_CHANNEL="app"
    )

    assert added.status_code == signed_in.status_code == 201
    token = added.json()["token"]
    assert [(e[0], e[1], e[-1]) for e in events()] == [
        (f"s{token}", EventKind.CART, "partner"),
        (f"u{shopper.pk}", EventKind.CART, "app"),
    ]


def test_placing_an_order_at_checkout_records_one_checkout_per_merchant(
    client, shopper, django_capture_on_commit_callbacks
):
    method = shipping_method()
    ours, theirs = variant_in_stock(price="30.00"), variant_in_stock(price="40.00")
    theirs.product.merchant = MerchantFactory()
    theirs.product.save()
    client.force_login(shopper)
    for variant in (ours, theirs):
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    new = {f"new-{field}": value for field, value in VALID_ADDRESS.items()}
    client.post(reverse("orders:checkout"), {**new, "shipping_method": method.pk})
    key = client.get(reverse("orders:checkout_review")).context["checkout_key"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:place"), {"checkout_key": key})

    assert response.status_code == 302
    order = Order.objects.get()
    checkouts = events(kind=EventKind.CHECKOUT)
    assert sorted(e[3] for e in checkouts) == sorted(
        [ours.product.merchant_id, theirs.product.merchant_id]
    )
    assert {(e[0], e[4], e[5]) for e in checkouts} == {(f"u{shopper.pk}", order.pk, "web")}
    # The whole visit is one session.
    assert ShopperEvent.objects.values("session_start").distinct().count() == 1


def test_an_order_placed_through_the_api_is_a_checkout_on_its_channel(
    shopper, django_capture_on_commit_callbacks
):
    method = shipping_method()
    variant = variant_in_stock(price="30.00")
    app = bearer(shopper)
    app.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1})
    address = AddressFactory(user=shopper)

    with django_capture_on_commit_callbacks(execute=True):
        placed = app.post(
            "/api/v1/orders/",
            {"address": address.pk, "shipping_method": method.pk},
            format="json",
            HTTP_X_CLIENT_CHANNEL="mini_program",
        )

    assert placed.status_code == 201, placed.content
    assert [(e[1], e[-1]) for e in events(kind=EventKind.CHECKOUT)] == [
        (EventKind.CHECKOUT, "mini_program")
    ]


def test_signing_in_keeps_the_visit_one_session(client, shopper):
    variant = variant_in_stock()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    signed_in = client.post(
        reverse("accounts:login"), {"username": shopper.email, "password": PASSWORD}
    )
    client.get(reverse("catalog:product", args=[variant.product.slug]))
    flush_views()

    assert signed_in.status_code == 302
    assert [(e[0], e[1]) for e in events()] == [
        (f"u{shopper.pk}", EventKind.CART),
        (f"u{shopper.pk}", EventKind.VIEW),
    ]
    assert ShopperEvent.objects.values("session_start").distinct().count() == 1


def test_a_failing_recorder_never_breaks_the_page(client, shopper, monkeypatch):
    product = variant_in_stock().product
    client.force_login(shopper)

    def broken(*args, **kwargs):
        raise RuntimeError("the events table is gone")

    monkeypatch.setattr(ShopperEvent.objects, "bulk_create", broken)
    response = client.get(reverse("catalog:product", args=[product.slug]))

    assert response.status_code == 200
    assert events() == []


@pytest.mark.django_db(transaction=True)
def test_a_payment_notified_by_alipay_records_paid_for_the_checkout_s_visitor(
    payment,  # noqa: F811 (fixture)
    notify_url,  # noqa: F811 (fixture)
):
    checkout = ShopperEvent.objects.get(kind=EventKind.CHECKOUT)
    assert post(notify_url, signed(payment)) == "success"

    [paid] = ShopperEvent.objects.filter(kind=EventKind.PAID)
    assert (paid.visitor, paid.order_id, paid.merchant_id, paid.channel) == (
        checkout.visitor,
        payment.order_id,
        checkout.merchant_id,
        "web",
    )
    assert paid.session_start == checkout.session_start
    # A repeated notification records nothing more.
    post(notify_url, signed(payment))
    assert ShopperEvent.objects.filter(kind=EventKind.PAID).count() == 1


def test_a_product_page_view_is_recorded_without_looking_up_the_merchant(client, shopper):
    product = variant_in_stock().product
    client.force_login(shopper)
    url = reverse("catalog:product", args=[product.slug])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    flush_views()

    merchant_lookups = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "catalog_product"."merchant_id"')
    ]
    assert merchant_lookups == []
    assert events()[-1] == (
        f"u{shopper.pk}",
        EventKind.VIEW,
        product.pk,
        product.merchant_id,
        None,
        "web",
    )
