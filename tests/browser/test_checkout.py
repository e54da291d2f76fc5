"""A shopper fills a cart anonymously, logs in, and checks out in a real browser."""

from decimal import Decimal

import pytest

from logistics.models import ShippingMethod, ShippingRate
from orders.models import Order, OrderStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import ProductFactory, ProductImageFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    # Transactional tests empty every table between tests, including rows data migrations made.
    method, _ = ShippingMethod.objects.get_or_create(
        code="standard",
        defaults={"name": "Standard delivery", "name_en": "Standard delivery"},
    )
    ShippingRate.objects.get_or_create(
        method=method, max_weight_grams=1000,
        defaults={"price": Decimal("12.00"), "free_above": Decimal("199.00")},
    )  # fmt: skip
    tee = ProductFactory(name_en="Organic Cotton Tee", slug="tee", price=Decimal("129.00"))
    mug = ProductFactory(name_en="Stoneware Mug", slug="mug", price=Decimal("49.00"))
    red = VariantFactory(product=tee, sku="TEE-RED", price=Decimal("129.00"),
                         attributes={"colour": "red", "size": "M"})  # fmt: skip
    navy = VariantFactory(product=tee, sku="TEE-NAVY", price=Decimal("139.00"),
                          attributes={"colour": "navy", "size": "L"})  # fmt: skip
    white = VariantFactory(product=mug, sku="MUG-WHITE", price=Decimal("49.00"),
                           attributes={"colour": "white"})  # fmt: skip
    for variant in (red, navy, white):
        StockFactory(variant=variant, warehouse=warehouse, quantity=10)
    ProductImageFactory(product=tee)
    ProductImageFactory(product=mug)
    user = UserFactory(email="wei@example.com")
    return {"navy": navy, "user": user}


def add_to_cart(page, base_url, path, variant=None):
    page.goto(base_url + path)
    if variant is not None:
        page.locator(f"input[name=variant][value='{variant.id}']").check(force=True)
    page.click("[data-add-button]")
    page.wait_for_selector("[data-add-status]:not([hidden])")


def test_anonymous_cart_is_merged_at_login_and_checked_out(page, screenshot, shop):
    base = page.base_url
    add_to_cart(page, base, "/p/tee/", variant=shop["navy"])
    add_to_cart(page, base, "/p/mug/")
    assert page.locator("[data-cart-count]").first.inner_text().strip() == "2"
    screenshot(page, "product-added")

    page.goto(base + "/account/login/")
    page.fill("input[name=username]", "wei@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")

    page.goto(base + "/cart/")
    cart = page.locator("main")
    assert cart.get_by_role("link", name="Organic Cotton Tee").is_visible()
    assert cart.get_by_role("link", name="Stoneware Mug").is_visible()
    assert "TEE-NAVY" in cart.inner_text()
    screenshot(page, "cart-after-login")

    page.click("a.cart-checkout")
    page.wait_for_url("**/checkout/")
    page.fill("input[name=new-recipient]", "王小明")
    page.fill("input[name=new-phone]", "138 1234 5678")
    page.select_option("select[name=new-province]", "浙江省")
    page.select_option("select[name=new-city]", "杭州市")  # filled once the province is chosen
    page.select_option("select[name=new-district]", "西湖区")
    page.fill("input[name=new-street]", "文三路 90 号")
    page.fill("input[name=new-postal_code]", "310012")
    # The delivery options for the address typed come in, the first one checked.
    page.wait_for_selector("input[name=shipping_method]:checked")
    assert "Arrives" in page.locator("[data-delivery-options]").inner_text()
    screenshot(page, "checkout")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/checkout/review/")
    assert "¥188.00" in page.locator("main").inner_text()  # 139 + 49, free delivery not reached
    screenshot(page, "review")

    page.click("main form button[type=submit]")
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get(user=shop["user"])
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.total == Decimal("212.00")  # two merchants: two parcels at ¥12
    assert page.get_by_text("Pending payment").first.is_visible()
    assert order.number in page.locator("main").inner_text()
    screenshot(page, "order")
