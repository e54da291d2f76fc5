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
  updated when an interaction is recorded (see history.history_note_views);
- a shopper whose history changed since training gets a vector recomputed from it (implicit's
  recalculate_user on the stored item factors), once per change of their history, not per page.

Modules: live (the live version), cards, shopper (a shopper's history), lists (the ids a slot
shows), slots, explain. The slots' names are re-exported here for the template tags and admin.
"""

from .cards import Card, cards, diversified, pick
from .explain import Explained, explain_for_user
from .lists import personal_ids
from .live import LiveVersion, live_version, loaded_model
from .shopper import history, purchased_ids
from .slots import (
    ProductSlots,
    Serving,
    Slot,
    complete_purchase,
    for_you,
    kept_slots,
    product_slots,
    recently_viewed,
    serving_state,
)

__all__ = [
    "Card", "Explained", "LiveVersion", "ProductSlots", "Serving", "Slot", "cards",
    "complete_purchase", "diversified", "explain_for_user", "for_you", "history", "kept_slots",
    "live_version", "loaded_model", "personal_ids", "pick", "product_slots", "purchased_ids",
    "recently_viewed", "serving_state",
]  # fmt: skip
