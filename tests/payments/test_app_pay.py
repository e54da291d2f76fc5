"""Alipay app pay (alipay.trade.app.pay): the signed order string a mobile app hands to the
Alipay SDK, which the sandbox's cashier accepts; paying it notifies the shop like any payment."""

import urllib.parse
from decimal import Decimal

import pytest

from orders.models import OrderStatus
from payments.models import PaymentEventType
from payments.services import payment_start_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sandbox_accepts_an_app_pay_order_string_and_notifies(
    gateway, browser, notify_receiver, sandbox_settings
):
    order_string = gateway.app_pay_order_string(
        "T2001", Decimal("88.00"), "Lumen order", notify_receiver.url
    )
    params = dict(urllib.parse.parse_qsl(order_string))
    assert params["method"] == "alipay.trade.app.pay"
    assert "return_url" not in params

    page = browser.get(sandbox_settings.ALIPAY_GATEWAY + "?" + order_string)
    assert page.status == 200
    assert "alipay.trade.app.pay" in page.html and ">88.00<" in page.html
    paid = browser.press("pay")
    assert paid.status == 200  # no return URL: the buyer goes back to the app
    assert "Payment made" in paid.html
    notified = dict(urllib.parse.parse_qsl(notify_receiver.received[0]))
    assert (notified["out_trade_no"], notified["trade_status"]) == ("T2001", "TRADE_SUCCESS")


def test_an_app_pay_order_string_with_a_tampered_amount_is_refused(
    gateway, browser, notify_receiver, sandbox_settings
):
    order_string = gateway.app_pay_order_string(
        "T2002", Decimal("88.00"), "Lumen order", notify_receiver.url
    )
    tampered = order_string.replace("88.00", "0.01")
    assert browser.get(sandbox_settings.ALIPAY_GATEWAY + "?" + tampered).status == 400


def test_payment_start_app_opens_a_payment_and_the_notify_settles_it(
    sandbox_settings, live_server, browser
):
    from tests.orders.factories import place_order, variant_in_stock

    order = place_order((variant_in_stock(price="88.00"), 1))
    payment, order_string = payment_start_app(
        order=order, notify_url=live_server.url + "/payments/alipay/notify/"
    )
    assert payment.events.get().type == PaymentEventType.STARTED
    assert payment.amount == order.total
    assert browser.get(sandbox_settings.ALIPAY_GATEWAY + "?" + order_string).status == 200
    assert browser.press("pay").status == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
