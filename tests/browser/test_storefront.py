"""A shopper browses the storefront in a real browser."""

from decimal import Decimal

import pytest

from tests.catalog.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop_data():
    clothing = CategoryFactory(name_en="Clothing", name_zh_hans="服装", slug="clothing")
    tees = CategoryFactory(name_en="T-Shirts", name_zh_hans="T恤", slug="t-shirts", parent=clothing)
    acme = BrandFactory(name="Acme", slug="acme")
    other = BrandFactory(name="Northwind", slug="northwind")
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    tee = ProductFactory(
        category=tees,
        brand=acme,
        name_en="Organic Cotton Tee",
        name_zh_hans="有机棉T恤",
        slug="organic-cotton-tee",
        price=Decimal("129.00"),
        is_featured=True,
    )
    red = VariantFactory(product=tee, sku="TEE-RED-M", price=Decimal("129.00"),
                         attributes={"colour": "red", "size": "M"})  # fmt: skip
    navy = VariantFactory(product=tee, sku="TEE-NAVY-L", price=Decimal("149.00"),
                          attributes={"colour": "navy", "size": "L"})  # fmt: skip
    StockFactory(variant=red, warehouse=warehouse, quantity=12)
    StockFactory(variant=navy, warehouse=warehouse, quantity=2)
    ProductImageFactory(product=tee)
    sold_out = ProductFactory(category=tees, brand=other, name_en="Linen Tee",
                              name_zh_hans="亚麻T恤", slug="linen-tee")  # fmt: skip
    StockFactory(variant=VariantFactory(product=sold_out), warehouse=warehouse, quantity=0)
    return {"tee": tee, "navy": navy}


def test_shopper_browses_in_chinese_filters_and_chooses_a_variant(page, screenshot, shop_data):
    page.goto(page.base_url + "/")
    assert page.locator('[data-testid="featured"]').get_by_text("Organic Cotton Tee").is_visible()
    screenshot(page, "home-en")

    page.click("a[data-lang=zh-hans]")
    page.wait_for_url("**/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator("nav.main-nav").get_by_text("服装").click()
    page.wait_for_url("**/zh-hans/c/clothing/")
    grid = page.locator('[data-testid="product-grid"]')
    assert grid.get_by_text("有机棉T恤").is_visible()
    assert grid.get_by_text("亚麻T恤").is_visible()
    screenshot(page, "category-zh")

    page.check("input[name=in_stock]")  # submits by itself
    page.wait_for_url("**in_stock=1**")
    assert grid.get_by_text("亚麻T恤").count() == 0
    assert grid.get_by_text("有机棉T恤").is_visible()

    grid.get_by_text("有机棉T恤").click()
    page.wait_for_url("**/zh-hans/p/organic-cotton-tee/")
    assert page.locator("[data-variant-price]").inner_text() == "¥129.00"
    screenshot(page, "product-zh")

    navy = shop_data["navy"]
    page.locator(f"input[name=variant][value='{navy.id}']").check(force=True)
    assert page.locator("[data-variant-price]").inner_text() == "¥149.00"
    assert page.locator("[data-variant-sku]").inner_text() == "TEE-NAVY-L"
    assert f"variant={navy.id}" in page.url
    screenshot(page, "product-variant-zh")

    page.reload()  # the chosen variant survives a reload: the server renders it from the URL
    assert page.locator("[data-variant-price]").inner_text() == "¥149.00"


def test_a_missing_page_is_styled_and_links_home(page, screenshot, shop_data):
    response = page.goto(page.base_url + "/p/not-a-product/")

    assert response.status == 404
    assert page.get_by_role("link", name="Back to the shop").is_visible()
    screenshot(page, "404")
