"""The funnel page's figures: sessions reaching each step (counted by the database), and the
Markov model of the most recent sessions (their events loaded, at most `MARKOV_EVENT_CAP`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, QuerySet, Sum, Value, When
from django.utils import timezone

from orders.models import OrderChannel

from ..funnel import markov
from ..models import EventKind, ShopperEvent

# Events loaded for the Markov model: the most recent sessions of the period up to this many
# events (about 0.2 s of loading and counting); the page says how many sessions it used.
MARKOV_EVENT_CAP = 30_000
CACHE_SECONDS = 300


@dataclass(frozen=True)
class FunnelQuery:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    merchant_id: int | None = None  # None: every merchant (the operator)
    channel: str = ""  # "": every channel

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> FunnelQuery:
        return FunnelQuery(
            self.start - timedelta(days=self.days),
            self.start - timedelta(days=1),
            self.merchant_id,
            self.channel,
        )


def _bounds(query: FunnelQuery) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    since = datetime.combine(query.start, time.min, tzinfo=zone)
    until = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=zone)
    return since, until


def funnel_events(query: FunnelQuery) -> QuerySet[ShopperEvent]:
    """The events of the sessions that began in the period, of the merchant's products and
    orders (all merchants' for None), of the channel."""
    since, until = _bounds(query)
    events = ShopperEvent.objects.filter(session_start__gte=since, session_start__lt=until)
    if query.merchant_id is not None:
        events = events.filter(merchant_id=query.merchant_id)
    if query.channel:
        events = events.filter(channel=query.channel)
    return events


def _reached(kind: str) -> Max:
    return Max(Case(When(kind=kind, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _per_session(query: FunnelQuery, *group: str):
    return (
        funnel_events(query)
        .order_by()
        .values("visitor", "session_start", *group)
        .annotate(
            v=_reached(EventKind.VIEW),
            c=_reached(EventKind.CART),
            k=_reached(EventKind.CHECKOUT),
            p=_reached(EventKind.PAID),
        )
    )


def funnel_step_counts_by_channel(query: FunnelQuery) -> dict[str, dict[str, int]]:
    """funnel_step_counts for every channel, in one query (a session seen on two channels
    counts on each)."""
    sql, params = _per_session(query, "channel").query.sql_with_params()
    outer = (
        "SELECT s.channel, SUM(s.v), SUM(s.v * s.c), SUM(s.v * s.c * s.k), "
        f"SUM(s.v * s.c * s.k * s.p), COUNT(*) FROM ({sql}) s GROUP BY s.channel"
    )
    counts = {value: dict.fromkeys((*markov.STEPS, "sessions"), 0) for value in OrderChannel.values}
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        for channel, *sums in cursor.fetchall():
            counts[channel] = {
                key: int(n or 0) for key, n in zip((*markov.STEPS, "sessions"), sums, strict=True)
            }
    return counts


def funnel_step_counts(query: FunnelQuery) -> dict[str, int]:
    """Sessions per step, as markov.funnel_counts counts them (a step and every step before
    it), in one query: per session whether it reached each step, summed."""
    per_session = _per_session(query)
    totals = per_session.aggregate(
        view=Sum("v"),
        cart=Sum(F("v") * F("c")),
        checkout=Sum(F("v") * F("c") * F("k")),
        paid=Sum(F("v") * F("c") * F("k") * F("p")),
        sessions=Count("visitor"),
    )
    return {key: int(value or 0) for key, value in totals.items()}


@dataclass
class MarkovResult:
    sessions: int
    capped: bool
    counts: list[list[int]]
    matrix: list[list[float]]
    to_paid: list[tuple[tuple[str, ...], float]]
    to_exit: list[tuple[tuple[str, ...], float]]
    purchase: dict[str, float]


def funnel_walks(
    query: FunnelQuery, *, cap: int = MARKOV_EVENT_CAP
) -> tuple[list[list[str]], bool]:
    """The walks (states in order) of the period's most recent sessions, and whether the cap
    left older sessions out."""
    rows = list(
        funnel_events(query)
        .order_by("-session_start", "visitor")
        .values_list("visitor", "session_start", "kind", "order_id", "created_at")[: cap + 1]
    )
    capped = len(rows) > cap
    if capped:
        rows = rows[:cap]
        oldest = rows[-1][1]
        # The oldest session in the slice may have lost events to the cap: leave it out.
        rows = [row for row in rows if row[1] != oldest] or rows
    sessions: dict[tuple[str, datetime], list[markov.Event]] = defaultdict(list)
    for visitor, start, kind, order_id, at in rows:
        sessions[(visitor, start)].append(markov.Event(visitor, at, kind, order_id))
    return [markov.walk(events) for events in sessions.values()], capped


def funnel_markov(query: FunnelQuery, *, cap: int = MARKOV_EVENT_CAP) -> MarkovResult:
    walks, capped = funnel_walks(query, cap=cap)
    counts = markov.transition_counts(walks)
    matrix = markov.transition_matrix(counts)
    return MarkovResult(
        sessions=len(walks),
        capped=capped,
        counts=counts,
        matrix=matrix,
        to_paid=markov.top_paths(matrix, markov.PAID, k=5, max_steps=8),
        to_exit=markov.top_paths(matrix, markov.EXIT, k=5, max_steps=8, avoid=[markov.PAID]),
        purchase=markov.purchase_probability(matrix),
    )


@dataclass
class FunnelReport:
    query: FunnelQuery
    steps: dict[str, int]
    previous: dict[str, int]
    by_channel: list[tuple[str, dict[str, int]]]
    markov: MarkovResult


def funnel_report(query: FunnelQuery) -> FunnelReport:
    """Everything the funnel page shows, cached for a few minutes per query."""
    key = f"insights:funnel:{query.start}:{query.end}:{query.merchant_id}:{query.channel}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    by_channel = []
    if not query.channel:
        by_channel = list(funnel_step_counts_by_channel(query).items())
    report = FunnelReport(
        query=query,
        steps=funnel_step_counts(query),
        previous=funnel_step_counts(query.previous()),
        by_channel=by_channel,
        markov=funnel_markov(query),
    )
    cache.set(key, report, CACHE_SECONDS)
    return report
