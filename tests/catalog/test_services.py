from decimal import Decimal

import pytest

from catalog import services
from catalog.models import Product
from tests.catalog.factories import ProductFactory, ReviewFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_stats_refresh_averages_published_reviews_only():
    product = ProductFactory()
    ReviewFactory(product=product, rating=5)
    ReviewFactory(product=product, rating=4)
    ReviewFactory(product=product, rating=1, is_published=False)

    services.product_stats_refresh()

    product.refresh_from_db()
    assert product.rating_count == 2
    assert product.rating_avg == Decimal("4.50")


def test_stats_refresh_is_idempotent_and_resets_products_without_reviews():
    reviewed, forgotten = ProductFactory(), ProductFactory(rating_count=9)
    ReviewFactory(product=reviewed, rating=3)

    services.product_stats_refresh()
    services.product_stats_refresh()

    reviewed.refresh_from_db()
    forgotten.refresh_from_db()
    assert (reviewed.rating_count, reviewed.rating_avg) == (1, Decimal("3.00"))
    assert (forgotten.rating_count, forgotten.rating_avg) == (0, 0)


def test_price_sync_takes_the_lowest_active_variant_price():
    product = ProductFactory(price=Decimal("0"))
    VariantFactory(product=product, price=Decimal("30.00"))
    VariantFactory(product=product, price=Decimal("20.00"))
    VariantFactory(product=product, price=Decimal("5.00"), is_active=False)

    services.product_price_sync(product=product)

    product.refresh_from_db()
    assert product.price == Decimal("20.00")


def test_availability_counts_only_active_variants_with_unallocated_stock():
    from tests.logistics.factories import StockFactory

    plenty, promised, retired = ProductFactory(), ProductFactory(), ProductFactory()
    StockFactory(variant=VariantFactory(product=plenty), quantity=3)
    StockFactory(variant=VariantFactory(product=promised), quantity=3, allocated=3)
    StockFactory(variant=VariantFactory(product=retired, is_active=False), quantity=9)

    services.product_availability_refresh()

    flags = dict(Product.objects.values_list("pk", "in_stock"))
    assert flags == {plenty.pk: True, promised.pk: False, retired.pk: False}


def test_saving_a_stock_row_updates_the_product_flag_on_commit(
    django_capture_on_commit_callbacks,
):
    from tests.logistics.factories import StockFactory

    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        StockFactory(variant=VariantFactory(product=product), quantity=1)

    product.refresh_from_db()
    assert product.in_stock is True


def test_image_sizes_are_generated_and_recorded(settings, tmp_path):
    from django.core.files.storage import default_storage
    from PIL import Image

    from tests.catalog.factories import ProductImageFactory

    settings.MEDIA_ROOT = tmp_path
    image = ProductImageFactory(image__width=800, image__height=600)

    services.product_image_sizes_refresh(image=image)

    image.refresh_from_db()
    for size, expected in {"thumb": (120, 120), "card": (480, 480), "large": (800, 600)}.items():
        stored = getattr(image, size)
        assert stored.name.startswith("thumbs/") and stored.name.endswith(f"-{size}.jpg")
        with default_storage.open(stored.name) as f:
            assert Image.open(f).size == expected


def test_setting_a_variant_price_keeps_the_products_from_price_in_step():
    product = ProductFactory()
    cheap = VariantFactory(product=product, price=Decimal("30.00"))
    VariantFactory(product=product, price=Decimal("50.00"))
    services.product_price_sync(product=product)

    services.variant_price_set(variant=cheap, price=Decimal("80.00"), actor=None)

    product.refresh_from_db()
    cheap.refresh_from_db()
    assert (cheap.price, product.price) == (Decimal("80.00"), Decimal("50.00"))


def test_setting_a_variant_price_leaves_the_compare_at_price_unless_given():
    variant = VariantFactory(price=Decimal("30.00"), compare_at_price=Decimal("40.00"))

    services.variant_price_set(variant=variant, price=Decimal("20.00"), actor=None)
    variant.refresh_from_db()
    kept = variant.compare_at_price
    services.variant_price_set(
        variant=variant, price=Decimal("20.00"), compare_at_price=None, actor=None
    )
    variant.refresh_from_db()

    assert (kept, variant.compare_at_price) == (Decimal("40.00"), None)


def test_saving_a_variant_keeps_the_products_from_price_in_step():
    product = ProductFactory()
    variant = VariantFactory(product=product, price=Decimal("30.00"))
    services.product_price_sync(product=product)
    variant.price = Decimal("12.00")

    services.variant_save(variant=variant, actor=None)

    product.refresh_from_db()
    assert product.price == Decimal("12.00")
