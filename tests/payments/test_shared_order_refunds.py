"""An order holding two merchants' lines: each merchant cancels and refunds its own lines before
shipping them (the order goes on for the other), refunds its shipped lines after, and is offered
in admin only what it will be allowed; the operator keeps the whole order's refunds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from orders.errors import OrderError
from orders.models import OrderEvent, OrderEventType, OrderLine
from orders.models import OrderStatus as S
from payments.models import Payment, Refund, RefundEvent, RefundEventType, RefundStatus
from payments.models import PaymentStatus as P
from payments.refunds import RefundError, refund_create, refund_remaining, refund_submit
from tests.accounts.factories import StaffFactory, UserFactory
from tests.orders.factories import allocated, variant_in_stock
from tests.payments.conftest import sandbox_refunds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(merchant=merchant_a, email="staff@alpha.example")


@pytest.fixture
def staff_b(merchant_b):
    return StaffFactory(merchant=merchant_b, email="staff@bravo.example")


@pytest.fixture
def operator():
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def variants(merchant_a, merchant_b):
    """Merchant A's variant at 40.00 and merchant B's at 150.00, ten of each in stock."""
    mine = variant_in_stock(price="40.00")
    theirs = variant_in_stock(price="150.00")
    for variant, merchant in ((mine, merchant_a), (theirs, merchant_b)):
        variant.product.merchant = merchant
        variant.product.save()
    return mine, theirs


@pytest.fixture
def shared(paid_order, variants):
    """Paid, not shipped: 2 x 40.00 of A's and 1 x 150.00 of B's, free shipping: 230.00."""
    mine, theirs = variants

    def make(**kwargs):
        return paid_order((mine, 2), (theirs, 1), **kwargs)

    return make


def withdraw(order, actor, reason="x"):
    return order_services.order_lines_cancel(
        order=order, actor=actor, merchant_id=None, reason=reason
    )


def cancel_lines(order, actor, reason="out of stock at the warehouse"):
    """Cancel the actor's lines; payments records their refund on the signal sent after commit
    and the (eager) worker sends it."""
    withdraw(order, actor, reason)
    return Refund.objects.get(payment__order=order, merchant=actor.merchant)


def payment_of(order) -> Payment:
    return Payment.objects.get(order=order)


# --- The service -------------------------------------------------------------------------------


def test_a_merchant_cancels_and_refunds_its_own_lines_and_the_order_goes_on(
    shared, variants, staff_a
):
    order = shared()
    mine, _theirs = variants

    refund = cancel_lines(order, staff_a)

    order.refresh_from_db()
    assert (order.status, order.subtotal, order.total) == (
        S.PAID,
        Decimal("150.00"),
        Decimal("150.00"),
    )
    assert (refund.status, refund.amount, refund.merchant_id) == (
        RefundStatus.SUCCEEDED,
        Decimal("80.00"),
        staff_a.merchant_id,
    )
    assert sandbox_refunds(payment_of(order).out_trade_no) == {refund.out_request_no: "80.00"}
    assert payment_of(order).status == P.PARTIALLY_REFUNDED
    my_line = order.lines.get(merchant=staff_a.merchant)
    their_line = order.lines.exclude(merchant=staff_a.merchant).get()
    assert my_line.cancelled_at is not None and their_line.cancelled_at is None
    events = list(OrderEvent.objects.filter(order=order).values_list("type", "params", "note"))
    assert (
        OrderEventType.LINES_CANCELLED,
        {"skus": [mine.sku], "amount": "80.00"},
        "out of stock at the warehouse",
    ) in events
    assert (OrderEventType.LINES_REFUNDED, {"amount": "80.00"}, "") in events
    assert not RefundEvent.objects.filter(type=RefundEventType.ORDER_NOT_UPDATED).exists()


def test_the_cancelled_lines_stock_is_released_once_and_the_others_stays(shared, variants, staff_a):
    order = shared()
    mine, theirs = variants
    assert (allocated(mine), allocated(theirs)) == (2, 1)

    cancel_lines(order, staff_a)
    with pytest.raises(OrderError):
        withdraw(order, staff_a, "again")

    assert (allocated(mine), allocated(theirs)) == (0, 1)
    assert Refund.objects.count() == 1


def test_totals_add_up_for_the_operator_after_a_merchant_cancelled_its_lines(
    shared, staff_a, operator
):
    order = shared()
    cancel_lines(order, staff_a)
    payment = payment_of(order)
    order.refresh_from_db()

    assert refund_remaining(payment=payment) == order.total == Decimal("150.00")
    made = refund_create(order=order, actor=operator, amount=order.total, reason="all of it")
    refund_submit(refund_id=made.pk)

    order.refresh_from_db()
    assert (order.status, payment_of(order).status) == (S.REFUNDED, P.REFUNDED)
    assert sum(r.amount for r in Refund.objects.all()) == payment.amount == Decimal("230.00")


def test_the_other_merchant_ships_and_the_order_is_shipped(shared, staff_a, staff_b):
    order = shared()
    cancel_lines(order, staff_a)

    order = order_services.order_ship(order=order, actor=staff_b)

    assert order.status == S.SHIPPED


def test_cancelling_after_the_other_merchant_shipped_makes_the_order_shipped(
    shared, staff_a, staff_b
):
    order = order_services.order_ship(order=shared(), actor=staff_b)
    assert order.status == S.PARTIALLY_SHIPPED

    cancel_lines(order, staff_a)

    order.refresh_from_db()
    assert order.status == S.SHIPPED


def test_shipped_lines_cannot_be_cancelled(shared, variants, staff_a):
    order = order_services.order_ship(order=shared(), actor=staff_a)

    with pytest.raises(OrderError, match="have shipped: refund them instead"):
        withdraw(order, staff_a)

    assert not Refund.objects.exists()
    assert not OrderLine.objects.filter(cancelled_at__isnull=False).exists()


def test_a_merchant_holding_every_line_cancels_the_order_instead(paid_order, variants, staff_a):
    mine, _theirs = variants
    order = paid_order((mine, 1))

    with pytest.raises(OrderError, match="cancel the whole order"):
        withdraw(order, staff_a)


def test_the_operator_does_not_cancel_lines_but_the_order(shared, operator):
    with pytest.raises(OrderError, match="Only a merchant's staff"):
        withdraw(shared(), operator)


def test_the_reconciliation_refunds_cancelled_lines_whose_refund_was_never_recorded(
    shared, staff_a
):
    from orders.signals import order_lines_cancelled
    from payments.receivers import refund_cancelled_paid_lines
    from payments.refunds import refunds_reconcile

    order = shared()
    order_lines_cancelled.disconnect(dispatch_uid="payments.refund_cancelled_paid_lines")
    try:
        withdraw(order, staff_a)
    finally:
        order_lines_cancelled.connect(
            refund_cancelled_paid_lines, dispatch_uid="payments.refund_cancelled_paid_lines"
        )
    assert not Refund.objects.exists()

    counts = refunds_reconcile(older_than=timedelta(0), now=timezone.now() + timedelta(seconds=1))
    refunds_reconcile(older_than=timedelta(0), now=timezone.now() + timedelta(seconds=1))

    refund = Refund.objects.get()
    assert counts["refund recorded for cancelled lines"] == 1
    assert (refund.amount, refund.status) == (Decimal("80.00"), RefundStatus.SUCCEEDED)


def test_a_merchant_refunds_its_shipped_lines_up_to_their_value(shared, staff_a, staff_b):
    order = shared()
    order_services.order_ship(order=order, actor=staff_a)
    order = order_services.order_ship(order=order, actor=staff_b)

    with pytest.raises(RefundError, match=r"At most ¥80\.00"):
        refund_create(order=order, actor=staff_a, amount=Decimal("80.01"), reason="x")
    made = refund_create(order=order, actor=staff_a, amount=Decimal("80.00"), reason="x")

    assert refund_submit(refund_id=made.pk).status == RefundStatus.SUCCEEDED


# --- What admin offers --------------------------------------------------------------------------


def order_page(client, order) -> str:
    return client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()


def refund_url(order) -> str:
    return reverse("admin:payments_refund_order", args=[order.pk])


def operation_url(order, name: str) -> str:
    return reverse("admin:orders_order_operation", args=[order.pk, name])


def test_before_shipping_a_merchant_is_offered_cancel_lines_not_a_refund(shared, staff_a, client):
    order = shared()
    client.force_login(staff_a)

    page = order_page(client, order)
    form = client.get(refund_url(order)).content.decode()

    assert operation_url(order, "cancel-lines") in page
    assert refund_url(order) not in page
    assert "handles refunds" not in page
    assert 'id="refund-not-allowed"' in form and '<form method="post" novalidate>' not in form


def test_the_cancel_lines_button_cancels_and_refunds_them(shared, variants, staff_a, client):
    order = shared()
    mine, _theirs = variants
    client.force_login(staff_a)

    confirm = client.get(operation_url(order, "cancel-lines")).content.decode()
    response = client.post(
        operation_url(order, "cancel-lines"), {"reason": "discontinued"}, follow=True
    )

    assert "Lines to cancel and refund" in confirm
    assert "your lines are cancelled" in response.content.decode()
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Decimal("80.00"), RefundStatus.SUCCEEDED)
    assert allocated(mine) == 0
    assert operation_url(order, "cancel-lines") not in order_page(client, order)


def test_the_cancel_lines_reason_is_required_next_to_its_field(shared, staff_a, client):
    order = shared()
    client.force_login(staff_a)

    response = client.post(operation_url(order, "cancel-lines"), {"reason": ""})

    html = response.content.decode()
    row = html[html.index('<div class="form-row errors">') :]
    assert row.index("This field is required.") < row.index('name="reason"')
    assert not Refund.objects.exists()


def test_after_shipping_the_merchant_is_offered_a_refund_of_its_lines_value(
    shared, staff_a, staff_b, client
):
    order = shared()
    order_services.order_ship(order=order, actor=staff_a)
    order = order_services.order_ship(order=order, actor=staff_b)
    client.force_login(staff_a)

    page = order_page(client, order)
    form = client.get(refund_url(order)).content.decode()

    assert "Refund (up to ¥80.00)" in page
    assert operation_url(order, "cancel-lines") not in page
    assert "<strong>¥80.00</strong>" in form


def test_the_operator_is_offered_the_whole_orders_refund(shared, operator, client):
    order = shared()
    client.force_login(operator)

    page = order_page(client, order)

    assert "Refund in full (¥230.00)" in page
    assert operation_url(order, "cancel-lines") not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "10.00", "reason": ""}, "reason", "This field is required."),
        ({"amount": "", "reason": "damaged"}, "amount", "Enter an amount or the units to refund."),
    ],
)
def test_a_missing_refund_field_is_reported_next_to_it(
    shared, staff_a, staff_b, client, data, field, message
):
    order = shared()
    order_services.order_ship(order=order, actor=staff_a)
    order_services.order_ship(order=order, actor=staff_b)
    client.force_login(staff_a)

    html = client.post(refund_url(order), data).content.decode()

    row = html[html.index('<div class="form-row errors">') :]
    row = row[: row.index("</div>\n        </div>") if "</div>\n        </div>" in row else None]
    assert message in row and f'name="{field}"' in row
    assert not Refund.objects.exists()


# --- The shopper's order page -------------------------------------------------------------------


def test_the_shoppers_order_page_shows_the_cancelled_lines_and_the_new_total(
    paid_order, variants, staff_a, client
):
    mine, theirs = variants
    shopper = UserFactory(email="shopper@example.com")
    order = paid_order((mine, 2), (theirs, 1), user=shopper)
    cancel_lines(order, staff_a)
    client.force_login(shopper)

    html = client.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert html.count("data-line-cancelled") == 1
    assert "Cancelled by the seller before shipping and refunded" in html
    assert "150.00" in html
