"""The demo shop's funnel events (insights.ShopperEvent), drawn from the history the generator
has just written, so the funnel page agrees with the orders and interactions:

- every view and cart interaction is an event at its own time;
- every order is a visit: its products looked at again just before the history's cart
  interactions (at most 30 minutes before the order), its checkout (one row per merchant of
  its lines) and, when it was paid, its payment at `paid_at`;
- events of one shopper make sessions split by 30 minutes without an event (the rule of
  insights.funnel.markov), and each session has one channel: its order's, else one drawn
  (web, app, mini-program, partner). Orders get their channel drawn here too.

Streams the interactions in shopper order and writes with COPY: a million interactions take
seconds."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q

from catalog.models import Product
from insights.funnel.markov import SESSION_GAP
from insights.models import EventKind, ShopperEvent
from orders.models import Order, OrderChannel, OrderLine
from recommendations.models import Interaction, InteractionKind

from .bulk import TableWriter, can_copy

CHANNEL_WEIGHTS = {
    OrderChannel.WEB: 50,
    OrderChannel.APP: 30,
    OrderChannel.MINI_PROGRAM: 15,
    OrderChannel.PARTNER: 5,
}
FIELDS = (
    "visitor", "session_start", "kind", "user_id", "product_id", "merchant_id", "order_id",
    "channel", "created_at",
)  # fmt: skip
LAST_LOOK = timedelta(minutes=30, seconds=12)
# Order of events at one instant: a look before the cart before the checkout before paying.
_RANK = {EventKind.VIEW: 0, EventKind.CART: 1, EventKind.CHECKOUT: 2, EventKind.PAID: 3}


def _draw_channel(rng: random.Random) -> str:
    return rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]


def _order_channels(rng: random.Random) -> dict[int, str]:
    """Each order's channel, drawn and stored (the demo's orders were written as "web")."""
    ids = list(Order.objects.order_by("pk").values_list("pk", flat=True))
    channels = {pk: _draw_channel(rng) for pk in ids}
    by_channel: dict[str, list[int]] = defaultdict(list)
    for pk, channel in channels.items():
        by_channel[channel].append(pk)
    for channel, pks in by_channel.items():
        if channel == OrderChannel.WEB:
            continue
        for start in range(0, len(pks), 5000):
            Order.objects.filter(pk__in=pks[start : start + 5000]).update(channel=channel)
    return channels


def _order_events(rng: random.Random, channels: dict[int, str]) -> dict[int, list[tuple]]:
    """Per shopper: (when, kind, product, merchant, order, channel) of their orders' visits."""
    lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for order_id, product_id, merchant_id in OrderLine.objects.values_list(
        "order_id", "product_id", "merchant_id"
    ):
        lines[order_id].append((product_id, merchant_id))
    per_user: dict[int, list[tuple]] = defaultdict(list)
    orders = Order.objects.filter(user__isnull=False).values_list(
        "pk", "user_id", "created_at", "paid_at"
    )
    for order_id, user_id, placed, paid in orders.iterator(chunk_size=10_000):
        channel = channels.get(order_id, OrderChannel.WEB)
        its_lines = lines.get(order_id, [])
        events = per_user[user_id]
        for n, (product_id, merchant_id) in enumerate(its_lines):
            # The history put each product in the cart up to 30 minutes before the order (its
            # views came earlier, often days): a last look just before that, in the same visit.
            look = placed - LAST_LOOK + timedelta(seconds=5 * n)
            events.append((look, EventKind.VIEW, product_id, merchant_id, None, channel))
        merchants = {}
        for product_id, merchant_id in its_lines:
            merchants.setdefault(merchant_id, product_id)
        for merchant_id, product_id in merchants.items():
            events.append((placed, EventKind.CHECKOUT, product_id, merchant_id, order_id, channel))
            if paid is not None:
                events.append((paid, EventKind.PAID, product_id, merchant_id, order_id, channel))
    return per_user


def _write_visitor(
    writer: TableWriter, rng: random.Random, user_id: int, events: list[tuple]
) -> int:
    """Sessions of one shopper's events (time-sorted here), each with one channel; returns how
    many sessions."""
    events.sort(key=lambda e: (e[0], _RANK[e[1]]))
    visitor = f"u{user_id}"
    sessions = 0
    session: list[tuple] = []
    last: datetime | None = None

    def flush() -> None:
        if not session:
            return
        start = session[0][0]
        ordered = [e[5] for e in session if e[5]]
        channel = ordered[0] if ordered else _draw_channel(rng)
        for at, kind, product_id, merchant_id, order_id, _channel in session:
            writer.add(
                (visitor, start, kind, user_id, product_id, merchant_id, order_id, channel, at)
            )

    for event in events:
        if last is None or event[0] - last > SESSION_GAP:
            flush()
            session = []
            sessions += 1
        session.append(event)
        last = event[0]
    flush()
    return sessions


@contextmanager
def _indexes_built_after(model) -> Iterator[None]:
    """PostgreSQL: drop the table's secondary indexes for the load and build them afterwards
    (a sorted build is several times faster than a million index insertions). Inside the
    stage's transaction, so a failed load leaves them as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.schema_editor() as editor:
        for index in model._meta.indexes:
            editor.remove_index(model, index)
    yield
    with connection.cursor() as cursor:
        # The rows' foreign-key checks are deferred; an index cannot be built over pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            for index in model._meta.indexes:
                editor.add_index(model, index)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def demo_funnel(run) -> None:
    """The funnel's events for the history just written (a stage of demo.generate)."""
    rng = random.Random(f"{run.options.seed}-funnel")
    merchant_of = dict(Product.objects.values_list("pk", "merchant_id"))
    channels = _order_channels(rng)
    per_user = _order_events(rng, channels)
    with _indexes_built_after(ShopperEvent):
        _write_events(run, rng, merchant_of, per_user)


def _write_events(run, rng, merchant_of: dict, per_user: dict) -> None:
    writer = TableWriter(ShopperEvent, FIELDS, copy=can_copy())
    sessions = 0
    interactions = (
        Interaction.objects.filter(
            Q(kind=InteractionKind.VIEW) | Q(kind=InteractionKind.CART), user__isnull=False
        )
        .order_by("user_id", "created_at")
        .values_list("user_id", "product_id", "kind", "created_at")
    )
    current: int | None = None
    events: list[tuple] = []
    for user_id, product_id, kind, at in interactions.iterator(chunk_size=20_000):
        if user_id != current:
            if current is not None:
                sessions += _write_visitor(writer, rng, current, events + per_user.pop(current, []))
            current, events = user_id, []
        kind = EventKind.VIEW if kind == InteractionKind.VIEW else EventKind.CART
        events.append((at, kind, product_id, merchant_of.get(product_id), None, None))
    if current is not None:
        sessions += _write_visitor(writer, rng, current, events + per_user.pop(current, []))
    for user_id, rest in per_user.items():  # shoppers with orders and no browsing
        sessions += _write_visitor(writer, rng, user_id, rest)
    writer.flush()
    run.count("shopper events", writer.count)
    run.count("shopper sessions", sessions)
