from decimal import Decimal

import pytest

from catalog.services import product_availability_refresh
from tests.catalog.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory


@pytest.fixture
def make_product():
    """A product with variants at given prices, stock in one warehouse, and optional images."""

    def make(*, category=None, brand=None, prices=(Decimal("99.00"),), stock=10, images=0, **kw):
        product = ProductFactory(
            category=category or CategoryFactory(),
            brand=brand or BrandFactory(),
            price=min(prices),
            **kw,
        )
        warehouse = WarehouseFactory(code="sh")
        for price in prices:
            variant = VariantFactory(product=product, price=price)
            StockFactory(variant=variant, warehouse=warehouse, quantity=stock)
        for _ in range(images):
            ProductImageFactory(product=product)
        # Stock saved in a test transaction never commits, so run what on_commit would run.
        product_availability_refresh(product_ids=[product.pk])
        product.refresh_from_db()
        return product

    return make
