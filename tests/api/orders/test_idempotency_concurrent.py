"""Two requests with the same Idempotency-Key at the same instant, on real threads and separate
database connections: one order, both answered with it (PostgreSQL's unique index, SQLite's
write lock)."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from cart.services import cart_add
from orders.models import Order
from payments.models import Payment
from tests.api.conftest import bearer
from tests.orders.factories import allocated, place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*requests):
    """Run the callables on threads released together; their answers in order."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait()
            answers[i] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_two_placements_with_one_key_at_once_make_one_order(shopper, address, method):
    variant = variant_in_stock(quantity=10)
    cart_add(user=shopper, session=SessionStore(), variant_id=variant.pk, quantity=2)
    data = {"address": address.pk, "shipping_method": method.pk}

    def place():
        return bearer(shopper).post(
            "/api/v1/orders/", data, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )

    first, second = at_once(place, place)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Order.objects.count() == 1
    assert allocated(variant) == 2


def test_two_payment_starts_with_one_key_at_once_open_one_payment(alipay, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)

    def pay():
        return bearer(shopper).post(
            f"/api/v1/orders/{order.number}/payment/",
            {"method": "alipay_app"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="pay-key",
        )

    first, second = at_once(pay, pay)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert Payment.objects.get(order=order).events.count() == 1


def test_two_refund_requests_with_one_key_at_once_are_one_request(shopper):
    """Without the key the second would be refused (a refund is already requested): with it,
    both get the first answer."""
    from orders import services as order_services
    from orders.models import OrderEventType
    from tests.orders.factories import paid_order

    order = order_services.order_ship(
        order=paid_order((variant_in_stock(), 1), user=shopper), actor=None
    )

    def ask():
        return bearer(shopper).post(
            f"/api/v1/orders/{order.number}/refund/",
            {"reason": "Too small."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="refund-key",
        )

    first, second = at_once(ask, ask)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert order.events.filter(type=OrderEventType.REFUND_REQUESTED).count() == 1
