"""Sessions of shopper events, the funnel they make and a first-order Markov model of them.

An event is (visitor, when, kind[, order id]); a visitor is a signed-in shopper or a browser
session. A visitor's session ends after `SESSION_GAP` without an event. A session is a walk
through the states START -> view/cart/checkout/paid ... -> EXIT; the transition matrix counts
every step of every walk and divides each row by its total, so its rows sum to one. PAID and
EXIT end a walk for the path search and the absorption probabilities (the chance that a shopper
in a state goes on to pay before leaving).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

START, VIEW, CART, CHECKOUT, PAID, EXIT = "start", "view", "cart", "checkout", "paid", "exit"
STATES: tuple[str, ...] = (START, VIEW, CART, CHECKOUT, PAID, EXIT)
STEPS: tuple[str, ...] = (VIEW, CART, CHECKOUT, PAID)
SESSION_GAP = timedelta(minutes=30)
_INDEX = {state: i for i, state in enumerate(STATES)}


@dataclass(frozen=True)
class Event:
    visitor: str
    at: datetime
    kind: str
    order_id: int | None = None


@dataclass
class Session:
    visitor: str
    started_at: datetime
    kinds: list[str] = field(default_factory=list)


def continues(last_at: datetime | None, at: datetime, gap: timedelta = SESSION_GAP) -> bool:
    """Whether an event at `at` belongs to the session whose last event was at `last_at`."""
    return last_at is not None and timedelta(0) <= at - last_at <= gap


def split_sessions(events: Iterable[Event], gap: timedelta = SESSION_GAP) -> list[Session]:
    """The sessions the events make, ordered by visitor then start. An order's checkout (or
    payment) seen twice in one session (one event per merchant of the order) counts once."""
    ordered = sorted(events, key=lambda e: (e.visitor, e.at))
    result: list[Session] = []
    members: list[list[Event]] = []
    last_at: datetime | None = None
    for event in ordered:
        if (
            not result
            or event.visitor != result[-1].visitor
            or not continues(last_at, event.at, gap)
        ):
            result.append(Session(event.visitor, event.at))
            members.append([])
        last_at = event.at
        members[-1].append(event)
    for session, its_events in zip(result, members, strict=True):
        session.kinds = walk(its_events)
    return result


def walk(events: Iterable[Event]) -> list[str]:
    """One session's states in time order; an order's checkout or payment recorded once per
    merchant of the order counts once."""
    kinds: list[str] = []
    seen: set[tuple[str, int]] = set()
    for event in sorted(events, key=lambda e: e.at):
        if event.order_id is not None and event.kind in (CHECKOUT, PAID):
            if (event.kind, event.order_id) in seen:
                continue
            seen.add((event.kind, event.order_id))
        kinds.append(event.kind)
    return kinds


def funnel_counts(walks: Iterable[Sequence[str]]) -> dict[str, int]:
    """Sessions per step: a session counts at a step when it reached that step and every step
    before it (view, cart, checkout, paid)."""
    counts = dict.fromkeys(STEPS, 0)
    for kinds in walks:
        reached = set(kinds)
        for step in STEPS:
            if step not in reached:
                break
            counts[step] += 1
    return counts


def step_conversion(counts: dict[str, int]) -> dict[str, float | None]:
    """Each step's count over the previous step's (None for the first step or after zero)."""
    rates: dict[str, float | None] = {}
    previous: int | None = None
    for step in STEPS:
        n = counts.get(step, 0)
        rates[step] = None if not previous else n / previous
        previous = n
    return rates


def transition_counts(walks: Iterable[Sequence[str]]) -> list[list[int]]:
    """How often each state is followed by each other, START and EXIT added to every walk."""
    size = len(STATES)
    counts = [[0] * size for _ in range(size)]
    for kinds in walks:
        previous = _INDEX[START]
        for kind in kinds:
            here = _INDEX[kind]
            counts[previous][here] += 1
            previous = here
        counts[previous][_INDEX[EXIT]] += 1
    return counts


def transition_matrix(counts: Sequence[Sequence[int]]) -> list[list[float]]:
    """Each row divided by its total, so it sums to one. EXIT stays where it is; a state never
    left in the data goes to EXIT."""
    matrix = []
    for i, row in enumerate(counts):
        total = sum(row)
        if STATES[i] == EXIT or total == 0:
            matrix.append([1.0 if STATES[j] == EXIT else 0.0 for j in range(len(STATES))])
        else:
            matrix.append([n / total for n in row])
    return matrix


def top_paths(
    matrix: Sequence[Sequence[float]],
    target: str,
    *,
    k: int = 5,
    max_steps: int = 8,
    avoid: Iterable[str] = (),
    max_expansions: int = 200_000,
) -> list[tuple[tuple[str, ...], float]]:
    """The `k` most likely walks from START to `target` of at most `max_steps` moves, most
    likely first, never passing through a state of `avoid`. PAID and EXIT end a walk."""
    banned = {_INDEX[s] for s in avoid} | {_INDEX[START]}
    goal = _INDEX[target]
    ends = {_INDEX[PAID], _INDEX[EXIT]}
    heap: list[tuple[float, tuple[int, ...]]] = [(-1.0, (_INDEX[START],))]
    found: list[tuple[tuple[str, ...], float]] = []
    expansions = 0
    while heap and len(found) < k and expansions < max_expansions:
        negative, path = heapq.heappop(heap)
        here = path[-1]
        if here == goal:
            found.append((tuple(STATES[i] for i in path), -negative))
            continue
        if here in ends or len(path) > max_steps:
            continue
        expansions += 1
        for nxt, p in enumerate(matrix[here]):
            if p > 0 and nxt not in banned:
                heapq.heappush(heap, (negative * p, (*path, nxt)))
    return found


def purchase_probability(matrix: Sequence[Sequence[float]]) -> dict[str, float]:
    """For each state, the probability that a walk in it reaches PAID before EXIT (PAID: 1,
    EXIT: 0). Solves h = Q h + r over the other states (least squares if a state never ends)."""
    inner = [i for i, s in enumerate(STATES) if s not in (PAID, EXIT)]
    q = np.array([[matrix[i][j] for j in inner] for i in inner], dtype=float)
    r = np.array([matrix[i][_INDEX[PAID]] for i in inner], dtype=float)
    system = np.eye(len(inner)) - q
    try:
        h = np.linalg.solve(system, r)
    except np.linalg.LinAlgError:
        h = np.linalg.lstsq(system, r, rcond=None)[0]
    result = {STATES[i]: float(min(1.0, max(0.0, v))) for i, v in zip(inner, h, strict=True)}
    result[PAID] = 1.0
    result[EXIT] = 0.0
    return result
