"""Reads of the recommender for the storefront slots.

A slot costs a few cache reads on the common path and at most one indexed query per kind of
data on a miss:

- what to show comes precomputed with the live model version (the top products of each active
  shopper, the neighbours of each product), already filtered and diversified when it was
  trained; the ids of one product or shopper are read with one indexed query and then kept in
  the cache under the model version;
- the cards are the catalog's product cards, rendered once per product and kept in the cache
  under the catalog version (so any change to a product, its price or its stock renders it
  afresh); a slot is one `get_many` of them, and one query for those not cached yet;
- a shopper's own history (recently viewed, bought, when it last changed) is one cache entry,
  updated when an interaction is recorded (see services.history_note_views);
- a shopper whose history changed since training gets a vector recomputed from it (implicit's
  recalculate_user on the stored item factors), once per change of their history, not per page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language

from catalog.caching import VERSION_KEY, catalog_version
from catalog.models import Product
from catalog.selectors import cards_by_id

from . import als
from .history import HISTORY_SECONDS, VIEWED_KEPT, History, history_key, history_remember
from .models import (
    SETTINGS_CACHE_KEY,
    Interaction,
    InteractionKind,
    ModelVersion,
    ProductNeighbours,
    RecommenderSettings,
    UserProfile,
    UserRecommendation,
)
from .services import LIST_SECONDS, LIVE_CACHE_KEY, lists_read, neighbours_key, top_key

log = logging.getLogger(__name__)
VIEW_KINDS = (InteractionKind.VIEW, InteractionKind.SEARCH_CLICK)


@dataclass(frozen=True)
class LiveVersion:
    id: int
    trained_until: datetime
    params: dict
    trending: dict

    @property
    def als_params(self) -> als.Params:
        return als.Params(**self.params)


def live_version() -> LiveVersion | None:
    """The live model version's serving data; cached, dropped when another goes live or its
    trending lists are refreshed."""
    value = cache.get(LIVE_CACHE_KEY)
    if value is None:
        version = (
            ModelVersion.objects.filter(is_live=True)
            .only("id", "trained_until", "params", "trending")
            .first()
        )
        value = (
            LiveVersion(version.id, version.trained_until, version.params, version.trending)
            if version
            else 0
        )
        cache.set(LIVE_CACHE_KEY, value, 300)
    return value or None


_models: dict[tuple, als.LoadedModel | None] = {}
_models_lock = threading.Lock()


def loaded_model(version: LiveVersion) -> als.LoadedModel | None:
    """The version's factors, read from disk once per process."""
    key = (version.id, version.trained_until)
    if key in _models:
        return _models[key]
    with _models_lock:
        if key not in _models:
            directory = ModelVersion(pk=version.id).directory
            try:
                model = als.load_model(directory, version.als_params)
            except (OSError, ValueError):
                log.warning("model files of version %s are missing in %s", version.id, directory)
                model = None
            # One version at a time: an older one is never served again.
            _models.clear()
            _models[key] = model
    return _models[key]


# --- Cards --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    """A product as a slot shows it: the catalog's card, rendered."""

    pk: int
    category_id: int
    in_stock: bool
    name: str
    html: str


def _card_seconds() -> int:
    return settings.STOREFRONT_CACHE_SECONDS


def cards(ids: Iterable[int], *, catalog: int | None = None) -> dict[int, Card]:
    """The cards of the active products among `ids`: from the cache (keyed by product, language
    and catalog version), the rest in one query, rendered one card each with the catalog's own
    card template and cached for the next slot that shows them."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    seconds = _card_seconds()
    found: dict[int, Card | int] = {}
    keys: dict[int, str] = {}
    catalog = catalog or catalog_version()
    if seconds > 0:
        prefix = f"recs:card:{get_language()}:{catalog}:"
        keys = {i: f"{prefix}{i}" for i in wanted}
        cached = cache.get_many(keys.values())
        found = {i: cached[key] for i, key in keys.items() if key in cached}
    missing = [i for i in wanted if i not in found]
    if missing:
        products = cards_by_id(missing, catalog=catalog)
        fresh: dict[int, Card | int] = {
            p.pk: Card(p.pk, p.category_id, p.in_stock, p.name, html)
            for p, html in zip(products, _render_cards(products), strict=True)
        }
        for i in missing:
            fresh.setdefault(i, 0)  # inactive or gone: remembered as such
        if seconds > 0:
            cache.set_many({keys[i]: card for i, card in fresh.items()}, seconds)
        found.update(fresh)
    return {i: found[i] for i in wanted if found[i]}


CARD_END = "</article>"


def _render_cards(products: list) -> list[str]:
    """Each product's card HTML, from one render of the catalog's card template for them all
    (one render per slot, not per card), cut at the end of each card."""
    if not products:
        return []
    template = get_template("includes/product_cards.html")
    parts = template.render({"products": products}).split(CARD_END)
    if len(parts) == len(products) + 1:
        return [part.strip() + CARD_END for part in parts[:-1]]
    return [template.render({"products": [p]}) for p in products]  # the template changed shape


def diversified(products: Sequence, *, max_run: int, limit: int) -> list:
    """Keep the order, but never more than `max_run` products of one category in a row while
    another category is still available."""
    pending = list(products)
    result: list = []
    while pending and len(result) < limit:
        tail = [p.category_id for p in result[-max_run:]]
        blocked = tail[0] if len(tail) == max_run and len(set(tail)) == 1 else None
        pick = next((p for p in pending if p.category_id != blocked), pending[0])
        pending.remove(pick)
        result.append(pick)
    return result


def pick(
    ids: Iterable[int],
    *,
    exclude: Iterable[int] = (),
    limit: int,
    max_run: int | None = None,
    in_stock: bool = True,
    found: dict[int, Card] | None = None,
    catalog: int | None = None,
) -> list[Card]:
    """Cards for `ids`, in that order: only active (and in stock) products, never `exclude`, at
    most `max_run` of a category in a row."""
    skip = set(exclude)
    wanted = [i for i in dict.fromkeys(ids) if i not in skip][: limit * 4]
    if found is None:
        found = cards(wanted, catalog=catalog)
    ordered = [found[i] for i in wanted if i in found and (found[i].in_stock or not in_stock)]
    if max_run:
        return diversified(ordered, max_run=max_run, limit=limit)
    return ordered[:limit]


# --- A shopper's history ------------------------------------------------------------------------
NO_HISTORY = History()


def _history_filter(user, session_key: str | None) -> dict | None:
    if user is not None and user.is_authenticated:
        return {"user": user}
    if session_key:
        return {"user": None, "session_key": session_key}
    return None


def history(*, user, session_key: str | None) -> History:
    """The shopper's history, from the cache (kept up to date as interactions are recorded) or
    two indexed queries."""
    where = _history_filter(user, session_key)
    if where is None:
        return NO_HISTORY
    user_id = where["user"].pk if where["user"] is not None else None
    key = history_key(user_id=user_id, session_key=None if user_id else session_key)
    value = cache.get(key)
    if value is None:
        value = _history_build(where)
        cache.set(key, value, HISTORY_SECONDS)
    history_remember(key, value)
    return value


def _history_build(where: dict) -> History:
    recent = list(
        Interaction.objects.filter(**where)
        .order_by("-created_at", "-id")
        .values_list("product_id", "kind", "created_at")[:80]
    )
    bought = list(
        Interaction.objects.filter(**where, kind=InteractionKind.PURCHASE)
        .order_by("-created_at", "-id")
        .values_list("product_id", flat=True)[:500]
    )
    viewed = [p for p, kind, _at in recent if kind in VIEW_KINDS]
    latest = recent[0][2].timestamp() if recent else 0.0
    return History(
        viewed=list(dict.fromkeys(viewed))[:VIEWED_KEPT],
        bought=list(dict.fromkeys(bought)),
        latest=latest,
        stamp=time.time_ns(),
    )


# --- Precomputed lists --------------------------------------------------------------------------
def _neighbour_lists(version: LiveVersion, product_ids: Sequence[int]) -> dict[int, tuple]:
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


def _stored_top(version: LiveVersion, user) -> list[int] | None:
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


def personal_ids(*, user, version: LiveVersion, seen: History | None = None) -> list[int]:
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
    stored = _stored_top(version, user)
    if stored is not None:
        return stored
    key = f"recs:user:{version.id}:{user.pk}:stored"
    ids = cache.get(key)
    if ids is None:
        ids = _from_stored_factors(user, version)
        cache.set(key, ids, LIST_SECONDS)
    return ids


def _history_row(loaded: als.LoadedModel, history: Sequence[tuple], params: als.Params, now: float):
    product_ids = [h[0] for h in history]
    kinds = np.array([als.KIND_CODE.get(h[1], 0) for h in history], dtype=np.int8)
    values = np.array([h[2] for h in history], dtype=np.int64)
    ages = np.array([(now - h[3].timestamp()) / als.DAY for h in history])
    weights = als.event_weights(kinds, values, ages, params)
    return als.user_row(loaded, product_ids, weights.tolist())


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
    row = _history_row(loaded, rows, params, timezone.now().timestamp())
    seen = row.copy()
    if not config.exclude_purchased:
        bought = {p for p, kind, _v, _at in rows if kind == InteractionKind.PURCHASE}
        keep = [i for i, c in enumerate(seen.indices) if int(loaded.product_ids[c]) not in bought]
        seen = als.user_row(
            loaded, [int(loaded.product_ids[seen.indices[i]]) for i in keep], [1.0] * len(keep)
        )
    return als.recommend_for_row(loaded, row, n=params.top_n, filter_row=seen)


def _from_stored_factors(user, version: LiveVersion) -> list[int]:
    loaded = loaded_model(version)
    if loaded is None or user.pk not in loaded.user_row:
        return []
    from implicit.cpu.topk import topk

    factors = np.asarray(loaded.model.user_factors[loaded.user_row[user.pk]])[None, :]
    ids, _ = topk(loaded.model.item_factors, factors, version.als_params.top_n * 2, num_threads=1)
    return [int(loaded.product_ids[i]) for i in ids[0] if i >= 0]


def _trending_ids(version: LiveVersion | None, categories: Sequence[int]) -> list[int]:
    """Trending products, those of `categories` first (interleaved, so each gets a turn)."""
    if version is None:
        key = "recs:best-sellers"
        ids = cache.get(key)
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


# --- What every slot needs, in one cache read ----------------------------------------------------
@dataclass
class Serving:
    version: LiveVersion | None
    config: RecommenderSettings
    seen: History
    catalog: int  # the catalog version the cards are cached under
    signed_in: bool


def serving_state(*, user, session_key: str | None) -> Serving:
    """The live version, the settings, the shopper's history and the catalog version: one
    `get_many` when they are cached (each is loaded on its own otherwise)."""
    where = _history_filter(user, session_key)
    signed_in = user is not None and user.is_authenticated
    key = None
    if where is not None:
        key = history_key(
            user_id=user.pk if signed_in else None, session_key=None if signed_in else session_key
        )
    got = cache.get_many([k for k in (LIVE_CACHE_KEY, SETTINGS_CACHE_KEY, VERSION_KEY, key) if k])
    version = got[LIVE_CACHE_KEY] or None if LIVE_CACHE_KEY in got else live_version()
    config = got.get(SETTINGS_CACHE_KEY) or RecommenderSettings.load()
    catalog = got.get(VERSION_KEY) or catalog_version()
    if key is not None and key in got:
        seen = got[key]
        history_remember(key, seen)
    else:
        seen = history(user=user, session_key=session_key)
    return Serving(version, config, seen, catalog, signed_in)


# --- Slots --------------------------------------------------------------------------------------
@dataclass
class Slot:
    personal: bool
    products: list[Card]


def recently_viewed(
    *,
    user,
    session_key: str | None,
    exclude: Iterable[int] = (),
    limit: int = 6,
    state: Serving | None = None,
) -> list[Card]:
    """The products this shopper (or session) looked at last, newest first."""
    state = state or serving_state(user=user, session_key=session_key)
    return pick(
        state.seen.viewed, exclude=exclude, limit=limit, in_stock=False, catalog=state.catalog
    )


def purchased_ids(user) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(history(user=user, session_key=None).bought)


def _hidden(state: Serving) -> set[int]:
    """What the shopper bought, when the settings hide it."""
    if state.signed_in and state.config.exclude_purchased:
        return set(state.seen.bought)
    return set()


def for_you(*, user, session_key: str | None, limit: int = 8, state: Serving | None = None) -> Slot:
    """Home page: personal picks for a shopper the model knows (or whose history it can fold
    in); otherwise what is trending, nudged towards the categories viewed in this session (or
    the shopper's profile)."""
    state = state or serving_state(user=user, session_key=session_key)
    version, seen, catalog = state.version, state.seen, state.catalog
    exclude = _hidden(state)
    max_run = state.config.max_per_category_run
    if state.signed_in and version is not None:
        ids = personal_ids(user=user, version=version, seen=seen)
        products = pick(ids, exclude=exclude, limit=limit, max_run=max_run, catalog=catalog)
        if len(products) >= min(4, limit):
            return Slot(personal=True, products=products)
    viewed = cards(seen.viewed[:20], catalog=catalog)
    categories = list(dict.fromkeys(viewed[i].category_id for i in seen.viewed if i in viewed))
    if not categories and state.signed_in:
        profile = UserProfile.objects.filter(user=user).values_list("top_categories", flat=True)
        categories = next(iter(profile), []) or []
    ids = _trending_ids(version, categories[:3])
    return Slot(
        personal=False,
        products=pick(ids, exclude=exclude, limit=limit, max_run=max_run, catalog=catalog),
    )


@dataclass
class ProductSlots:
    also_bought: list[Card]
    similar: list[Card]
    recently_viewed: list[Card] = field(default_factory=list)


def product_slots(
    *,
    product_id: int,
    user=None,
    session_key: str | None = None,
    limit: int = 6,
    state: Serving | None = None,
) -> ProductSlots:
    """Product page: what its buyers also bought, similar items (ALS neighbours, content
    neighbours for products too new to be learnt, or, for a product newer than the model, its
    category's best sellers) and the shopper's recently viewed; nothing but the last before the
    first model is live. The lists were filtered and diversified at training; here only what
    went out of stock since, the product itself and what the shopper bought are taken out. The
    cards of all three come from one cache read."""
    state = state or serving_state(user=user, session_key=session_key)
    viewed_ids = [i for i in state.seen.viewed if i != product_id][:limit]
    if state.version is None:
        return ProductSlots([], [], recently_viewed(
            user=user, session_key=session_key, exclude=[product_id], limit=limit, state=state
        ))  # fmt: skip
    also, similar = _neighbour_lists(state.version, [product_id])[product_id]
    exclude = {product_id} | _hidden(state)
    # The lists are final but for what changed since training: the first `limit` of each are
    # nearly always shown (when some went out of stock meanwhile, more are read in a second
    # round). Every card read cold is a query row and a render, so none is read in advance.
    also = [i for i in also if i not in exclude]
    similar = [i for i in similar if i not in exclude]
    found = cards([*also[:limit], *similar[:limit], *viewed_ids], catalog=state.catalog)
    max_run = state.config.max_per_category_run

    def fill() -> ProductSlots:
        also_bought = pick(also, limit=limit, found=found)
        shown = {p.pk for p in also_bought}
        return ProductSlots(
            also_bought=also_bought,
            similar=pick(similar, exclude=shown, limit=limit, max_run=max_run, found=found),
            recently_viewed=pick(viewed_ids, limit=limit, in_stock=False, found=found),
        )

    slots = fill()
    short = (len(slots.also_bought) < limit and len(also) > limit) or (
        len(slots.similar) < limit and len(similar) > limit
    )
    if short:
        found.update(cards([*also[: limit * 4], *similar[: limit * 4]], catalog=state.catalog))
        slots = fill()
    return slots


def complete_purchase(
    *, product_ids: Sequence[int], user, limit: int = 6, state: Serving | None = None
) -> list[Card]:
    """Cart page: products that go with the whole cart: the precomputed co-purchases and
    neighbours of every cart item, merged so that products close to several items rank first
    (and, among neighbours, what was bought together before what merely looks alike)."""
    if not product_ids:
        return []
    state = state or serving_state(user=user, session_key=None)
    if state.version is None:
        return []
    exclude = set(product_ids) | _hidden(state)
    lists = _neighbour_lists(state.version, list(dict.fromkeys(product_ids))[:20])
    scores: dict[int, float] = defaultdict(float)
    for also, similar in lists.values():
        for rank, product_id in enumerate(also):
            scores[product_id] += 2.0 / (rank + 2)
        for rank, product_id in enumerate(similar):
            scores[product_id] += 1.0 / (rank + 2)
    ranked = sorted((i for i in scores if i not in exclude), key=lambda i: -scores[i])
    return pick(
        ranked, limit=limit, max_run=state.config.max_per_category_run, catalog=state.catalog
    )


# --- For the `recommend` command ----------------------------------------------------------------
@dataclass
class Explained:
    product: Card
    because: list[tuple[str, float]]  # (product name, contribution)


def explain_for_user(*, user, limit: int = 10) -> tuple[Slot, list[Explained]]:
    """What the home page shows this shopper, and for each pick the products in their history
    that led there (implicit's explain: each history item's share of the score)."""
    slot = for_you(user=user, session_key=None, limit=limit)
    version = live_version()
    loaded = loaded_model(version) if version else None
    if not slot.personal or loaded is None:
        return slot, [Explained(p, []) for p in slot.products]
    rows = list(
        Interaction.objects.filter(user=user).values_list(
            "product_id", "kind", "value", "created_at"
        )
    )
    row = _history_row(loaded, rows, version.als_params, timezone.now().timestamp())
    names = dict(Product.objects.filter(pk__in=[h[0] for h in rows]).values_list("id", "name"))
    explained = []
    for product in slot.products:
        column = loaded.product_column.get(product.pk)
        if column is None:
            explained.append(Explained(product, []))
            continue
        _score, contributions, _weights = loaded.model.explain(0, row, column, N=3)
        because = [
            (names.get(int(loaded.product_ids[c]), str(loaded.product_ids[c])), float(s))
            for c, s in contributions
        ]
        explained.append(Explained(product, because))
    return slot, explained
