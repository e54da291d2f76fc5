"""Writes to the catalog: aggregates the storefront sorts by, and prices derived from variants."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Avg, Count, DecimalField, IntegerField, Min, OuterRef, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from orders.models import SOLD_STATUSES, OrderLine

from .caching import bump_catalog_version
from .models import Product, ProductVariant, Review

logger = logging.getLogger(__name__)


def _scalar(queryset, output_field) -> Subquery:
    return Subquery(queryset[:1], output_field=output_field)


@transaction.atomic
def product_stats_refresh(*, product_ids: list[int] | None = None) -> int:
    """Recompute rating average/count and units sold from reviews and paid order lines.

    Idempotent: the result depends only on the reviews and orders, so running it twice, or twice
    at once, gives the same numbers. Returns how many products were updated.
    """
    reviews = Review.objects.filter(product=OuterRef("pk"), is_published=True).values("product")
    sold = OrderLine.objects.filter(
        product=OuterRef("pk"), order__status__in=SOLD_STATUSES
    ).values("product")
    rating_field = DecimalField(max_digits=3, decimal_places=2)
    queryset = Product.objects.all()
    if product_ids is not None:
        queryset = queryset.filter(pk__in=product_ids)
    updated = queryset.update(
        rating_avg=Coalesce(
            _scalar(reviews.annotate(a=Cast(Avg("rating"), rating_field)).values("a"), rating_field),
            Cast(0, rating_field),
        ),
        rating_count=Coalesce(
            _scalar(reviews.annotate(c=Count("id")).values("c"), IntegerField()), 0
        ),
        sales_count=Coalesce(
            _scalar(sold.annotate(q=Sum("quantity")).values("q"), IntegerField()), 0
        ),
    )
    transaction.on_commit(bump_catalog_version)
    logger.info("refreshed stats of %s products", updated)
    return updated


@transaction.atomic
def product_price_sync(*, product: Product) -> Product:
    """Set the product's from-price to its lowest active variant price."""
    lowest = ProductVariant.objects.filter(product=product, is_active=True).aggregate(
        p=Min("price")
    )["p"]
    product.price = lowest if lowest is not None else 0
    product.save(update_fields=["price", "updated_at"])
    return product
