"""A guest pays an order with Alipay (the local sandbox) in a real browser."""

import pytest

from orders.models import Order, OrderStatus
from tests.orders.factories import place_order, variant_in_stock
from tests.payments.conftest import alipay_keys, sandbox_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("sandbox_settings")
def test_guest_pays_with_alipay_and_sees_the_order_paid(page, screenshot, settings, live_server):
    settings.SHOP_BASE_URL = live_server.url  # the sandbox's notify comes back here
    order = place_order((variant_in_stock(price="88.00", name="Stoneware Mug"), 1))
    page.goto(f"{live_server.url}/orders/guest/{order.number}/{order.guest_token}/")
    screenshot(page, "order")

    page.click("[data-pay-button]")
    page.wait_for_url("**/alipay-sandbox/**")
    screenshot(page, "cashier")
    page.click("button[value=pay]")

    page.wait_for_url("**/pay/return/**")
    for _ in range(10):  # the notify normally lands before the redirect; allow it a moment
        if page.locator("h1", has_text="Payment received").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    screenshot(page, "return")
    assert page.locator("h1").inner_text() == "Payment received"

    page.click("text=View order")
    assert page.locator(".order-head").get_by_text("Paid").count()
    assert page.locator("[data-pay-button]").count() == 0
    screenshot(page, "paid")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


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
    page.wait_for_url("**/return/**")
    for _ in range(20):
        order.refresh_from_db()
        if order.status == OrderStatus.PAID:
            break
        page.wait_for_timeout(250)
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

    assert page.locator(".messagelist").inner_text().startswith("Refunded 30.00 yuan")
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
