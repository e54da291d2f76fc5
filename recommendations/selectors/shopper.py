"""A shopper's own history as the slots read it (see history.py): built from the interactions
table on a cache miss."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from django.core.cache import cache

from ..history import HISTORY_SECONDS, VIEWED_KEPT, History, history_key, history_remember
from ..models import (
    Interaction,
    InteractionKind,
)
from .live import VIEW_KINDS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


log = logging.getLogger(__name__)

NO_HISTORY = History()


def history_filter(user: User | AnonymousUser | None, session_key: str | None) -> dict | None:
    if user is not None and user.is_authenticated:
        return {"user": user}
    if session_key:
        return {"user": None, "session_key": session_key}
    return None


def history(*, user: User | AnonymousUser | None, session_key: str | None) -> History:
    """The shopper's history, from the cache (kept up to date as interactions are recorded) or
    two indexed queries."""
    where = history_filter(user, session_key)
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
    reviews = (
        Interaction.objects.filter(**where, kind=InteractionKind.REVIEW)
        .order_by("-created_at", "-id")
        .values_list("product_id", "value")[:500]
    )
    rated: dict[int, int] = {}
    for product_id, rating in reviews:
        rated.setdefault(product_id, rating)  # the newest review of each product decides
    viewed: dict[int, float] = {}
    for product_id, kind, at in recent:
        if kind in VIEW_KINDS:
            viewed.setdefault(product_id, at.timestamp())  # newest first: the last view of each
    shown = list(viewed)[:VIEWED_KEPT]
    latest = recent[0][2].timestamp() if recent else 0.0
    return History(
        viewed=shown,
        viewed_at=tuple(viewed[p] for p in shown),
        bought=list(dict.fromkeys(bought)),
        latest=latest,
        stamp=time.time_ns(),
        rated=tuple(rated.items()),
    )


def purchased_ids(user: User | AnonymousUser | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(history(user=user, session_key=None).bought)
