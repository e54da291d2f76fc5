"""payment_issue: the assistant asks Alipay about the order's pending payment (the
reconciliation path, here against the sandbox gateway on the live server) and explains; what it
settles is recorded as done via chat."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent, OrderEventType
from orders.models import OrderStatus as S
from payments.events import payment_event_text
from payments.models import NotifyRecord, PaymentEvent
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import alipay_keys, browser, sandbox_settings  # noqa: F401
from tests.payments.test_return_and_status import pay_at_cashier, shop_settings  # noqa: F401
from tests.support.dialogue_givens import Chat, fake_intents

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def intents(monkeypatch):
    return fake_intents(monkeypatch)


@pytest.fixture
def shopper():
    return UserFactory(email="wei@example.com")


def start(client, order: Order) -> str:
    response = client.post(reverse("payments:alipay_start", args=[order.number]))
    assert response.status_code == 302
    return response.url


def test_a_payment_alipay_has_but_the_shop_missed_is_settled_and_explained(
    intents,
    client,
    shopper,
    shop_settings,  # noqa: F811
    browser,  # noqa: F811
):
    order = place_order((variant_in_stock(price="88.00"), 1), user=shopper)
    client.force_login(shopper)
    pay_at_cashier(browser, start(client, order))  # paid; the notify never reaches the shop

    reply = Chat(shopper).say("I paid but the order says unpaid")

    assert f"We received the payment for order {order.number}" in reply
    assert Order.objects.get(pk=order.pk).status == S.PAID
    assert NotifyRecord.objects.get().outcome == "chat: settled"
    paid = OrderEvent.objects.get(order=order, type=OrderEventType.PAID)
    assert paid.params["via"] == "chat"
    settled = PaymentEvent.objects.filter(payment__order=order, params__via="chat").get()
    assert payment_event_text(settled).endswith("(via chat)")


def test_an_order_sent_to_the_cashier_lately_is_being_confirmed(
    intents,
    client,
    shopper,
    shop_settings,  # noqa: F811
    browser,  # noqa: F811
):
    order = place_order((variant_in_stock(price="88.00"), 1), user=shopper)
    client.force_login(shopper)
    assert browser.get(start(client, order)).status == 200  # at the cashier, not paid

    reply = Chat(shopper).say("my payment failed")

    assert "is being confirmed" in reply
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT


def test_an_order_never_sent_to_pay_is_awaiting_payment(intents, shopper):
    order = place_order((variant_in_stock(price="88.00"), 1), user=shopper)
    message = Chat(shopper).send("payment problem")[0]
    assert "have not received a payment" in message.text
    assert message.payload["link"] == order.get_absolute_url()
