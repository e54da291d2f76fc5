"""Cancelling an order closes its open Alipay trade; the reconciliation settles a payment whose
notify never arrived. Both against the sandbox gateway on the live server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from orders.models import OrderStatus as S
from payments.models import NotifyRecord, Payment
from payments.models import PaymentStatus as P
from payments.services import payment_close, payment_start, payments_reconcile
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import RETURN_URL

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens here: the sandbox's notification never reaches the shop.
UNREACHABLE_NOTIFY_URL = "http://127.0.0.1:9/payments/alipay/notify/"


@pytest.fixture
def start(sandbox_settings, browser):
    """A placed order with a payment started, its cashier opened (the trade exists at Alipay)."""

    def start(*, notify_url: str = UNREACHABLE_NOTIFY_URL) -> Payment:
        order = place_order((variant_in_stock(price="88.00"), 1))
        payment, url = payment_start(
            order=order, mobile=False, return_url=RETURN_URL, notify_url=notify_url
        )
        assert browser.get(url).status == 200
        return payment

    return start


def statuses(payment: Payment) -> tuple[str, str]:
    payment.refresh_from_db()
    return payment.status, Order.objects.get(pk=payment.order_id).status


def test_cancelling_an_order_closes_its_alipay_trade(start, gateway):
    payment = start()

    order_services.order_cancel(order=payment.order, actor=None, reason="changed my mind")

    assert gateway.query(payment.out_trade_no).trade_status == "TRADE_CLOSED"
    assert statuses(payment) == (P.CLOSED, S.CANCELLED)


def test_the_expiry_task_closes_the_trade_too(start, gateway):
    payment = start()
    Order.objects.filter(pk=payment.order_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert order_services.orders_cancel_expired_unpaid() == 1

    assert gateway.query(payment.out_trade_no).trade_status == "TRADE_CLOSED"
    assert statuses(payment) == (P.CLOSED, S.CANCELLED)


def test_closing_is_idempotent_and_closes_a_trade_never_opened(sandbox_settings, gateway):
    order = place_order((variant_in_stock(), 1))
    payment, _url = payment_start(
        order=order, mobile=False, return_url=RETURN_URL, notify_url=UNREACHABLE_NOTIFY_URL
    )

    assert payment_close(payment_id=payment.pk) == "closed"
    assert payment_close(payment_id=payment.pk) == "ignored"

    assert statuses(payment)[0] == P.CLOSED
    assert payment.events.filter(to_status=P.CLOSED).count() == 1


def test_a_trade_paid_before_the_close_stays_open_for_the_reconciliation(start, browser):
    payment = start()
    browser.press("pay")

    assert payment_close(payment_id=payment.pk) == "paid at gateway"
    assert statuses(payment)[0] == P.PENDING


def test_reconcile_settles_a_payment_whose_notify_never_arrived(start, browser):
    payment = start()
    assert browser.press("pay").status == 302  # paid at the sandbox; its notify went nowhere
    assert statuses(payment) == (P.PENDING, S.PENDING_PAYMENT)

    call_command("reconcile_payments", "--older-than", "0")

    assert statuses(payment) == (P.PAID, S.PAID)
    record = NotifyRecord.objects.get(out_trade_no=payment.out_trade_no)
    assert (record.verified, record.outcome) == (True, "reconciled: settled")
    assert payment.trade_no


def test_reconcile_is_idempotent(start, browser):
    payment = start()
    browser.press("pay")

    payments_reconcile(older_than=timedelta(0))
    assert payments_reconcile(older_than=timedelta(0)) == {}

    assert statuses(payment) == (P.PAID, S.PAID)
    assert NotifyRecord.objects.count() == 1


def test_reconcile_leaves_a_trade_still_waiting_and_a_recent_payment(start):
    waiting = start()

    assert payments_reconcile(older_than=timedelta(minutes=10)) == {}
    assert payments_reconcile(older_than=timedelta(0)) == {"left": 1}

    assert statuses(waiting) == (P.PENDING, S.PENDING_PAYMENT)
    assert not NotifyRecord.objects.exists()


def test_reconcile_closes_a_payment_whose_trade_was_closed(start, gateway):
    payment = start()
    assert gateway.close(payment.out_trade_no)

    assert payments_reconcile(older_than=timedelta(0)) == {"closed": 1}

    assert statuses(payment) == (P.CLOSED, S.PENDING_PAYMENT)
    assert NotifyRecord.objects.get().outcome == "reconciled: closed"


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager tasks (the test settings) that retry like a worker would, instead of raising at the
    first retry: each retry runs at once, up to the task's max_retries."""
    from shop.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.mark.usefixtures("eager_retries")
def test_the_close_task_retries_while_the_gateway_is_unreachable(start, sandbox_settings, gateway):
    from celery import signals

    from payments import tasks
    from payments.gateways.base import GatewayError
    from tests.payments.conftest import closed_port_url

    payment = start()
    working_gateway = sandbox_settings.ALIPAY_GATEWAY
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()
    retries = []

    def network_back(sender=None, **kwargs):
        retries.append(kwargs["reason"].exc)
        if len(retries) == 2:
            sandbox_settings.ALIPAY_GATEWAY = working_gateway

    signals.task_retry.connect(network_back, sender=tasks.close_trade, weak=False)
    try:
        tasks.close_trade.apply(args=[payment.pk], throw=False)
    finally:
        signals.task_retry.disconnect(network_back, sender=tasks.close_trade)

    assert len(retries) == 2 and all(isinstance(exc, GatewayError) for exc in retries)
    assert gateway.query(payment.out_trade_no).trade_status == "TRADE_CLOSED"
    assert statuses(payment)[0] == P.CLOSED


@pytest.mark.usefixtures("eager_retries")
def test_the_close_task_gives_up_after_its_retries_and_the_payment_stays_pending(
    start, sandbox_settings
):
    from payments import tasks
    from tests.payments.conftest import closed_port_url

    payment = start()
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()

    result = tasks.close_trade.apply(args=[payment.pk], throw=False)

    assert result.failed()
    assert statuses(payment)[0] == P.PENDING  # for the reconciliation to settle or close


def test_reconciliation_and_expiry_are_on_the_beat_schedule(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule["payments.reconcile"] == 5 * 60.0
    assert schedule["orders.cancel_expired_unpaid"] == 60.0
