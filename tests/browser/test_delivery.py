"""A guest types an address near a warehouse at checkout: the options change to those that serve
it, local delivery among them with its slots; the slot chosen is the order's delivery window."""

from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, delivery_methods, warehouse_pudong

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_picks_a_local_delivery_slot(page, screenshot):
    methods = delivery_methods()
    mug = ProductFactory(name_en="Stoneware Mug", slug="mug", price=Decimal("49.00"))
    variant = VariantFactory(product=mug, sku="MUG", price=Decimal("49.00"), weight_grams=450)
    StockFactory(variant=variant, warehouse=warehouse_pudong(), quantity=5)
    base = page.base_url
    page.goto(base + "/p/mug/")
    page.click("[data-add-button]")
    page.wait_for_selector("[data-add-status]:not([hidden])")

    page.goto(base + "/checkout/")
    options = page.locator("[data-delivery-options]")
    assert "province, city and district" in options.inner_text()
    page.fill("input[name=email]", "guest@example.com")
    page.fill("input[name=new-recipient]", "王小明")
    page.fill("input[name=new-phone]", "13812345678")
    page.select_option("select[name=new-province]", "上海市")
    page.select_option("select[name=new-city]", "上海市")
    page.select_option("select[name=new-district]", "浦东新区")
    page.fill("input[name=new-street]", "世纪大道 100 号")
    page.fill("input[name=new-postal_code]", "200120")
    # The options asked for the district replace those shown for the province and the city: a
    # choice made before they arrive would be wiped (the box is marked loading until then).
    page.wait_for_selector("[data-delivery-options]:not(.delivery-options-loading)")
    local = page.locator(f"input[name=shipping_method][value='{methods['local'].pk}']")
    local.wait_for()
    local.check()
    first_slot = page.locator("input[name=delivery_slot]").first
    slot_key = first_slot.get_attribute("value")
    first_slot.check()
    screenshot(page, "checkout")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/checkout/review/")
    assert "Same-day van" in page.locator("main").inner_text()
    page.click("main form button[type=submit]")
    page.wait_for_url("**/orders/guest/**")
    screenshot(page, "order")

    order = Order.objects.get()
    assert order.shipping_method_id == methods["local"].pk
    start = timezone.localtime(order.delivery_window_start)  # the shop's time zone
    assert start.strftime("%Y-%m-%dT%H:%M") == slot_key
    assert order.promised_date == start.date()
    assert "Expected delivery:" in page.locator("main").inner_text()
