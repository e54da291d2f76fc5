"""Catalog rows saved one at a time (admin, services) invalidate the storefront cache, and a
variant saved or deleted re-checks its product's in-stock flag. Bulk updates bypass these; the
services that make them refresh what they changed themselves. Connected in apps.py (the stock
rows' own receivers are logistics')."""

from django.db import transaction

from .caching import bump_catalog_version
from .models import ProductImage, ProductVariant


def catalog_changed(sender, **kwargs) -> None:
    transaction.on_commit(bump_catalog_version)


def storefront_content_changed(sender, **kwargs) -> None:
    """Another app changed what every page shows (common.signals): the same as a catalog change
    for the pages kept under the catalog version. Now, and again after commit (a page rendered
    between the two would be kept with the old content)."""
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version)


def variant_changed(sender, instance: ProductVariant, **kwargs) -> None:
    """A variant's activity decides whether its stock counts towards its product's flag."""
    from .services import product_availability_refresh

    product_id = instance.product_id
    transaction.on_commit(lambda: product_availability_refresh(product_ids=[product_id]))


def image_changed(sender, instance: ProductImage, **kwargs) -> None:
    """A picture added, changed or removed may change its product's card picture: worked out
    again now, in the same transaction (one row)."""
    from .services import product_availability_refresh

    if instance.product_id:
        product_availability_refresh(product_ids=[instance.product_id])
