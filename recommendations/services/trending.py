"""Trending lists: products by recent demand, overall and per category, for new and anonymous
shoppers; computed at training and refreshed hourly between the nightly runs."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from catalog.models import Product

from .. import als
from ..models import (
    Interaction,
    ModelVersion,
)
from ..store import LIVE_CACHE_KEY
from .extract import interactions_extract

log = logging.getLogger(__name__)

TRENDING_DAYS = 30


def recommender_refresh_trending(*, now: datetime | None = None) -> int:
    """The live version's trending lists (what new and anonymous shoppers see) recomputed from
    the last 30 days of interactions (before the newest one, not before the clock: a shop whose
    log ended long ago still has a demand to follow), so they follow demand between the nightly
    retrains (hourly on the beat schedule). The model and its lists are untouched. Returns how
    many products trend; 0 with no live version."""
    version = ModelVersion.objects.filter(is_live=True).only("pk").first()
    if version is None:
        return 0
    now = now or timezone.now()
    newest = (
        Interaction.objects.filter(user__isnull=False, created_at__lte=now)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    since = (newest or now) - timedelta(days=TRENDING_DAYS)
    events = interactions_extract(until=now, since=since)
    category_of = dict(
        Product.objects.filter(is_active=True, in_stock=True).values_list("id", "category_id")
    )
    trending = trending_lists(events=events, now=now.timestamp(), category_of=category_of)
    with transaction.atomic():
        ModelVersion.objects.filter(pk=version.pk, is_live=True).update(trending=trending)
        transaction.on_commit(lambda: cache.delete(LIVE_CACHE_KEY))
    return len(trending.get("all", []))


def trending_lists(*, events: als.Events, now: float, category_of: dict[int, int]) -> dict:
    """Products by recent demand (the 30 days before the newest event up to `now`, halved every
    7 days back from it), overall and per category."""
    reference = min(float(events.timestamps.max()), now) if len(events) else now
    recent = (events.timestamps >= reference - TRENDING_DAYS * als.DAY) & (events.timestamps <= now)
    weights = als.event_weights(
        events.kinds[recent],
        events.values[recent],
        (reference - events.timestamps[recent]) / als.DAY,
        als.Params(half_life_days=7.0),
    )
    products, index = np.unique(events.product_ids[recent], return_inverse=True)
    scores = np.bincount(index, weights=weights, minlength=len(products))
    ranked = products[np.argsort(-scores, kind="stable")[:3000]].tolist()
    by_category: dict[str, list[int]] = defaultdict(list)
    overall = []
    for product_id in ranked:
        category = category_of.get(product_id)
        if category is None:
            continue
        overall.append(product_id)
        if len(by_category[str(category)]) < 24:
            by_category[str(category)].append(product_id)
    return {"all": overall[:200], "by_category": dict(by_category)}
