"""The storefront on a phone (390x844) and on a laptop (1366x900), in both languages: what a
shopper needs first (the first product, the main button) is on the first screen, filters open in
a drawer, the header gets out of the way while scrolling, and the product page has a buy bar.

Screenshots of every page land in test-artifacts/ (full page, and the first screen alone)."""

import time
from decimal import Decimal

import pytest
from django.utils import translation

from logistics.models import ShippingMethod, ShippingRate
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)
from tests.chromium import ARTIFACTS, is_csp_violation
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
LANGUAGES = {"en": ("", "en-US"), "zh-hans": ("/zh-hans", "zh-CN")}
PRODUCTS = [
    ("Organic Cotton Tee", "有机棉T恤", "acme", "129.00"),
    ("Linen Overshirt", "亚麻衬衫外套", "acme", "359.00"),
    ("Merino Crew Sweater", "美利奴圆领毛衣", "northwind", "499.00"),
    ("Canvas Work Jacket", "帆布工装夹克", "acme", "689.00"),
    ("Relaxed Chino Trousers", "休闲卡其裤", "northwind", "299.00"),
    ("Ribbed Wool Beanie", "罗纹羊毛帽", "acme", "89.00"),
]


@pytest.fixture
def shop():
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    method, _ = ShippingMethod.objects.get_or_create(
        code="standard",
        defaults={"name": "Standard delivery", "name_en": "Standard delivery"},
    )
    ShippingRate.objects.get_or_create(
        method=method, max_weight_grams=1000,
        defaults={"price": Decimal("12.00"), "free_above": Decimal("199.00")},
    )  # fmt: skip
    clothing = CategoryFactory(name_en="Clothing", name_zh_hans="服装", slug="clothing")
    for name, zh, slug in [
        ("Home & Kitchen", "家居厨房", "home-kitchen"),
        ("Sports & Outdoors", "运动户外", "sports"),
        ("Beauty & Personal Care", "美妆个护", "beauty"),
        ("Electronics", "数码电器", "electronics"),
        ("Books & Stationery", "图书文具", "books"),
    ]:
        CategoryFactory(name_en=name, name_zh_hans=zh, slug=slug)
    brands = {
        "acme": BrandFactory(name="Acme", slug="acme"),
        "northwind": BrandFactory(name="Northwind", slug="northwind"),
    }
    products = []
    for n, (name, zh, brand, price) in enumerate(PRODUCTS):
        product = ProductFactory(
            category=clothing, brand=brands[brand], name_en=name, name_zh_hans=zh,
            slug=f"item-{n}", price=Decimal(price), is_featured=True,
        )  # fmt: skip
        for colour, size in (("black", "M"), ("navy", "L")):
            variant = VariantFactory(
                product=product,
                sku=f"SKU-{n}-{colour}".upper(),
                price=Decimal(price) + (10 if colour == "navy" else 0),
                attributes={"colour": colour, "size": size},
            )
            StockFactory(variant=variant, warehouse=warehouse, quantity=9)
        ProductImageFactory(product=product)
        products.append(product)
    return {"products": products}


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport, language, javascript=True) -> a Playwright page in a new context."""
    contexts = []
    violations: list[str] = []

    def open_(viewport, language, *, javascript=True, reduced_motion="no-preference"):
        prefix, locale = LANGUAGES[language]
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
            java_script_enabled=javascript,
            reduced_motion=reduced_motion,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.base_url = live_server.url + prefix
        page.on(
            "console",
            lambda m: violations.append(m.text) if is_csp_violation(m.text) else None,
        )
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def shoot(request):
    """Full page and first screen: test-artifacts/<test>-<label>.png and -<label>-screen.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, label: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{label}.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{label}-screen.png"))

    return take


def wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is true (wait_for_function would need eval, which
    the shop's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        page.wait_for_timeout(50)


def box(locator) -> dict:
    locator.wait_for(state="visible")
    return locator.bounding_box()


def assert_on_first_screen(page, locator, what: str) -> None:
    """The element is wholly inside the viewport without scrolling."""
    page.evaluate("window.scrollTo(0, 0)")
    b = box(locator)
    height = page.viewport_size["height"]
    assert b["y"] >= 0 and b["y"] + b["height"] <= height, (
        f"{what} is at {b['y']:.0f}-{b['y'] + b['height']:.0f} px, not within the first {height}"
    )


def header_bottom(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")


def add_first_to_cart(page, product) -> None:
    page.goto(page.base_url + f"/p/{product.slug}/")
    page.click("[data-add-button]")
    page.wait_for_selector("[data-add-status]:not([hidden])")


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_pages_put_the_first_product_and_the_main_button_on_the_first_screen(
    open_page, shop, shoot, language
):
    page = open_page(PHONE, language)

    page.goto(page.base_url + "/")
    shoot(page, "home")
    assert_on_first_screen(page, page.locator(".product-card").first, "home: first product card")

    page.goto(page.base_url + "/c/clothing/?brand=acme&in_stock=1")
    shoot(page, "category-filtered")
    assert_on_first_screen(page, page.locator(".product-card").first, "category: first card")
    assert not page.locator(".filters").is_visible()  # in the closed drawer

    page.goto(page.base_url + "/p/item-0/")
    shoot(page, "product")
    bar_add = page.locator("[data-buy-bar] [data-buy-bar-add]")
    assert_on_first_screen(page, bar_add, "product: the buy bar's add to cart")

    add_first_to_cart(page, shop["products"][0])
    page.goto(page.base_url + "/cart/")
    shoot(page, "cart")
    assert_on_first_screen(page, page.locator(".cart-checkout").last, "cart: checkout")

    page.click(".cart-checkout >> visible=true")
    page.wait_for_url("**/checkout/")
    page.wait_for_load_state("load")
    shoot(page, "checkout")
    assert_on_first_screen(page, page.locator("input[name=email]"), "checkout: first field")
    assert_on_first_screen(page, page.locator("[data-checkout-submit]"), "checkout: continue")

    page.fill("input[name=email]", "wei@example.com")
    page.fill("input[name=new-recipient]", "王小明")
    page.fill("input[name=new-phone]", "138 1234 5678")
    page.select_option("select[name=new-province]", "浙江省")
    page.select_option("select[name=new-city]", "杭州市")
    page.select_option("select[name=new-district]", "西湖区")
    page.fill("input[name=new-street]", "文三路 90 号")
    page.fill("input[name=new-postal_code]", "310012")
    page.wait_for_selector("input[name=shipping_method]:checked", state="attached")
    page.click("[data-checkout-submit]")
    page.wait_for_url("**/checkout/review/")
    shoot(page, "review")
    assert_on_first_screen(page, page.locator("[data-place-order]"), "review: place order")


@pytest.mark.parametrize("language", LANGUAGES)
def test_laptop_pages_keep_the_side_panel_and_the_full_header(open_page, shop, shoot, language):
    page = open_page(LAPTOP, language)
    page.goto(page.base_url + "/")
    shoot(page, "home")

    page.goto(page.base_url + "/c/clothing/?brand=acme&in_stock=1")
    shoot(page, "category-filtered")
    assert page.locator(".filters").is_visible()
    assert page.locator(".filters input[name=in_stock]").is_checked()

    page.goto(page.base_url + "/p/item-0/")
    shoot(page, "product")
    assert page.locator("[data-add-button]").is_visible()

    add_first_to_cart(page, shop["products"][0])
    page.goto(page.base_url + "/cart/")
    shoot(page, "cart")
    page.click(".cart-checkout >> visible=true")
    page.wait_for_url("**/checkout/")
    page.wait_for_load_state("load")
    shoot(page, "checkout")


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_filters_open_in_a_drawer_that_shows_the_active_count(
    open_page, shop, shoot, language
):
    page = open_page(PHONE, language)
    page.goto(page.base_url + "/c/clothing/?brand=acme&in_stock=1&price_max=400")
    toggle = page.locator("[data-filter-toggle]")
    with translation.override(language):
        label = translation.gettext("Filters (%(count)s)")
    assert toggle.inner_text().strip() == label % {"count": 3}
    drawer = page.locator("[data-filter-drawer]")
    assert not drawer.is_visible()

    toggle.click()
    wait_until(
        page, "document.querySelector('[data-filter-drawer]').getBoundingClientRect().right <= 390"
    )
    shoot(page, "drawer")
    assert drawer.get_attribute("role") == "dialog"
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.matches('[data-filter-close]')")
    assert drawer.locator("input[name=in_stock]").is_checked()
    assert drawer.locator("button[type=submit]").is_visible()  # apply
    for _ in range(12):  # Tab stays inside the open drawer
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('[data-filter-drawer]')")

    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.matches('[data-filter-toggle]')")
    assert toggle.get_attribute("aria-expanded") == "false"

    # Choices made in the drawer wait for "Apply filters".
    toggle.click()
    drawer.locator("input[name=in_stock]").uncheck()
    assert "in_stock=1" in page.url
    drawer.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "in_stock" not in url)
    assert page.locator("[data-filter-toggle]").inner_text().strip() == label % {"count": 2}


def test_phone_filter_drawer_works_without_javascript(open_page, shop, shoot):
    page = open_page(PHONE, "en", javascript=False)
    page.goto(page.base_url + "/c/clothing/?brand=acme")
    drawer = page.locator("#filters")
    assert not drawer.is_visible()
    page.click("[data-filter-toggle]")
    page.wait_for_url("**#filters")
    drawer.wait_for(state="visible")
    wait_until(page, "document.querySelector('#filters').getBoundingClientRect().right <= 390")
    shoot(page, "drawer-no-js")
    drawer.locator("input[name=in_stock]").check()
    drawer.locator("button[type=submit]").click()
    page.wait_for_url("**in_stock=1**")
    assert "#filters" not in page.url  # the results, not the drawer again
    assert not drawer.is_visible()
    assert page.locator("[data-filter-toggle]").inner_text().strip() == "Filters (2)"
    page.click("[data-filter-toggle]")
    page.click("[data-filter-close]")
    drawer.wait_for(state="hidden")


def test_search_filters_open_in_the_same_drawer(open_page, shop, shoot):
    page = open_page(PHONE, "en")
    page.goto(page.base_url + "/search/?q=tee&brand=acme")
    shoot(page, "search")
    assert_on_first_screen(page, page.locator(".product-card").first, "search: first card")
    toggle = page.locator("[data-filter-toggle]")
    assert toggle.inner_text().strip() == "Filters (1)"
    toggle.click()
    drawer = page.locator("[data-filter-drawer]")
    drawer.locator(".facet-link").first.wait_for(state="visible")
    wait_until(page, "document.querySelector('#filters').getBoundingClientRect().right <= 390")
    shoot(page, "search-drawer")
    drawer.locator(".filters-done").click()
    drawer.wait_for(state="hidden")


def test_laptop_listing_has_no_drawer_button(open_page, shop):
    page = open_page(LAPTOP, "en")
    page.goto(page.base_url + "/c/clothing/?brand=acme")
    assert page.locator(".filters").is_visible()
    assert not page.locator("[data-filter-toggle]").is_visible()
    assert not page.locator(".filters-head").is_visible()


def scroll_to(page, y: int) -> None:
    page.mouse.wheel(0, y - page.evaluate("window.scrollY"))
    wait_until(page, f"Math.abs(window.scrollY - {y}) < 2")
    page.wait_for_timeout(400)  # the slide takes .22s


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_header_hides_on_scroll_down_and_returns_on_scroll_up(
    open_page, shop, shoot, language
):
    page = open_page(PHONE, language)
    page.goto(page.base_url + "/c/clothing/")
    assert header_bottom(page) > 100

    scroll_to(page, 700)
    assert header_bottom(page) <= 0, "the header stays on screen while scrolling down"
    shoot(page, "scrolled-down")

    scroll_to(page, 500)
    assert header_bottom(page) > 100, "the header does not come back on scrolling up"
    assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().top") == 0
    shoot(page, "scrolled-up")


def test_phone_header_moves_without_sliding_when_motion_is_reduced(open_page, shop):
    page = open_page(PHONE, "en", reduced_motion="reduce")
    page.goto(page.base_url + "/c/clothing/")
    duration = "getComputedStyle(document.querySelector('.site-header')).transitionDuration"
    assert page.evaluate(duration) == "0s"
    scroll_to(page, 700)
    assert header_bottom(page) <= 0


def test_laptop_header_stays_while_scrolling(open_page, shop):
    page = open_page(LAPTOP, "en")
    page.goto(page.base_url + "/c/clothing/")
    page.set_viewport_size({"width": 1366, "height": 500})
    scroll_to(page, 300)
    assert header_bottom(page) > 100


def test_phone_category_bar_shows_that_it_scrolls(open_page, shop):
    page = open_page(PHONE, "en")
    page.goto(page.base_url + "/")
    bar = page.locator("nav.main-nav")
    mask = "el => getComputedStyle(el).webkitMaskImage || getComputedStyle(el).maskImage"
    assert "linear-gradient" in bar.evaluate(mask)  # more to the right: the right edge fades
    bar.evaluate("el => el.scrollTo(el.scrollWidth, 0)")
    wait_until(page, "document.querySelector('nav.main-nav').classList.contains('has-more-before')")
    assert not bar.evaluate("el => el.classList.contains('has-more-after')")


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_buy_bar_adds_and_buys_the_chosen_variant(open_page, shop, shoot, language):
    page = open_page(PHONE, language)
    product = shop["products"][0]
    navy = product.variants.get(sku="SKU-0-NAVY")
    page.goto(page.base_url + f"/p/{product.slug}/")
    bar = page.locator("[data-buy-bar]")
    assert bar.is_visible()
    # The page's content is not hidden behind the bar: the page ends above it.
    padding = page.evaluate("parseFloat(getComputedStyle(document.body).paddingBottom)")
    assert padding >= bar.bounding_box()["height"]

    page.locator(f".variant-option:has(input[value='{navy.id}'])").click()
    assert bar.locator("[data-buy-bar-price]").inner_text() == "¥139.00"
    bar.locator("[data-buy-bar-add]").click()
    page.wait_for_selector("[data-add-status]:not([hidden])")
    shoot(page, "added")
    status = page.locator("[data-add-status]").bounding_box()
    assert status["y"] + status["height"] <= bar.bounding_box()["y"]  # above the bar, in view
    assert page.locator("[data-cart-count]").inner_text().strip() == "1"

    bar.locator("[data-buy-now]").click()
    page.wait_for_url("**/checkout/")
    shoot(page, "buy-now-checkout")
    summary = page.locator(".checkout-summary")
    assert summary.locator(".summary-lines li").count() == 1  # one line: the navy one, twice
    assert summary.locator(".summary-line-qty").inner_text().endswith(" 2")
    assert "¥278.00" in summary.inner_text()  # twice ¥139.00, the navy variant's price


def test_laptop_product_page_has_buy_now_and_no_bar(open_page, shop):
    page = open_page(LAPTOP, "en")
    product = shop["products"][1]
    page.goto(page.base_url + f"/p/{product.slug}/")
    assert not page.locator("[data-buy-bar]").is_visible()
    page.locator("form[data-add-to-cart] [data-buy-now]").click()
    page.wait_for_url("**/checkout/")
    assert product.name in page.locator(".checkout-summary").inner_text()


def test_phone_header_is_one_row_for_a_signed_in_shopper(open_page, shop, shoot):
    UserFactory(email="wei@example.com")
    page = open_page(PHONE, "en")
    page.goto(page.base_url + "/account/login/")
    page.fill("input[name=username]", "wei@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")
    shoot(page, "signed-in")
    logo = box(page.locator(".site-header .logo"))
    for name in ("My account", "Log out", "Cart"):
        nav = page.locator(".account-nav")
        control = box(nav.get_by_role("link", name=name).or_(nav.get_by_role("button", name=name)))
        assert control["width"] >= 44 and control["height"] >= 44, name
        assert abs(control["y"] + control["height"] / 2 - (logo["y"] + logo["height"] / 2)) < 8
