"""A guest pays an order with Alipay (the local sandbox) in a real browser."""

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import alipay_keys, sandbox_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


# Nothing listens here: the sandbox's notify never reaches the shop, so what the pages show comes
# from the shop asking Alipay (the signed return, the polled status).
UNREACHABLE_BASE_URL = "http://127.0.0.1:9"
# The headings the pages show, found by role so hidden ones do not count.
PAID = {"role": "heading", "name": "Payment received"}


@pytest.mark.usefixtures("sandbox_settings")
def test_guest_pays_with_alipay_and_sees_the_order_paid(page, screenshot, settings, live_server):
    settings.SHOP_BASE_URL = UNREACHABLE_BASE_URL
    order = place_order((variant_in_stock(price="88.00", name="Stoneware Mug"), 1))
    page.goto(f"{live_server.url}/orders/guest/{order.number}/{order.guest_token}/")
    screenshot(page, "order")

    page.click("[data-pay-button]")
    page.wait_for_url("**/alipay-sandbox/**")
    screenshot(page, "cashier")
    page.click("button[value=pay]")

    page.wait_for_url("**/pay/return/**")
    expect(page.get_by_role(**PAID)).to_be_visible()  # no reload, no notify
    screenshot(page, "return")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    page.click("text=View order")
    expect(page.locator(".order-head").get_by_text("Paid")).to_be_visible()
    assert page.locator("[data-pay-button]").count() == 0
    screenshot(page, "paid")


def _paid_elsewhere(order) -> None:
    """The buyer pays the open trade at Alipay (on their phone, say); no notify comes."""
    from alipay_sandbox.gateway import pay_trade
    from payments.models import Payment

    pay_trade(Payment.objects.get(order=order).out_trade_no)


@pytest.mark.usefixtures("sandbox_settings")
def test_the_return_page_turns_to_paid_by_itself(page, screenshot, settings, live_server):
    settings.SHOP_BASE_URL = UNREACHABLE_BASE_URL
    settings.PAYMENTS_STATUS_QUERY_SECONDS = 1
    order = place_order((variant_in_stock(price="88.00"), 1))
    page.goto(f"{live_server.url}/orders/guest/{order.number}/{order.guest_token}/")
    page.click("[data-pay-button]")
    page.wait_for_url("**/alipay-sandbox/**")
    out_trade_no = order.payments.get().out_trade_no
    # Back on the return page without Alipay's parameters (the buyer typed it, or they were lost).
    page.goto(f"{live_server.url}/pay/return/?out_trade_no={out_trade_no}")
    expect(page.get_by_role("heading", name="We are confirming your payment")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    _paid_elsewhere(order)

    expect(page.get_by_role(**PAID)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_role("heading", name="We are confirming your payment")).to_be_hidden()
    screenshot(page, "paid")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


@pytest.mark.usefixtures("sandbox_settings")
def test_the_order_page_waits_for_the_confirmation_and_turns_to_paid(
    page, screenshot, settings, live_server
):
    settings.SHOP_BASE_URL = UNREACHABLE_BASE_URL
    settings.PAYMENTS_STATUS_QUERY_SECONDS = 1
    order = place_order((variant_in_stock(price="88.00"), 1))
    order_url = f"{live_server.url}/orders/guest/{order.number}/{order.guest_token}/"
    page.goto(order_url)
    page.click("[data-pay-button]")
    page.wait_for_url("**/alipay-sandbox/**")

    page.goto(order_url)  # back to the order before Alipay has confirmed anything
    expect(page.get_by_text("We are confirming your payment with Alipay.")).to_be_visible()
    assert page.locator("[data-pay-button]").count() == 0
    screenshot(page, "confirming")

    _paid_elsewhere(order)

    expect(page.locator(".order-head").get_by_text("Paid")).to_be_visible(timeout=20_000)
    assert page.locator("[data-pay-button]").count() == 0
    expect(page.get_by_text("We are confirming your payment with Alipay.")).to_have_count(0)
    screenshot(page, "paid")


@pytest.mark.usefixtures("sandbox_settings")
def test_operator_refunds_part_of_a_paid_order_from_admin(page, screenshot, settings, live_server):
    from decimal import Decimal

    from orders import services as order_services
    from payments.models import Refund, RefundStatus
    from payments.services import payment_start
    from tests.accounts.factories import PASSWORD, UserFactory
    from tests.payments.conftest import sandbox_refunds

    settings.SHOP_BASE_URL = live_server.url
    order = place_order((variant_in_stock(price="88.00", name="Stoneware Mug"), 2))
    _payment, url = payment_start(
        order=order,
        mobile=False,
        return_url=live_server.url + "/pay/return/",
        notify_url=live_server.url + "/payments/alipay/notify/",
    )
    page.goto(url)
    page.click("button[value=pay]")
    page.wait_for_url("**/return/**")  # its signed return settled the payment (or the notify did)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    order = order_services.order_ship(order=order, actor=None)
    UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "operator@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    page.click(".object-tools >> text=Refund")
    page.fill("input[name=amount]", "30.00")
    page.fill("input[name=reason]", "One mug arrived chipped")
    screenshot(page, "refund-form")
    page.click("input[type=submit][value=Refund]")

    assert page.locator(".messagelist").inner_text().startswith("Refunded ¥30.00")
    screenshot(page, "refunded")
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == (RefundStatus.SUCCEEDED, Decimal("30.00"))
    assert sandbox_refunds(refund.payment.out_trade_no) == {refund.out_request_no: "30.00"}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_REFUNDED

    # The shopper's page (here the guest's link) shows the money on its way back.
    from django.urls import reverse

    page.goto(
        live_server.url + reverse("orders:guest_detail", args=[order.number, order.guest_token])
    )
    refunds = page.locator("[data-refunds]")
    assert "\N{MINUS SIGN}¥30.00" in refunds.inner_text()
    screenshot(page, "order-page")
