"""Delivery route planning in plain numbers, importing no Django (the import-linter contract
"Maths modules import no Django"): a day's stops, fleet and shift (problem.py), the production
solver (solver.py: PyVRP), OR-Tools for comparison (ortools_solver.py, benchmarks only), the
nearest-neighbour baseline (baseline.py), the plan checker (check.py), generated days and CVRPLIB
instances (generate.py, instances.py) and the SVG map (svg.py). The shop's side is
logistics.services.routes; the measurements are in docs/routing.md."""

from .baseline import nearest_neighbour
from .check import PlanInvalid, plan_check, plan_problems
from .problem import (
    NO_LOCATION,
    NO_ROOM,
    UNREACHABLE,
    Depot,
    Fleet,
    Matrix,
    Plan,
    Problem,
    Route,
    RoutingError,
    Shift,
    Stop,
    StopsTooHeavy,
    Unserved,
    Visit,
    problem_build,
    road_matrix,
    unreachable_stops,
)
from .solver import SOLVER_NAME, solve

__all__ = [
    "NO_LOCATION",
    "NO_ROOM",
    "SOLVER_NAME",
    "UNREACHABLE",
    "Depot",
    "Fleet",
    "Matrix",
    "Plan",
    "PlanInvalid",
    "Problem",
    "Route",
    "RoutingError",
    "Shift",
    "Stop",
    "StopsTooHeavy",
    "Unserved",
    "Visit",
    "nearest_neighbour",
    "plan_check",
    "plan_problems",
    "problem_build",
    "road_matrix",
    "solve",
    "unreachable_stops",
]
