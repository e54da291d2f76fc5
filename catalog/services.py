"""Writes to the catalog: aggregates the storefront sorts by, and prices derived from variants."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import User

from . import images
from .caching import bump_catalog_version
from .models import CategoryFacetCount, Product, ProductImage, ProductVariant, Review
from .selectors import card_image_expression
from .signals import products_changed

logger = logging.getLogger(__name__)


class Unset(enum.Enum):
    """A keyword argument not given (where None means something)."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


def _scalar(queryset, output_field) -> Subquery:
    return Subquery(queryset[:1], output_field=output_field)


@transaction.atomic
def product_stats_refresh(*, product_ids: list[int] | None = None) -> int:
    """Recompute rating average/count from the published reviews. (Units sold come from the
    orders: see recommendations.services.sales.)

    Idempotent: the result depends only on the reviews, so running it twice, or twice at once,
    gives the same numbers. Returns how many products were updated.
    """
    reviews = Review.objects.filter(product=OuterRef("pk"), is_published=True).values("product")
    rating_field = DecimalField(max_digits=3, decimal_places=2)
    queryset = Product.objects.all()
    if product_ids is not None:
        queryset = queryset.filter(pk__in=product_ids)
    updated = queryset.update(
        rating_avg=Coalesce(
            _scalar(
                reviews.annotate(a=Cast(Avg("rating"), rating_field)).values("a"), rating_field
            ),
            Cast(0, rating_field),
        ),
        rating_count=Coalesce(
            _scalar(reviews.annotate(c=Count("id")).values("c"), IntegerField()), 0
        ),
    )
    transaction.on_commit(bump_catalog_version)
    products_changed.send(sender=Product, product_ids=product_ids)
    logger.info("refreshed stats of %s products", updated)
    return updated


@transaction.atomic
def product_sales_counts_set(
    *, counts: Mapping[int, int], product_ids: list[int] | None = None
) -> int:
    """Store units sold: `counts` by product id for the given products (None: every product);
    a product not in `counts` has sold none. Only the rows whose count differs are written.
    Returns how many products changed."""
    queryset = Product.objects.all()
    if product_ids is not None:
        queryset = queryset.filter(pk__in=product_ids)
    changed = [
        Product(pk=pk, sales_count=counts.get(pk, 0))
        for pk, current in queryset.values_list("pk", "sales_count")
        .order_by()
        .iterator(chunk_size=20_000)
        if counts.get(pk, 0) != current
    ]
    if not changed:
        return 0
    Product.objects.bulk_update(changed, ["sales_count"], batch_size=1000)
    transaction.on_commit(bump_catalog_version)
    products_changed.send(sender=Product, product_ids=[p.pk for p in changed])
    return len(changed)


def product_availability_refresh(*, product_ids: list[int] | None = None) -> int:
    """Recompute Product.in_stock from the stock rows (any active variant with quantity above
    allocated in any warehouse), and the card picture that goes with it (Product.card_image,
    see selectors.card_image_expression). Call it after every stock change, and when a picture
    or a variant changes; it is idempotent."""
    # Through the variants' reverse relation to their stock rows (logistics.Stock, related_name
    # "stock"): the catalog reads stock here without importing the app above it.
    available = ProductVariant.objects.filter(
        product=OuterRef("pk"), is_active=True, stock__quantity__gt=F("stock__allocated")
    )
    queryset = Product.objects.all()
    if product_ids is not None:
        queryset = queryset.filter(pk__in=product_ids)
    with transaction.atomic():
        updated = queryset.update(
            in_stock=Exists(available), card_image=Coalesce(card_image_expression(), Value(""))
        )
        transaction.on_commit(bump_catalog_version)
        products_changed.send(sender=Product, product_ids=product_ids)
    return updated


def product_image_sizes_refresh(*, image: ProductImage) -> ProductImage:
    """Generate the thumb, card and large sizes of an image (if its source changed or they are
    missing) and record them on the row."""
    names = images.generate_sizes(image.image.name)
    if any(getattr(image, size).name != name for size, name in names.items()):
        for size, name in names.items():
            setattr(image, size, name)
        image.save(update_fields=[*names, "updated_at"])
    return image


@transaction.atomic
def product_price_sync(*, product: Product) -> Product:
    """Set the product's from-price to its lowest active variant price."""
    lowest = ProductVariant.objects.filter(product=product, is_active=True).aggregate(
        p=Min("price")
    )["p"]
    product.price = lowest if lowest is not None else 0
    product.save(update_fields=["price", "updated_at"])
    return product


@transaction.atomic
def variant_save(*, variant: ProductVariant, actor: User | None) -> ProductVariant:
    """Save a variant as edited (new or changed: price, activity, ...) and keep its product's
    from-price in step with it. Every change of a variant goes through here or
    variant_price_set, never a bare save()."""
    variant.save()
    product_price_sync(product=variant.product)
    logger.info("saved variant %s (by user %s)", variant.pk, actor.pk if actor else None)
    return variant


@transaction.atomic
def variant_price_set(
    *,
    variant: ProductVariant,
    price: Decimal,
    compare_at_price: Decimal | Unset | None = UNSET,
    actor: User | None,
) -> ProductVariant:
    """Change a variant's price (and, if given, its compare-at price; None clears it) and its
    product's from-price with it."""
    variant.price = price
    fields = ["price", "updated_at"]
    if compare_at_price is not UNSET:
        variant.compare_at_price = compare_at_price
        fields.append("compare_at_price")
    variant.save(update_fields=fields)
    product_price_sync(product=variant.product)
    logger.info(
        "priced variant %s at %s (by user %s)", variant.pk, price, actor.pk if actor else None
    )
    return variant


@transaction.atomic
def product_set_active(*, products: QuerySet[Product], active: bool, actor: User | None) -> int:
    """Show (`active=True`) or hide the given products on the storefront.

    One UPDATE, which bypasses the post_save signal, so the catalog cache version is bumped here
    once the change is committed. Returns how many products actually changed.
    """
    changed = Product.objects.filter(pk__in=products.values("pk")).exclude(is_active=active)
    changed_ids = list(changed.values_list("pk", flat=True))
    updated = changed.update(is_active=active, updated_at=timezone.now())
    if updated:
        transaction.on_commit(bump_catalog_version)
        products_changed.send(sender=Product, product_ids=changed_ids)
    logger.info(
        "%s %s products (by user %s)",
        "activated" if active else "deactivated",
        updated,
        actor.pk if actor else None,
    )
    return updated


@transaction.atomic
def review_set_published(*, reviews: QuerySet[Review], published: bool, actor: User | None) -> int:
    """Publish or unpublish reviews (moderation), then recompute the ratings of their products,
    which count published reviews only. Returns how many reviews actually changed."""
    changed = Review.objects.filter(pk__in=reviews.values("pk")).exclude(is_published=published)
    product_ids = sorted(set(changed.values_list("product_id", flat=True)))
    updated = changed.update(is_published=published, updated_at=timezone.now())
    if product_ids:
        product_stats_refresh(product_ids=product_ids)  # also bumps the catalog cache version
    logger.info(
        "%s %s reviews (by user %s)",
        "published" if published else "unpublished",
        updated,
        actor.pk if actor else None,
    )
    return updated


@transaction.atomic
def category_facet_counts_rebuild() -> int:
    """Recount CategoryFacetCount from the products (after a restore that bypassed the triggers,
    say). Locks the table first, so no product write changes a count while it is recounted.
    Returns how many combinations it holds."""
    table = CategoryFacetCount._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Blocks the triggers' upserts (ROW EXCLUSIVE) until this transaction commits.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (category_id, brand_id, in_stock, n) "
            "SELECT category_id, COALESCE(brand_id, 0), in_stock, COUNT(*) "
            f"FROM {Product._meta.db_table} WHERE is_active = %s GROUP BY 1, 2, 3",
            [True],
        )
    transaction.on_commit(bump_catalog_version)
    return CategoryFacetCount.objects.count()
