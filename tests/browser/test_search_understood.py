"""A shopper types a price and a colour into the search box: the results page shows them as chips,
and removing one searches again without those words, on a laptop and on a phone."""

from decimal import Decimal

import pytest

from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shoes():
    """Saved in committed transactions: the signals index each product as it is written."""
    category = CategoryFactory(name_en="Running Shoes", name_zh_hans="跑鞋", slug="running-shoes")
    brand = BrandFactory(name="Fleetfoot", slug="fleetfoot")
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    for name, zh, price, colour in [
        ("Fleetfoot Road Running Shoes", "Fleetfoot 公路跑鞋", "499.00", "red"),
        ("Fleetfoot Trail Running Shoes", "Fleetfoot 越野跑鞋", "699.00", "navy"),
        ("Fleetfoot Racing Running Shoes", "Fleetfoot 竞速跑鞋", "1299.00", "red"),
    ]:
        product = ProductFactory(
            category=category, brand=brand, name_en=name, name_zh_hans=zh, price=Decimal(price)
        )
        variant = VariantFactory(
            product=product, price=Decimal(price), attributes={"colour": colour, "size": "42"}
        )
        StockFactory(variant=variant, warehouse=warehouse, quantity=5)


def test_price_and_colour_chips_on_a_laptop(page, screenshot, shoes):
    page.goto(page.base_url + "/")
    box = page.get_by_role("combobox", name="Search the shop")
    box.fill("red running shoes under 1000")
    box.press("Enter")
    page.wait_for_url("**/search/?q=red+running+shoes+under+1000")

    chips = page.get_by_test_id("understood").locator(".chip")
    assert chips.locator(".chip-label").all_inner_texts() == ["Colour: Red", "Under ¥1,000"]
    assert page.get_by_test_id("result-count").inner_text() == "1 product"
    screenshot(page, "chips")

    chips.filter(has_text="Under ¥1,000").click()
    page.wait_for_url("**/search/?q=red+running+shoes")
    assert page.get_by_test_id("result-count").inner_text() == "2 products"
    assert chips.locator(".chip-label").all_inner_texts() == ["Colour: Red"]


def test_chips_in_chinese_on_a_phone(page, screenshot, shoes):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/zh-hans/search/?q=便宜的红色跑鞋")

    chips = page.get_by_test_id("understood").locator(".chip")
    labels = chips.locator(".chip-label").all_inner_texts()
    assert labels == ["最便宜：¥499 以下", "颜色：红色"]  # noqa: RUF001
    for chip in chips.all():
        box = chip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "phone")
