"""A day's delivery problem and its plan, in plain numbers.

Units: distances in metres (or the instance's own unit for CVRPLIB files), durations in seconds,
times of day in seconds from the start of the day (windows and shifts are given in minutes),
demand and capacity in one unit chosen by the caller (grams in the shop). Index 0 of a matrix is
the depot; stop i is index i + 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
# Streets are longer than the straight line: a common factor for dense cities is 1.2 to 1.4.
DEFAULT_ROAD_FACTOR = 1.3
DEFAULT_SPEED_KMH = 25.0

# Why a stop is left out of a plan.
UNREACHABLE = "unreachable"  # its window cannot be met even by a van going there and back alone
NO_ROOM = "no_room"  # no van can fit it in with the others (capacity, windows or the shift)
NO_LOCATION = "no_location"  # used by callers for stops without coordinates

# The end of time for a problem with no clock: far beyond any sum of its durations (all zero).
NO_CLOCK_END = 10**12


class RoutingError(ValueError):
    """Input a plan cannot be made from; the message says what is wrong."""


class StopsTooHeavy(RoutingError):
    """Stops heavier than one vehicle's capacity: no plan can carry them."""

    def __init__(self, stops: Sequence[int], ids: Sequence[Hashable], capacity: int):
        self.stops = list(stops)
        self.ids = list(ids)
        self.capacity = capacity
        shown = ", ".join(str(i) for i in self.ids[:10])
        more = f" and {len(self.ids) - 10} more" if len(self.ids) > 10 else ""
        super().__init__(
            f"{len(self.ids)} stop(s) heavier than a vehicle's capacity ({capacity}): {shown}{more}"
        )


@dataclass(frozen=True)
class Depot:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Stop:
    """One delivery: where, how much, and when (a window in minutes from the start of the day,
    or None for any time in the shift)."""

    id: Hashable
    latitude: float
    longitude: float
    demand: int
    window: tuple[int, int] | None = None
    service_minutes: int = 0


@dataclass(frozen=True)
class Fleet:
    vehicles: int
    capacity: int


@dataclass(frozen=True)
class Shift:
    """When the vans may leave and must be back, in minutes from the start of the day."""

    start_minute: int = 8 * 60
    end_minute: int = 20 * 60


DEFAULT_SHIFT = Shift()


@dataclass(frozen=True)
class Matrix:
    distance: np.ndarray  # int64 (n + 1) x (n + 1)
    duration: np.ndarray  # int64 seconds, same shape

    @property
    def size(self) -> int:
        return int(self.distance.shape[0])


@dataclass(frozen=True)
class Problem:
    depot: Depot
    stops: tuple[Stop, ...]
    fleet: Fleet
    matrix: Matrix
    # None: no clock at all (CVRPLIB instances): windows and service times are ignored.
    shift: Shift | None = field(default_factory=Shift)
    name: str = ""

    def service_seconds(self, stop: int) -> int:
        return self.stops[stop].service_minutes * 60 if self.shift else 0

    def window_seconds(self, stop: int) -> tuple[int, int] | None:
        window = self.stops[stop].window
        if window is None or self.shift is None:
            return None
        return window[0] * 60, window[1] * 60


@dataclass(frozen=True)
class Visit:
    stop: int  # index into Problem.stops
    arrival: int  # when service starts, seconds from the start of the day
    load_after: int  # what is left in the van after this delivery
    leg_distance: int  # from the previous place


@dataclass(frozen=True)
class Route:
    vehicle: int  # 1-based
    visits: tuple[Visit, ...]
    distance: int  # including the way back to the depot
    load: int  # what the van leaves with
    departure: int
    back: int


@dataclass(frozen=True)
class Unserved:
    stop: int
    reason: str


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    distance: int
    solver: str
    seconds: float = 0.0
    iterations: int | None = None

    @property
    def served(self) -> int:
        return sum(len(route.visits) for route in self.routes)


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def road_matrix(
    depot: Depot,
    stops: Sequence[Stop],
    *,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> Matrix:
    """Distances by road estimated from the great-circle distance times `road_factor`, and
    driving times at `speed_kmh`, both rounded to whole metres and seconds."""
    if road_factor < 1 or speed_kmh <= 0:
        raise RoutingError("the road factor must be at least 1 and the speed positive")
    lat = np.array([depot.latitude, *(s.latitude for s in stops)], dtype=float)
    lon = np.array([depot.longitude, *(s.longitude for s in stops)], dtype=float)
    metres = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * road_factor
    distance = np.rint(metres).astype(np.int64)
    duration = np.rint(metres / (speed_kmh / 3.6)).astype(np.int64)
    np.fill_diagonal(distance, 0)
    np.fill_diagonal(duration, 0)
    return Matrix(distance=distance, duration=duration)


def problem_build(
    *,
    depot: Depot,
    stops: Sequence[Stop],
    fleet: Fleet,
    shift: Shift | None = DEFAULT_SHIFT,
    matrix: Matrix | None = None,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    name: str = "",
) -> Problem:
    """A checked Problem; the matrix is estimated from the coordinates unless given. `shift`
    None: no clock (a pure capacity problem, as CVRPLIB's): windows and service times count
    for nothing."""
    stops = tuple(stops)
    if fleet.vehicles < 1:
        raise RoutingError("at least one vehicle is needed")
    if fleet.capacity < 1:
        raise RoutingError("the vehicles' capacity must be positive")
    if shift is not None and not 0 <= shift.start_minute < shift.end_minute:
        raise RoutingError("the shift must end after it starts")
    for stop in stops:
        if stop.demand < 0:
            raise RoutingError(f"stop {stop.id}: negative demand")
        if stop.service_minutes < 0:
            raise RoutingError(f"stop {stop.id}: negative service time")
        if stop.window is not None and not 0 <= stop.window[0] <= stop.window[1]:
            raise RoutingError(f"stop {stop.id}: its window ends before it starts")
    if matrix is None:
        matrix = road_matrix(depot, stops, road_factor=road_factor, speed_kmh=speed_kmh)
    elif matrix.size != len(stops) + 1:
        raise RoutingError("the matrix must have one row for the depot and one per stop")
    problem = Problem(
        depot=depot,
        stops=stops,
        fleet=fleet,
        matrix=matrix,
        shift=shift,
        name=name,
    )
    too_heavy = [i for i, stop in enumerate(stops) if stop.demand > fleet.capacity]
    if too_heavy:
        raise StopsTooHeavy(too_heavy, [stops[i].id for i in too_heavy], fleet.capacity)
    return problem


def shift_seconds(problem: Problem) -> tuple[int, int]:
    if problem.shift is None:
        return 0, NO_CLOCK_END
    return problem.shift.start_minute * 60, problem.shift.end_minute * 60


def unreachable_stops(problem: Problem) -> list[int]:
    """Stops no van can serve even alone: leaving at the start of the shift it arrives after
    the window closes, or it could not be back at the depot by the end of the shift."""
    start, end = shift_seconds(problem)
    duration = problem.matrix.duration
    found = []
    for i in range(len(problem.stops)):
        arrival = start + int(duration[0, i + 1])
        window = problem.window_seconds(i)
        if window is not None:
            arrival = max(arrival, window[0])
            if arrival > window[1]:
                found.append(i)
                continue
        if arrival + problem.service_seconds(i) + int(duration[i + 1, 0]) > end:
            found.append(i)
    return found


def route_build(problem: Problem, vehicle: int, stops: Sequence[int]) -> Route:
    """A route driving `stops` in order from the start of the shift, waiting where it is early."""
    start, _ = shift_seconds(problem)
    distance_m, duration_s = problem.matrix.distance, problem.matrix.duration
    load = sum(problem.stops[i].demand for i in stops)
    visits = []
    place, clock, left, total = 0, start, load, 0
    for i in stops:
        node = i + 1
        leg = int(distance_m[place, node])
        clock += int(duration_s[place, node])
        window = problem.window_seconds(i)
        if window is not None:
            clock = max(clock, window[0])
        left -= problem.stops[i].demand
        visits.append(Visit(stop=i, arrival=clock, load_after=left, leg_distance=leg))
        clock += problem.service_seconds(i)
        total += leg
        place = node
    total += int(distance_m[place, 0])
    clock += int(duration_s[place, 0])
    return Route(
        vehicle=vehicle,
        visits=tuple(visits),
        distance=total,
        load=load,
        departure=start,
        back=clock,
    )


def plan_build(
    problem: Problem,
    sequences: Sequence[Sequence[int]],
    unserved: Sequence[Unserved],
    *,
    solver: str,
    seconds: float = 0.0,
    iterations: int | None = None,
) -> Plan:
    """A Plan from each van's stops in order (empty sequences are dropped)."""
    routes = []
    for sequence in sequences:
        if sequence:
            routes.append(route_build(problem, len(routes) + 1, sequence))
    return Plan(
        routes=tuple(routes),
        unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
        distance=sum(route.distance for route in routes),
        solver=solver,
        seconds=seconds,
        iterations=iterations,
    )
