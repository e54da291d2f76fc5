"""Delivery route plans: the one writer of RoutePlan, its van routes and stops. Chooses the
day's local deliveries from a warehouse, hands plain numbers to logistics.routing (PyVRP),
and saves what comes back. Re-planning a day replaces that day's draft; a confirmed plan stays
until another plan of the day is confirmed (it is then superseded)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import routing
from ..models import (
    RoutePlan,
    RoutePlanStatus,
    RouteStop,
    RouteVehicle,
    Shipment,
    ShipmentStatus,
    UnservedReason,
    Warehouse,
)

if TYPE_CHECKING:
    from accounts.models import User

# Shipments still to be driven out that day: being packed, or handed to the van.
ROUTABLE_STATUSES = (ShipmentStatus.PACKING, ShipmentStatus.SHIPPED)
# At most this many vans and stops in one plan (the solver's time grows with them).
MAX_VEHICLES = 200
MAX_STOPS = 2000


class RoutePlanError(DomainError):
    """A plan that cannot be made; the message says why, for the person who asked."""


def _minute_of_day(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def route_shift() -> routing.Shift:
    """The vans' working day, from settings ROUTES_SHIFT_START / ROUTES_SHIFT_END ("HH:MM")."""
    return routing.Shift(
        start_minute=_minute_of_day(settings.ROUTES_SHIFT_START),
        end_minute=_minute_of_day(settings.ROUTES_SHIFT_END),
    )


def route_shipments_for_day(*, warehouse: Warehouse, date: dt.date):
    """The day's local deliveries from `warehouse`: carrier is the shop's own vans, still to be
    driven (packing or shipped), and due that day: their slot starts that day, or they have no
    slot and were promised for that day."""
    day_start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
    day_end = day_start + dt.timedelta(days=1)
    return (
        Shipment.objects.filter(
            warehouse=warehouse, carrier__is_local=True, status__in=ROUTABLE_STATUSES
        )
        .filter(
            Q(window_start__gte=day_start, window_start__lt=day_end)
            | Q(window_start__isnull=True, promised_date=date)
        )
        .order_by("pk")
    )


def _window_minutes(shipment: Shipment, day_start: dt.datetime) -> tuple[int, int] | None:
    if shipment.window_start is None:
        return None
    end = shipment.window_end or shipment.window_start
    start_minute = int((shipment.window_start - day_start).total_seconds() // 60)
    end_minute = int((end - day_start).total_seconds() // 60)
    return max(0, start_minute), max(start_minute, min(end_minute, 24 * 60))


def _at(day_start: dt.datetime, seconds: int) -> dt.datetime:
    return day_start + dt.timedelta(seconds=seconds)


def _capacity_grams(capacity) -> int:
    try:
        grams = int(Decimal(str(capacity)) * 1000)
    except (InvalidOperation, ValueError):
        grams = 0
    if grams < 1:
        raise RoutePlanError(_("A van's capacity must be a positive number of kilograms."))
    return grams


def route_plan_create(
    *,
    warehouse: Warehouse,
    date: dt.date,
    vehicles: int,
    capacity: Decimal | int | str,
    actor: User | None = None,
    time_limit: float | None = None,
    seed: int = 0,
) -> RoutePlan:
    """Plan the day's local deliveries from `warehouse` for `vehicles` vans carrying `capacity`
    kg each, and save the plan as the day's draft (replacing the previous draft). Solving takes
    up to `time_limit` seconds (settings ROUTES_TIME_LIMIT) outside any transaction.

    Raises RoutePlanError when there is nothing to plan or it cannot be planned (no
    coordinates for the warehouse, a parcel heavier than a van). Shipments whose slot cannot be
    met, that no van can fit in, or without coordinates are saved as unserved, with the reason.
    """
    if not 1 <= vehicles <= MAX_VEHICLES:
        raise RoutePlanError(
            _("The number of vans must be between 1 and %(max)s.") % {"max": MAX_VEHICLES}
        )
    capacity_grams = _capacity_grams(capacity)
    time_limit = float(time_limit or settings.ROUTES_TIME_LIMIT)
    if warehouse.latitude is None or warehouse.longitude is None:
        raise RoutePlanError(
            _("Warehouse %(warehouse)s has no coordinates: add them to plan its routes.")
            % {"warehouse": warehouse.code}
        )
    shipments = list(route_shipments_for_day(warehouse=warehouse, date=date))
    if not shipments:
        raise RoutePlanError(
            _("No local deliveries from %(warehouse)s on %(date)s to plan.")
            % {"warehouse": warehouse.code, "date": date.isoformat()}
        )
    if len(shipments) > MAX_STOPS:
        raise RoutePlanError(
            _("%(count)s deliveries are more than one plan takes (%(max)s).")
            % {"count": len(shipments), "max": MAX_STOPS}
        )

    day_start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
    located = [
        s
        for s in shipments
        if s.destination_latitude is not None and s.destination_longitude is not None
    ]
    no_location = [s for s in shipments if s not in located]
    service_minutes = int(settings.ROUTES_SERVICE_MINUTES)
    stops = [
        routing.Stop(
            id=shipment.number,
            latitude=shipment.destination_latitude,
            longitude=shipment.destination_longitude,
            demand=shipment.weight_grams,
            window=_window_minutes(shipment, day_start),
            service_minutes=service_minutes,
        )
        for shipment in located
    ]
    try:
        problem = routing.problem_build(
            depot=routing.Depot(float(warehouse.latitude), float(warehouse.longitude)),
            stops=stops,
            fleet=routing.Fleet(vehicles=vehicles, capacity=capacity_grams),
            shift=route_shift(),
            road_factor=float(settings.ROUTES_ROAD_FACTOR),
            speed_kmh=float(settings.ROUTES_SPEED_KMH),
        )
    except routing.StopsTooHeavy as error:
        raise RoutePlanError(
            _("Heavier than a van's capacity (%(capacity)s kg): %(shipments)s.")
            % {
                "capacity": Decimal(capacity_grams) / 1000,
                "shipments": ", ".join(str(number) for number in error.ids),
            }
        ) from error
    except routing.RoutingError as error:
        raise RoutePlanError(str(error)) from error

    started = time.perf_counter()
    plan = routing.solve(problem, time_limit=time_limit, seed=seed) if stops else None
    elapsed = time.perf_counter() - started
    return _plan_save(
        warehouse=warehouse,
        date=date,
        vehicles=vehicles,
        capacity_grams=capacity_grams,
        time_limit=time_limit,
        actor=actor,
        day_start=day_start,
        located=located,
        no_location=no_location,
        plan=plan,
        seconds=elapsed,
    )


def _plan_save(*, located, no_location, plan, day_start, seconds, actor, **fields) -> RoutePlan:
    """Replace the day's draft with this plan. Two plannings of the same day at once: the
    second insert meets the one-draft-per-day constraint, and tries again, replacing the
    draft the first one saved (the last plan wins; either is a whole plan)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                RoutePlan.objects.filter(
                    warehouse=fields["warehouse"], date=fields["date"], status=RoutePlanStatus.DRAFT
                ).delete()
                return _plan_insert(
                    located=located,
                    no_location=no_location,
                    plan=plan,
                    day_start=day_start,
                    seconds=seconds,
                    actor=actor,
                    **fields,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _plan_insert(*, located, no_location, plan, day_start, seconds, actor, **fields) -> RoutePlan:
    record = RoutePlan.objects.create(
        solver=plan.solver if plan else routing.SOLVER_NAME,
        total_distance_m=plan.distance if plan else 0,
        solve_seconds=round(seconds, 3),
        time_limit_seconds=fields.pop("time_limit"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    vehicles, stops = [], []
    for route in plan.routes if plan else ():
        vehicles.append(
            RouteVehicle(
                plan=record,
                number=route.vehicle,
                stops=len(route.visits),
                load_grams=route.load,
                distance_m=route.distance,
                departs_at=_at(day_start, route.departure),
                returns_at=_at(day_start, route.back),
            )
        )
        for sequence, visit in enumerate(route.visits, start=1):
            stops.append(
                RouteStop(
                    plan=record,
                    vehicle=route.vehicle,
                    sequence=sequence,
                    shipment=located[visit.stop],
                    arrival=_at(day_start, visit.arrival),
                    load_after_grams=visit.load_after,
                    leg_distance_m=visit.leg_distance,
                )
            )
    for unserved in plan.unserved if plan else ():
        stops.append(
            RouteStop(
                plan=record,
                shipment=located[unserved.stop],
                unserved_reason=UnservedReason(unserved.reason),
            )
        )
    for shipment in no_location:
        stops.append(
            RouteStop(plan=record, shipment=shipment, unserved_reason=UnservedReason.NO_LOCATION)
        )
    RouteVehicle.objects.bulk_create(vehicles)
    RouteStop.objects.bulk_create(stops)
    return record


def route_plan_confirm(*, plan: RoutePlan, actor: User | None) -> RoutePlan:
    """Make a draft the day's plan the vans drive; the day's confirmed plan, if any, becomes
    superseded."""
    with transaction.atomic():
        plan = RoutePlan.objects.select_related("warehouse").get(pk=plan.pk)
        if plan.status != RoutePlanStatus.DRAFT:
            raise RoutePlanError(
                _("Only a draft plan can be confirmed; this one is %(status)s.")
                % {"status": plan.get_status_display()}
            )
        RoutePlan.objects.filter(
            warehouse_id=plan.warehouse_id, date=plan.date, status=RoutePlanStatus.CONFIRMED
        ).update(status=RoutePlanStatus.SUPERSEDED, updated_at=timezone.now())
        plan.status = RoutePlanStatus.CONFIRMED
        plan.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        plan.confirmed_at = timezone.now()
        plan.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    return plan
