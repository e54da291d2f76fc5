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
