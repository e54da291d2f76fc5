"""The product editor in Chromium: a merchant's staff member creates a product with two option
axes (colour and size) and four variants by choosing from lists, never typing JSON, and the
variant rows fit a 1,366 px laptop screen."""

import shutil
from pathlib import Path

import pytest

from catalog.models import Product
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, product_type

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/admin20-shots")
VARIANTS = [("SH-GREY-M", "grey", "M"), ("SH-GREY-L", "grey", "L"), ("SH-NAVY-M", "navy", "M")]


def sign_in(page, user) -> None:
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_a_product_with_colour_and_size_variants_is_made_from_lists(page, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    kind = product_type("Shirt", "colour", "size")
    category = CategoryFactory(name_en="Shirts")
    staff = StaffFactory(email="staff@lumen.example")
    # Another merchant's product: never offered to this merchant's staff.
    ProductFactory(name_en="Someone else's shirt")
    sign_in(page, staff)

    page.goto(page.base_url + "/admin/catalog/product/add/")
    page.select_option("#id_product_type", str(kind.pk))
    page.wait_for_url(f"**/add/?product_type={kind.pk}")
    page.fill("#id_name_en", "Linen Shirt")
    page.fill("#id_name_zh_hans", "亚麻衬衫")
    page.fill("#id_slug", "linen-shirt")
    # The category's autocomplete (select2).
    page.click("#product_form .field-category .select2-selection")
    page.fill(".select2-search__field", "Shirts")
    page.click(".select2-results__option >> text=Shirts")
    group = page.locator("#variants-group")
    while group.locator("tr.form-row:not(.empty-form)").count() < len(VARIANTS):
        group.locator(".add-row a").click()
    for index, (sku, colour, size) in enumerate(VARIANTS):
        page.fill(f"#id_variants-{index}-sku", sku)
        page.select_option(f"#id_variants-{index}-option_colour", colour)
        page.fill(f"#id_variants-{index}-option_size", size)
        page.fill(f"#id_variants-{index}-price", "129.00")
    assert page.locator("textarea[name$='attributes']").count() == 0

    table = group.locator("table")
    box = table.evaluate("el => el.getBoundingClientRect().toJSON()")
    width = box["right"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "add")
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "variants-table.txt").write_text(
        f"table width {box['width']:.0f}px, right edge {width:.0f}px, page {page_width}px\n"
    )
    page.screenshot(path=str(SHOTS / "product-editor-1366.png"), full_page=True)
    assert width <= 1366, f"the variants table ends at {width}px"
    assert page_width <= 1366, f"the page is {page_width}px wide"

    page.click("input[name=_continue]")
    page.wait_for_url("**/change/**")

    product = Product.objects.get(slug="linen-shirt")
    assert product.merchant == staff.merchant
    assert product.category == category
    assert {v.sku: v.attributes for v in product.variants.all()} == {
        sku: {"colour": colour, "size": size} for sku, colour, size in VARIANTS
    }
    # The change page shows the chosen values back in the lists.
    assert page.locator("#id_variants-2-option_colour").input_value() == "navy"
    page.screenshot(path=str(SHOTS / "product-editor-saved-1366.png"), full_page=True)
    shutil.copy(SHOTS / "product-editor-saved-1366.png", SHOTS / "latest.png")
