"""For the `recommend` command: a shopper's recommendations with the reasons behind them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog.models import Product

from ..models import (
    Interaction,
)
from .cards import Card
from .lists import decay_reference, history_row, positive_history
from .live import live_version, loaded_model
from .slots import Slot, for_you

if TYPE_CHECKING:
    from accounts.models import User


log = logging.getLogger(__name__)


@dataclass
class Explained:
    product: Card
    because: list[tuple[str, float]]  # (product name, contribution)


def explain_for_user(*, user: User, limit: int = 10) -> tuple[Slot, list[Explained]]:
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
    positive, _disliked = positive_history(rows, version.als_params)
    row = history_row(loaded, positive, version.als_params, decay_reference(version, rows))
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
