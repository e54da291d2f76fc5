"""Shopper profiles: favourite categories, price band and RFM segment, rebuilt nightly."""

from __future__ import annotations

import logging
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from catalog.models import Product
from orders.models import SOLD_STATUSES, Order

from ..models import (
    Interaction,
    PriceBand,
    Segment,
    UserProfile,
)

log = logging.getLogger(__name__)

_PAID = list(SOLD_STATUSES)


def _segment(recency: int | None, frequency: int) -> str:
    if not frequency or recency is None:
        return Segment.BROWSER
    if recency <= 30 and frequency >= 3:
        return Segment.CHAMPION
    if recency > 180:
        return Segment.HIBERNATING
    if frequency >= 2 and recency > 90:
        return Segment.AT_RISK
    if frequency >= 3:
        return Segment.LOYAL
    if frequency == 1 and recency <= 30:
        return Segment.NEW
    return Segment.REGULAR


def user_profiles_build(*, now: datetime | None = None) -> int:
    """Recompute every shopper's profile from their interactions and paid orders: top three
    categories, price band (their median price against their categories' medians) and RFM
    segment. Returns how many profiles were written."""
    now = now or timezone.now()
    category_price: dict[int, list[float]] = defaultdict(list)
    product_info: dict[int, tuple[int, float]] = {}
    for product_id, category_id, price in Product.objects.values_list(
        "id", "category_id", "price"
    ).iterator(chunk_size=20_000):
        product_info[product_id] = (category_id, float(price))
        category_price[category_id].append(float(price))
    median = {c: statistics.median(v) or 1.0 for c, v in category_price.items()}

    categories: dict[int, Counter] = defaultdict(Counter)
    ratios: dict[int, list[float]] = defaultdict(list)
    rows = Interaction.objects.filter(user__isnull=False).values_list(
        "user_id", "product_id", "kind"
    )
    weight = {"view": 1, "search_click": 1, "cart": 3, "review": 3, "purchase": 5}
    for user_id, product_id, kind in rows.order_by().iterator(chunk_size=20_000):
        info = product_info.get(product_id)
        if info is None:
            continue
        categories[user_id][info[0]] += weight.get(kind, 1)
        if kind in ("cart", "purchase"):
            ratios[user_id].append(info[1] / median[info[0]])
    orders = {
        row["user_id"]: row
        for row in Order.objects.filter(user__isnull=False, status__in=_PAID)
        .values("user_id")
        .annotate(last=Max("created_at"), n=Count("id"), spent=Sum("total"))
        .order_by()
    }
    profiles = []
    for user_id in set(categories) | set(orders):
        order = orders.get(user_id)
        recency = (now - order["last"]).days if order else None
        frequency = order["n"] if order else 0
        user_ratios = ratios.get(user_id)
        ratio = statistics.median(user_ratios) if user_ratios else 1.0
        band = (
            PriceBand.BUDGET
            if ratio < 0.8
            else PriceBand.PREMIUM
            if ratio > 1.25
            else PriceBand.MID
        )
        profiles.append(
            UserProfile(
                user_id=user_id,
                top_categories=[c for c, _ in categories[user_id].most_common(3)],
                price_band=band,
                recency_days=max(recency, 0) if recency is not None else None,
                frequency=frequency,
                monetary=order["spent"] if order else Decimal("0.00"),
                segment=_segment(recency, frequency),
                updated_at=now,
            )
        )
    existing = set(
        get_user_model()
        .objects.filter(pk__in=[p.user_id for p in profiles])
        .values_list("pk", flat=True)
    )
    profiles = [p for p in profiles if p.user_id in existing]
    with transaction.atomic():
        UserProfile.objects.bulk_create(
            profiles,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=[
                "top_categories", "price_band", "recency_days", "frequency", "monetary",
                "segment", "updated_at",
            ],
        )  # fmt: skip
    return len(profiles)
