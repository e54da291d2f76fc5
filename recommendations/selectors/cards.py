"""Product cards for the slots: the catalog's cards, rendered once per product and catalog version
and kept in the cache, and the picking and diversifying of the products a slot shows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.translation import get_language

from catalog.caching import catalog_version
from catalog.selectors import cards_by_id

log = logging.getLogger(__name__)


@dataclass
class Card:
    """A product as a slot shows it: the catalog's card, rendered once a slot picks it to show
    (`shown`): a slot reads more cards than it shows, to skip what went out of stock and keep
    categories apart, and rendering them all cost more than the rest of the slot."""

    pk: int
    category_id: int
    in_stock: bool
    name: str
    html: str = ""
    # Until rendered: the product row to render it from, and where the rendered card is cached.
    product: object = field(default=None, compare=False, repr=False)
    cache_key: str = field(default="", compare=False, repr=False)


def _card_seconds() -> int:
    return settings.STOREFRONT_CACHE_SECONDS


# The rendered cards (and the products found inactive) this process has read from the cache or
# rendered, under their cache keys, for one catalog version and language: a slot shows the same
# few cards again and again (a shopper's recently viewed, a product's neighbours), and a card
# never changes within a catalog version. Any other version (a change anywhere in the catalog,
# read by every request) starts afresh; beyond KEPT_CARDS the oldest are dropped.
KEPT_CARDS = 5_000
_kept: tuple[str, dict[str, Card | int]] = ("", {})


def _kept_cards(prefix: str) -> dict[str, Card | int]:
    global _kept
    if _kept[0] != prefix:
        _kept = (prefix, {})
    return _kept[1]


def _keep(kept: dict[str, Card | int], entries: dict[str, Card | int]) -> None:
    kept.update(entries)
    while len(kept) > KEPT_CARDS:
        kept.pop(next(iter(kept)), None)


def cards(ids: Iterable[int], *, catalog: int | None = None) -> dict[int, Card]:
    """The cards of the active products among `ids`: from the cache (keyed by product, language
    and catalog version), the rest in one query, cached unrendered (without the row); a card is
    rendered (with the catalog's own card template, its row read again if need be) and cached
    rendered when a slot shows it (`shown`)."""
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
        kept = _kept_cards(prefix)
        found = {i: kept[key] for i, key in keys.items() if key in kept}
        unread = [key for i, key in keys.items() if i not in found]
        cached = cache.get_many(unread) if unread else {}
        found.update({i: cached[key] for i, key in keys.items() if key in cached})
        # Rendered cards (and inactive products) are final for this version: kept here too.
        _keep(kept, {k: v for k, v in cached.items() if not isinstance(v, Card) or v.html})
    missing = [i for i in wanted if i not in found]
    if missing:
        products = cards_by_id(missing, catalog=catalog)
        fresh: dict[int, Card | int] = {
            p.pk: Card(
                p.pk, p.category_id, p.in_stock, p.name, product=p, cache_key=keys.get(p.pk, "")
            )
            for p in products
        }
        if seconds > 0:
            # Inactive or gone: remembered as such. Read but not rendered yet (a slot reads
            # more than it shows): kept without their rows (small to read back), so the next
            # slot that reads them asks the database nothing unless it shows them.
            kept: dict[str, Card | int] = {keys[i]: 0 for i in missing if i not in fresh}
            kept.update({keys[pk]: replace(card, product=None) for pk, card in fresh.items()})
            cache.set_many(kept, seconds)
        found.update(fresh)
    return {i: found[i] for i in wanted if found.get(i)}


def shown(chosen: list[Card]) -> list[Card]:
    """`chosen` with every card's HTML: those not rendered yet in one render of the card
    template, then cached for the next slot that shows them."""
    cold = [card for card in chosen if not card.html]
    unread = [card for card in cold if card.product is None]
    if unread:  # kept unrendered without its row: read now, to render
        rows = {p.pk: p for p in cards_by_id([card.pk for card in unread])}
        chosen = [c for c in chosen if c.html or c.product is not None or c.pk in rows]
        for card in unread:
            card.product = rows.get(card.pk)
        cold = [card for card in chosen if not card.html]
    if cold:
        for card, html in zip(cold, _render_cards([c.product for c in cold]), strict=True):
            card.html = html
        seconds = _card_seconds()
        if seconds > 0:
            rendered = {c.cache_key: replace(c, product=None) for c in cold if c.cache_key}
            cache.set_many(rendered, seconds)
            prefix, kept = _kept
            if prefix and all(key.startswith(prefix) for key in rendered):  # this version's
                _keep(kept, rendered)
    return chosen


CARD_END = "</article>"


def _render_cards(products: list) -> list[str]:
    """Each product's card HTML, from one render of the catalog's card template for them all
    (one render per slot, not per card), cut at the end of each card."""
    if not products:
        return []
    template = get_template("includes/product_cards.html")
    parts = str(template.render({"products": products})).split(CARD_END)
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
    read: Callable[[list[int]], dict[int, Card]] | None = None,
) -> list[Card]:
    """Cards for `ids`, in that order: only active (and in stock) products, never `exclude`, at
    most `max_run` of a category in a row. The cards are those of `found`, else read with
    `read` (e.g. a request's shared reads, Serving.cards), else from the cache."""
    skip = set(exclude)
    wanted = [i for i in dict.fromkeys(ids) if i not in skip][: limit * 4]
    if found is None:
        reader = read if read is not None else (lambda some: cards(some, catalog=catalog))
        # Without diversifying, the first `limit` that qualify are shown: read those first (the
        # rest only when some of them do not qualify).
        found = reader(wanted if max_run else wanted[:limit])
        if not max_run and len(_qualifying(wanted, found, in_stock)) < limit < len(wanted):
            found = {**found, **reader(wanted[limit:])}
    ordered = _qualifying(wanted, found, in_stock)
    if max_run:
        return shown(diversified(ordered, max_run=max_run, limit=limit))
    return shown(ordered[:limit])


def _qualifying(wanted: list[int], found: dict[int, Card], in_stock: bool) -> list[Card]:
    """The cards of `wanted` found, in order (only those in stock when `in_stock`)."""
    return [found[i] for i in wanted if i in found and (found[i].in_stock or not in_stock)]
