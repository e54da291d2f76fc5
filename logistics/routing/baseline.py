"""The nearest-neighbour baseline: each van in turn drives to the nearest stop it can still
carry and reach within its window (and be back by the end of the shift), until none is left;
then the next van goes. What no van takes is left unserved (NO_ROOM)."""

from __future__ import annotations

import time

from .problem import (
    NO_ROOM,
    UNREACHABLE,
    Plan,
    Problem,
    Unserved,
    plan_build,
    shift_seconds,
    unreachable_stops,
)


def nearest_neighbour(problem: Problem, *, max_vehicles: int | None = None) -> Plan:
    """`max_vehicles` (default: the fleet) lets a benchmark see how many vans it would need."""
    started = time.perf_counter()
    vehicles = problem.fleet.vehicles if max_vehicles is None else max_vehicles
    start, end = shift_seconds(problem)
    distance, duration = problem.matrix.distance, problem.matrix.duration
    unreachable = set(unreachable_stops(problem))
    left = {i for i in range(len(problem.stops)) if i not in unreachable}
    sequences = []
    while left and len(sequences) < vehicles:
        sequence, place, clock, room = [], 0, start, problem.fleet.capacity
        while True:
            best, best_distance, best_clock = None, None, None
            for i in left:
                stop = problem.stops[i]
                if stop.demand > room:
                    continue
                arrival = clock + int(duration[place, i + 1])
                window = problem.window_seconds(i)
                if window is not None:
                    if arrival > window[1]:
                        continue
                    arrival = max(arrival, window[0])
                done = arrival + problem.service_seconds(i)
                if done + int(duration[i + 1, 0]) > end:
                    continue
                leg = int(distance[place, i + 1])
                if best_distance is None or (leg, i) < (best_distance, best):
                    best, best_distance, best_clock = i, leg, done
            if best is None:
                break
            sequence.append(best)
            left.discard(best)
            room -= problem.stops[best].demand
            place, clock = best + 1, best_clock
        if not sequence:
            break
        sequences.append(sequence)
    unserved = [Unserved(i, UNREACHABLE) for i in sorted(unreachable)]
    unserved += [Unserved(i, NO_ROOM) for i in sorted(left)]
    return plan_build(
        problem,
        sequences,
        unserved,
        solver="nearest neighbour",
        seconds=time.perf_counter() - started,
    )
