"""logistics.routing on its own (no database): plans visit every stop once, within the vans'
capacity and the stops' windows; infeasible input is refused or reported stop by stop."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from logistics import routing
from logistics.routing import (
    NO_ROOM,
    UNREACHABLE,
    Depot,
    Fleet,
    Shift,
    Stop,
    nearest_neighbour,
    plan_problems,
    problem_build,
    solve,
)
from logistics.routing.generate import generated_day
from logistics.routing.instances import vrplib_best_cost, vrplib_problem
from logistics.routing.problem import plan_build
from logistics.routing.svg import MapRoute, route_map_svg

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SHANGHAI = Depot(31.2304, 121.4737)
# Deterministic and quick: a fixed number of iterations rather than a time limit.
QUICK = {"time_limit": None, "max_iterations": 300, "seed": 1}


def near(north_km: float, east_km: float, **kwargs) -> dict:
    return {
        "latitude": SHANGHAI.latitude + north_km / 111.32,
        "longitude": SHANGHAI.longitude + east_km / (111.32 * np.cos(np.radians(31.23))),
        **kwargs,
    }


def assert_each_stop_once(problem, plan):
    visited = [visit.stop for route in plan.routes for visit in route.visits]
    left = [unserved.stop for unserved in plan.unserved]
    assert sorted(visited + left) == list(range(len(problem.stops)))


def assert_within_capacity(problem, plan):
    for route in plan.routes:
        carried = sum(problem.stops[visit.stop].demand for visit in route.visits)
        assert carried == route.load <= problem.fleet.capacity


def assert_within_windows(problem, plan):
    """Drives each route again from the matrix, independently of the plan's own figures."""
    start, end = problem.shift.start_minute * 60, problem.shift.end_minute * 60
    for route in plan.routes:
        clock, place = start, 0
        for visit in route.visits:
            stop = problem.stops[visit.stop]
            clock += int(problem.matrix.duration[place, visit.stop + 1])
            if stop.window:
                clock = max(clock, stop.window[0] * 60)
                assert stop.window[0] * 60 <= clock <= stop.window[1] * 60
            assert visit.arrival == clock
            clock += stop.service_minutes * 60
            place = visit.stop + 1
        assert clock + int(problem.matrix.duration[place, 0]) <= end


def test_a_generated_day_is_planned_within_capacity_and_windows_each_stop_once():
    problem = generated_day(60, 4, seed=3)
    assert any(stop.window for stop in problem.stops)

    plan = solve(problem, **QUICK)

    assert_each_stop_once(problem, plan)
    assert not plan.unserved
    assert len(plan.routes) <= 4
    assert_within_capacity(problem, plan)
    assert_within_windows(problem, plan)
    assert plan_problems(problem, plan) == []


def test_the_solver_beats_the_nearest_neighbour_baseline():
    problem = generated_day(80, 4, seed=5)

    baseline = nearest_neighbour(problem, max_vehicles=80)
    plan = solve(problem, **QUICK)

    assert plan_problems(problem, baseline, fleet_limit=False) == []
    assert plan.distance < baseline.distance


def test_a_stop_heavier_than_a_van_is_refused_by_name():
    stops = [Stop(id="light", demand=5, **near(1, 1)), Stop(id="piano", demand=500, **near(2, 1))]

    with pytest.raises(routing.StopsTooHeavy) as raised:
        problem_build(depot=SHANGHAI, stops=stops, fleet=Fleet(vehicles=3, capacity=100))

    assert raised.value.ids == ["piano"]
    assert "piano" in str(raised.value)


def test_a_window_no_van_can_reach_is_reported_unserved_and_the_rest_planned():
    stops = [
        Stop(id="near", demand=1, **near(1, 0)),
        # 40 km away, to be served between 08:00 and 08:10: no van leaving at 08:00 makes it.
        Stop(id="far", demand=1, window=(8 * 60, 8 * 60 + 10), **near(40, 0)),
    ]
    problem = problem_build(depot=SHANGHAI, stops=stops, fleet=Fleet(vehicles=2, capacity=10))

    plan = solve(problem, **QUICK)

    assert [(u.stop, u.reason) for u in plan.unserved] == [(1, UNREACHABLE)]
    assert [visit.stop for route in plan.routes for visit in route.visits] == [0]
    assert plan_problems(problem, plan) == []


def test_windows_that_cannot_all_be_met_leave_the_fewest_stops_unserved():
    # One van, three stops far apart, all to be served between 10:00 and 10:10: it can make one.
    stops = [
        Stop(id=name, demand=1, window=(600, 610), service_minutes=5, **near(*where))
        for name, where in (("a", (5, 0)), ("b", (-5, 0)), ("c", (0, 6)))
    ]
    problem = problem_build(depot=SHANGHAI, stops=stops, fleet=Fleet(vehicles=1, capacity=10))

    plan = solve(problem, **QUICK)

    assert plan.served == 1
    assert {u.reason for u in plan.unserved} == {NO_ROOM}
    assert_each_stop_once(problem, plan)
    assert_within_windows(problem, plan)


def test_more_parcels_than_the_fleet_carries_leave_some_unserved_within_capacity():
    stops = [Stop(id=i, demand=40, **near(i % 3, i // 3)) for i in range(6)]
    problem = problem_build(depot=SHANGHAI, stops=stops, fleet=Fleet(vehicles=2, capacity=100))

    plan = solve(problem, **QUICK)

    assert plan.served == 4  # two per van: 80 of 100 kg each
    assert [u.reason for u in plan.unserved] == [NO_ROOM, NO_ROOM]
    assert_within_capacity(problem, plan)
    assert plan_problems(problem, plan) == []


@pytest.mark.parametrize(
    "change",
    [
        {"fleet": Fleet(vehicles=0, capacity=10)},
        {"fleet": Fleet(vehicles=1, capacity=0)},
        {"stops": [Stop(id="x", demand=1, window=(700, 600), **near(1, 1))]},
        {"stops": [Stop(id="x", demand=-1, **near(1, 1))]},
        {"shift": Shift(start_minute=600, end_minute=500)},
    ],
)
def test_invalid_input_is_refused(change):
    given = {
        "depot": SHANGHAI,
        "stops": [Stop(id="x", demand=1, **near(1, 1))],
        "fleet": Fleet(vehicles=1, capacity=10),
        **change,
    }
    with pytest.raises(routing.RoutingError):
        problem_build(**given)


def test_the_checker_names_every_broken_rule():
    stops = [
        Stop(id="a", demand=6, **near(1, 0)),
        Stop(id="b", demand=6, window=(480, 481), **near(10, 0)),
        Stop(id="c", demand=1, **near(0, 1)),
    ]
    problem = problem_build(depot=SHANGHAI, stops=stops, fleet=Fleet(vehicles=1, capacity=10))
    # a and b on one van (12 > 10, and b reached after its window), a again on a second van
    # (two routes for one vehicle), c nowhere.
    plan = plan_build(problem, [[0, 1], [0]], [], solver="test")
    plan = replace(plan, distance=plan.distance + 1)

    problems = " | ".join(plan_problems(problem, plan))

    assert "stop a appears 2 times" in problems
    assert "stop c appears 0 times" in problems
    assert "2 routes for 1 vehicles" in problems
    assert "carries 12 > 10" in problems
    assert "stop b reached at" in problems
    assert "routes add up to" in problems


def test_the_other_solver_gives_a_valid_plan_of_the_same_day():
    pytest.importorskip("ortools")
    from logistics.routing import ortools_solver

    problem = generated_day(40, 3, seed=2)

    plan = ortools_solver.solve(problem, time_limit=1)

    assert not plan.unserved
    assert plan_problems(problem, plan) == []


def test_a_cvrplib_instance_and_its_best_known_solution_agree_on_distances():
    problem = vrplib_problem(DATA / "X-n101-k25.vrp")
    best = vrplib_best_cost(DATA / "X-n101-k25.sol")
    import vrplib

    routes = vrplib.read_solution(str(DATA / "X-n101-k25.sol"))["routes"]
    # The .sol numbers customers 1..100; stop i is customer i + 1.
    plan = plan_build(problem, [[c - 1 for c in r] for r in routes], [], solver="BKS")

    assert problem.shift is None
    assert (len(problem.stops), problem.fleet.capacity) == (100, 206)
    assert plan.distance == best == 27591
    assert plan_problems(problem, plan) == []


def test_a_cvrplib_instance_is_solved_close_to_its_best_known_solution():
    problem = vrplib_problem(DATA / "X-n101-k25.vrp")

    plan = solve(problem, time_limit=None, max_iterations=2000, seed=1)

    assert plan_problems(problem, plan) == []
    assert plan.distance < 27591 * 1.05


def test_the_map_draws_each_route_and_escapes_labels():
    svg = route_map_svg(
        depot=(31.23, 121.47),
        routes=[
            MapRoute(label="Van 1 <a>", points=[(31.24, 121.48), (31.25, 121.47)]),
            MapRoute(label="Van 2", points=[(31.22, 121.46)]),
        ],
        unserved=[(31.2, 121.5)],
        title='Routes "today"',
    )

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3
    assert svg.count('class="unserved"') == 1
    assert "Van 1 &lt;a&gt;" in svg and "<a>" not in svg
    assert "style=" not in svg


def test_the_production_path_does_not_import_ortools():
    import subprocess
    import sys

    code = (
        "import sys; from logistics import routing; from logistics.routing import generate; "
        "routing.solve(generate.generated_day(10, 1), time_limit=None, max_iterations=10); "
        "print('ortools' in sys.modules, 'django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "False"]
