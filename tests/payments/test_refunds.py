"""Refunds against the sandbox gateway over HTTP: full, partial, idempotent per out_request_no,
safe after a failed call, restocking, and refused where they must be."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from celery import signals
from django.core.management import call_command
from django.db import connection

from logistics.models import Stock
from orders import services as order_services
from orders.models import Order
from orders.models import OrderStatus as S
from payments import refunds, tasks
from payments.gateways.base import GatewayError
from payments.models import (
    Payment,
    PaymentEvent,
    PaymentEventType,
    Refund,
    RefundEventType,
    RefundStatus,
)
from payments.models import PaymentStatus as P
from payments.refunds import RefundError, RefundLineRequest, refund_create, refund_submit
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import closed_port_url, sandbox_refunds

pytestmark = pytest.mark.django_db(transaction=True)


def payment_of(order: Order) -> Payment:
    return Payment.objects.get(order=order, status__in=[P.PAID, P.PARTIALLY_REFUNDED, P.REFUNDED])


def refund(order: Order, amount: str | None, **kwargs) -> Refund:
    made = refund_create(
        order=order,
        actor=None,
        amount=Decimal(amount) if amount is not None else None,
        reason=kwargs.pop("reason", "damaged"),
        **kwargs,
    )
    return refund_submit(refund_id=made.pk)


def statuses(order: Order) -> tuple[str, str]:
    order.refresh_from_db()
    return order.status, payment_of(order).status


def on_hand(variant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("quantity", flat=True))


def test_a_full_refund_refunds_the_payment_and_the_order(paid_order):
    order = paid_order(shipped=True)  # 100.00 + 12.00 shipping

    made = refund(order, "112.00")

    assert made.status == RefundStatus.SUCCEEDED
    assert statuses(order) == (S.REFUNDED, P.REFUNDED)
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "112.00"}
    notes = list(payment_of(order).events.values_list("to_status", flat=True))
    assert notes[-1] == P.REFUNDED
    assert order.events.last().to_status == S.REFUNDED


def test_two_partial_refunds_up_to_the_total(paid_order):
    order = paid_order(shipped=True)

    first = refund(order, "40.00")
    assert statuses(order) == (S.PARTIALLY_REFUNDED, P.PARTIALLY_REFUNDED)
    second = refund(order, "72.00")

    assert statuses(order) == (S.REFUNDED, P.REFUNDED)
    assert sandbox_refunds(payment_of(order).out_trade_no) == {
        first.out_request_no: "40.00",
        second.out_request_no: "72.00",
    }


def test_more_than_is_left_is_refused_before_anything_is_sent(paid_order):
    order = paid_order(shipped=True)
    refund(order, "100.00")

    with pytest.raises(RefundError, match=r"At most ¥12\.00 can still be refunded"):
        refund_create(order=order, actor=None, amount=Decimal("12.01"), reason="x")

    assert Refund.objects.count() == 1
    assert len(sandbox_refunds(payment_of(order).out_trade_no)) == 1


def test_a_pending_refund_counts_against_what_is_left(paid_order):
    order = paid_order(shipped=True)
    refund_create(order=order, actor=None, amount=Decimal("100.00"), reason="x")  # not sent

    with pytest.raises(RefundError, match=r"At most ¥12\.00"):
        refund_create(order=order, actor=None, amount=Decimal("50.00"), reason="x")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "more than zero"),
        ("-5.00", "more than zero"),
        ("1.005", "at most two decimals"),
        ("abc", "number of yuan"),
    ],
)
def test_a_bad_amount_is_refused_with_a_message(paid_order, amount, message):
    order = paid_order(shipped=True)

    with pytest.raises(RefundError, match=message):
        refund_create(order=order, actor=None, amount=amount, reason="x")


def test_an_order_that_is_not_paid_cannot_be_refunded(sandbox_settings):
    order = place_order((variant_in_stock(), 1))

    with pytest.raises(RefundError, match="Pending payment and cannot be refunded"):
        refund_create(order=order, actor=None, amount=Decimal("1.00"), reason="x")


def test_an_unshipped_order_is_refunded_in_full_only_and_its_stock_released(paid_order):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 2))  # 200.00, free shipping above 199

    with pytest.raises(RefundError, match="can only be refunded in full"):
        refund_create(order=order, actor=None, amount=Decimal("50.00"), reason="x")
    refund(order, "200.00")

    assert statuses(order) == (S.REFUNDED, P.REFUNDED)
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (5, 0)


def test_restock_puts_returned_units_back_on_sale(paid_order):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 2), shipped=True)
    assert on_hand(variant) == 3
    line = order.lines.get()

    made = refund(order, None, lines=[RefundLineRequest(line.pk, 1)], restock=True)

    assert made.amount == Decimal("100.00")  # the value of the units returned
    assert on_hand(variant) == 4
    assert made.lines.get().restocked == 1
    assert statuses(order) == (S.PARTIALLY_REFUNDED, P.PARTIALLY_REFUNDED)


def test_without_restock_the_units_stay_out(paid_order):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 2), shipped=True)
    line = order.lines.get()

    refund(order, None, lines=[RefundLineRequest(line.pk, 1)], restock=False)

    assert on_hand(variant) == 3


def test_units_cannot_be_refunded_twice(paid_order):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 1), shipped=True)
    line = order.lines.get()
    refund(order, None, lines=[RefundLineRequest(line.pk, 1)])

    with pytest.raises(RefundError, match="at most 0 more units"):
        refund_create(
            order=order, actor=None, amount=None, reason="x", lines=[RefundLineRequest(line.pk, 1)]
        )


def test_the_same_out_request_no_refunds_once_when_the_first_answer_was_lost(paid_order, gateway):
    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("30.00"), reason="late")
    out_trade_no = payment_of(order).out_trade_no
    # Alipay received the request and refunded, but its answer never came back to the shop.
    assert gateway.refund(out_trade_no, Decimal("30.00"), made.out_request_no, "late").ok

    done = refund_submit(refund_id=made.pk)
    again = refund_submit(refund_id=made.pk)

    assert done.status == again.status == RefundStatus.SUCCEEDED
    assert sandbox_refunds(out_trade_no) == {made.out_request_no: "30.00"}
    assert statuses(order) == (S.PARTIALLY_REFUNDED, P.PARTIALLY_REFUNDED)


def test_a_failed_call_leaves_the_refund_pending_and_a_retry_refunds_once(
    paid_order, sandbox_settings
):
    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("30.00"), reason="late")
    working_gateway = sandbox_settings.ALIPAY_GATEWAY
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()

    with pytest.raises(GatewayError):
        refund_submit(refund_id=made.pk)
    made.refresh_from_db()
    assert (made.status, made.attempts) == (RefundStatus.PENDING, 1)
    out_trade_no = payment_of(order).out_trade_no
    assert sandbox_refunds(out_trade_no) == {}

    sandbox_settings.ALIPAY_GATEWAY = working_gateway
    done = refund_submit(refund_id=made.pk)

    assert (done.status, done.attempts) == (RefundStatus.SUCCEEDED, 2)
    assert sandbox_refunds(out_trade_no) == {made.out_request_no: "30.00"}


def test_the_refund_task_retries_until_the_gateway_answers(paid_order, sandbox_settings):
    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("30.00"), reason="late")
    working_gateway = sandbox_settings.ALIPAY_GATEWAY
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()
    retries = []

    def network_back(sender=None, **kwargs):
        retries.append(kwargs["reason"].exc)  # celery.exceptions.Retry
        sandbox_settings.ALIPAY_GATEWAY = working_gateway

    signals.task_retry.connect(network_back, sender=tasks.submit_refund, weak=False)
    try:
        tasks.submit_refund.apply(args=[made.pk], throw=False)
    finally:
        signals.task_retry.disconnect(network_back, sender=tasks.submit_refund)

    assert len(retries) == 1 and isinstance(retries[0], GatewayError)
    made.refresh_from_db()
    assert made.status == RefundStatus.SUCCEEDED
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "30.00"}


def test_the_reconciliation_sends_pending_refunds_again(paid_order, sandbox_settings):
    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("30.00"), reason="late")

    call_command("reconcile_payments", "--older-than", "0")

    made.refresh_from_db()
    assert made.status == RefundStatus.SUCCEEDED
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "30.00"}


def test_a_refund_the_gateway_refuses_is_failed_and_changes_nothing(paid_order, gateway):
    order = paid_order(shipped=True)
    out_trade_no = payment_of(order).out_trade_no
    # Someone refunded at Alipay directly (its own console): the trade has 100.00 left.
    assert gateway.refund(out_trade_no, Decimal("12.00"), "console-1", "console").ok
    made = refund_create(order=order, actor=None, amount=Decimal("112.00"), reason="all")

    done = refund_submit(refund_id=made.pk)

    assert done.status == RefundStatus.FAILED
    assert "exceeds" in done.gateway_message
    assert statuses(order) == (S.SHIPPED, P.PAID)
    assert refunds.refund_remaining(payment=payment_of(order)) == Decimal("112.00")


@pytest.mark.postgres
def test_two_workers_submitting_the_same_refund_refund_once(paid_order):
    order = paid_order(shipped=True)
    made = refund_create(order=order, actor=None, amount=Decimal("30.00"), reason="late")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(refund_submit(refund_id=made.pk).status)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert results == [RefundStatus.SUCCEEDED, RefundStatus.SUCCEEDED]
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "30.00"}
    made_events = PaymentEvent.objects.filter(
        type=PaymentEventType.REFUNDED, params__out_request_no=made.out_request_no
    )
    assert made_events.count() == 1
    assert made.events.filter(type=RefundEventType.SUCCEEDED).count() == 1
    assert statuses(order) == (S.PARTIALLY_REFUNDED, P.PARTIALLY_REFUNDED)


def test_cancelling_a_paid_order_refunds_it_in_full_and_it_stays_cancelled(paid_order):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 1))  # 100.00 + 12.00 shipping

    order_services.order_cancel(order=order, actor=order.user, reason="changed my mind")

    made = Refund.objects.get(payment__order=order)
    assert (made.status, made.amount) == (RefundStatus.SUCCEEDED, Decimal("112.00"))
    assert statuses(order) == (S.CANCELLED, P.REFUNDED)
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "112.00"}
    assert order.events.last().to_status == S.CANCELLED
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (5, 0)  # released once, at the cancellation
    # Nothing is left to refund, whoever asks again.
    assert refunds.refund_cancelled_order(order_id=order.pk) is None
    with pytest.raises(RefundError, match="no payment that could be refunded"):
        refund_create(order=order, actor=None, amount=Decimal("1.00"), reason="again")


def test_cancelling_an_unpaid_order_refunds_nothing(sandbox_settings):
    order = place_order((variant_in_stock(), 1))

    order_services.order_cancel(order=order, actor=None, reason="x")

    assert not Refund.objects.exists()
    assert refunds.refund_cancelled_order(order_id=order.pk) is None


@pytest.fixture
def cancel_without_refund():
    """Cancel an order as if the refund on cancellation had not happened (its receiver off)."""
    from orders.signals import order_cancelled
    from payments.receivers import refund_cancelled_paid_order

    def cancel(order):
        order_cancelled.disconnect(dispatch_uid="payments.refund_cancelled_paid_order")
        try:
            order_services.order_cancel(order=order, actor=None, reason="x")
        finally:
            order_cancelled.connect(
                refund_cancelled_paid_order, dispatch_uid="payments.refund_cancelled_paid_order"
            )

    return cancel


def test_a_cancelled_paid_order_is_refunded_by_hand_in_full_only(paid_order, cancel_without_refund):
    order = paid_order()
    cancel_without_refund(order)
    assert statuses(order) == (S.CANCELLED, P.PAID)

    with pytest.raises(RefundError, match="can only be refunded in full"):
        refund_create(order=order, actor=None, amount=Decimal("50.00"), reason="x")
    made = refund(order, "112.00")

    assert made.status == RefundStatus.SUCCEEDED
    assert statuses(order) == (S.CANCELLED, P.REFUNDED)


def test_the_reconciliation_refunds_a_cancelled_paid_order_left_without_a_refund(
    paid_order, cancel_without_refund
):
    order = paid_order()
    cancel_without_refund(order)

    call_command("reconcile_payments", "--older-than", "0")
    call_command("reconcile_payments", "--older-than", "0")  # nothing more the second time

    made = Refund.objects.get(payment__order=order)
    assert (made.status, made.amount) == (RefundStatus.SUCCEEDED, Decimal("112.00"))
    assert statuses(order) == (S.CANCELLED, P.REFUNDED)
    assert sandbox_refunds(payment_of(order).out_trade_no) == {made.out_request_no: "112.00"}


def test_the_order_page_shows_the_refund_of_a_cancelled_paid_order(paid_order, client):
    from tests.accounts.factories import UserFactory

    order = paid_order(user=UserFactory())
    order_services.order_cancel(order=order, actor=None, reason="x")
    client.force_login(order.user)

    html = client.get(order.get_absolute_url()).content.decode()

    refunds = html.split("data-refunds")[1].split("</dl>")[0]
    assert "Refunded on" in refunds and "\N{MINUS SIGN}¥112.00" in refunds
