"""OR-Tools' routing solver on the same problem, for the comparison in benchmarks/routes.py
(docs/routing.md). Not used in production: OR-Tools is a development dependency only, so it is
imported when called.

Same model as solver.py: capacity dimension; with a clock, a time dimension whose cumul is the
service start (transit = travel + service at the stop left), waiting allowed, windows on the
stops and the shift on the vans. Guided local search from the cheapest-arc start, single-threaded.
"""

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
from .solver import drop_prize


def solver_name() -> str:
    import ortools

    return f"OR-Tools {ortools.__version__}"


def _solve(problem: Problem, stops: list[int], *, optional: bool, time_limit: float):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    nodes = [0, *(i + 1 for i in stops)]
    distance = problem.matrix.distance[nodes][:, nodes].tolist()
    duration = problem.matrix.duration[nodes][:, nodes].tolist()
    demand = [0, *(problem.stops[i].demand for i in stops)]
    service = [0, *(problem.service_seconds(i) for i in stops)]
    vehicles = problem.fleet.vehicles
    manager = pywrapcp.RoutingIndexManager(len(nodes), vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance_cb(a, b):
        return distance[manager.IndexToNode(a)][manager.IndexToNode(b)]

    arc = routing.RegisterTransitCallback(distance_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(arc)

    def demand_cb(a):
        return demand[manager.IndexToNode(a)]

    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(demand_cb),
        0,
        [problem.fleet.capacity] * vehicles,
        True,
        "Load",
    )
    if problem.shift is not None:
        start, end = shift_seconds(problem)

        def time_cb(a, b):
            frm = manager.IndexToNode(a)
            return service[frm] + duration[frm][manager.IndexToNode(b)]

        routing.AddDimension(routing.RegisterTransitCallback(time_cb), end, end, False, "Time")
        clock = routing.GetDimensionOrDie("Time")
        for position, i in enumerate(stops, start=1):
            window = problem.window_seconds(i)
            early, late = window if window is not None else (start, end)
            clock.CumulVar(manager.NodeToIndex(position)).SetRange(early, late)
        for vehicle in range(vehicles):
            clock.CumulVar(routing.Start(vehicle)).SetRange(start, end)
            clock.CumulVar(routing.End(vehicle)).SetRange(start, end)
    if optional:
        prize = drop_prize(problem, stops)
        for position in range(1, len(nodes)):
            routing.AddDisjunction([manager.NodeToIndex(position)], prize)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return None, stops
    sequences = []
    for vehicle in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(vehicle)))
        sequence = []
        while not routing.IsEnd(index):
            sequence.append(stops[manager.IndexToNode(index) - 1])
            index = solution.Value(routing.NextVar(index))
        sequences.append(sequence)
    planned = {i for sequence in sequences for i in sequence}
    return sequences, [i for i in stops if i not in planned]


def solve(problem: Problem, *, time_limit: float = 5.0) -> Plan:
    """One search of `time_limit` seconds. Every stop is optional at the same prize as in
    solver.py (far above any detour): OR-Tools' cheapest-arc start often finds no first
    solution when windows are tight and every stop is required, and a second search would give
    it twice PyVRP's time."""
    started = time.perf_counter()
    unreachable = set(unreachable_stops(problem))
    stops = [i for i in range(len(problem.stops)) if i not in unreachable]
    unserved = [Unserved(i, UNREACHABLE) for i in sorted(unreachable)]
    sequences, left = [], stops
    if stops:
        sequences, left = _solve(problem, stops, optional=True, time_limit=time_limit)
        sequences = sequences or []
    unserved += [Unserved(i, NO_ROOM) for i in left]
    return plan_build(
        problem,
        sequences,
        unserved,
        solver=solver_name(),
        seconds=time.perf_counter() - started,
    )
