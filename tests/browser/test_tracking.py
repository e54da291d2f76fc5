"""A shopper follows a parcel on the tracking page while the simulated carrier moves it: the
timeline grows by itself (no reload), newest first, until it says delivered."""

import pytest
from playwright.sync_api import expect

from logistics import carrier_sim
from logistics.models import ShipmentStatus
from tests.logistics.factories import shipped_shipment

pytestmark = pytest.mark.django_db(transaction=True)


def latest(page):
    return page.locator("[data-timeline] li").first


def test_the_tracking_page_follows_the_simulated_carrier(page, screenshot, settings, browser):
    settings.TRACKING_REFRESH_SECONDS = 1
    settings.CARRIER_SIM_EXCEPTION_RATE = 0
    shipment = shipped_shipment()
    order = shipment.order
    url = f"{page.base_url}/orders/guest/{order.number}/{order.guest_token}/tracking/"

    page.goto(url)
    expect(latest(page)).to_contain_text("Handed to Shop Express")
    expect(page.locator("[data-parcel-status]")).to_have_text("Shipped")
    screenshot(page, "shipped")

    carrier_sim.carrier_sim_run(steps=1)  # picked up in 上海市
    expect(latest(page)).to_contain_text("Picked up by the courier in 上海市")
    carrier_sim.carrier_sim_run(steps=1)
    expect(latest(page)).to_contain_text("In transit at 嘉兴市")
    expect(page.locator("[data-parcel-status]")).to_have_text("In transit")
    screenshot(page, "in-transit")

    carrier_sim.carrier_sim_run(until=ShipmentStatus.DELIVERED, steps=None)
    expect(latest(page)).to_contain_text("Delivered in 杭州市")
    expect(page.locator("[data-parcel-status]")).to_have_text("Delivered")
    assert page.locator("[data-timeline] li").count() == 6
    screenshot(page, "delivered")

    # The same page in Chinese, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    small = phone.new_page()
    small.goto(url.replace(page.base_url, page.base_url + "/zh-hans"))
    expect(latest(small)).to_contain_text("已在杭州市签收")
    expect(small.get_by_text("运输中，途经嘉兴市")).to_be_visible()  # noqa: RUF001
    screenshot(small, "phone-zh")
    phone.close()
