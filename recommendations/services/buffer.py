"""Product views noted during a request, sent on once its response has gone: to a Redis buffer
that interactions_flush_buffer drains into the table in bulk (services mode), or in one insert
(embedded mode, where other processes cannot see this one's cache)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache

from catalog.models import Product

from ..history import (
    HISTORY_SECONDS,
    History,
    history_forget,
    history_note_views,
    history_read_forget,
)
from ..models import (
    Interaction,
)
from ..store import buffer_drain, cache_dumps, redis_client, shared_cache

log = logging.getLogger(__name__)

_pending = threading.local()


# Views waiting in Redis for interactions_flush_buffer, oldest first (a Redis list of JSON rows).
BUFFER_KEY = "recs:buffer"


# A session's history joins an account at login; views of that session still in the buffer then
# are given to the account when they are flushed.
LOGIN_KEY = "recs:login:{}"

LOGIN_SECONDS = 24 * 3600


def pending_add(*, row: Interaction) -> None:
    """Hold a row until the end of the request (see interactions_flush_pending)."""
    rows = getattr(_pending, "rows", None)
    if rows is None:
        rows = _pending.rows = []
    rows.append(row)


def interactions_take_pending() -> tuple[list[Interaction], dict[str, History]] | None:
    """What this request noted (its rows, and the histories it read, which the rows' views are
    folded into), taken from it: None when it noted nothing."""
    rows = getattr(_pending, "rows", None)
    read = history_read_forget()
    if not rows:
        return None
    _pending.rows = []
    return rows, read


def interactions_send(pipe, taken: list, *, batched: bool = False) -> None:
    """Send on the interactions taken from requests (interactions_take_pending), once their
    responses have gone (store.send_after_response): with a shared cache, one RPUSH to the buffer
    with the writes of the shoppers' cached histories they change, in `pipe` (sent by the caller
    with other apps' writes) or in a round trip of their own; otherwise one insert, then the
    histories. One request's views are folded into the histories it read; a batch of several
    (`batched`) reads them afresh, in one round trip: another process may have changed them
    since. Never raises: views that cannot be recorded are logged and lost."""
    rows = [row for request_rows, _read in taken for row in request_rows]
    read = {} if batched else {key: value for _rows, seen in taken for key, value in seen.items()}
    views = [
        (row.user_id, row.session_key, row.product_id, row.created_at.timestamp()) for row in rows
    ]
    try:
        if shared_cache():
            # The rows and the shoppers' histories with them, in one round trip to Redis.
            changed = history_note_views(views, write=False, read=read)
            own = pipe is None
            if own:
                pipe = redis_client(write=True).pipeline(transaction=False)
            pipe.rpush(
                cache.make_key(BUFFER_KEY),
                *[
                    json.dumps([r.user_id, r.session_key, r.product_id, r.kind, r.value,
                                r.created_at.timestamp()])
                    for r in rows
                ],
            )  # fmt: skip
            for key, value in changed.items():
                pipe.set(cache.make_key(key), cache_dumps(value), ex=HISTORY_SECONDS)
            if own:
                pipe.execute()
        else:
            Interaction.objects.bulk_create(rows)
            history_note_views(views, read=read)
    except Exception:  # a lost page view must never break anything else
        log.exception("could not record %d interactions", len(rows))


def interactions_flush_pending() -> int:
    """Send on the interactions noted during this request now (interactions_send). Returns how
    many rows were sent on."""
    taken = interactions_take_pending()
    if taken is None:
        return 0
    interactions_send(None, [taken])
    return len(taken[0])


def interactions_flush_buffer(*, batch: int = 5000) -> int:
    """Move the buffered views into the interactions table, `batch` at a time (one bulk insert
    each); the Celery beat runs this every few seconds. Rows whose shopper or product has been
    deleted meanwhile are dropped; rows of a session that has since logged in go to the account.
    A batch that cannot be inserted goes back to the head of the buffer. Returns how many rows
    were inserted."""
    if not shared_cache():
        return 0
    return buffer_drain(BUFFER_KEY, _insert_buffered, batch=batch)


def _insert_buffered(entries: list[list]) -> int:
    sessions = sorted({e[1] for e in entries if not e[0] and e[1]})
    owners = {}
    if sessions:
        found = cache.get_many([LOGIN_KEY.format(k) for k in sessions])
        owners = {k: found[LOGIN_KEY.format(k)] for k in sessions if LOGIN_KEY.format(k) in found}
    users = {owners.get(e[1]) if not e[0] else e[0] for e in entries} - {None}
    users = set(get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True))
    products = set(
        Product.objects.filter(pk__in={e[2] for e in entries}).values_list("pk", flat=True)
    )
    rows = []
    for user_id, session_key, product_id, kind, value, at in entries:
        if not user_id and session_key in owners:
            user_id, session_key = owners[session_key], ""
        if (user_id and user_id not in users) or product_id not in products:
            continue
        rows.append(
            Interaction(
                user_id=user_id or None,
                session_key=session_key,
                product_id=product_id,
                kind=kind,
                value=value,
                created_at=datetime.fromtimestamp(at, tz=UTC),
            )
        )
    Interaction.objects.bulk_create(rows)
    # A login between reading the owners and the insert above: its move of the session's rows
    # may have missed these, so they are moved here.
    late = [k for k in sessions if k not in owners]
    if late:
        found = cache.get_many([LOGIN_KEY.format(k) for k in late])
        for session_key in late:
            owner = found.get(LOGIN_KEY.format(session_key))
            if owner is not None:
                Interaction.objects.filter(user=None, session_key=session_key).update(
                    user_id=owner, session_key=""
                )
                owners[session_key] = owner
    if owners:
        history_forget([(user_id, "") for user_id in set(owners.values())])
    return len(rows)
