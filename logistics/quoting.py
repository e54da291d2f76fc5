"""Delivery quoting, without Django: which warehouses ship an order (the plan), what a parcel
costs (the rate lookup) and when it arrives (the ETA). The selectors and services feed it plain
values read from the database; it is tested and benchmarked alone.

The plan: one warehouse that holds the whole order, the nearest if several can; otherwise the
fewest shipments, and among as few the smallest total distance, splitting lines between them.

A rate: the method's rows for the parcel's zone (found by the destination's province), the
merchant's own rows over the shop-wide ones, a zone's rows over the rows for anywhere; the band
is the first whose upper weight edge holds the parcel, and above the last band each started kg
costs the last band's `per_kg_above` (首重/续重). A threshold makes the parcel free when the goods
it is measured against reach it.

An ETA: the warehouse takes an order the day it comes in before its cutoff time (else the next
day), on a day it works (its weekends if it works them, never a non-working day), and ships it
`handling_days` working days later; the parcel then travels the method's transit days (from the
distance and the method's speed, plus the zone's extra days), counting only days that are not
non-working days, and arrives on such a day."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Brute force over sets of warehouses up to this many warehouses; a greedy cover above.
_EXACT_SEARCH_LIMIT = 12


# --- The plan: which warehouses ship -------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseStock:
    """One warehouse as the plan sees it: how far from the destination (None: unknown, treated
    as farther than any known distance) and the units available of each variant."""

    warehouse_id: int
    distance_km: float | None
    available: Mapping[int, int]

    @property
    def sort_distance(self) -> float:
        return math.inf if self.distance_km is None else self.distance_km


@dataclass(frozen=True)
class Take:
    """Units of one variant the plan takes from one warehouse."""

    warehouse_id: int
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Plan:
    """Where each variant's units come from, why those warehouses, and their distances."""

    takes: tuple[Take, ...]
    rule: str  # "single" (one warehouse holds everything) or "split" (fewest shipments)
    distances: Mapping[int, float | None]  # warehouse id -> km

    @property
    def warehouse_ids(self) -> list[int]:
        return sorted({t.warehouse_id for t in self.takes}, key=self._order)

    def _order(self, warehouse_id: int) -> tuple[float, int]:
        km = self.distances.get(warehouse_id)
        return (math.inf if km is None else km, warehouse_id)

    @property
    def reason(self) -> str:
        """The choice in words, for the stock movements' record."""

        def km(warehouse_id: int) -> str:
            value = self.distances.get(warehouse_id)
            return "distance unknown" if value is None else f"{value:.0f} km"

        ids = self.warehouse_ids
        if self.rule == "single":
            return f"nearest warehouse with every item, {km(ids[0])}"
        where = ", ".join(f"#{w} {km(w)}" for w in ids)
        return f"no warehouse has every item: fewest shipments ({len(ids)}), nearest: {where}"


def _nearness(wanted: Mapping[int, int]):
    """Sort key: nearest first; at equal (or unknown) distance the one with more of the wanted
    units available (spreading the load), then the lower id."""

    def key(w: WarehouseStock) -> tuple[float, int, int]:
        held = sum(w.available.get(v, 0) for v in wanted)
        return (w.sort_distance, -held, w.warehouse_id)

    return key


def _covers(group: Sequence[WarehouseStock], wanted: Mapping[int, int]) -> bool:
    return all(sum(w.available.get(v, 0) for w in group) >= q for v, q in wanted.items())


def _takes(group: Sequence[WarehouseStock], wanted: Mapping[int, int]) -> list[Take]:
    """Each variant from the nearest warehouse of the group that holds all of it (a line is not
    split into two parcels when one warehouse can send it whole), else split nearest first."""
    ordered = sorted(group, key=_nearness(wanted))
    takes = []
    for variant_id, quantity in sorted(wanted.items()):
        need = quantity
        whole = [w for w in ordered if w.available.get(variant_id, 0) >= quantity]
        for w in whole[:1] or ordered:
            take = min(need, w.available.get(variant_id, 0))
            if take > 0:
                takes.append(Take(w.warehouse_id, variant_id, take))
                need -= take
            if need == 0:
                break
    return takes


def plan_shipments(wanted: Mapping[int, int], warehouses: Iterable[WarehouseStock]) -> Plan | None:
    """The warehouses that ship `wanted` (variant id -> units), or None when all of them together
    do not hold enough. Ties go to the warehouse holding more of the order, then the lower id, so
    the same stock always gives the same plan."""
    wanted = {v: q for v, q in wanted.items() if q > 0}
    stocked = sorted(
        (w for w in warehouses if any(w.available.get(v, 0) > 0 for v in wanted)),
        key=_nearness(wanted),
    )
    distances = {w.warehouse_id: w.distance_km for w in stocked}
    if not wanted:
        return Plan((), "single", distances)
    if not _covers(stocked, wanted):
        return None
    whole = [w for w in stocked if _covers([w], wanted)]
    if whole:
        return Plan(tuple(_takes(whole[:1], wanted)), "single", distances)
    if len(stocked) > _EXACT_SEARCH_LIMIT:
        return Plan(tuple(_greedy(stocked, wanted)), "split", distances)
    for size in range(2, len(stocked) + 1):
        groups = [g for g in combinations(stocked, size) if _covers(g, wanted)]
        if groups:
            best = min(
                groups,
                key=lambda g: (sum(w.sort_distance for w in g), [_nearness(wanted)(w) for w in g]),
            )
            return Plan(tuple(_takes(best, wanted)), "split", distances)
    return None  # unreachable: the whole set covers


def _greedy(stocked: Sequence[WarehouseStock], wanted: Mapping[int, int]) -> list[Take]:
    """Many warehouses: repeatedly the one that covers most of what is still missing (nearest
    first among equals)."""
    missing = dict(wanted)
    chosen: list[WarehouseStock] = []
    while any(missing.values()):
        best = max(
            (w for w in stocked if w not in chosen),
            key=lambda w: (
                sum(min(w.available.get(v, 0), q) for v, q in missing.items()),
                -w.sort_distance,
                -w.warehouse_id,
            ),
        )
        chosen.append(best)
        for v in missing:
            missing[v] = max(0, missing[v] - best.available.get(v, 0))
    return _takes(chosen, wanted)


# --- Rates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """One row of a method's rate table. zone_id None: anywhere; merchant_id None: shop-wide."""

    zone_id: int | None
    merchant_id: int | None
    max_weight_grams: int
    price: Decimal
    per_kg_above: Decimal = ZERO
    free_above: Decimal | None = None


@dataclass(frozen=True)
class Zone:
    zone_id: int
    provinces: frozenset[str]  # province codes, "330000"
    extra_days: int = 0


def zone_for(province_code: str, zones: Sequence[Zone]) -> Zone | None:
    """The first zone (in the given order) that holds the province."""
    return next((z for z in zones if province_code in z.provinces), None)


@dataclass(frozen=True)
class Price:
    amount: Decimal
    row: RateRow
    free: bool = False


def parcel_price(
    *,
    rows: Sequence[RateRow],
    zone_id: int | None,
    merchant_id: int | None,
    weight_grams: int,
    merchant_value: Decimal,
    order_value: Decimal,
) -> Price | None:
    """What one parcel costs, or None when the method has no rate for it (the method does not
    serve that zone). The merchant's rows for the zone come first, then the merchant's rows for
    anywhere, then the shop-wide rows for the zone, then the shop-wide rows for anywhere: the
    first of these that has rows prices the parcel. A merchant's threshold is measured against
    the merchant's goods in the order, a shop-wide one against the whole order's goods."""
    tiers = []
    if merchant_id is not None:
        tiers += [(merchant_id, zone_id), (merchant_id, None)]
    tiers += [(None, zone_id), (None, None)]
    for tier_merchant, tier_zone in dict.fromkeys(tiers):
        band = sorted(
            (r for r in rows if r.merchant_id == tier_merchant and r.zone_id == tier_zone),
            key=lambda r: r.max_weight_grams,
        )
        if not band:
            continue
        row = next((r for r in band if weight_grams <= r.max_weight_grams), None)
        if row is None:
            row = band[-1]
            extra_kg = math.ceil((weight_grams - row.max_weight_grams) / 1000)
            amount = row.price + row.per_kg_above * extra_kg
        else:
            amount = row.price
        value = merchant_value if tier_merchant is not None else order_value
        if row.free_above is not None and value >= row.free_above:
            return Price(ZERO, row, free=True)
        return Price(amount.quantize(CENT, ROUND_HALF_UP), row)
    return None


# --- Dates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """The shop's non-working days (public holidays): no parcel leaves or arrives on them."""

    non_working: frozenset[date] = field(default_factory=frozenset)

    def carrier_works(self, day: date) -> bool:
        return day not in self.non_working

    def warehouse_works(self, day: date, *, works_weekends: bool) -> bool:
        return self.carrier_works(day) and (works_weekends or day.weekday() < 5)


@dataclass(frozen=True)
class Handling:
    """How a warehouse handles orders: taken the same day before `cutoff`, shipped
    `handling_days` working days after the day it took them."""

    handling_days: int = 0
    cutoff: time = time(16, 0)
    works_weekends: bool = True


@dataclass(frozen=True)
class Speed:
    """How fast a method travels: `base_days` for up to `base_km`, one more day for every
    `km_per_extra_day` (or part of it) beyond. Local delivery: base_km covers its radius."""

    base_days: int
    base_km: float
    km_per_extra_day: float

    def transit_days(self, distance_km: float | None, *, extra_days: int = 0) -> int:
        if distance_km is None:  # unknown: as far as the mainland goes
            distance_km = 4000.0
        beyond = max(0.0, distance_km - self.base_km)
        more = math.ceil(beyond / self.km_per_extra_day) if self.km_per_extra_day > 0 else 0
        return self.base_days + more + extra_days


def _next_day(day: date, works) -> date:
    while not works(day):
        day += timedelta(days=1)
    return day


def ship_date(now: datetime, handling: Handling, calendar: Calendar) -> date:
    """The day the warehouse hands the parcel over, for an order taken at `now` (local time)."""

    def works(day: date) -> bool:
        return calendar.warehouse_works(day, works_weekends=handling.works_weekends)

    today = now.date()
    taken = today if now.time() < handling.cutoff else today + timedelta(days=1)
    day = _next_day(taken, works)
    for _ in range(handling.handling_days):
        day = _next_day(day + timedelta(days=1), works)
    return day


def arrival_date(shipped: date, transit_days: int, calendar: Calendar) -> date:
    """`transit_days` carrier days after `shipped`, on a day that is not a non-working day."""
    day = shipped
    for _ in range(transit_days):
        day = _next_day(day + timedelta(days=1), calendar.carrier_works)
    return _next_day(day, calendar.carrier_works)


# --- Local delivery slots ------------------------------------------------------------------------


def parse_slots(spec: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 12:00-15:00" -> [(09:00, 12:00), (12:00, 15:00)]; ValueError when malformed
    (a slot that ends before it starts, or a time that is not HH:MM)."""
    slots = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        start_text, _, end_text = part.partition("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        if end <= start:
            raise ValueError(f"slot {part!r} ends before it starts")
        slots.append((start, end))
    return sorted(slots)


def open_slots(
    day: date, slots: Sequence[tuple[time, time]], *, now: datetime, lead: timedelta
) -> list[tuple[datetime, datetime]]:
    """The slots of `day` that start at least `lead` after `now` (aware datetimes in now's zone)."""
    result = []
    for start, end in slots:
        begins = datetime.combine(day, start, tzinfo=now.tzinfo)
        if begins >= now + lead:
            result.append((begins, datetime.combine(day, end, tzinfo=now.tzinfo)))
    return result


def group_parcels(takes: Iterable[Take], merchant_of: Mapping[int, int]) -> dict:
    """(merchant id, warehouse id) -> {variant id: units}: one parcel per merchant per warehouse."""
    parcels: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for t in takes:
        key = (merchant_of[t.variant_id], t.warehouse_id)
        parcels[key][t.variant_id] = parcels[key].get(t.variant_id, 0) + t.quantity
    return dict(parcels)
