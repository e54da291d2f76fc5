"""The shopper's payment pages: the Pay button, starting a payment at the sandbox gateway, and the
return page, which never pays anything itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import services as order_services
from orders.models import Order
from orders.models import OrderStatus as S
from payments.models import NotifyRecord, Payment
from payments.models import PaymentStatus as P
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture
def shop_settings(sandbox_settings, live_server):
    sandbox_settings.SHOP_BASE_URL = live_server.url
    return sandbox_settings


@pytest.fixture
def shopper():
    return UserFactory(email="wei@example.com")


@pytest.fixture
def order(shopper) -> Order:
    return place_order((variant_in_stock(price="88.00"), 1), user=shopper)


def test_pay_button_is_shown_while_the_order_awaits_payment(client, shopper, order):
    client.force_login(shopper)

    html = client.get(order.get_absolute_url()).content.decode()

    assert "Pay with Alipay" in html
    assert reverse("payments:alipay_start", args=[order.number]) in html


def test_pay_button_is_gone_once_the_order_is_paid(client, shopper, order):
    order_services.order_mark_paid(order=order, actor=None)
    client.force_login(shopper)

    html = client.get(order.get_absolute_url()).content.decode()

    assert "Pay with Alipay" not in html


def test_guest_order_page_offers_the_guest_pay_url(client):
    order = place_order((variant_in_stock(), 1))

    html = client.get(
        reverse("orders:guest_detail", args=[order.number, order.guest_token])
    ).content.decode()

    assert reverse("payments:alipay_start_guest", args=[order.number, order.guest_token]) in html


def test_start_redirects_to_a_signed_sandbox_cashier(
    client, shopper, order, shop_settings, live_server, browser
):
    client.force_login(shopper)

    response = client.post(reverse("payments:alipay_start", args=[order.number]))

    assert response.status_code == 302
    assert response.url.startswith(live_server.url + "/alipay-sandbox/gateway.do?")
    assert "alipay.trade.page.pay" in response.url
    cashier = browser.get(response.url)  # the sandbox checks the signature
    assert cashier.status == 200
    assert f"{order.total:.2f}" in cashier.html and 'value="pay"' in cashier.html
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.amount) == (P.PENDING, order.total)


def test_start_from_a_phone_opens_the_mobile_cashier(client, shopper, order, shop_settings):
    client.force_login(shopper)

    response = client.post(
        reverse("payments:alipay_start", args=[order.number]), headers={"User-Agent": IPHONE}
    )

    assert response.status_code == 302
    assert "alipay.trade.wap.pay" in response.url


def test_notify_url_comes_from_shop_base_url(client, shopper, order, shop_settings, live_server):
    client.force_login(shopper)

    response = client.post(reverse("payments:alipay_start", args=[order.number]))

    assert "notify_url=" + _quoted(live_server.url + "/payments/alipay/notify/") in response.url


def _quoted(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="")


def test_start_for_another_shoppers_order_is_404(client, order):
    client.force_login(UserFactory(email="other@example.com"))

    response = client.post(reverse("payments:alipay_start", args=[order.number]))

    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_guest_start_with_a_wrong_token_is_404(client):
    order = place_order((variant_in_stock(), 1))

    response = client.post(reverse("payments:alipay_start_guest", args=[order.number, "nope"]))

    assert response.status_code == 404


def test_guest_start_redirects_to_the_cashier(client, shop_settings, live_server):
    order = place_order((variant_in_stock(), 1))

    response = client.post(
        reverse("payments:alipay_start_guest", args=[order.number, order.guest_token])
    )

    assert response.status_code == 302
    assert response.url.startswith(live_server.url + "/alipay-sandbox/gateway.do?")


def test_start_for_an_order_not_awaiting_payment_goes_back_with_a_message(
    client, shopper, order, shop_settings
):
    order_services.order_mark_paid(order=order, actor=None)
    client.force_login(shopper)

    response = client.post(reverse("payments:alipay_start", args=[order.number]), follow=True)

    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert "cannot be changed" in response.content.decode()
    assert not Payment.objects.exists()


def _started(client, order) -> Payment:
    client.post(reverse("payments:alipay_start", args=[order.number]))
    return Payment.objects.get(order=order)


def test_return_page_with_forged_parameters_pays_nothing(client, shopper, order, shop_settings):
    client.force_login(shopper)
    payment = _started(client, order)
    forged = {
        "out_trade_no": payment.out_trade_no,
        "trade_no": "2026000000000000000001",
        "total_amount": f"{payment.amount:.2f}",
        "trade_status": "TRADE_SUCCESS",
        "sign": "forged",
        "sign_type": "RSA2",
    }

    response = client.get(reverse("payments:alipay_return"), forged)

    html = response.content.decode()
    assert response.status_code == 200
    assert "We are confirming your payment" in html
    assert order.get_absolute_url() in html
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (P.PENDING, S.PENDING_PAYMENT)
    assert not NotifyRecord.objects.exists()


def test_return_page_says_received_once_the_payment_is_paid(client, shopper, order, shop_settings):
    client.force_login(shopper)
    payment = _started(client, order)
    Payment.objects.filter(pk=payment.pk).update(status=P.PAID)  # as the notify would have

    html = client.get(
        reverse("payments:alipay_return"), {"out_trade_no": payment.out_trade_no}
    ).content.decode()

    assert "Payment received" in html


def test_return_page_links_only_the_owner_to_the_order(client, shopper, order, shop_settings):
    client.force_login(shopper)
    payment = _started(client, order)
    client.force_login(UserFactory(email="other@example.com"))

    html = client.get(
        reverse("payments:alipay_return"), {"out_trade_no": payment.out_trade_no}
    ).content.decode()

    assert order.get_absolute_url() not in html
    assert "View order" not in html
    assert "We are confirming your payment" in html


def test_return_page_links_a_guest_to_the_guest_page(client, shop_settings):
    order = place_order((variant_in_stock(), 1))
    client.post(reverse("payments:alipay_start_guest", args=[order.number, order.guest_token]))
    payment = Payment.objects.get(order=order)

    html = client.get(
        reverse("payments:alipay_return"), {"out_trade_no": payment.out_trade_no}
    ).content.decode()

    assert reverse("orders:guest_detail", args=[order.number, order.guest_token]) in html
