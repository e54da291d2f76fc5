"""Catalog changes queue a search index refresh: the product ids touched in one transaction are
collected and sent as ONE `search.index_products` task after commit (services.search_index_queue).
Nothing is indexed inside the request that made the change. Connected in SearchConfig.ready."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

from catalog.models import Category, Product, ProductVariant

from .models import SETTINGS_CACHE_KEY
from .services import search_index_queue, synonyms_changed

logger = logging.getLogger(__name__)


def product_changed(sender, instance, **kwargs) -> None:
    search_index_queue(product_ids=[instance.pk])


def product_part_changed(sender, instance, **kwargs) -> None:
    search_index_queue(product_ids=[instance.product_id])


def stock_changed(sender, instance, **kwargs) -> None:
    product_id = (
        ProductVariant.objects.filter(pk=instance.variant_id)
        .values_list("product_id", flat=True)
        .first()
    )
    if product_id is not None:
        search_index_queue(product_ids=[product_id])


def category_changed(sender, instance, created, **kwargs) -> None:
    if not created:  # its name is in its products' documents (and its children's)
        search_index_queue(
            product_ids=Product.objects.filter(category__in=_subtree(instance)).values_list(
                "pk", flat=True
            )
        )


def brand_changed(sender, instance, created, **kwargs) -> None:
    if not created:
        search_index_queue(
            product_ids=Product.objects.filter(brand=instance).values_list("pk", flat=True)
        )


def products_bulk_changed(sender, product_ids=None, **kwargs) -> None:
    """Bulk updates by the catalog services (stats, availability, activation)."""
    if product_ids is None:
        search_index_queue(everything=True)
    else:
        search_index_queue(product_ids=product_ids)


def settings_saved(sender, **kwargs) -> None:
    cache.delete(SETTINGS_CACHE_KEY)


def synonym_changed(sender, **kwargs) -> None:
    """Now, for the reads of this transaction, and again once it commits, so that no process
    keeps a table built from the rows as they were before."""
    synonyms_changed()
    transaction.on_commit(synonyms_changed)


def _subtree(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids
