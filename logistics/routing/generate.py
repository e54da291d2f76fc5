"""Generated delivery days for tests and benchmarks: stops around a city centre, part in
clusters (residential blocks, office parks), part spread evenly, with parcel weights, a share of
them with a two-hour delivery slot, and a fleet sized so the vans are about 85% full. Seeded:
the same arguments give the same day."""

from __future__ import annotations

import math

import numpy as np

from .problem import Depot, Fleet, Problem, Shift, Stop, problem_build

# People's Square, Shanghai.
CENTRE = (31.2304, 121.4737)
SLOTS = [(9 * 60, 11 * 60), (11 * 60, 13 * 60), (14 * 60, 16 * 60), (16 * 60, 18 * 60)]


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        lat + north_m / 111_320.0,
        lon + east_m / (111_320.0 * math.cos(math.radians(lat))),
    )


def generated_day(
    stops: int,
    vehicles: int,
    *,
    seed: int = 0,
    radius_km: float = 12.0,
    clustered_share: float = 0.5,
    window_share: float = 0.3,
    fill: float = 0.85,
    service_minutes: int = 4,
    shift: Shift | None = None,
) -> Problem:
    rng = np.random.default_rng(seed)
    radius = radius_km * 1000
    n_clustered = round(stops * clustered_share)
    centres = max(1, stops // 25)
    angle = rng.uniform(0, 2 * math.pi, centres)
    reach = radius * np.sqrt(rng.uniform(0.05, 0.8, centres))
    cluster_xy = np.c_[reach * np.cos(angle), reach * np.sin(angle)]
    which = rng.integers(0, centres, n_clustered)
    clustered = cluster_xy[which] + rng.normal(0, 800, (n_clustered, 2))
    angle = rng.uniform(0, 2 * math.pi, stops - n_clustered)
    reach = radius * np.sqrt(rng.uniform(0, 1, stops - n_clustered))
    uniform = np.c_[reach * np.cos(angle), reach * np.sin(angle)]
    points = np.r_[clustered, uniform]
    # Parcels of 0.3 to 30 kg, most of them light (grams).
    weights = np.clip(rng.lognormal(math.log(2500), 0.9, stops), 300, 30_000).astype(int)
    has_window = rng.uniform(0, 1, stops) < window_share
    slot = rng.integers(0, len(SLOTS), stops)
    depot_lat, depot_lon = _offset(*CENTRE, -radius * 0.3, radius * 0.2)
    problem_stops = []
    for i in range(stops):
        lat, lon = _offset(*CENTRE, float(points[i, 1]), float(points[i, 0]))
        problem_stops.append(
            Stop(
                id=i + 1,
                latitude=lat,
                longitude=lon,
                demand=int(weights[i]),
                window=SLOTS[slot[i]] if has_window[i] else None,
                service_minutes=service_minutes,
            )
        )
    capacity = max(int(weights.max()), math.ceil(weights.sum() / (vehicles * fill)))
    return problem_build(
        depot=Depot(depot_lat, depot_lon),
        stops=problem_stops,
        fleet=Fleet(vehicles=vehicles, capacity=capacity),
        shift=shift or Shift(),
        name=f"generated-{stops}-{vehicles}-seed{seed}",
    )
