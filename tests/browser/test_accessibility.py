"""axe-core over the main storefront pages, in both languages, on a laptop and on a phone: no
moderate, serious or critical violation (content outside landmarks, skipped heading levels
included); minor ones are printed (pytest -s).

axe-core comes from npm (package.json at the top: `npm ci`) and is injected by Playwright into
each page; the site never serves it. The test's browser context bypasses the
Content-Security-Policy for that injection only (the policy has its own tests)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from logistics.models import ShippingMethod, ShippingRate
from pages import services as page_services
from pages.models import Page
from tests.accounts.factories import PASSWORD, AddressFactory, UserFactory
from tests.catalog.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ReviewFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"en": ("", "en-US"), "zh-hans": ("/zh-hans", "zh-CN")}
FAILING = ("moderate", "serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices (landmarks, heading order).
RUN_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def axe_path() -> Path:
    if not AXE.exists():
        message = f"axe-core not installed at {AXE} (npm ci)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.fixture
def shop(settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2  # listings of three products show their pager
    warehouse = WarehouseFactory(code="sh", name="Shanghai")
    method, _ = ShippingMethod.objects.get_or_create(
        code="standard",
        defaults={"name": "Standard delivery", "name_en": "Standard delivery"},
    )
    ShippingRate.objects.get_or_create(
        method=method, max_weight_grams=1000,
        defaults={"price": Decimal("12.00"), "free_above": Decimal("199.00")},
    )  # fmt: skip
    sports = CategoryFactory(name_en="Sports", name_zh_hans="运动户外", slug="sports")
    shoes = CategoryFactory(
        name_en="Running Shoes", name_zh_hans="跑鞋", slug="running-shoes", parent=sports
    )
    CategoryFactory(name_en="Home", name_zh_hans="家居", slug="home-goods")
    brand = BrandFactory(name="Fleetfoot", slug="fleetfoot")
    products = []
    for n, (name, zh, price) in enumerate(
        [
            ("Fleetfoot Road Running Shoes", "Fleetfoot 公路跑鞋", "499.00"),
            ("Fleetfoot Trail Running Shoes", "Fleetfoot 越野跑鞋", "699.00"),
            ("Fleetfoot Racing Flats", "Fleetfoot 竞速跑鞋", "1299.00"),
        ]
    ):
        product = ProductFactory(
            category=shoes, brand=brand, name_en=name, name_zh_hans=zh, slug=f"shoe-{n}",
            price=Decimal(price),
        )  # fmt: skip
        for colour, size in (("black", "42"), ("white", "43")):
            variant = VariantFactory(
                product=product, price=Decimal(price), attributes={"colour": colour, "size": size}
            )
            StockFactory(variant=variant, warehouse=warehouse, quantity=8)
        ProductImageFactory(product=product)
        products.append(product)
    user = UserFactory(email="wei@example.com")
    AddressFactory(user=user, is_default=True)
    ReviewFactory(product=products[0], user=user, title="Light and quick")
    order = place_order((products[1].variants.first(), 1), user=user, method=method)
    page_services.page_save(
        page=Page(
            slug="returns",
            title_en="Returns and after-sales",
            title_zh_hans="退换货与售后",
            body_en="Return within 7 days.\n\n## How\n- Write to service@example.com",
            body_zh_hans="七天无理由退货。\n\n## 流程\n- 发邮件至 service@example.com",
        )
    )
    return {"product": products[0], "order": order}


def axe_violations(page, axe_path: Path, label: str) -> tuple[list[str], list[str]]:
    """(moderate, serious or critical; minor) violations of the page, one line per rule."""
    page.add_script_tag(path=str(axe_path))
    found = page.evaluate(
        "options => axe.run(document, options).then(r => r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help,"
        "targets: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: '"
        " + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim())})))",
        RUN_OPTIONS,
    )
    failing, other = [], []
    for violation in found:
        line = f"{label}: [{violation['impact']}] {violation['id']}: {violation['help']}\n" + (
            "\n".join(f"    {target}" for target in violation["targets"])
        )
        (failing if violation["impact"] in FAILING else other).append(line)
    return failing, other


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_main_pages_have_no_moderate_or_worse_accessibility_violation(
    browser, live_server, shop, axe_path, screenshot, viewport, language
):
    prefix, locale = LANGUAGES[language]
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=locale, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url + prefix
    failing: list[str] = []
    other: list[str] = []

    def check(label: str) -> None:
        page.wait_for_load_state("load")
        serious, rest = axe_violations(page, axe_path, f"{viewport} {language} {label}")
        failing.extend(serious)
        other.extend(rest)

    product = shop["product"]
    try:
        for label, path in [
            ("home", "/"),
            ("category", "/c/running-shoes/"),
            ("product", f"/p/{product.slug}/"),
            ("search", "/search/?q=fleetfoot"),
            ("shop page", "/pages/returns/"),
            ("login", "/account/login/"),
        ]:
            page.goto(base + path)
            if label in ("category", "search"):  # the pager's disabled "Previous" is checked too
                assert page.locator(".pagination .disabled").count() == 1
            check(label)
            if label in ("category", "search", "shop page"):
                screenshot(page, label.replace(" ", "-"))

        page.fill("input[name=username]", "wei@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/account/")
        check("account")
        page.goto(base + f"/orders/{shop['order'].number}/")
        check("order detail")

        page.goto(base + f"/p/{product.slug}/")
        page.locator("input[name=variant]").first.check(force=True)
        page.click("[data-add-button]")
        page.wait_for_selector("[data-add-status]:not([hidden])")
        page.goto(base + "/cart/")
        check("cart")
        page.click("a.cart-checkout")
        page.wait_for_url("**/checkout/")
        page.wait_for_selector("input[name=shipping_method]:checked")
        check("checkout: address and delivery")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/checkout/review/")
        check("checkout: review")
    finally:
        context.close()

    if other:
        print("\nMinor accessibility findings:\n" + "\n".join(other))
    assert not failing, "Accessibility violations:\n" + "\n".join(failing)


def test_axe_finds_a_serious_violation_when_there_is_one(browser, live_server, axe_path):
    """The check itself works: text below 4.5:1 on the shop's canvas is reported as serious."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body style="background:#f6f5f2">'
            '<main><h1>t</h1><p style="color:#a0a6aa">Low contrast</p></main></body></html>'
        )
        failing, _other = axe_violations(page, axe_path, "sample")
    finally:
        context.close()
    assert any("color-contrast" in line for line in failing), failing


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        # A line of text beside the landmarks, as the shop's top bar once was.
        ("<div><span>Independent makers</span></div><main><h1>t</h1></main>", "region"),
        # Product cards' h3 right under the page's h1, with no h2 between.
        (
            "<main><h1>Running shoes</h1><a href=/p/><h3>Road shoes</h3></a></main>",
            "heading-order",
        ),
    ],
    ids=["region", "heading-order"],
)
def test_axe_fails_the_page_on_a_moderate_finding(browser, live_server, axe_path, body, rule):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.set_content(f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>')
        failing, _other = axe_violations(page, axe_path, "sample")
    finally:
        context.close()
    assert any(f"[moderate] {rule}:" in line for line in failing), failing
