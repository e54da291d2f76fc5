"""A merchant ships an order in admin; the shopper's tracking page then follows the parcel as
the simulated carrier moves it: the timeline grows by itself (no reload), newest first, until it
says delivered."""

import pytest
from playwright.sync_api import expect

from logistics import carrier_sim
from logistics.models import Shipment, ShipmentStatus
from orders.models import Order, OrderStatus
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.logistics.factories import CarrierFactory
from tests.orders.factories import paid_order, variant_in_stock

pytestmark = pytest.mark.django_db(transaction=True)


def latest(page):
    return page.locator("[data-timeline] li").first


def sign_in(page, path: str, email: str, button: str) -> None:
    page.goto(page.base_url + path)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click(button)


def test_a_parcel_shipped_in_admin_is_followed_on_the_tracking_page(
    page, screenshot, settings, browser
):
    settings.TRACKING_REFRESH_SECONDS = 1
    settings.CARRIER_SIM_EXCEPTION_RATE = 0
    shopper = UserFactory(email="wei@example.com")
    variant = variant_in_stock(price="88.00", name="Stoneware Mug")
    order = paid_order((variant, 2), user=shopper)
    Order.objects.filter(pk=order.pk).update(region_code="330106")  # 杭州市西湖区
    StaffFactory(email="packer@maker.example", merchant=variant.product.merchant)
    CarrierFactory(code="simulated", name="Shop Express", is_simulated=True)

    # The merchant's staff pack the order and hand the parcel to the carrier.
    sign_in(page, "/admin/login/", "packer@maker.example", "input[type=submit]")
    page.goto(f"{page.base_url}/admin/orders/order/{order.pk}/change/")
    page.click(".object-tools >> text=Create shipments")
    page.click("input[type=submit]")
    shipment = Shipment.objects.get(order=order)
    page.click(f"a:text-is('{shipment.number}')")
    page.click("#shipment-dispatch-link")
    page.select_option("select[name=carrier]", label="Shop Express")
    screenshot(page, "admin-mark-shipped")
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("shipped with Shop Express")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED

    # The shopper opens the tracking page from their order list.
    shopper_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    tracking = shopper_context.new_page()
    tracking.base_url = page.base_url
    sign_in(tracking, "/account/login/", "wei@example.com", "main form button[type=submit]")
    tracking.wait_for_url("**/account/")
    tracking.goto(tracking.base_url + "/orders/")
    tracking.click(f"[data-track-link]:has-text('{order.number}')")
    expect(latest(tracking)).to_contain_text(
        f"Handed to Shop Express, tracking number {shipment.tracking_number}"
    )
    expect(tracking.locator("[data-parcel-status]")).to_have_text("Shipped")
    expect(tracking.get_by_text("Stoneware Mug")).to_be_visible()
    screenshot(tracking, "shipped")

    # The carrier moves the parcel; the open page follows without a reload.
    carrier_sim.carrier_sim_run(steps=1)
    expect(latest(tracking)).to_contain_text("Picked up by the courier in 上海市")
    carrier_sim.carrier_sim_run(steps=1)
    expect(latest(tracking)).to_contain_text("In transit at 嘉兴市")
    expect(tracking.locator("[data-parcel-status]")).to_have_text("In transit")
    screenshot(tracking, "in-transit")

    carrier_sim.carrier_sim_run(until=ShipmentStatus.DELIVERED, steps=None)
    expect(latest(tracking)).to_contain_text("Delivered in 杭州市")
    expect(tracking.locator("[data-parcel-status]")).to_have_text("Delivered")
    texts = tracking.locator("[data-timeline] li .tracking-text").all_inner_texts()
    assert texts[:4] == [
        "Delivered in 杭州市",
        "Out for delivery in 杭州市",
        "Arrived in 杭州市",
        "In transit at 嘉兴市",
    ]
    screenshot(tracking, "delivered")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    shopper_context.close()

    # The same page in Chinese, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    small = phone.new_page()
    small.base_url = page.base_url
    sign_in(small, "/zh-hans/account/login/", "wei@example.com", "main form button[type=submit]")
    small.wait_for_url("**/account/")
    small.goto(f"{page.base_url}/zh-hans/orders/{order.number}/tracking/")
    expect(latest(small)).to_contain_text("已在杭州市签收")
    expect(small.get_by_text("运输中，途经嘉兴市")).to_be_visible()  # noqa: RUF001
    screenshot(small, "phone-zh")
    phone.close()
