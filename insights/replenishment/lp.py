"""What to reorder under a purchasing budget and a warehouse's room: a mixed-integer linear
programme (scipy.optimize.milp, HiGHS) maximising the expected margin of the units ordered, and
the greedy reorder it is compared with.

Expected margin of ordering q more units of an item = unit margin * (E[min(D, p + q)] -
E[min(D, p)]), D the demand over the horizon (normal, mean `demand`, sd `sigma`), p the position
(available + on order). E[min(D, s)] is concave in s, so it is replaced by the chords between
breakpoints: the programme fills an item's segments in order because their slopes fall. Orders
are whole cases (an integer number of cases per item); the constraints:

    sum(unit cost * q) <= budget,   sum(q) <= room (capacity - units on hand - on order)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.sparse import coo_array

_NORMAL = NormalDist()
SEGMENTS = 8


@dataclass(frozen=True)
class Item:
    """One variant to plan: money as float here (the service converts to and from Decimal)."""

    key: int
    unit_cost: float
    unit_margin: float
    demand: float  # expected units over the horizon
    sigma: float  # standard deviation of that demand
    position: int  # available + on order
    case_pack: int = 1
    suggested: int = 0  # the reorder rule's quantity (the greedy baseline orders it)
    urgency: float = 0.0  # days of cover left: the fewer, the sooner greedy orders it

    @property
    def most(self) -> int:
        """The most worth ordering: up to the mean plus four sigma, in whole cases."""
        top = self.demand + 4 * self.sigma - self.position
        if top <= 0:
            return 0
        case = max(1, self.case_pack)
        return math.ceil(top / case) * case


def expected_sales(stock: float, *, demand: float, sigma: float) -> float:
    """E[min(D, stock)] for D ~ Normal(demand, sigma) (cut at zero by the min)."""
    if stock <= 0:
        return 0.0
    if sigma <= 0:
        return min(demand, stock)
    z = (stock - demand) / sigma
    shortfall = sigma * (z * _NORMAL.cdf(z) + _NORMAL.pdf(z))  # E[(stock - D)+]
    return max(0.0, stock - shortfall)


def expected_margin(item: Item, quantity: int) -> float:
    """The expected margin the order of `quantity` units adds within the horizon."""
    if quantity <= 0:
        return 0.0
    gained = expected_sales(
        item.position + quantity, demand=item.demand, sigma=item.sigma
    ) - expected_sales(item.position, demand=item.demand, sigma=item.sigma)
    return item.unit_margin * gained


def total_margin(items: Sequence[Item], quantities: dict[int, int]) -> float:
    return sum(expected_margin(item, quantities.get(item.key, 0)) for item in items)


@dataclass(frozen=True)
class Solution:
    quantities: dict[int, int]  # item key -> units to order (0 left out)
    margin: float  # expected margin, on the exact (not piecewise) curve
    cost: float
    units: int
    status: str


def _summary(items: Sequence[Item], quantities: dict[int, int], status: str) -> Solution:
    by_key = {item.key: item for item in items}
    chosen = {k: q for k, q in quantities.items() if q > 0}
    return Solution(
        quantities=chosen,
        margin=total_margin(items, chosen),
        cost=sum(by_key[k].unit_cost * q for k, q in chosen.items()),
        units=sum(chosen.values()),
        status=status,
    )


def greedy_plan(items: Sequence[Item], *, budget: float, room: float | None) -> Solution:
    """What a busy buyer does: the items closest to running out first, each ordered its
    suggested quantity in full while the budget and the room allow, skipping those that no
    longer fit."""
    left_money, left_room = budget, math.inf if room is None else room
    chosen: dict[int, int] = {}
    for item in sorted(items, key=lambda i: (i.urgency, i.key)):
        quantity = item.suggested
        if quantity <= 0:
            continue
        if quantity * item.unit_cost <= left_money + 1e-9 and quantity <= left_room:
            chosen[item.key] = quantity
            left_money -= quantity * item.unit_cost
            left_room -= quantity
    return _summary(items, chosen, "greedy")


def optimal_plan(
    items: Sequence[Item],
    *,
    budget: float,
    room: float | None,
    segments: int = SEGMENTS,
    time_limit: float = 30.0,
) -> Solution:
    """The order quantities maximising expected margin (see the module's docstring)."""
    # Here rather than at the top: scipy.optimize takes a quarter of a second to import, and
    # every web and worker process imports this module through admin at start-up.
    from scipy.optimize import Bounds, LinearConstraint, milp

    items = [item for item in items if item.most > 0 and item.unit_margin > 0]
    if not items or budget <= 0 or (room is not None and room <= 0):
        return _summary(items, {}, "nothing to order")
    # Variables: for item i, `segments` segment fills x_ij (continuous, 0..width), then the
    # number of cases n_i (integer). sum_j x_ij = case_i * n_i.
    k = segments
    n = len(items)
    size = n * k + n
    gain = np.zeros(size)
    upper = np.zeros(size)
    integrality = np.zeros(size)
    cost_row = np.zeros(size)
    units_row = np.zeros(size)
    # Sparse: each item's row links its own k + 1 columns only.
    link_rows, link_columns, link_values = [], [], []
    for i, item in enumerate(items):
        width = item.most / k
        before = expected_sales(item.position, demand=item.demand, sigma=item.sigma)
        for j in range(k):
            after = expected_sales(
                item.position + width * (j + 1), demand=item.demand, sigma=item.sigma
            )
            column = i * k + j
            gain[column] = item.unit_margin * (after - before) / width
            upper[column] = width
            before = after
            link_rows.append(i)
            link_columns.append(column)
            link_values.append(1.0)
        cases = n * k + i
        case = max(1, item.case_pack)
        integrality[cases] = 1
        upper[cases] = item.most // case
        link_rows.append(i)
        link_columns.append(cases)
        link_values.append(-float(case))
        cost_row[cases] = item.unit_cost * case
        units_row[cases] = case
    link = coo_array((link_values, (link_rows, link_columns)), shape=(n, size)).tocsr()
    constraints = [
        LinearConstraint(link, 0.0, 0.0),
        LinearConstraint(cost_row[np.newaxis, :], -np.inf, budget),
    ]
    if room is not None:
        constraints.append(LinearConstraint(units_row[np.newaxis, :], -np.inf, room))
    result = milp(
        c=-gain,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(np.zeros(size), upper),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-3, "disp": False},
    )
    if result.x is None:
        return _summary(items, {}, f"no solution: {result.message}")
    quantities = {
        item.key: round(result.x[n * k + i]) * max(1, item.case_pack)
        for i, item in enumerate(items)
    }
    return _summary(items, quantities, "optimal" if result.status == 0 else "time limit")
