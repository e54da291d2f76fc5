"""Money that arrives for an order no longer awaiting it (cancelled meanwhile, or already paid by
another attempt) never pays the order again: the payment goes to needs_review for a person to
refund, whether the notify or the reconciliation brings the news."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orders import services as order_services
from orders.models import Order, OrderEvent
from orders.models import OrderStatus as S
from payments.models import NotifyRecord, Payment, PaymentEventType
from payments.models import PaymentStatus as P
from payments.services import payment_close, payment_start, payments_reconcile
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import RETURN_URL
from tests.payments.test_notify import post, signed

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens here: the sandbox's own notification never reaches the shop.
UNREACHABLE_NOTIFY_URL = "http://127.0.0.1:9/payments/alipay/notify/"


@pytest.fixture
def opened(sandbox_settings, browser):
    """A placed order whose payment's cashier is open at the sandbox (its notify goes nowhere)."""

    def opened() -> Payment:
        order = place_order((variant_in_stock(price="88.00"), 1))
        payment, url = payment_start(
            order=order, mobile=False, return_url=RETURN_URL, notify_url=UNREACHABLE_NOTIFY_URL
        )
        assert browser.get(url).status == 200
        return payment

    return opened


def _second_attempt_paid(payment: Payment, notify_url: str) -> Payment:
    """Another payment of the same order, settled by its own signed notification."""
    other = Payment.objects.create(
        order=payment.order,
        amount=payment.amount,
        currency=payment.currency,
        out_trade_no=f"{payment.order.number}-2",
    )
    assert post(notify_url, signed(other, trade_no="2026112222001400000000000002")) == "success"
    assert Order.objects.get(pk=payment.order_id).status == S.PAID
    return other


def _cancelled_while_paying(payment: Payment, browser) -> None:
    """The buyer pays at the cashier as the order is being cancelled: the cancellation's attempt
    to close the trade finds it paid, so the payment stays pending with the money taken."""
    assert browser.press("pay").status == 302
    order_services.order_cancel(order=payment.order, actor=None, reason="changed my mind")
    assert payment_close(payment_id=payment.pk) == "paid at gateway"
    payment.refresh_from_db()
    assert payment.status == P.PENDING


def _paid_events(order_id: int) -> int:
    return OrderEvent.objects.filter(order_id=order_id, to_status=S.PAID).count()


def test_a_notify_for_a_cancelled_order_flags_the_payment_for_review(opened, browser, notify_url):
    payment = opened()
    _cancelled_while_paying(payment, browser)

    answer = post(notify_url, signed(payment))

    payment.refresh_from_db()
    assert answer == "failure"  # never acknowledged as a settled payment
    assert (payment.status, payment.trade_no) == (P.NEEDS_REVIEW, "2026112222001400000000000001")
    assert payment.paid_at is not None
    assert Order.objects.get(pk=payment.order_id).status == S.CANCELLED
    assert _paid_events(payment.order_id) == 0
    event = payment.events.get(to_status=P.NEEDS_REVIEW)
    assert (event.type, event.params["reason"], event.params["order_status"]) == (
        PaymentEventType.NEEDS_REVIEW,
        "order",
        S.CANCELLED,
    )
    record = NotifyRecord.objects.get(out_trade_no=payment.out_trade_no)
    assert (record.verified, record.outcome) == (True, "review: order cancelled")


def test_the_reconciliation_flags_money_for_a_cancelled_order_for_review(opened, browser):
    payment = opened()
    _cancelled_while_paying(payment, browser)

    counts = payments_reconcile(older_than=timedelta(0))

    payment.refresh_from_db()
    assert counts == {"review: order cancelled": 1}
    assert payment.status == P.NEEDS_REVIEW and payment.trade_no
    assert Order.objects.get(pk=payment.order_id).status == S.CANCELLED
    assert _paid_events(payment.order_id) == 0
    assert NotifyRecord.objects.get().outcome == "reconciled: review: order cancelled"


def test_a_notify_for_an_order_paid_by_another_attempt_flags_it_for_review(opened, notify_url):
    payment = opened()
    other = _second_attempt_paid(payment, notify_url)

    answer = post(notify_url, signed(payment))

    payment.refresh_from_db()
    other.refresh_from_db()
    assert answer == "failure"
    assert payment.status == P.NEEDS_REVIEW and other.status == P.PAID
    event = payment.events.get(to_status=P.NEEDS_REVIEW)
    assert (event.params["reason"], event.params["order_status"]) == ("order", S.PAID)
    assert Order.objects.get(pk=payment.order_id).status == S.PAID
    assert _paid_events(payment.order_id) == 1  # paid once, by the other attempt
    record = NotifyRecord.objects.get(out_trade_no=payment.out_trade_no)
    assert record.outcome == "review: order paid"


def test_the_reconciliation_flags_money_for_an_order_paid_by_another_attempt(
    opened, browser, notify_url
):
    payment = opened()
    assert browser.press("pay").status == 302  # paid at the sandbox; its notify went nowhere
    other = _second_attempt_paid(payment, notify_url)

    counts = payments_reconcile(older_than=timedelta(0))

    payment.refresh_from_db()
    other.refresh_from_db()
    assert counts == {"review: order paid": 1}
    assert payment.status == P.NEEDS_REVIEW and other.status == P.PAID
    assert Order.objects.get(pk=payment.order_id).status == S.PAID
    assert _paid_events(payment.order_id) == 1
    record = NotifyRecord.objects.get(out_trade_no=payment.out_trade_no)
    assert record.outcome == "reconciled: review: order paid"
