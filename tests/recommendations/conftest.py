"""A small seeded shop with planted tastes for the recommender tests (seeded once per test that
asks, a fraction of a second to a few seconds)."""

from decimal import Decimal

import pytest

from demo.generate import SeedOptions, demo_seed
from logistics.models import ShippingMethod, ShippingRate
from tests.catalog.factories import CategoryFactory

SMALL = SeedOptions(
    seed=7, products=600, users=600, orders=2500, interactions=30_000, images_per_leaf=1,
    featured=6,
)  # fmt: skip


@pytest.fixture
def seeded_shop():
    """The demo generator's result: counts, tastes and the planted co-purchase pairs."""
    # The seeder orders with the standard delivery option, which a transactional test before
    # this one may have flushed along with the data migration's rows.
    method, created = ShippingMethod.objects.get_or_create(
        code="standard", defaults={"name": "Standard"}
    )
    if created:
        ShippingRate.objects.create(
            method=method,
            max_weight_grams=1000,
            price=Decimal("12.00"),
            free_above=Decimal("199.00"),
        )
    return demo_seed(options=SMALL)


@pytest.fixture
def clusters(make_product):
    """Eight products, each in a category of its own (so no diversifying reorders them): four
    "shoes" whose item factors point one way and four "socks" pointing the other."""
    shoes = [make_product(category=CategoryFactory()) for _ in range(4)]
    socks = [make_product(category=CategoryFactory()) for _ in range(4)]
    return shoes, socks
