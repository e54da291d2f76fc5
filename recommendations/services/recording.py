"""Recording what shoppers do: product views (through the request buffer, see buffer.py), cart
additions, purchases and reviews, and the joining of a session's history to an account at login."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from ..history import (
    history_forget,
    history_key,
    history_merge,
    history_note_events,
)
from ..models import (
    Interaction,
    InteractionKind,
)
from ..store import after_response_flush, shared_cache
from .buffer import LOGIN_KEY, LOGIN_SECONDS, interactions_flush_pending, pending_add

if TYPE_CHECKING:
    from accounts.models import User

log = logging.getLogger(__name__)


def interaction_record_view(
    *, user_id: int | None, session_key: str, product_id: int, from_search: bool = False
) -> None:
    """Note a product page view by a signed-in shopper (`user_id`) or a visitor's session (a
    search click when they came from search results); a visitor without a session is not
    recorded (nothing to attach the history to). Nothing is written now: the rows of a request
    go, once its response has been sent, to the Redis buffer that interactions_flush_buffer
    drains (services mode), or in one insert to the table (embedded mode, where other processes
    cannot see this one's cache); see interactions_flush_pending."""
    if not settings.RECOMMENDATIONS_ENABLED or (user_id is None and not session_key):
        return
    kind = InteractionKind.SEARCH_CLICK if from_search else InteractionKind.VIEW
    pending_add(
        row=Interaction(
            user_id=user_id,
            session_key="" if user_id is not None else session_key,
            product_id=product_id,
            kind=kind,
            value=1,
        )
    )


def interaction_record(
    *,
    user: User | None,
    session_key: str = "",
    product_ids: Iterable[int],
    kind: str,
    value: int = 1,
) -> None:
    """Record cart additions, purchases and reviews (rarer than views, and written with the
    change that caused them, once it commits)."""
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and not session_key:
        return
    rows = [
        Interaction(
            user=user,
            session_key="" if user else session_key,
            product_id=product_id,
            kind=kind,
            value=max(0, min(value, 32767)),
        )
        for product_id in product_ids
    ]
    if rows:
        transaction.on_commit(lambda: _insert_and_note(rows))


def _insert_and_note(rows: list[Interaction]) -> None:
    Interaction.objects.bulk_create(rows)
    history_note_events(
        (
            row.user_id,
            row.session_key,
            row.product_id,
            row.kind,
            row.created_at.timestamp(),
            row.value,
        )
        for row in rows
    )


def interactions_attach_session(*, user: User, session_key: str) -> int:
    """At login: the anonymous session's history becomes the shopper's: the rows in the table now,
    and those still in the buffer when it is flushed. Views this process holds for its next
    batch (store.send_after_response) are sent first, so the session's history has them."""
    interactions_flush_pending()
    after_response_flush()
    if not session_key:
        return 0
    if shared_cache():
        cache.set(LOGIN_KEY.format(session_key), user.pk, LOGIN_SECONDS)
    moved = Interaction.objects.filter(user=None, session_key=session_key).update(
        user=user, session_key=""
    )
    # The account's history is built again from the table, with the session's views in front
    # (those still in the buffer are not in the table yet).
    anonymous = cache.get(history_key(user_id=None, session_key=session_key))
    history_forget([(user.pk, ""), (None, session_key)])
    if anonymous is not None and anonymous.viewed:
        from ..selectors import history

        history(user=user, session_key=None)
        history_merge(into=history_key(user_id=user.pk, session_key=None), source=anonymous)
    return moved
