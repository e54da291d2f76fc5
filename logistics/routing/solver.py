"""The production solver: PyVRP (iterated local search over a penalised neighbourhood; see
docs/routing.md for how it was chosen over OR-Tools).

Stops no van can reach within their window are left out before solving. Everything else is
solved with every stop required; when that plan breaks a capacity, a window or the shift (more
demand than the fleet carries, windows that cannot all be met), it is solved again with each stop
optional at a prize far above any detour, so the plan serves as many as it can and names the
stops it leaves (reason NO_ROOM).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence

from pyvrp import Model
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

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

PYVRP_VERSION = importlib.metadata.version("pyvrp")
SOLVER_NAME = f"PyVRP {PYVRP_VERSION}"


def drop_prize(problem: Problem, stops: Sequence[int]) -> int:
    """What leaving a stop out costs when stops are optional: more than twice the longest
    distance in the problem, so a stop is left out only when it cannot be fitted in at all."""
    nodes = [0, *(i + 1 for i in stops)]
    longest = int(problem.matrix.distance[nodes][:, nodes].max()) if len(nodes) > 1 else 0
    return 4 * longest + 1


def _model(problem: Problem, stops: Sequence[int], *, optional: bool) -> Model:
    start, end = shift_seconds(problem)
    model = Model()
    depot_location = model.add_location(problem.depot.longitude, problem.depot.latitude)
    depot = model.add_depot(depot_location, tw_early=start, tw_late=end)
    model.add_vehicle_type(
        num_available=problem.fleet.vehicles,
        capacity=[problem.fleet.capacity],
        start_depot=depot,
        end_depot=depot,
        tw_early=start,
        tw_late=end,
    )
    prize = drop_prize(problem, stops) if optional else 0
    locations = [depot_location]
    for i in stops:
        stop = problem.stops[i]
        location = model.add_location(stop.longitude, stop.latitude)
        locations.append(location)
        window = problem.window_seconds(i)
        early, late = window if window is not None else (start, end)
        model.add_client(
            location,
            delivery=[stop.demand],
            service_duration=problem.service_seconds(i),
            tw_early=early,
            tw_late=late,
            required=not optional,
            prize=prize,
        )
    nodes = [0, *(i + 1 for i in stops)]
    distance = problem.matrix.distance[nodes][:, nodes]
    duration = problem.matrix.duration[nodes][:, nodes]
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            model.add_edge(frm, to, distance=int(distance[a, b]), duration=int(duration[a, b]))
    return model


def _stop_criterion(time_limit: float | None, max_iterations: int | None):
    criteria = []
    if time_limit is not None:
        criteria.append(MaxRuntime(time_limit))
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    if not criteria:
        raise ValueError("give a time limit, a number of iterations or both")
    return criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)


def _run(problem: Problem, stops: Sequence[int], *, optional: bool, stop, seed: int):
    result = _model(problem, stops, optional=optional).solve(
        stop=stop, seed=seed, collect_stats=False, display=False
    )
    sequences = [
        [stops[activity.idx] for activity in route if activity.is_client()]
        for route in result.best.routes()
    ]
    planned = {i for sequence in sequences for i in sequence}
    left = [i for i in stops if i not in planned]
    return result, sequences, left


def solve(
    problem: Problem,
    *,
    time_limit: float | None = 5.0,
    max_iterations: int | None = None,
    seed: int = 0,
) -> Plan:
    """The best plan PyVRP finds within the limits (whichever comes first)."""
    unreachable = set(unreachable_stops(problem))
    stops = [i for i in range(len(problem.stops)) if i not in unreachable]
    unserved = [Unserved(i, UNREACHABLE) for i in sorted(unreachable)]
    if not stops:
        return plan_build(problem, [], unserved, solver=SOLVER_NAME)

    result, sequences, left = _run(
        problem, stops, optional=False, stop=_stop_criterion(time_limit, max_iterations), seed=seed
    )
    seconds, iterations = result.runtime, result.num_iterations
    if not result.is_feasible() or left:
        result, sequences, left = _run(
            problem,
            stops,
            optional=True,
            stop=_stop_criterion(time_limit, max_iterations),
            seed=seed,
        )
        seconds += result.runtime
        iterations += result.num_iterations
        if not result.is_feasible():
            # Even with every stop optional the search found nothing feasible in time: serve
            # nobody rather than hand out a plan that breaks a window or a capacity.
            sequences, left = [], stops
    unserved += [Unserved(i, NO_ROOM) for i in left]
    return plan_build(
        problem,
        sequences,
        unserved,
        solver=SOLVER_NAME,
        seconds=seconds,
        iterations=iterations,
    )
