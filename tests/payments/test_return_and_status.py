"""The buyer back from the cashier: a signed return makes the shop ask Alipay about the trade and
settle it at once (no waiting for the notify); the status endpoint the pages poll does the same,
rate-limited, for the order's owner only; the order page does not offer to pay again while a
payment is being confirmed. All against the sandbox gateway on the live server."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from orders.models import OrderStatus as S
from payments.models import NotifyRecord, Payment
from payments.models import PaymentStatus as P
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop_settings(sandbox_settings):
    # Nothing listens here: Alipay's notify never reaches the shop, so whatever is settled was
    # settled by the return or the status endpoint asking Alipay.
    sandbox_settings.SHOP_BASE_URL = "http://127.0.0.1:9"
    return sandbox_settings


@pytest.fixture
def shopper():
    return UserFactory(email="wei@example.com")


@pytest.fixture
def order(shopper) -> Order:
    return place_order((variant_in_stock(price="88.00"), 1), user=shopper)


def start(client, order: Order) -> str:
    """The shopper presses "Pay with Alipay"; returns the sandbox cashier's URL."""
    response = client.post(reverse("payments:alipay_start", args=[order.number]))
    assert response.status_code == 302
    return response.url


def pay_at_cashier(browser, cashier_url: str) -> dict[str, str]:
    """Pay at the sandbox cashier; returns the signed parameters the buyer is sent back with."""
    assert browser.get(cashier_url).status == 200
    redirect = browser.press("pay")
    assert redirect.status == 302
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect.location).query))


def statuses(order: Order) -> tuple[str, str]:
    payment = Payment.objects.get(order=order)
    return payment.status, Order.objects.get(pk=order.pk).status


def status_of(client, order: Order, **kwargs):
    return client.get(reverse("payments:status", args=[order.number]), **kwargs)


# --- The return ---------------------------------------------------------------------------------


def test_a_signed_return_of_a_paid_trade_pays_the_order_without_any_notify(
    client, shopper, order, shop_settings, browser
):
    client.force_login(shopper)
    back = pay_at_cashier(browser, start(client, order))
    assert statuses(order) == (P.PENDING, S.PENDING_PAYMENT)  # the notify went nowhere

    response = client.get(reverse("payments:alipay_return"), back)

    assert statuses(order) == (P.PAID, S.PAID)
    [record] = NotifyRecord.objects.all()
    assert (record.verified, record.outcome) == (True, "returned: settled")
    assert record.params["source"] == "alipay.trade.query"
    html = response.content.decode()
    assert "Payment received" in html and "We are confirming" not in html
    assert order.get_absolute_url() in html


def _tampered(params: dict) -> dict:
    return {**params, "total_amount": "0.01"}


def _resigned_with_another_key(params: dict) -> dict:
    from Crypto.PublicKey import RSA

    from payments.alipay_client import sign_params

    other = RSA.generate(2048).export_key(pkcs=1).decode()
    return {**params, "sign": sign_params(params, other)}


@pytest.mark.parametrize(
    "forge",
    [
        _tampered,
        _resigned_with_another_key,
        lambda p: {k: v for k, v in p.items() if k != "sign"},
        lambda p: {"out_trade_no": p["out_trade_no"]},
    ],
    ids=["tampered", "other-key", "unsigned", "bare-out-trade-no"],
)
def test_a_forged_return_changes_nothing(client, shopper, order, shop_settings, browser, forge):
    client.force_login(shopper)
    back = pay_at_cashier(browser, start(client, order))  # paid at Alipay: a query would settle

    response = client.get(reverse("payments:alipay_return"), forge(back))

    assert response.status_code == 200
    assert statuses(order) == (P.PENDING, S.PENDING_PAYMENT)
    assert not NotifyRecord.objects.exists()
    html = response.content.decode()
    assert "We are confirming your payment" in html
    # The owner's page still polls the status endpoint (which asks Alipay, rate-limited).
    assert f'data-payment-status-url="{reverse("payments:status", args=[order.number])}"' in html
    assert "js/payment_status.js" in html


def test_the_return_page_shows_nothing_of_someone_elses_order(
    client, shopper, order, shop_settings, browser
):
    client.force_login(shopper)
    back = pay_at_cashier(browser, start(client, order))
    client.force_login(UserFactory(email="other@example.com"))

    html = client.get(reverse("payments:alipay_return"), back).content.decode()

    assert statuses(order) == (P.PAID, S.PAID)  # the signed return is authentic all the same
    assert "View order" not in html and order.get_absolute_url() not in html
    assert "data-payment-status-url" not in html and "Payment received" not in html


# --- The status endpoint ------------------------------------------------------------------------


def test_status_of_an_order_never_sent_to_the_cashier_is_awaiting_payment(client, shopper, order):
    client.force_login(shopper)

    response = status_of(client, order)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "order": order.number,
        "state": "awaiting_payment",
        "order_status": "pending_payment",
        "order_status_label": "Pending payment",
    }


def test_status_while_the_buyer_is_at_the_cashier_is_confirming(
    client, shopper, order, shop_settings, browser
):
    client.force_login(shopper)
    assert browser.get(start(client, order)).status == 200  # the trade waits for the buyer

    assert status_of(client, order).json()["state"] == "confirming"
    assert statuses(order) == (P.PENDING, S.PENDING_PAYMENT)


def test_status_asks_alipay_and_settles_a_paid_trade(
    client, shopper, order, shop_settings, browser
):
    client.force_login(shopper)
    pay_at_cashier(browser, start(client, order))

    data = status_of(client, order).json()

    assert (data["state"], data["order_status"]) == ("paid", "paid")
    assert statuses(order) == (P.PAID, S.PAID)
    assert NotifyRecord.objects.get().outcome == "status: settled"


def test_status_asks_alipay_at_most_once_per_interval(
    client, shopper, order, shop_settings, browser
):
    shop_settings.PAYMENTS_STATUS_QUERY_SECONDS = 60
    client.force_login(shopper)
    cashier = start(client, order)
    assert browser.get(cashier).status == 200
    assert status_of(client, order).json()["state"] == "confirming"  # asked: still waiting
    browser.press("pay")

    within = status_of(client, order).json()["state"]
    cache.clear()  # the interval has passed
    after = status_of(client, order).json()["state"]

    assert (within, after) == ("confirming", "paid")


def test_status_of_someone_elses_order_is_a_json_404(client, order, shop_settings, browser):
    client.force_login(UserFactory(email="other@example.com"))

    response = status_of(client, order)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "No such order."}


def test_status_for_an_anonymous_visitor_is_a_json_404(client, order):
    response = status_of(client, order)

    assert response.status_code == 404 and "error" in response.json()


def test_status_of_a_guest_order_for_the_browser_that_started_paying_it(
    client, shop_settings, browser
):
    order = place_order((variant_in_stock(), 1))
    cashier = client.post(
        reverse("payments:alipay_start_guest", args=[order.number, order.guest_token])
    ).url
    pay_at_cashier(browser, cashier)

    response = status_of(client, order)

    assert response.status_code == 200 and response.json()["state"] == "paid"


def test_status_of_a_guest_order_for_another_browser_is_a_json_404(client):
    order = place_order((variant_in_stock(), 1))

    response = status_of(client, order)

    assert response.status_code == 404


def test_status_of_a_guest_order_through_its_secret_link(client):
    order = place_order((variant_in_stock(), 1))

    ok = client.get(reverse("payments:status_guest", args=[order.number, order.guest_token]))
    wrong = client.get(reverse("payments:status_guest", args=[order.number, "nope"]))

    assert ok.status_code == 200 and ok.json()["state"] == "awaiting_payment"
    assert wrong.status_code == 404 and "error" in wrong.json()


def test_status_of_an_order_held_for_review_is_other(client, shopper, order):
    Order.objects.filter(pk=order.pk).update(status=S.UNDER_REVIEW)
    client.force_login(shopper)

    assert status_of(client, order).json()["state"] == "other"


def test_status_of_a_paid_order_is_paid(client, shopper, order):
    order_services.order_mark_paid(order=order, actor=None)
    client.force_login(shopper)

    assert status_of(client, order).json()["state"] == "paid"


# --- The order page while a payment is being confirmed ------------------------------------------


def test_the_order_page_says_the_payment_is_being_confirmed_instead_of_offering_to_pay(
    client, shopper, order, shop_settings, browser
):
    client.force_login(shopper)
    assert browser.get(start(client, order)).status == 200

    html = client.get(order.get_absolute_url()).content.decode()

    assert "We are confirming your payment with Alipay." in html
    assert "data-pay-button" not in html and "Pay with Alipay" not in html
    assert f'data-payment-status-url="{reverse("payments:status", args=[order.number])}"' in html
    assert "js/payment_status.js" in html


def test_the_guest_order_page_polls_through_the_secret_link(client, shop_settings):
    order = place_order((variant_in_stock(), 1))
    client.post(reverse("payments:alipay_start_guest", args=[order.number, order.guest_token]))
    client.cookies.clear()  # the link opened in another browser

    html = client.get(
        reverse("orders:guest_detail", args=[order.number, order.guest_token])
    ).content.decode()

    status_url = reverse("payments:status_guest", args=[order.number, order.guest_token])
    assert f'data-payment-status-url="{status_url}"' in html
    assert "data-pay-button" not in html


def test_the_order_page_offers_to_pay_again_after_the_window(
    client, shopper, order, shop_settings, browser
):
    shop_settings.PAYMENTS_CONFIRMING_MINUTES = 3
    client.force_login(shopper)
    start(client, order)
    Payment.objects.filter(order=order).update(
        started_at=timezone.now() - timedelta(minutes=3, seconds=1)
    )

    html = client.get(order.get_absolute_url()).content.decode()

    assert "data-pay-button" in html and "We are confirming your payment" not in html
    assert status_of(client, order).json()["state"] == "awaiting_payment"


def test_paying_again_reuses_the_pending_payment_and_restarts_the_window(
    client, shopper, order, shop_settings
):
    client.force_login(shopper)
    start(client, order)
    long_ago = timezone.now() - timedelta(minutes=10)
    Payment.objects.filter(order=order).update(started_at=long_ago)

    start(client, order)

    payment = Payment.objects.get(order=order)  # one payment, reused
    assert payment.started_at > long_ago
    assert status_of(client, order).json()["state"] == "confirming"
