"""CVRPLIB instances (vrplib's reader) as a Problem with no clock, and their best known cost
from a .sol file. Distances as the instance defines them; for EUC_2D rounded to the nearest
integer, the convention of the X set's best known solutions."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import vrplib

from .problem import Depot, Fleet, Matrix, Problem, Stop, problem_build


def vrplib_problem(path: str | Path, *, vehicles: int | None = None) -> Problem:
    """`vehicles` defaults to the instance's VEHICLES field, then the "No of trucks" its
    comment gives (the X set), then one per customer."""
    data = vrplib.read_instance(str(path))
    depot_index = int(np.atleast_1d(data.get("depot", [0]))[0])
    if depot_index != 0:
        raise ValueError("only instances whose depot is the first node are supported")
    weights = np.asarray(data["edge_weight"], dtype=float)
    if str(data.get("edge_weight_type", "")).upper() == "EUC_2D":
        weights = np.rint(weights)
    distance = weights.astype(np.int64)
    coords = np.asarray(data.get("node_coord", np.zeros((len(distance), 2))), dtype=float)
    demand = np.asarray(data["demand"]).astype(int)
    if vehicles is None:
        vehicles = data.get("vehicles")
        match = re.search(r"No of trucks:\s*(\d+)", str(data.get("comment", "")))
        if vehicles is None and match:
            vehicles = int(match.group(1))
        vehicles = int(vehicles or len(distance) - 1)
    stops = [
        Stop(id=node, latitude=float(coords[node, 1]), longitude=float(coords[node, 0]),
             demand=int(demand[node]))
        for node in range(1, len(distance))
    ]  # fmt: skip
    return problem_build(
        depot=Depot(float(coords[0, 1]), float(coords[0, 0])),
        stops=stops,
        fleet=Fleet(vehicles=vehicles, capacity=int(data["capacity"])),
        shift=None,
        matrix=Matrix(distance=distance, duration=np.zeros_like(distance)),
        name=str(data.get("name", Path(path).stem)),
    )


def vrplib_best_cost(path: str | Path) -> float:
    return float(vrplib.read_solution(str(path))["cost"])
