"""Catalog changes queue a search index refresh: the product ids touched in one transaction are
collected and sent as ONE `search.index_products` task after commit. Nothing is indexed inside
the request that made the change."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import Brand, Category, Product, ProductVariant, Review
from catalog.signals import products_changed
from logistics.models import Stock

from .models import SETTINGS_CACHE_KEY, SearchSettings

logger = logging.getLogger(__name__)


class _Batch:
    def __init__(self, using: str | None):
        self.using = using
        self.ids: set[int] = set()
        self.everything = False
        self.done = False

    def flush(self) -> None:
        from . import tasks

        self.done = True
        if self.everything:
            tasks.refresh_stale.delay()
        if self.ids:
            tasks.index_products.delay(sorted(self.ids))


def queue_reindex(product_ids=None, *, everything: bool = False, using: str | None = None) -> None:
    """Add products to this transaction's batch (one task on commit; at once outside one)."""
    connection = transaction.get_connection(using)
    batch: _Batch | None = getattr(connection, "_search_reindex_batch", None)
    # A batch whose callback was run or discarded (rollback) is over: start a new one.
    pending = (
        batch is not None
        and not batch.done
        and any(entry[1] == batch.flush for entry in connection.run_on_commit)
    )
    if not pending:
        batch = _Batch(using)
        connection._search_reindex_batch = batch
    batch.ids.update(int(i) for i in (product_ids or ()))
    batch.everything = batch.everything or everything
    if not pending:
        transaction.on_commit(batch.flush, using=using)


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def product_changed(sender, instance, **kwargs) -> None:
    queue_reindex([instance.pk])


@receiver(post_save, sender=ProductVariant)
@receiver(post_delete, sender=ProductVariant)
@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def product_part_changed(sender, instance, **kwargs) -> None:
    queue_reindex([instance.product_id])


@receiver(post_save, sender=Stock)
@receiver(post_delete, sender=Stock)
def stock_changed(sender, instance, **kwargs) -> None:
    product_id = (
        ProductVariant.objects.filter(pk=instance.variant_id)
        .values_list("product_id", flat=True)
        .first()
    )
    if product_id is not None:
        queue_reindex([product_id])


@receiver(post_save, sender=Category)
def category_changed(sender, instance, created, **kwargs) -> None:
    if not created:  # its name is in its products' documents (and its children's)
        queue_reindex(
            Product.objects.filter(category__in=_subtree(instance)).values_list("pk", flat=True)
        )


@receiver(post_save, sender=Brand)
def brand_changed(sender, instance, created, **kwargs) -> None:
    if not created:
        queue_reindex(Product.objects.filter(brand=instance).values_list("pk", flat=True))


@receiver(products_changed)
def products_bulk_changed(sender, product_ids=None, **kwargs) -> None:
    """Bulk updates by the catalog services (stats, availability, activation)."""
    if product_ids is None:
        queue_reindex(everything=True)
    else:
        queue_reindex(product_ids)


@receiver(post_save, sender=SearchSettings)
def settings_saved(sender, **kwargs) -> None:
    cache.delete(SETTINGS_CACHE_KEY)


def _subtree(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids
