# ruff: noqa: RUF001 -- the Chinese text uses Chinese punctuation on purpose
"""A shopper searches from the header: suggestions as they type, then the results page with
facets, in English and Chinese."""

from decimal import Decimal

import pytest

from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def search_data():
    """Saved in committed transactions: the signals index each product as it is written."""
    sports = CategoryFactory(name_en="Sports", name_zh_hans="运动户外", slug="sports")
    shoes = CategoryFactory(
        name_en="Running Shoes", name_zh_hans="跑鞋", slug="running-shoes", parent=sports
    )
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    made = {}
    brands = {n: BrandFactory(name=n, slug=n.lower()) for n in ("Fleetfoot", "Strideon")}
    for brand_name, name, zh, price in [
        ("Fleetfoot", "Fleetfoot Road Running Shoes", "Fleetfoot 公路跑鞋", "499.00"),
        ("Fleetfoot", "Fleetfoot Trail Running Shoes", "Fleetfoot 越野跑鞋", "699.00"),
        ("Strideon", "Strideon Racing Shoes", "Strideon 竞速跑鞋", "1299.00"),
    ]:
        brand = brands[brand_name]
        product = ProductFactory(
            category=shoes, brand=brand, name_en=name, name_zh_hans=zh, price=Decimal(price),
            description_en="Light and springy for daily running.",
            description_zh_hans="轻盈回弹，适合日常跑步。",
        )  # fmt: skip
        variant = VariantFactory(product=product, price=Decimal(price))
        StockFactory(variant=variant, warehouse=warehouse, quantity=5)
        made[name] = product
    return made


def test_shopper_searches_with_suggestions_typos_and_facets(page, screenshot, search_data):
    page.goto(page.base_url + "/")
    box = page.get_by_role("combobox", name="Search the shop")
    box.press_sequentially("fleetf", delay=40)
    suggestions = page.locator("#search-suggestions")
    suggestions.get_by_text("Fleetfoot Road Running Shoes").wait_for()
    screenshot(page, "suggestions")

    box.fill("runing shoes")
    box.press("Enter")
    page.wait_for_url("**/search/?q=runing+shoes")
    assert page.get_by_test_id("did-you-mean").inner_text().startswith("Did you mean")
    assert page.get_by_test_id("result-count").inner_text() == "3 products"
    assert page.locator(".product-card-title mark").first.is_visible()
    screenshot(page, "results")

    page.locator('[data-facet="brand"]').get_by_role("checkbox", name="Fleetfoot").click()
    page.wait_for_url("**brand=fleetfoot**")
    assert page.get_by_test_id("result-count").inner_text() == "2 products"
    # Brands combine with OR, and with the price range with AND.
    page.locator('[data-facet="brand"]').get_by_role("checkbox", name="Strideon").click()
    page.wait_for_url("**brand=strideon**")
    assert page.get_by_test_id("result-count").inner_text() == "3 products"
    page.locator('[data-facet="price"]').get_by_role("checkbox", name="¥1,000 and above").click()
    page.wait_for_url("**price=**")
    assert page.get_by_test_id("result-count").inner_text() == "1 product"
    screenshot(page, "filtered")


def test_shopper_searches_in_chinese_and_picks_a_suggestion(page, screenshot, search_data):
    page.goto(page.base_url + "/zh-hans/")
    box = page.locator("#search-q")
    box.press_sequentially("跑鞋", delay=40)
    option = page.locator("#search-suggestions [role=option]").first
    option.wait_for()
    picked_url = option.locator("a").evaluate("link => link.href")
    picked_label = option.locator(".search-suggestion-label").inner_text()
    assert "/zh-hans/" in picked_url and "/search/" not in picked_url
    box.press("ArrowDown")
    box.press("Enter")
    # Picking goes to the suggestion's own page (not the results of the typed words), in Chinese.
    page.wait_for_url(picked_url)
    assert page.url != page.base_url + "/zh-hans/"
    assert picked_label in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "picked")

    page.goto(page.base_url + "/zh-hans/search/?q=跑鞋")
    assert page.locator(".product-card-title mark").first.inner_text() == "跑鞋"
    screenshot(page, "results")
