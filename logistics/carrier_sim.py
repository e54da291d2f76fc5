"""The built-in simulated carrier, for the demo and the tests: it moves the shipments handed to a
carrier marked `is_simulated` through the stages a parcel goes through in China, and reports
each stage the way a real carrier does, as a signed event passed to the webhook's own service
(services.tracking.tracking_event_receive, the raw JSON and its HMAC signature).

A shipment's journey is planned from its number alone (and CARRIER_SIM_SEED), so running the
simulator again plans the same journey and the event ids repeat: a stage reported twice is
recorded once. The stages:

    picked up in the warehouse's city
    -> in transit at 1-3 hub cities between origin and destination (provincial capitals close
       to the great-circle path, or, on a short trip, the cities along it; the origin's sorting
       centre when none lies between)
    -> arrived at the destination city
    -> out for delivery (the next morning)
    -> delivered (an hour or a few later)

with, now and then (CARRIER_SIM_EXCEPTION_RATE), a failed delivery attempt between the last two
and another round out for delivery the next morning. Each stage is due some realistic time
after the one before it (hours, travel at ~70 km/h between hubs); `due_only` reports only the
stages whose time has come (the beat task), otherwise a stage not yet due is reported as
happening now (the command, the demo), never in the future."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts import regions

from . import transitions
from .models import Shipment, ShipmentEvent
from .services.tracking import (
    CarrierStatus,
    ExceptionReason,
    Outcome,
    TrackingEvent,
    TrackingResult,
    tracking_event_receive,
    tracking_signature,
)

logger = logging.getLogger(__name__)

TRUCK_KMH = 70
# A hub is "between" origin and destination when going through it adds at most this much.
DETOUR_SHARE, DETOUR_MIN_KM = 0.25, 60


@dataclass(frozen=True)
class Stage:
    """One reported step: what, where, and when it is due after the step before it (`morning`:
    the next delivery morning, 08:00-09:30 local time, plus nothing)."""

    status: CarrierStatus
    city: str
    after: timedelta = timedelta()
    morning: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Step:
    """What one run reported for one shipment."""

    shipment_number: str
    stage: Stage
    occurred_at: datetime
    result: TrackingResult


# --- The journey --------------------------------------------------------------------------------


def _capitals() -> list[regions.Region]:
    # Each province's first city is its capital (石家庄, 南京, 武汉 ...; a municipality's one city).
    return [cities[0] for p in regions.provinces() if (cities := regions.cities(p.code))]


def _all_cities() -> list[regions.Region]:
    return [c for p in regions.provinces() for c in regions.cities(p.code)]


def _km(a: regions.Region, b: regions.Region) -> float:
    return regions.distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def route_hubs(
    origin: regions.Region, destination: regions.Region, rng: random.Random
) -> list[regions.Region]:
    """1-3 hub cities between `origin` and `destination` in travel order: provincial capitals
    near the great-circle path (on a short trip with none, the cities along it); more hubs the
    longer the trip. Empty when nothing lies between (same city, or neighbours)."""
    direct = _km(origin, destination)
    cap = 1 if direct < 400 else 2 if direct < 1200 else 3
    allowed = max(DETOUR_MIN_KM, DETOUR_SHARE * direct)

    def between(pool: list[regions.Region]) -> list[tuple[float, regions.Region]]:
        found = []
        for city in pool:
            if city.code in (origin.code, destination.code):
                continue
            to_city, from_city = _km(origin, city), _km(city, destination)
            if to_city < direct and from_city < direct and to_city + from_city - direct <= allowed:
                found.append((to_city + from_city - direct, city))
        return sorted(found, key=lambda pair: (pair[0], pair[1].code))

    candidates = between(_capitals()) or between(_all_cities())
    chosen = [city for _detour, city in candidates[: rng.randint(1, cap)]]
    return sorted(chosen, key=lambda city: _km(origin, city))


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=round(rng.uniform(low, high) * 60))


def _drive(a: regions.Region, b: regions.Region) -> timedelta:
    return timedelta(minutes=round(_km(a, b) / TRUCK_KMH * 60))


def journey(
    origin: regions.Region,
    destination: regions.Region,
    *,
    rng: random.Random,
    exception_rate: float,
) -> list[Stage]:
    """Every stage of a parcel's trip from `origin` to `destination` (cities), with the time
    each takes after the one before."""
    stages = [Stage(CarrierStatus.PICKED_UP, origin.name, _hours(rng, 1, 3))]
    stops = route_hubs(origin, destination, rng) or ([origin] if origin != destination else [])
    previous = origin
    for hub in stops:
        travel = _drive(previous, hub) + _hours(rng, 1, 3)
        stages.append(Stage(CarrierStatus.IN_TRANSIT, hub.name, travel))
        previous = hub
    travel = _drive(previous, destination) + _hours(rng, 1, 3)
    stages.append(Stage(CarrierStatus.ARRIVED, destination.name, travel))
    stages.append(Stage(CarrierStatus.OUT_FOR_DELIVERY, destination.name, morning=True))
    if rng.random() < exception_rate:
        reason = rng.choice([ExceptionReason.RECIPIENT_ABSENT, ExceptionReason.ADDRESS_PROBLEM])
        stages.append(
            Stage(CarrierStatus.EXCEPTION, destination.name, _hours(rng, 2, 5), reason=reason)
        )
        stages.append(Stage(CarrierStatus.OUT_FOR_DELIVERY, destination.name, morning=True))
    stages.append(Stage(CarrierStatus.DELIVERED, destination.name, _hours(rng, 1, 5)))
    return stages


def _due(stage: Stage, previous: datetime, rng: random.Random) -> datetime:
    if not stage.morning:
        return previous + stage.after
    local = timezone.localtime(previous)
    day = local.date() if local.hour < 5 else local.date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 8, tzinfo=local.tzinfo)
    return start + timedelta(minutes=rng.randint(0, 90))


def _city_named(province: str, city: str) -> regions.Region | None:
    for prov in regions.provinces():
        if prov.name == province:
            return next((c for c in regions.cities(prov.code) if c.name == city), None)
    return None


def _nearest_city(latitude: float | None, longitude: float | None) -> regions.Region | None:
    if latitude is None or longitude is None:
        return None
    return min(
        _all_cities(),
        key=lambda c: regions.distance_km(
            float(latitude), float(longitude), c.latitude, c.longitude
        ),
    )


def _ends(shipment: Shipment) -> tuple[regions.Region, regions.Region] | None:
    """The shipment's origin and destination cities in the region table, if they can be found."""
    warehouse = shipment.warehouse
    origin = _city_named(warehouse.province, warehouse.city) or _nearest_city(
        warehouse.latitude, warehouse.longitude
    )
    district = regions.district(shipment.region_code) if shipment.region_code else None
    destination = (regions.city(district.parent) if district else None) or _nearest_city(
        shipment.destination_latitude, shipment.destination_longitude
    )
    if origin is None or destination is None:
        return None
    return origin, destination


def _rng(shipment: Shipment) -> random.Random:
    return random.Random(f"{settings.CARRIER_SIM_SEED}:{shipment.number}")


# --- Reporting ----------------------------------------------------------------------------------


def _advance(
    shipment: Shipment,
    *,
    now: datetime,
    due_only: bool,
    exception_rate: float,
) -> Step | None:
    """Report the shipment's next stage, if it has one (and, with `due_only`, if its time has
    come)."""
    ends = _ends(shipment)
    if ends is None:
        logger.warning("simulated carrier: no route for shipment %s", shipment.number)
        return None
    rng = _rng(shipment)
    stages = journey(*ends, rng=rng, exception_rate=exception_rate)
    reported = ShipmentEvent.objects.filter(shipment=shipment, carrier=shipment.carrier).exclude(
        external_id=""
    )
    done = reported.count()
    if done >= len(stages):
        return None
    latest = reported.aggregate(latest=Max("occurred_at"))["latest"]
    previous = max(
        when for when in (latest, shipment.status_changed_at, shipment.shipped_at) if when
    )
    # Each stage's morning draws its own minutes, the same on every run.
    timing = random.Random(f"{settings.CARRIER_SIM_SEED}:{shipment.number}:{done}")
    stage = stages[done]
    due = _due(stage, previous, timing)
    if due_only and due > now:
        return None
    event = TrackingEvent(
        event_id=f"sim-{shipment.number}-{done + 1}",
        tracking_number=shipment.tracking_number,
        status=stage.status,
        occurred_at=min(due, now),
        city=stage.city,
        reason=stage.reason,
    )
    body = event.as_json()
    carrier = shipment.carrier
    result = tracking_event_receive(
        carrier_code=carrier.code,
        body=body,
        signature=tracking_signature(secret=carrier.webhook_secret, body=body),
    )
    return Step(shipment.number, stage, event.occurred_at, result)


def shipments_on_the_way(*, number: str | None = None) -> QuerySet[Shipment]:
    """Shipments of simulated carriers that have left the warehouse and are not delivered."""
    shipments = (
        Shipment.objects.filter(carrier__is_simulated=True, status__in=transitions.ON_THE_WAY)
        .exclude(tracking_number="")
        .select_related("carrier", "warehouse")
        .order_by("pk")
    )
    return shipments.filter(number=number) if number else shipments


def carrier_sim_run(
    *,
    shipment_number: str | None = None,
    steps: int | None = 1,
    until: str | None = None,
    due_only: bool = False,
    now: datetime | None = None,
    exception_rate: float | None = None,
    report: Callable[[Step], None] | None = None,
) -> list[Step]:
    """Advance every shipment on the way with a simulated carrier (or the one numbered
    `shipment_number`) by up to `steps` stages (None: as many as there are), stopping early
    once it reaches the status `until`; with `due_only`, only by the stages whose time has come.
    Returns what was reported (`report` is called with each step as it happens)."""
    now = now or timezone.now()
    rate = settings.CARRIER_SIM_EXCEPTION_RATE if exception_rate is None else exception_rate
    taken: list[Step] = []
    for shipment in shipments_on_the_way(number=shipment_number):
        count = 0
        while steps is None or count < steps:
            if until and shipment.status == until:
                break
            step = _advance(shipment, now=now, due_only=due_only, exception_rate=rate)
            if step is None:
                break
            taken.append(step)
            if report:
                report(step)
            if step.result.outcome == Outcome.DUPLICATE:
                break  # reported already (another run at the same moment): that run goes on
            count += 1
            shipment.refresh_from_db(fields=["status", "status_changed_at"])
            if shipment.status in transitions.FINAL:
                break
    return taken
