"""Starting an Alipay payment from an app: the WAP cashier's URL, or the signed order string of
alipay.trade.app.pay, which the local sandbox accepts; the Idempotency-Key honoured."""

import urllib.parse

import pytest

from payments.models import Payment, PaymentEventType
from tests.api.conftest import bearer
from tests.orders.factories import paid_order, place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)


def start(client, order, method, **headers):
    return client.post(
        f"/api/v1/orders/{order.number}/payment/", {"method": method}, format="json", **headers
    )


def test_app_pay_gives_a_signed_order_string_the_sandbox_opens(alipay, shopper, browser):
    order = place_order((variant_in_stock(price="88.00"), 1), user=shopper)
    response = start(bearer(shopper), order, "alipay_app")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pay_url"] is None
    params = dict(urllib.parse.parse_qsl(body["order_string"]))
    assert params["method"] == "alipay.trade.app.pay"
    assert params["sign_type"] == "RSA2" and params["sign"]
    assert '"product_code":"QUICK_MSECURITY_PAY"' in params["biz_content"].replace(" ", "")
    assert body["amount"] == str(order.total)
    payment = Payment.objects.get(order=order)
    assert body["out_trade_no"] == payment.out_trade_no
    assert payment.events.get().type == PaymentEventType.STARTED
    cashier = browser.get(alipay.ALIPAY_GATEWAY + "?" + body["order_string"])
    assert cashier.status == 200
    assert order.number in cashier.html


def test_wap_pay_gives_the_cashiers_url(alipay, shopper, browser):
    order = place_order((variant_in_stock(), 1), user=shopper)
    body = start(bearer(shopper), order, "alipay_wap").json()
    assert body["order_string"] is None
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(body["pay_url"]).query))
    assert query["method"] == "alipay.trade.wap.pay"
    assert browser.get(body["pay_url"]).status == 200


def test_a_retry_with_the_same_key_gives_the_same_answer(alipay, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    client = bearer(shopper)
    first = start(client, order, "alipay_app", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = start(client, order, "alipay_app", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.get(order=order).events.count() == 1


def test_the_same_key_for_another_method_is_a_422(alipay, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    client = bearer(shopper)
    start(client, order, "alipay_app", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert start(client, order, "alipay_wap", HTTP_IDEMPOTENCY_KEY="pay-1").status_code == 422


def test_a_paid_order_is_a_409(alipay, shopper):
    order = paid_order((variant_in_stock(), 1), user=shopper)
    response = start(bearer(shopper), order, "alipay_app")
    assert response.status_code == 409
    assert not Payment.objects.filter(order=order).exists()


def test_an_unknown_method_is_a_400(alipay, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    response = start(bearer(shopper), order, "card")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "method"
