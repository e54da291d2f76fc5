"""The funnel's events (ShopperEvent), and the only code that writes them (insights/receivers.py
calls it from the signals of the apps below).

Each event belongs to a session of its visitor, decided when the event happens: it continues the
session of the visitor's latest event if that came at most SESSION_GAP before it
(insights.funnel.markov.continues), otherwise it starts one. With a shared Redis cache (services
mode) the visitor's latest event time and session start are kept in a small key
(`visitor_session_starts`), read and moved on by every event, viewed or written directly, so a
product view need not be in the table before the next event is placed in its session; the table is
read only when the key is missing.

Product views are noted during the request (`shopper_view_note`) and sent on once its response has
gone (`shopper_views_send`; batched with the process's other requests' views, see
recommendations.store.send_after_response): with a shared cache to a Redis list, in one call that
also moves the visitor's session on, which the `insights.flush_views` task drains into the table
in bulk every few seconds (`shopper_views_flush_buffer`); otherwise (embedded mode, where other
processes cannot see this one's cache) in one insert. Carts, checkouts and payments are written
at once (`shopper_events_record`)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from recommendations.store import buffer_drain, redis_client, shared_cache

from ..funnel.markov import SESSION_GAP, continues
from ..models import EventKind, ShopperEvent

log = logging.getLogger(__name__)

# Views noted during the current request (shopper_view_note), sent on after the response.
_pending = threading.local()

# Views waiting in Redis for shopper_views_flush_buffer, oldest first: a list of JSON rows
# [visitor, user id, product id, channel, at, session start] (times in microseconds since 1970).
BUFFER_KEY = "insights:views"

# A visitor's latest event time and session start, "<at> <start>" in microseconds. It outlives
# the gap a little, so an event that finds it missing can only start a new session (the table is
# still asked then: the key may have been evicted).
STATE_KEY = "insights:visit:{}"
STATE_SECONDS = int((SESSION_GAP + timedelta(minutes=5)).total_seconds())

# At login a session's events become the shopper's; its views still in the buffer then are given
# to the shopper when they are flushed (the user id, under the session key).
LOGIN_KEY = "insights:login:{}"
LOGIN_SECONDS = 24 * 3600

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The session of each of a visitor's events (ARGV[4:], their times, each followed by its buffer
# row when KEYS[2] is given), moved on atomically: the same rule as `_session_start`. An event
# older than the visitor's latest leaves the state alone: one within the latest session's span (a
# request that ended late, views held by another worker's batch) is in that session, one older
# than its start starts its own. ARGV[3] is the state to assume when the key is missing ("-": no
# event yet); empty, the script changes nothing and returns nil, so the caller reads the table and
# asks again. A row is sent without its closing bracket: its session start is added here.
_SESSION_SCRIPT = """
local state = redis.call('GET', KEYS[1])
if not state then
  if ARGV[3] == '' then return false end
  state = ARGV[3]
end
local last, start
if state ~= '-' then last, start = string.match(state, '^(%d+) (%d+)$') end
local gap = tonumber(ARGV[1])
local step = 1
if KEYS[2] then step = 2 end
local starts = {}
if #ARGV < 4 then return starts end
for i = 4, #ARGV, step do
  local at = ARGV[i]
  local this
  if last and tonumber(at) < tonumber(last) then
    if tonumber(at) >= tonumber(start) then this = start else this = at end
  else
    if not (last and tonumber(at) - tonumber(last) <= gap) then start = at end
    last, this = at, start
  end
  starts[#starts + 1] = this
  if KEYS[2] then redis.call('RPUSH', KEYS[2], ARGV[i + 1] .. ',' .. this .. ']') end
end
redis.call('SET', KEYS[1], last .. ' ' .. start, 'EX', ARGV[2])
return starts
"""

# At login: the session visitor's state becomes the shopper's if its latest event is the later.
_JOIN_SCRIPT = """
local state = redis.call('GET', KEYS[1])
if not state then return 0 end
local mine = redis.call('GET', KEYS[2])
if (not mine) or tonumber(string.match(state, '^(%d+)')) > tonumber(string.match(mine, '^(%d+)'))
then
  redis.call('SET', KEYS[2], state, 'EX', ARGV[1])
end
redis.call('DEL', KEYS[1])
return 1
"""

_scripts: dict[tuple[int, str], object] = {}


def _script(client, source: str):
    key = (id(client), source)
    script = _scripts.get(key)
    if script is None:
        script = _scripts.setdefault(key, client.register_script(source))
    return script


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def _from_micros(value: int | str | bytes) -> datetime:
    return _EPOCH + int(value) * _MICROSECOND


def visitor_of(user_id: int | None, session_key: str | None) -> str:
    """The funnel's name of a shopper: the signed-in user, else the browser session."""
    if user_id:
        return f"u{user_id}"
    if session_key:
        return f"s{session_key}"
    return ""


def _latest_event(visitor: str) -> tuple[datetime, datetime] | None:
    """The visitor's latest event in the table: (when, its session start)."""
    return (
        ShopperEvent.objects.filter(visitor=visitor)
        .order_by("-created_at")
        .values_list("created_at", "session_start")
        .first()
    )


def _session_start(visitor: str, at: datetime) -> datetime:
    """The session of an event at `at`: the latest session's when it continues it or falls
    within its span (an event recorded late), otherwise its own."""
    last = _latest_event(visitor)
    if last is not None and (continues(last[0], at) or last[1] <= at < last[0]):
        return last[1]
    return at


def visitor_session_starts(
    *, visitor: str, times: Sequence[datetime], rows: Sequence[str] | None = None
) -> list[datetime]:
    """The session start of each of a visitor's events (at `times`, in order), decided now and
    remembered for the visitor's next event. With a shared cache: one call to Redis, which also
    appends the buffer `rows` (JSON arrays without their closing bracket, one per time) with
    their session start, so the view and its session are kept together; the table is read only
    when the visitor's key is missing. Without one, from the table (rows are not accepted)."""
    if not shared_cache():
        if rows is not None:
            raise ValueError("views are buffered only in a shared cache")
        return [_session_start(visitor, at) for at in times]
    client = redis_client(write=True)
    script = _script(client, _SESSION_SCRIPT)
    keys, args = _session_call(visitor, times, rows)
    starts = script(keys=keys, args=args)
    if starts is None:  # nothing known of the visitor in the last half hour: ask the table
        latest = _latest_event(visitor)
        args[2] = f"{_micros(latest[0])} {_micros(latest[1])}" if latest else "-"
        starts = script(keys=keys, args=args)
    return [_from_micros(start) for start in starts]


def _session_call(
    visitor: str, times: Sequence[datetime], rows: Sequence[str] | None
) -> tuple[list[str], list]:
    """The session script's keys and arguments for these events (and buffer rows)."""
    keys = [cache.make_key(STATE_KEY.format(visitor))]
    args: list = [int(SESSION_GAP / _MICROSECOND), STATE_SECONDS, ""]
    if rows is not None:
        keys.append(cache.make_key(BUFFER_KEY))
        for at, row in zip(times, rows, strict=True):
            args += [_micros(at), row]
    else:
        args += [_micros(at) for at in times]
    return keys, args


def shopper_events_record(*, visitor: str, rows: list[dict]) -> None:
    """Write events that happen now, in the visitor's current session (carts, checkouts,
    payments: one row per merchant)."""
    now = timezone.now()
    [start] = visitor_session_starts(visitor=visitor, times=[now])
    ShopperEvent.objects.bulk_create(
        ShopperEvent(visitor=visitor, session_start=start, created_at=now, **row) for row in rows
    )


def shopper_view_note(
    *,
    visitor: str,
    user_id: int | None,
    product_id: int,
    channel: str,
    merchant_id: int | None = None,
) -> None:
    """Hold a product view until the request's response has gone (shopper_views_send).
    The merchant, when the caller knows it, spares a look-up in embedded mode."""
    rows = getattr(_pending, "views", None)
    if rows is None:
        rows = _pending.views = []
    rows.append((visitor, user_id, product_id, channel, timezone.now(), merchant_id))


def shopper_views_take_pending() -> list[tuple] | None:
    """The views noted during this request, taken from it: None when it noted none."""
    rows = getattr(_pending, "views", None)
    if not rows:
        return None
    _pending.views = []
    return rows


def shopper_views_send(pipe, taken: list[list[tuple]], *, batched: bool = False):
    """Send on the views taken from requests (shopper_views_take_pending), once their responses
    have gone (recommendations.store.send_after_response). With a shared cache: one call of the
    session script per visitor, putting the views in the buffer with their sessions, in `pipe`
    (sent by the caller with other apps' writes) or on its own; otherwise one look-up of the
    visitor's session and one insert (and one of the products' merchants, when the caller did
    not say). Returns what to do with the script's replies in `pipe`: a visitor it knew nothing
    of (no reply), or a script Redis does not hold (after a restart: an error), is sent again on
    its own, which reads the table or loads the script. Never raises: a view that cannot be
    recorded is logged and lost. A batch (`batched`) is sent the same way: the script reads each
    visitor's state in Redis as it is when it runs."""
    rows = [row for request_rows in taken for row in request_rows]
    sent: list = []
    try:
        if shared_cache():
            _buffer_views(rows, pipe, sent)
        else:
            with transaction.atomic():  # a savepoint: a failed insert leaves the request's
                _write_views(rows)  # own transaction usable
    except Exception:
        log.exception("insights: could not record %d product views", len(rows))
        return None
    if pipe is None or not sent:
        return None

    def replied(replies: list) -> None:
        for (visitor, times, buffered), reply in zip(sent, replies, strict=True):
            if reply is None or isinstance(reply, Exception):
                visitor_session_starts(visitor=visitor, times=times, rows=buffered)

    return replied


def shopper_views_flush_pending() -> int:
    """Send on the views noted during this request now (shopper_views_send, on its own). Returns
    how many views were sent on."""
    taken = shopper_views_take_pending()
    if taken is None:
        return 0
    shopper_views_send(None, [taken])
    return len(taken)


def _buffer_views(rows: list[tuple], pipe=None, sent: list | None = None) -> None:
    per_visitor: dict[str, list[tuple]] = {}
    for row in rows:
        per_visitor.setdefault(row[0], []).append(row)
    for visitor, views in per_visitor.items():
        times = [at for *_, at, _merchant in views]
        buffered = [
            json.dumps([visitor, user_id, product_id, channel, _micros(at)])[:-1]
            for _visitor, user_id, product_id, channel, at, _merchant in views
        ]
        if pipe is None:
            visitor_session_starts(visitor=visitor, times=times, rows=buffered)
            continue
        script = _script(redis_client(write=True), _SESSION_SCRIPT)
        keys, args = _session_call(visitor, times, buffered)
        pipe.evalsha(script.sha, len(keys), *keys, *args)
        if sent is not None:
            sent.append((visitor, times, buffered))


def _write_views(rows: list[tuple]) -> None:
    merchants = {row[2]: row[5] for row in rows if row[5] is not None}
    unknown = {row[2] for row in rows} - merchants.keys()
    if unknown:
        merchants.update(Product.objects.filter(pk__in=unknown).values_list("pk", "merchant_id"))
    starts: dict[str, datetime] = {}
    events = []
    for visitor, user_id, product_id, channel, at, _merchant in rows:
        if visitor not in starts:
            [starts[visitor]] = visitor_session_starts(visitor=visitor, times=[at])
        events.append(
            ShopperEvent(
                visitor=visitor,
                session_start=starts[visitor],
                created_at=at,
                kind=EventKind.VIEW,
                user_id=user_id,
                product_id=product_id,
                merchant_id=merchants.get(product_id),
                channel=channel,
            )
        )
    ShopperEvent.objects.bulk_create(events)


def shopper_views_flush_buffer(*, batch: int = 5000) -> int:
    """Move the buffered views into the events table, `batch` at a time, one bulk insert each
    (the `insights.flush_views` task, every few seconds). Each batch is taken off the list in one
    step, so two runs at once share the views out and none is written twice. Views of a product
    or shopper deleted meanwhile are dropped; a session's views whose visitor has since signed in
    become the shopper's. A batch that cannot be inserted goes back to the head of the list and
    the error is raised. Returns how many views were inserted."""
    if not shared_cache():
        return 0
    return buffer_drain(BUFFER_KEY, _insert_buffered, batch=batch)


def _owners(session_keys: Iterable[str]) -> dict[str, int]:
    keys = {LOGIN_KEY.format(k): k for k in session_keys}
    return {keys[key]: user_id for key, user_id in cache.get_many(list(keys)).items()}


def _insert_buffered(entries: list[list]) -> int:
    sessions = sorted({e[0][1:] for e in entries if e[0].startswith("s")})
    owners = _owners(sessions) if sessions else {}
    users = {owners.get(e[0][1:]) if e[0].startswith("s") else e[1] for e in entries} - {None}
    if users:
        users = set(get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True))
    # One query: which products still exist, and their merchants (a product keeps its merchant:
    # Product.merchant is protected, so the event's merchant is one that exists).
    merchants = dict(
        Product.objects.filter(pk__in={e[2] for e in entries}).values_list("pk", "merchant_id")
    )
    events = []
    for visitor, user_id, product_id, channel, at, start in entries:
        owner = owners.get(visitor[1:]) if visitor.startswith("s") else None
        if owner is not None:
            visitor, user_id = visitor_of(owner, None), owner
        if (user_id and user_id not in users) or product_id not in merchants:
            continue
        events.append(
            ShopperEvent(
                visitor=visitor,
                session_start=_from_micros(start),
                created_at=_from_micros(at),
                kind=EventKind.VIEW,
                user_id=user_id,
                product_id=product_id,
                merchant_id=merchants[product_id],
                channel=channel,
            )
        )
    ShopperEvent.objects.bulk_create(events)
    # A login between reading the owners and the insert above: its move of the session's events
    # may have missed these, so they are moved here.
    late = [k for k in sessions if k not in owners]
    if late:
        for session_key, owner in _owners(late).items():
            ShopperEvent.objects.filter(visitor=visitor_of(None, session_key)).update(
                visitor=visitor_of(owner, None), user_id=owner
            )
    return len(events)


def shopper_events_attach_session(*, user_id: int, session_key: str) -> int:
    """A visitor signs in: the session's events become the shopper's (those in the table now,
    and those still in the buffer when it is flushed), and so does its current session, if it is
    the shopper's latest, so a visit that browsed anonymously and checks out signed in stays one
    session. Returns how many events in the table moved."""
    shopper_views_flush_pending()
    if not session_key:
        return 0
    visitor = visitor_of(None, session_key)
    if shared_cache():
        cache.set(LOGIN_KEY.format(session_key), user_id, LOGIN_SECONDS)
        client = redis_client(write=True)
        _script(client, _JOIN_SCRIPT)(
            keys=[
                cache.make_key(STATE_KEY.format(visitor)),
                cache.make_key(STATE_KEY.format(visitor_of(user_id, None))),
            ],
            args=[STATE_SECONDS],
        )
    return ShopperEvent.objects.filter(visitor=visitor).update(
        visitor=visitor_of(user_id, None), user_id=user_id
    )
