"""Whether a plan is one a dispatcher can hand out: every stop exactly once (on a route or
named as unserved), no van over its capacity, every delivery within its window, every van back
by the end of the shift, no more vans than the fleet has, and the figures the plan states
(distance, arrivals, loads) true. Used by the tests and the benchmarks."""

from __future__ import annotations

from collections import Counter

from .problem import Plan, Problem, route_build, shift_seconds


class PlanInvalid(AssertionError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def plan_problems(problem: Problem, plan: Plan, *, fleet_limit: bool = True) -> list[str]:
    """Everything wrong with `plan`; empty when it is valid."""
    found = []
    seen = Counter(visit.stop for route in plan.routes for visit in route.visits)
    seen.update(unserved.stop for unserved in plan.unserved)
    for i in range(len(problem.stops)):
        if seen[i] != 1:
            found.append(f"stop {problem.stops[i].id} appears {seen[i]} times")
    if set(seen) - set(range(len(problem.stops))):
        found.append("the plan names stops the problem does not have")
    if fleet_limit and len(plan.routes) > problem.fleet.vehicles:
        found.append(f"{len(plan.routes)} routes for {problem.fleet.vehicles} vehicles")
    vehicles = Counter(route.vehicle for route in plan.routes)
    if any(count > 1 for count in vehicles.values()):
        found.append("one vehicle drives two routes")
    _, end = shift_seconds(problem)
    total = 0
    for route in plan.routes:
        expected = route_build(problem, route.vehicle, [v.stop for v in route.visits])
        total += expected.distance
        if expected.load > problem.fleet.capacity:
            found.append(
                f"vehicle {route.vehicle} carries {expected.load} > {problem.fleet.capacity}"
            )
        for visit in expected.visits:
            window = problem.window_seconds(visit.stop)
            if window is not None and not window[0] <= visit.arrival <= window[1]:
                found.append(
                    f"stop {problem.stops[visit.stop].id} reached at {visit.arrival} s, "
                    f"outside its window {window[0]}-{window[1]} s"
                )
        if problem.shift is not None and expected.back > end:
            found.append(f"vehicle {route.vehicle} is back at {expected.back} s, after {end} s")
        if route != expected:
            found.append(f"vehicle {route.vehicle}: the stated times, loads or distance are wrong")
    if total != plan.distance:
        found.append(f"the plan states {plan.distance} but its routes add up to {total}")
    return found


def plan_check(problem: Problem, plan: Plan, *, fleet_limit: bool = True) -> None:
    """Raise PlanInvalid listing everything wrong with `plan`."""
    found = plan_problems(problem, plan, fleet_limit=fleet_limit)
    if found:
        raise PlanInvalid(found)
