"""A variant's own pictures: the product page leads with the chosen variant's picture (with or
without JavaScript), and a merchant attaches a picture to a variant in the product editor."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog import selectors
from catalog.models import ProductImage
from tests.accounts.factories import StaffFactory
from tests.accounts.test_admin_scoping import admin_form_data
from tests.catalog.factories import ProductFactory, ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db


def jpeg(colour: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, "JPEG")
    return SimpleUploadedFile(f"{colour}.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def two_colours(make_product):
    """A product in red and blue, each colour with its own picture, and one picture of both."""
    product = make_product(prices=(Decimal("10.00"), Decimal("12.00")))
    red, blue = product.variants.order_by("price")
    blue.attributes = {"colour": "blue", "size": "M"}
    blue.save()
    both = ProductImageFactory(product=product, position=0)
    red_picture = ProductImageFactory(product=product, variant=red, position=1)
    blue_picture = ProductImageFactory(product=product, variant=blue, position=2)
    return product, red, blue, both, red_picture, blue_picture


def main_picture(html: str) -> str:
    return re.search(r'<img src="([^"]+)"[^>]*data-gallery-main', html).group(1)


def test_the_chosen_variants_own_picture_comes_first(two_colours):
    product, red, blue, both, red_picture, blue_picture = two_colours

    page = selectors.product_page(slug=product.slug, variant_id=blue.pk)

    assert page.images == [blue_picture, both, red_picture]
    assert {v.pk: v.picture for v in page.variants} == {red.pk: red_picture, blue.pk: blue_picture}


def test_variants_sharing_a_picture_file_show_it_once(make_product):
    product = make_product(prices=(Decimal("10.00"), Decimal("12.00")))
    small, large = product.variants.order_by("price")
    shared = ProductImageFactory(product=product, variant=small)
    ProductImageFactory(product=product, variant=large, image=shared.image.name)

    page = selectors.product_page(slug=product.slug, variant_id=large.pk)

    assert len(page.images) == 1
    assert all(v.picture is not None for v in page.variants)


def test_without_javascript_the_variant_in_the_url_shows_its_picture(client, two_colours):
    product, red, blue, _, red_picture, blue_picture = two_colours

    as_blue = client.get(product.get_absolute_url(), {"variant": blue.pk}).content.decode()
    as_red = client.get(product.get_absolute_url(), {"variant": red.pk}).content.decode()

    assert main_picture(as_blue) == blue_picture.image.url
    assert main_picture(as_red) == red_picture.image.url


def test_each_variant_with_a_picture_carries_it_for_the_script(client, two_colours):
    product, red, blue, _, red_picture, blue_picture = two_colours

    html = client.get(product.get_absolute_url()).content.decode()

    for variant, picture in ((red, red_picture), (blue, blue_picture)):
        radio = re.search(rf'<input type="radio" name="variant" value="{variant.pk}"[^>]*>', html)
        assert f'data-image="{picture.image.url}"' in radio.group(0)


def test_a_variant_without_a_picture_has_none_to_switch_to(client, make_product):
    product = make_product(images=1)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "data-image=" not in html


# --- Product editor -----------------------------------------------------------------------------
@pytest.fixture
def staff(client):
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def test_a_merchant_uploads_a_picture_of_one_variant(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(merchant=staff.merchant)
    VariantFactory(product=product, sku="TEE-RED", attributes={"colour": "red"})
    blue = VariantFactory(product=product, sku="TEE-BLUE", attributes={"colour": "blue"})
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": jpeg("blue"),
            "images-0-variant": str(blue.pk),
            "images-0-position": "0",
        },
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    picture = ProductImage.objects.get(product=product)
    assert picture.variant == blue
    page = selectors.product_page(slug=product.slug, variant_id=blue.pk)
    assert page.images[0] == picture


def test_the_variant_choices_are_the_products_own(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(merchant=staff.merchant)
    VariantFactory(product=product, sku="MINE-1")
    other = VariantFactory(product=ProductFactory(merchant=staff.merchant), sku="OTHER-1")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    form = client.get(url)
    data = admin_form_data(
        form,
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": jpeg("red"),
            "images-0-variant": str(other.pk),
            "images-0-position": "0",
        },
    )

    response = client.post(url, data)

    assert "OTHER-1" not in form.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ProductImage.objects.filter(product=product).exists()


def test_a_cart_line_shows_its_variants_own_picture(client, two_colours):
    blue, blue_picture = two_colours[2], two_colours[5]

    client.post(reverse("cart:add"), {"variant": blue.pk, "quantity": 1})
    lines = client.get(reverse("cart:detail")).context["cart"].lines

    assert [line.image_url for line in lines] == [blue_picture.image.url]
