"""The demo's products have product types whose options are those their variants use, so the
product editor shows a demo product's options as named fields."""

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import Product
from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox_book(settings, tmp_path):
    settings.ALIPAY_SANDBOX = True
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"


def test_every_demo_product_has_a_type_with_its_variants_options(client):
    seed()

    products = Product.objects.select_related("product_type", "category").prefetch_related(
        "variants", "product_type__attributes"
    )
    assert products.exists()
    for product in products:
        assert product.product_type is not None, product
        assert product.product_type.name_en == product.category.name_en
        codes = {attribute.code for attribute in product.product_type.attributes.all()}
        for variant in product.variants.all():
            assert set(variant.attributes) <= codes, (product, variant.attributes, codes)

    staff = User.objects.filter(merchant__isnull=False, is_staff=True).first()
    product = Product.objects.filter(
        merchant=staff.merchant, variants__attributes__has_key="colour"
    )
    product = product.first()
    client.force_login(staff)
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    assert 'name="variants-0-option_colour"' in page.content.decode()
