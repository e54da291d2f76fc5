"""Choosing a colour on the product page shows that colour's picture."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from catalog.services import product_image_sizes_refresh
from tests.catalog.factories import ProductFactory, ProductImageFactory, VariantFactory
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def picture(product, variant, colour: str):
    """A picture of one colour of the product, with its sizes (as a merchant's upload gets)."""
    out = ContentFile(b"", name=f"{colour}.jpg")
    Image.new("RGB", (400, 400), colour).save(out, "JPEG")
    image = ProductImageFactory(product=product, variant=variant, image=out)
    return product_image_sizes_refresh(image=image)


@pytest.fixture
def tee(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(name_en="Organic Cotton Tee", slug="organic-cotton-tee",
                             price=Decimal("129.00"))  # fmt: skip
    warehouse = WarehouseFactory(code="sh")
    shots = {}
    for colour, css in (("red", "#c8102e"), ("navy", "#1b2a4a")):
        variant = VariantFactory(
            product=product,
            sku=f"TEE-{colour}",
            price=Decimal("129.00"),
            attributes={"colour": colour},
        )
        StockFactory(variant=variant, warehouse=warehouse, quantity=5)
        shots[colour] = (variant, picture(product, variant, css))
    return product, shots


def main_picture(page) -> str:
    return page.locator("[data-gallery-main]").get_attribute("src")


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_choosing_a_colour_switches_the_main_picture(page, screenshot, tee, viewport):
    product, shots = tee
    red_picture, (navy, navy_picture) = shots["red"][1], shots["navy"]
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})

    page.goto(page.base_url + product.get_absolute_url())
    assert main_picture(page) == red_picture.large.url
    page.locator(f"input[name=variant][value='{navy.id}']").check(force=True)

    assert main_picture(page) == navy_picture.large.url
    # The new picture loads (waits for it; times out and fails if it never does).
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-gallery-main]');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    active = page.locator(".gallery-thumb.is-active")
    assert active.count() == 1 and active.get_attribute("data-large") == navy_picture.large.url
    screenshot(page, f"navy-{viewport[0]}")

    page.reload()  # the server shows the chosen colour's picture from ?variant= too
    assert main_picture(page) == navy_picture.large.url
