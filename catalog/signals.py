"""Catalog changes invalidate the storefront cache. Bulk updates bypass signals; the services that
make them call bump_catalog_version() themselves."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from logistics.models import Stock

from .caching import bump_catalog_version
from .models import Brand, Category, Product, ProductImage, ProductVariant, Review

WATCHED = (Brand, Category, Product, ProductImage, ProductVariant, Review, Stock)


@receiver(post_save)
@receiver(post_delete)
def catalog_changed(sender, **kwargs) -> None:
    if sender in WATCHED:
        transaction.on_commit(bump_catalog_version)
