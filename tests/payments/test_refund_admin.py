"""Refunding an order from its admin page: the form's messages, the merchant's limits, and the
refund reaching the sandbox gateway."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import OrderStatus as S
from payments.models import Refund, RefundStatus
from tests.accounts.factories import StaffFactory, UserFactory
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import sandbox_refunds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator():
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


def refund_url(order) -> str:
    return reverse("admin:payments_refund_order", args=[order.pk])


def post(client, order, **data):
    return client.post(refund_url(order), {"amount": "", "reason": "damaged", **data}, follow=True)


def test_the_order_page_offers_a_refund_and_the_form_refunds(paid_order, operator, client):
    order = paid_order(shipped=True)
    client.force_login(operator)

    order_page = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert refund_url(order) in order_page.content.decode()
    form = client.get(refund_url(order)).content.decode()
    assert "¥112.00" in form
    response = post(client, order, amount="20.00")

    html = response.content.decode()
    assert "Refunded ¥20.00" in html
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED and refund.actor == operator
    assert sandbox_refunds(refund.payment.out_trade_no) == {refund.out_request_no: "20.00"}
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_REFUNDED


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("112.01", "At most ¥112.00 can still be refunded."),
        ("0", "The amount to refund must be more than zero."),
        ("-3", "The amount to refund must be more than zero."),
        ("lots", "Enter the amount as a number of yuan, e.g. 25.00."),
        ("", "Enter an amount or the units to refund."),
    ],
)
def test_a_bad_amount_is_a_form_error(paid_order, operator, client, amount, message):
    order = paid_order(shipped=True)
    client.force_login(operator)

    response = post(client, order, amount=amount)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Refund.objects.exists()


def test_refunding_units_with_restock(paid_order, operator, client):
    variant = variant_in_stock(price="100.00", quantity=5)
    order = paid_order((variant, 2), shipped=True)
    line = order.lines.get()
    client.force_login(operator)

    post(client, order, **{f"line_{line.pk}": "1", "restock": "on"})

    refund = Refund.objects.get()
    assert (refund.amount, refund.lines.get().restocked) == (Decimal("100.00"), 1)


def test_a_cancelled_paid_order_is_refunded_by_itself_and_offers_no_second_refund(
    paid_order, sandbox_settings, operator, client
):
    from orders import services as order_services

    paid = paid_order()
    unpaid = place_order((variant_in_stock(), 1))
    for order in (paid, unpaid):
        order_services.order_cancel(order=order, actor=None, reason="x")
    client.force_login(operator)

    def order_page(order) -> str:
        return client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert Refund.objects.get(payment__order=paid).status == RefundStatus.SUCCEEDED
    assert refund_url(paid) not in order_page(paid)
    assert refund_url(unpaid) not in order_page(unpaid)


def test_a_cancelled_paid_order_whose_refund_failed_offers_the_refund_in_full(
    paid_order, sandbox_settings, operator, client
):
    from orders import services as order_services
    from tests.payments.conftest import closed_port_url

    order = paid_order()
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()
    order_services.order_cancel(order=order, actor=None, reason="x")
    Refund.objects.filter(payment__order=order).update(status=RefundStatus.FAILED)
    client.force_login(operator)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert refund_url(order) in page
    assert "Refund in full (¥112.00)" in page


def test_an_unpaid_order_cannot_be_refunded(sandbox_settings, operator, client):
    order = place_order((variant_in_stock(), 1))
    client.force_login(operator)

    page = client.get(refund_url(order)).content.decode()
    response = post(client, order, amount="1.00")

    assert "This order has no payment that could be refunded." in page
    assert "This order has no payment that could be refunded." in response.content.decode()
    assert not Refund.objects.exists()


def test_a_merchant_refunds_only_up_to_their_own_lines(paid_order, merchant_a, merchant_b, client):
    mine = variant_in_stock(price="100.00")
    theirs = variant_in_stock(price="150.00")
    for variant, merchant in ((mine, merchant_a), (theirs, merchant_b)):
        variant.product.merchant = merchant
        variant.product.save()
    order = paid_order((mine, 1), (theirs, 1), shipped=True)  # 250.00, free shipping
    client.force_login(StaffFactory(merchant=merchant_a))

    over = post(client, order, amount="100.01")
    assert "At most ¥100.00 can still be refunded." in over.content.decode()
    their_line = order.lines.get(merchant=merchant_b)
    crafted = post(client, order, **{f"line_{their_line.pk}": "1"})
    assert "Enter an amount or the units to refund." in crafted.content.decode()
    post(client, order, amount="100.00")

    refund = Refund.objects.get()
    assert (refund.merchant, refund.amount, refund.status) == (
        merchant_a,
        Decimal("100.00"),
        RefundStatus.SUCCEEDED,
    )
    again = post(client, order, amount="1.00")
    assert "Nothing is left for you to refund in this order." in again.content.decode()
    assert Refund.objects.count() == 1


def test_a_merchant_cannot_open_the_refund_of_an_order_without_their_lines(
    paid_order, merchant_b, client
):
    order = paid_order(shipped=True)
    client.force_login(StaffFactory(merchant=merchant_b))

    assert client.get(refund_url(order)).status_code == 404
    assert client.post(refund_url(order), {"amount": "1.00", "reason": "x"}).status_code == 404
    assert not Refund.objects.exists()


def test_an_unreachable_gateway_leaves_the_refund_pending_with_a_message(
    paid_order, operator, client, sandbox_settings
):
    from tests.payments.conftest import closed_port_url

    order = paid_order(shipped=True)
    client.force_login(operator)
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()

    response = post(client, order, amount="10.00")

    assert "could not be reached; it stays pending" in response.content.decode()
    assert Refund.objects.get().status == RefundStatus.PENDING


def test_a_non_numeric_order_id_in_the_refund_url_is_a_404(operator, client):
    client.force_login(operator)

    response = client.get(reverse("admin:payments_refund_order", args=["abc"]))

    assert response.status_code == 404


# --- Refunds of a shared order stay with the merchant whose lines they are for ------------------


@pytest.fixture
def shared_order(paid_order, merchant_a, merchant_b):
    """A shipped order with one line of merchant A (100.00) and one of merchant B (150.00)."""
    mine = variant_in_stock(price="100.00")
    theirs = variant_in_stock(price="150.00")
    for variant, merchant in ((mine, merchant_a), (theirs, merchant_b)):
        variant.product.merchant = merchant
        variant.product.save()
    return paid_order((mine, 1), (theirs, 1), shipped=True)


@pytest.fixture
def b_refund_pending(shared_order, merchant_b, client, sandbox_settings):
    """Merchant B's staff refund 30.00 of their line while Alipay cannot be reached: pending."""
    from tests.payments.conftest import closed_port_url

    gateway = sandbox_settings.ALIPAY_GATEWAY
    sandbox_settings.ALIPAY_GATEWAY = closed_port_url()
    client.force_login(StaffFactory(merchant=merchant_b))
    post(client, shared_order, amount="30.00", reason="bravo's own reason")
    sandbox_settings.ALIPAY_GATEWAY = gateway
    client.logout()
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.PENDING
    return refund


def test_a_merchant_does_not_see_another_merchants_refund_in_the_list_or_detail(
    b_refund_pending, merchant_a, client
):
    client.force_login(StaffFactory(merchant=merchant_a))

    listing = client.get(reverse("admin:payments_refund_changelist")).content.decode()
    detail = client.get(reverse("admin:payments_refund_change", args=[b_refund_pending.pk]))

    assert b_refund_pending.out_request_no not in listing
    assert detail.status_code == 404


def test_the_refund_form_lists_only_the_merchants_own_earlier_refunds(
    b_refund_pending, shared_order, merchant_a, client
):
    client.force_login(StaffFactory(merchant=merchant_a))

    form = client.get(refund_url(shared_order)).content.decode()

    assert "Earlier refunds" not in form
    assert b_refund_pending.out_request_no not in form
    assert "bravo&#x27;s own reason" not in form and "bravo's own reason" not in form


def test_a_merchant_cannot_send_another_merchants_refund_again(
    b_refund_pending, merchant_a, client
):
    client.force_login(StaffFactory(merchant=merchant_a))
    attempts = b_refund_pending.attempts

    response = client.post(reverse("admin:payments_refund_retry", args=[b_refund_pending.pk]))

    assert response.status_code == 404
    b_refund_pending.refresh_from_db()
    assert (b_refund_pending.status, b_refund_pending.attempts) == (RefundStatus.PENDING, attempts)


def test_the_merchant_whose_refund_it_is_and_the_operator_still_see_it(
    b_refund_pending, merchant_b, operator, client
):
    detail_url = reverse("admin:payments_refund_change", args=[b_refund_pending.pk])
    for viewer in (StaffFactory(merchant=merchant_b), operator):
        client.force_login(viewer)
        assert client.get(detail_url).status_code == 200


def test_a_seeded_delivered_order_is_refunded_from_admin(sandbox_settings, operator, client):
    from django.core.management import call_command

    from orders.models import Order
    from tests.orders.factories import shipping_method

    shipping_method(code="standard")  # as the migrations make it; flushed by earlier tests
    call_command(
        "seed_demo", "--products", "40", "--users", "20", "--orders", "60",
        "--interactions", "500", "--images-per-leaf", "1", stdout=io.StringIO(),
    )  # fmt: skip
    order = Order.objects.filter(status=S.DELIVERED).first()
    client.force_login(operator)

    response = post(client, order, amount="1.00")

    assert "Refunded ¥1.00" in response.content.decode()
    refund = Refund.objects.get(status=RefundStatus.SUCCEEDED, payment__order=order)
    assert sandbox_refunds(refund.payment.out_trade_no) == {refund.out_request_no: "1.00"}
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_REFUNDED


def test_the_chinese_admin_shows_refunded_amounts_as_money_not_yuan(paid_order, operator, client):
    order = paid_order(shipped=True)
    client.force_login(operator)
    with translation.override("zh-hans"):
        url = reverse("admin:payments_refund_order", args=[order.pk])
    assert url.startswith("/zh-hans/admin/")

    refunded = client.post(url, {"amount": "20.00", "reason": "damaged"}, follow=True)
    over = client.post(url, {"amount": "500", "reason": "damaged"})

    html = refunded.content.decode()
    assert "¥20.00" in html
    assert "20.00 元" not in html
    over_html = over.content.decode()
    assert "¥92.00" in over_html
    assert "92.00 元" not in over_html
