"""The product ids a slot shows: the precomputed lists of the live version (read once and cached
under it), a vector recomputed from a changed history, and the trending fallbacks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from django.core.cache import cache

from catalog.models import Product
from common import read_ahead

from .. import als
from ..history import HISTORY_SECONDS, History
from ..models import (
    Interaction,
    InteractionKind,
    ProductNeighbours,
    RecommenderSettings,
    UserRecommendation,
)
from ..store import BEST_SELLERS_KEY, LIST_SECONDS, lists_read, neighbours_key, top_key
from .live import LiveVersion, loaded_model
from .shopper import history

if TYPE_CHECKING:
    from accounts.models import User


log = logging.getLogger(__name__)


def neighbour_lists(version: LiveVersion, product_ids: Sequence[int]) -> dict[int, tuple]:
    """(also bought, similar) of each product: from the cache, the rest in one query. A product
    newer than the model has no row: it gets its category's best sellers as similar items."""
    found = {}
    texts = lists_read("nb", version.id, list(product_ids))
    for product_id, text in zip(product_ids, texts, strict=True):
        if text is not None:
            also, _bar, similar = text.partition("|")
            found[product_id] = (_ints(also), _ints(similar))
    if len(found) == len(product_ids):
        return found
    keys = {p: neighbours_key(version.id, p) for p in product_ids if p not in found}
    cached = cache.get_many(keys.values())
    found.update({p: cached[key] for p, key in keys.items() if key in cached})
    missing = [p for p in product_ids if p not in found]
    if missing:
        rows = ProductNeighbours.objects.filter(version_id=version.id, product_id__in=missing)
        fresh = {p: (also, similar) for p, also, similar in rows.values_list(
            "product_id", "also_bought", "similar"
        )}  # fmt: skip
        for product_id in missing:
            if product_id not in fresh:
                fresh[product_id] = ([], _same_category(product_id))
        cache.set_many({keys[p]: lists for p, lists in fresh.items()}, LIST_SECONDS)
        found.update(fresh)
    return found


def _ints(text: str) -> list[int]:
    return [int(i) for i in text.split(",")] if text else []


def _same_category(product_id: int) -> list[int]:
    category = Product.objects.filter(pk=product_id).values_list("category_id", flat=True).first()
    if category is None:
        return []
    return list(
        Product.objects.filter(category_id=category, is_active=True, in_stock=True)
        .exclude(pk=product_id)
        .order_by("-sales_count", "-id")
        .values_list("id", flat=True)[:24]
    )


def stored_top(version: LiveVersion, user: User) -> list[int] | None:
    """The shopper's list precomputed at training (None: not active enough to have one)."""
    (text,) = lists_read("top", version.id, [user.pk])
    if text is not None:
        return _ints(text)
    key = top_key(version.id, user.pk)
    value = cache.get(key)
    if value is None:
        row = (
            UserRecommendation.objects.filter(version_id=version.id, user=user)
            .values_list("product_ids", flat=True)
            .first()
        )
        value = row if row is not None else 0
        cache.set(key, value, LIST_SECONDS)
    return value if value != 0 else None


def personal_ids(*, user: User, version: LiveVersion, seen: History | None = None) -> list[int]:
    """A signed-in shopper's ranked product ids: the list precomputed at training, or, when their
    history changed since, one ranked from a vector recomputed from the whole history (cached
    until it changes again); a shopper learnt but not active lately is ranked from their stored
    factors."""
    seen = seen or history(user=user, session_key=None)
    if seen.latest > version.trained_until.timestamp():
        key = f"recs:user:{version.id}:{user.pk}:{seen.stamp}"
        ids = cache.get(key)
        if ids is None:
            ids = _recalculated(user, version, RecommenderSettings.load())
            cache.set(key, ids, HISTORY_SECONDS)
        return ids
    stored = stored_top(version, user)
    if stored is not None:
        return stored
    key = f"recs:user:{version.id}:{user.pk}:stored"
    ids = cache.get(key)
    if ids is None:
        ids = _from_stored_factors(user, version)
        cache.set(key, ids, LIST_SECONDS)
    return ids


def decay_reference(version: LiveVersion, rows: Sequence[tuple]) -> float:
    """The moment a shopper's (product id, kind, value, when) rows are aged from at serving: the
    newest interaction, as in training (als.build_interactions), that is the newest of the data
    the version was trained on and of the shopper's own rows since; never the clock, so a log
    that ended years ago serves what the same log ending today does."""
    newest = max((row[3].timestamp() for row in rows), default=0.0)
    return max(newest, version.data_until) or version.trained_until.timestamp()


def history_row(
    loaded: als.LoadedModel, history: Sequence[tuple], params: als.Params, reference: float
):
    """A shopper's history as a row of the model's columns: each event weighted by its kind and
    its age before `reference` (see decay_reference), with the confidence floor."""
    product_ids = [h[0] for h in history]
    kinds = np.array([als.KIND_CODE.get(h[1], 0) for h in history], dtype=np.int8)
    values = np.array([h[2] for h in history], dtype=np.int64)
    ages = np.array([(reference - h[3].timestamp()) / als.DAY for h in history])
    weights = als.event_weights(kinds, values, ages, params)
    row = als.user_row(loaded, product_ids, weights.tolist())
    return als.confidence_floor(row, params)


def positive_history(rows: Sequence[tuple], params: als.Params) -> tuple[list[tuple], set[int]]:
    """A shopper's (product id, kind, value, when) rows without the products they rated
    negatively, and those products: the newest review of each product decides (as in
    als.negative_pairs)."""
    newest_review: dict[int, tuple] = {}
    for product_id, kind, value, at in rows:
        if kind == InteractionKind.REVIEW and (
            product_id not in newest_review or at >= newest_review[product_id][1]
        ):
            newest_review[product_id] = (value, at)
    disliked = {p for p, (value, _at) in newest_review.items() if value <= params.negative_rating}
    return [r for r in rows if r[0] not in disliked], disliked


def _recalculated(user, version: LiveVersion, config: RecommenderSettings) -> list[int]:
    loaded = loaded_model(version)
    if loaded is None:
        return []
    rows = list(
        Interaction.objects.filter(user=user).values_list(
            "product_id", "kind", "value", "created_at"
        )
    )
    params = version.als_params
    positive, disliked = positive_history(rows, params)
    row = history_row(loaded, positive, params, decay_reference(version, rows))
    shown = {int(loaded.product_ids[c]) for c in row.indices}
    if not config.exclude_purchased:
        shown -= {p for p, kind, _v, _at in rows if kind == InteractionKind.PURCHASE}
    shown |= disliked
    seen = als.user_row(loaded, sorted(shown), [1.0] * len(shown))
    return als.recommend_for_row(loaded, row, n=params.top_n, filter_row=seen)


def _from_stored_factors(user, version: LiveVersion) -> list[int]:
    loaded = loaded_model(version)
    if loaded is None:
        return []
    return als.stored_user_top(loaded, user.pk, n=version.als_params.top_n * 2)


def trending_ids(version: LiveVersion | None, categories: Sequence[int]) -> list[int]:
    """Trending products, those of `categories` first (interleaved, so each gets a turn)."""
    if version is None:
        key = BEST_SELLERS_KEY
        ids = read_ahead.get_many([key]).get(key)
        if ids is None:
            ids = list(
                Product.objects.filter(is_active=True, in_stock=True)
                .order_by("-sales_count", "-id")
                .values_list("id", flat=True)[:48]
            )
            cache.set(key, ids, 300)
        return ids
    by_category = version.trending.get("by_category", {})
    lists = [by_category.get(str(c), []) for c in categories]
    nudged = [ids[i] for i in range(24) for ids in lists if i < len(ids)]
    return nudged + version.trending.get("all", [])
