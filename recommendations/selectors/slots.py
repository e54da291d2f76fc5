"""The storefront slots: what each shows for a shopper or a product, from one cache read of what
they all need."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from accounts.sessions import signed_in_as
from catalog.caching import catalog_version
from common import read_ahead

from .. import als
from ..als.session import recency_weights, rerank, session_similarity
from ..history import History, history_key, history_remember
from ..models import (
    SETTINGS_CACHE_KEY,
    RecommenderSettings,
    UserProfile,
)
from ..store import LIVE_CACHE_KEY
from .cards import Card, cards, pick
from .lists import neighbour_lists, personal_ids, trending_ids
from .live import LiveVersion, live_version, loaded_model
from .shopper import history

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


log = logging.getLogger(__name__)


@dataclass
class Serving:
    version: LiveVersion | None
    config: RecommenderSettings
    seen: History
    catalog: int  # the catalog version the cards are cached under
    signed_in: bool
    history_key: str | None = None  # where the shopper's history is cached (None: no history)
    # The cards this request has read, by product id, and every id asked for (found or not: an
    # inactive product is not asked for twice): the slots of one page share them, so a card two
    # slots consider is read from the cache once.
    found: dict[int, Card] = field(default_factory=dict)
    asked: set[int] = field(default_factory=set)
    # The kept slots read with the rest (see kept_slots), by slot name: (fingerprint, HTML).
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)

    def cards(self, ids: Iterable[int]) -> dict[int, Card]:
        """The cards of the active products among `ids`, read once per request."""
        wanted = list(dict.fromkeys(ids))
        unread = [i for i in wanted if i not in self.asked]
        if unread:
            self.found.update(cards(unread, catalog=self.catalog))
            self.asked.update(unread)
        return {i: self.found[i] for i in wanted if i in self.found}


def serving_state(
    *, user: User | AnonymousUser | None, session_key: str | None, kept: Sequence[str] = ()
) -> Serving:
    """The live version, the settings, the shopper's history, the catalog version and the
    shopper's `kept` slots as last rendered (see kept_slots): read with the catalog version on
    the pages that show slots (keys_ahead), else in one `get_many` (each is loaded on its own
    when it is not cached)."""
    signed_in = user is not None and user.is_authenticated
    key = _shopper_history_key(user, session_key)
    slot_keys = _kept_keys(kept, key)
    # The catalog version first: the live version, the settings and, on the pages that show
    # slots, the history and the kept slots are read with it (keys_ahead, the app's ready()), in
    # the request's first round trip to the cache.
    catalog = catalog_version()
    got = read_ahead.get_many(
        [k for k in (LIVE_CACHE_KEY, SETTINGS_CACHE_KEY, key) if k] + list(slot_keys.values())
    )
    version = got[LIVE_CACHE_KEY] or None if LIVE_CACHE_KEY in got else live_version()
    config = got.get(SETTINGS_CACHE_KEY) or RecommenderSettings.load()
    if key is not None and key in got:
        seen = got[key]
        history_remember(key, seen)
    else:
        seen = history(user=user, session_key=session_key)
    state = Serving(version, config, seen, catalog, signed_in, key)
    state.kept = {name: got[k] for name, k in slot_keys.items() if k in got}
    return state


# How long a shopper's rendered slots are kept (at most; never longer than the storefront cache):
# what they show is keyed exactly (see kept_slots) but for the trending lists' hourly refresh and
# the shopper's profile, which show within this time.
SLOT_SECONDS = 60


def _kept_seconds() -> int:
    return min(settings.STOREFRONT_CACHE_SECONDS, SLOT_SECONDS)


def _kept_key(name: str, history: str | None) -> str:
    """Where a shopper's slots `name` are kept (one entry per shopper, language and slot: the
    entry says what it was made from)."""
    return f"recs:slots:{name}:{get_language()}:{history or '-'}"


def _kept_keys(names: Iterable[str], history: str | None) -> dict[str, str]:
    """The keys of the shopper's kept slots `names`, by name (none while they are not kept)."""
    return {name: _kept_key(name, history) for name in names} if _kept_seconds() > 0 else {}


def _shopper_history_key(user: User | AnonymousUser | None, session_key: str | None) -> str | None:
    """Where the history of the signed-in user, else of the session, is cached (None: none)."""
    signed_in = user is not None and user.is_authenticated
    return history_key(
        user_id=user.pk if signed_in else None, session_key=None if signed_in else session_key
    )


def kept_slots(state: Serving, name: str, render: Callable[[], str]) -> str:
    """The slots `name` for this shopper, as `render()` gives them, kept in the cache with a
    fingerprint of everything they are made from: the catalog version (cards, stock), the live
    model version, the serving settings, the shopper's history as it stands (its stamp changes
    with every view, cart addition, purchase or review) and how many of its views make the
    current session (which re-ranks them, and ends with time); the language is in the key. A
    shopper who comes back to the home page without having looked at anything since is served
    the slots they were shown. Read with the serving state (`serving_state(kept=[name])`), so
    keeping them costs no extra round trip to the cache."""
    seconds = _kept_seconds()
    if seconds <= 0:
        return render()
    config = state.config
    raw = "|".join(
        str(part)
        for part in (
            state.catalog,
            state.version.id if state.version is not None else 0,
            config.exclude_purchased,
            config.max_per_category_run,
            config.session_strength,
            state.signed_in,
            state.history_key or "",
            state.seen.stamp,
            len(state.seen.session(now=time.time())),
        )
    )
    fingerprint = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    found = state.kept.get(name)
    if found is not None and found[0] == fingerprint:
        return found[1]
    html = render()
    cache.set(_kept_key(name, state.history_key), (fingerprint, html), seconds)
    return html


# The pages that show slots (by view name), and the slots each keeps (kept_slots): there the
# shopper's history and kept slots are read with the catalog version (see the app's ready()).
SLOT_PAGES = {"catalog:home": ("home",), "catalog:product": (), "cart:detail": ()}


def keys_ahead(request) -> list[str]:
    """What the slots of the request's page will read of the shopper's own: their history and
    their kept slots (common.read_ahead.read_first)."""
    match = getattr(request, "resolver_match", None)
    kept = SLOT_PAGES.get(match.view_name) if match is not None else None
    if kept is None:
        return []
    # Who sends the request is only guessed here (the session is read with these keys): by the
    # user this process last saw the session signed in as.
    known, user_id = signed_in_as(request)
    if not known:
        return []
    session = getattr(request, "session", None)
    key = history_key(
        user_id=user_id,
        session_key=None if user_id is not None else getattr(session, "session_key", None),
    )
    return ([key] if key else []) + list(_kept_keys(kept, key).values())


@dataclass
class Slot:
    personal: bool
    products: list[Card]


def recently_viewed(
    *,
    user: User | AnonymousUser | None,
    session_key: str | None,
    exclude: Iterable[int] = (),
    limit: int = 6,
    state: Serving | None = None,
) -> list[Card]:
    """The products this shopper (or session) looked at last, newest first."""
    state = state or serving_state(user=user, session_key=session_key)
    return pick(state.seen.viewed, exclude=exclude, limit=limit, in_stock=False, read=state.cards)


def _hidden(state: Serving) -> set[int]:
    """What the shopper rated negatively (always) and bought (when the settings hide it)."""
    if not state.signed_in:
        return set()
    params = state.version.als_params if state.version is not None else als.Params()
    hidden = state.seen.disliked(params.negative_rating)
    if state.config.exclude_purchased:
        hidden |= set(state.seen.bought)
    return hidden


def session_ordered(state: Serving, ids: Sequence[int]) -> list[int]:
    """`ids` re-ranked by the products viewed in the current session (see als.session): those
    whose item factors point the way of the session's move up, the most recent views counting
    most. Unchanged without a session, a live model, its factors (an item-item model has none),
    or with the setting at 0; the
    products themselves are the same, so what the list left out stays out. No query: the
    history comes with the serving state, the factors from this process's memory."""
    ids = list(ids)
    strength = state.config.session_strength
    if strength <= 0 or state.version is None or len(ids) < 2:
        return ids
    viewed = state.seen.session(now=time.time())
    if not viewed:
        return ids
    loaded = loaded_model(state.version)
    if loaded is None or not hasattr(loaded.model, "item_factors"):
        # An item-item model has no factors to take the session's direction from.
        return ids
    column = loaded.product_column
    session_columns = [column.get(p, -1) for p in viewed]
    if max(session_columns) < 0:
        return ids
    similarity = session_similarity(
        loaded.model.item_factors,
        session_columns,
        recency_weights(len(viewed)),
        [column.get(p, -1) for p in ids],
    )
    return rerank(ids, similarity, strength=strength)


def for_you(
    *,
    user: User | AnonymousUser | None,
    session_key: str | None,
    limit: int = 8,
    state: Serving | None = None,
) -> Slot:
    """Home page: personal picks for a shopper the model knows (or whose history it can fold
    in); otherwise what is trending, nudged towards the categories viewed in this session (or
    the shopper's profile)."""
    state = state or serving_state(user=user, session_key=session_key)
    version, seen = state.version, state.seen
    exclude = _hidden(state)
    max_run = state.config.max_per_category_run
    if state.signed_in and version is not None:
        ids = session_ordered(state, personal_ids(user=user, version=version, seen=seen))
        products = pick(ids, exclude=exclude, limit=limit, max_run=max_run, read=state.cards)
        if len(products) >= min(4, limit):
            return Slot(personal=True, products=products)
    viewed = state.cards(seen.viewed[:20])
    categories = list(dict.fromkeys(viewed[i].category_id for i in seen.viewed if i in viewed))
    if not categories and state.signed_in:
        profile = UserProfile.objects.filter(user=user).values_list("top_categories", flat=True)
        categories = next(iter(profile), []) or []
    ids = session_ordered(state, trending_ids(version, categories[:3]))
    return Slot(
        personal=False,
        products=pick(ids, exclude=exclude, limit=limit, max_run=max_run, read=state.cards),
    )


@dataclass
class ProductSlots:
    also_bought: list[Card]
    similar: list[Card]
    recently_viewed: list[Card] = field(default_factory=list)


def product_slots(
    *,
    product_id: int,
    user: User | AnonymousUser | None = None,
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
    also, similar = neighbour_lists(state.version, [product_id])[product_id]
    exclude = {product_id} | _hidden(state)
    # The lists are final but for what changed since training: the first `limit` of each are
    # nearly always shown (when some went out of stock meanwhile, more are read in a second
    # round). Every card read cold is a query row and a render, so none is read in advance.
    also = [i for i in also if i not in exclude]
    similar = session_ordered(state, [i for i in similar if i not in exclude])
    found = state.cards([*also[:limit], *similar[:limit], *viewed_ids])
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
        found.update(state.cards([*also[: limit * 4], *similar[: limit * 4]]))
        slots = fill()
    return slots


def complete_purchase(
    *,
    product_ids: Sequence[int],
    user: User | AnonymousUser | None,
    session_key: str | None = None,
    limit: int = 6,
    state: Serving | None = None,
) -> list[Card]:
    """Cart page: products that go with the whole cart: the precomputed co-purchases and
    neighbours of every cart item, merged so that products close to several items rank first
    (and, among neighbours, what was bought together before what merely looks alike)."""
    if not product_ids:
        return []
    state = state or serving_state(user=user, session_key=session_key)
    if state.version is None:
        return []
    exclude = set(product_ids) | _hidden(state)
    lists = neighbour_lists(state.version, list(dict.fromkeys(product_ids))[:20])
    scores: dict[int, float] = defaultdict(float)
    for also, similar in lists.values():
        for rank, product_id in enumerate(also):
            scores[product_id] += 2.0 / (rank + 2)
        for rank, product_id in enumerate(similar):
            scores[product_id] += 1.0 / (rank + 2)
    ranked = session_ordered(
        state, sorted((i for i in scores if i not in exclude), key=lambda i: -scores[i])
    )
    return pick(ranked, limit=limit, max_run=state.config.max_per_category_run, read=state.cards)
