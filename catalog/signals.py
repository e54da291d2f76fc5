"""Catalog changes invalidate the storefront cache. Bulk updates bypass signals; the services that
make them call bump_catalog_version() themselves."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from logistics.models import Stock

from .caching import bump_catalog_version
from .models import Brand, Category, Product, ProductImage, ProductVariant, Review

WATCHED = (Brand, Category, Product, ProductImage, ProductVariant, Review, Stock)

# Sent by the services that change products in bulk (UPDATE bypasses post_save), inside their
# transaction, with `product_ids` (None: possibly every product). Search re-indexes on it.
products_changed = Signal()

# Sent by the product page with product_id, variant_id (or None), user_id (or None),
# session_key (or "") and from_search when a shopper looks at a product. Recommendations
# records it.
product_viewed = Signal()


@receiver(post_save)
@receiver(post_delete)
def catalog_changed(sender, **kwargs) -> None:
    if sender in WATCHED:
        transaction.on_commit(bump_catalog_version)


@receiver(post_save, sender=Stock)
@receiver(post_delete, sender=Stock)
@receiver(post_save, sender=ProductVariant)
@receiver(post_delete, sender=ProductVariant)
def stock_changed(sender, instance, **kwargs) -> None:
    """A stock row or variant saved one at a time (admin, services): re-check the product's
    in-stock flag. Bulk updates call services.product_availability_refresh themselves."""
    from .services import product_availability_refresh

    product_id = instance.product_id if sender is ProductVariant else instance.variant.product_id
    transaction.on_commit(lambda: product_availability_refresh(product_ids=[product_id]))
