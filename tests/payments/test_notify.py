"""Alipay's asynchronous notification through the real endpoint over HTTP, signed the way the
sandbox (the stand-in for Alipay) signs it."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from alipay_sandbox.gateway import notification_params, sandbox_private_key
from orders.models import Order, OrderEvent
from orders.models import OrderStatus as S
from payments.alipay_client import sign_params
from payments.models import NotifyRecord, Payment, PaymentEvent
from payments.models import PaymentStatus as P
from payments.services import payment_start
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import RETURN_URL

pytestmark = pytest.mark.django_db(transaction=True)


def signed(payment: Payment, trade_status: str = "TRADE_SUCCESS", **changes: str) -> dict:
    """A notification as the sandbox sends it, with `changes` made before signing."""
    trade = {
        "trade_no": "2026112222001400000000000001",
        "out_trade_no": payment.out_trade_no,
        "total_amount": f"{payment.amount:.2f}",
        "status": trade_status,
        "gmt_create": "2026-11-22 12:00:00",
        "gmt_payment": "2026-11-22 12:00:05",
        "subject": "Lumen order",
    }
    params = notification_params(trade)
    if changes:
        params.update(changes)
        params["sign"] = sign_params(params, sandbox_private_key())
    return params


def post(url: str, params: dict) -> str:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return response.read().decode()


def state(payment: Payment) -> tuple:
    payment.refresh_from_db()
    order = Order.objects.get(pk=payment.order_id)
    return (
        payment.status,
        payment.trade_no,
        order.status,
        PaymentEvent.objects.filter(payment=payment).count(),
        OrderEvent.objects.filter(order=order).count(),
    )


def test_a_valid_notification_pays_the_order(payment, notify_url):
    answer = post(notify_url, signed(payment))

    payment.refresh_from_db()
    assert answer == "success"
    assert payment.status == P.PAID and payment.paid_at is not None
    assert payment.trade_no == "2026112222001400000000000001"
    assert Order.objects.get(pk=payment.order_id).status == S.PAID
    assert list(payment.events.values_list("to_status", flat=True)) == [P.PENDING, P.PAID]
    assert OrderEvent.objects.filter(order_id=payment.order_id, to_status=S.PAID).count() == 1
    [record] = NotifyRecord.objects.all()
    assert record.outcome == "settled" and record.verified
    assert "sign" not in record.params and record.params["out_trade_no"] == payment.out_trade_no


def test_a_duplicate_answers_success_and_changes_nothing(payment, notify_url):
    params = signed(payment)
    post(notify_url, params)
    before = state(payment)

    answer = post(notify_url, params)

    assert answer == "success"
    assert state(payment) == before
    assert list(NotifyRecord.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "settled",
        "duplicate",
    ]


def _forged(payment):
    params = signed(payment)
    params["sign"] = sign_params(params, _other_key())
    return params


def _other_key():
    from Crypto.PublicKey import RSA

    return RSA.generate(2048).export_key(pkcs=1).decode()


@pytest.mark.parametrize(
    "make, reason",
    [
        (_forged, "bad signature"),
        (lambda p: {k: v for k, v in signed(p).items() if k != "sign"}, "missing sign"),
        (lambda p: {**signed(p), "sign_type": "RSA"}, "unsupported sign_type"),
        (lambda p: {**signed(p), "total_amount": "0.01"}, "bad signature"),
        (lambda p: signed(p, app_id="2021999999999999"), "another app_id"),
        (lambda p: signed(p, out_trade_no="NOPE-1"), "unknown out_trade_no"),
    ],
    ids=["forged", "unsigned", "sign-type-rsa", "tampered-amount", "wrong-app", "unknown-trade"],
)
def test_a_bad_notification_answers_failure_and_changes_nothing(payment, notify_url, make, reason):
    before = state(payment)

    answer = post(notify_url, make(payment))

    assert answer == "failure"
    assert state(payment) == before
    [record] = NotifyRecord.objects.all()
    assert record.outcome.startswith("rejected: ") and reason in record.outcome
    assert "sign" not in record.params


def test_a_wrong_seller_is_refused_when_one_is_configured(payment, notify_url, sandbox_settings):
    sandbox_settings.ALIPAY_SELLER_ID = "2088000000000001"
    before = state(payment)

    answer = post(notify_url, signed(payment, seller_id="2088000000000002"))

    assert answer == "failure" and state(payment) == before


def test_a_signed_wrong_amount_flags_the_payment_for_review(payment, notify_url):
    answer = post(notify_url, signed(payment, total_amount="0.01"))

    payment.refresh_from_db()
    assert answer == "failure"
    assert payment.status == P.NEEDS_REVIEW and payment.paid_at is None
    assert Order.objects.get(pk=payment.order_id).status == S.PENDING_PAYMENT
    assert NotifyRecord.objects.get().outcome == "review: amount mismatch"


def test_wait_buyer_pay_changes_nothing(payment, notify_url):
    before = state(payment)

    answer = post(notify_url, signed(payment, "WAIT_BUYER_PAY"))

    assert answer == "success" and state(payment) == before
    assert NotifyRecord.objects.get().outcome == "ignored: WAIT_BUYER_PAY"


def test_trade_closed_closes_a_pending_payment(payment, notify_url):
    answer = post(notify_url, signed(payment, "TRADE_CLOSED"))

    payment.refresh_from_db()
    assert answer == "success" and payment.status == P.CLOSED
    assert Order.objects.get(pk=payment.order_id).status == S.PENDING_PAYMENT


def test_trade_closed_after_success_does_not_unpay(payment, notify_url):
    post(notify_url, signed(payment))
    before = state(payment)

    answer = post(notify_url, signed(payment, "TRADE_CLOSED"))

    assert answer == "success" and state(payment) == before
    assert before[0] == P.PAID and before[2] == S.PAID


def test_the_sandbox_pay_button_pays_the_order(sandbox_settings, notify_url, browser):
    order = place_order((variant_in_stock(price="42.50"), 2))
    payment, url = payment_start(
        order=order, mobile=False, return_url=RETURN_URL, notify_url=notify_url
    )
    assert browser.get(url).status == 200

    browser.press("pay")

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == P.PAID and order.status == S.PAID
    assert NotifyRecord.objects.get().outcome == "settled"


def test_payment_start_reuses_the_open_payment(payment, notify_url):
    again, _url = payment_start(
        order=payment.order, mobile=True, return_url=RETURN_URL, notify_url=notify_url
    )

    assert again.pk == payment.pk and payment.out_trade_no.endswith("-1")


@pytest.mark.postgres
def test_concurrent_duplicates_settle_once(payment, notify_url):
    params = signed(payment)
    barrier = threading.Barrier(2)
    answers: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(30)
            answers[i] = post(notify_url, params)
        except Exception as error:
            answers[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert answers == ["success", "success"]
    payment.refresh_from_db()
    assert payment.status == P.PAID
    assert payment.events.filter(to_status=P.PAID).count() == 1
    assert OrderEvent.objects.filter(order_id=payment.order_id, to_status=S.PAID).count() == 1
    assert sorted(NotifyRecord.objects.values_list("outcome", flat=True)) == [
        "duplicate",
        "settled",
    ]
