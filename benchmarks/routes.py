"""Route planning benchmark: PyVRP (production) against OR-Tools' routing solver at the same time
budget, the nearest-neighbour baseline, and OR-Tools given 60 s as the reference the 2% target is
measured against; on generated delivery days (clustered and uniform stops around a city, 30% with
a two-hour slot, vans about 85% full; seeded) of 50, 200 and 500 stops, and on CVRPLIB instances
(benchmarks/data/X-n101-k25.vrp by default, its best known cost from the .sol beside it).

Every plan is checked (logistics.routing.check: each stop once, capacities, windows, the shift).

    .venv/bin/python benchmarks/routes.py [--budget 5] [--reference 60] [--sizes 50,200,500]
        [--vrplib FILE [--sol FILE]] [--seeds 1,2,3] [--no-reference]
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logistics.routing import (  # noqa: E402
    nearest_neighbour,
    ortools_solver,
    plan_problems,
    solve,
)
from logistics.routing.generate import generated_day  # noqa: E402
from logistics.routing.instances import vrplib_best_cost, vrplib_problem  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DEFAULT_INSTANCES = [DATA / "X-n101-k25.vrp"]


def run(label, function):
    started = time.perf_counter()
    plan = function()
    return label, plan, time.perf_counter() - started


def measure(problem, args) -> list:
    """The baseline (with as many vans as it needs), both solvers at the budget, and OR-Tools
    at the reference time unless it is off."""
    rows = [
        run(
            "nearest neighbour", lambda: nearest_neighbour(problem, max_vehicles=len(problem.stops))
        ),
        run(
            f"PyVRP {args.budget:g} s",
            lambda: solve(problem, time_limit=args.budget, seed=args.seed),
        ),
        run(
            f"OR-Tools {args.budget:g} s",
            lambda: ortools_solver.solve(problem, time_limit=args.budget),
        ),
    ]
    if args.reference:
        rows.append(
            run(
                f"OR-Tools {args.reference:g} s (reference)",
                lambda: ortools_solver.solve(problem, time_limit=args.reference),
            )
        )
    return rows


def show(problem, rows, *, unit: str, scale: float, best: float | None) -> dict:
    nn = next(plan for label, plan, _ in rows if label.startswith("nearest"))
    reference = next((plan for label, plan, _ in rows if label.endswith("(reference)")), None)
    header = f"{'solver':<28} {'distance':>12} {'vs NN':>8} {'vs ref':>8}"
    header += f" {'vs BKS':>8}" if best else ""
    header += f" {'wall s':>7} {'routes':>6} {'unserved':>8}  check"
    print(header)
    figures = {}
    for label, plan, seconds in rows:
        problems = plan_problems(problem, plan, fleet_limit=not label.startswith("nearest"))
        line = f"{label:<28} {plan.distance / scale:>12,.1f} "
        line += f"{(plan.distance / nn.distance - 1) * 100:>+7.1f}% "
        line += (
            f"{(plan.distance / reference.distance - 1) * 100:>+7.2f}% "
            if reference
            else f"{'':>9}"
        )
        if best:
            line += f"{(plan.distance / best - 1) * 100:>+7.2f}% "
        line += f"{seconds:>7.2f} {len(plan.routes):>6} {len(plan.unserved):>8}  "
        line += "ok" if not problems else "INVALID: " + "; ".join(problems[:3])
        print(line)
        figures[label] = (plan, seconds, problems)
    print(f"({unit}; NN may use more vans than the fleet: it is given as many as it needs)")
    return figures


def generated(args) -> list[tuple]:
    """Each size and seed; returns the PyVRP figures the targets are about."""
    summary = []
    for size, seed in itertools.product(args.sizes, args.seeds):
        args.seed = seed
        vehicles = math.ceil(size / 20)
        problem = generated_day(size, vehicles, seed=seed)
        windows = sum(1 for stop in problem.stops if stop.window)
        print(
            f"\n== generated day: {size} stops ({windows} with a slot), {vehicles} vans of "
            f"{problem.fleet.capacity / 1000:.1f} kg, shift 08:00-20:00, seed {seed} =="
        )
        rows = measure(problem, args)
        figures = show(problem, rows, unit="km", scale=1000, best=None)
        plan, seconds, problems = figures[f"PyVRP {args.budget:g} s"]
        nn = figures["nearest neighbour"][0]
        verdict = [
            f"time {seconds:.1f} s {'<' if seconds < 10 else '>='} 10 s",
            f"{(1 - plan.distance / nn.distance) * 100:.1f}% shorter than NN (target >= 15%)",
        ]
        gap = None
        if args.reference:
            reference = figures[f"OR-Tools {args.reference:g} s (reference)"][0]
            gap = (plan.distance / reference.distance - 1) * 100
            verdict.append(f"{gap:+.2f}% vs OR-Tools {args.reference:g} s (target <= +2%)")
        verdict.append("valid" if not problems else "INVALID")
        print("PyVRP: " + "; ".join(verdict))
        ortools = figures[f"OR-Tools {args.budget:g} s"][0]
        summary.append(
            (size, seed, seconds, (1 - plan.distance / nn.distance) * 100,
             (plan.distance / ortools.distance - 1) * 100, gap, not problems)
        )  # fmt: skip
    return summary


def summarise(summary: list[tuple], args) -> None:
    if not summary:
        return
    print(f"\n== PyVRP at {args.budget:g} s, every generated day ==")
    print(f"{'stops':>5} {'seed':>4} {'wall s':>7} {'shorter than NN':>16} "
          f"{'vs OR-Tools same budget':>24} {'vs OR-Tools ref':>16}  valid")  # fmt: skip
    for size, seed, seconds, vs_nn, vs_same, vs_ref, valid in summary:
        ref = f"{vs_ref:+.2f}%" if vs_ref is not None else "-"
        print(f"{size:>5} {seed:>4} {seconds:>7.2f} {vs_nn:>15.1f}% {vs_same:>+23.2f}% "
              f"{ref:>16}  {'yes' if valid else 'NO'}")  # fmt: skip


def instances(args) -> None:
    for path in args.vrplib:
        path = Path(path)
        problem = vrplib_problem(path)
        sol = Path(args.sol) if args.sol else path.with_suffix(".sol")
        best = vrplib_best_cost(sol) if sol.exists() else None
        print(
            f"\n== CVRPLIB {problem.name}: {len(problem.stops)} customers, "
            f"{problem.fleet.vehicles} vehicles of {problem.fleet.capacity}"
            + (f", best known {best:g}" if best else "")
            + " =="
        )
        rows = measure(problem, args)
        show(problem, rows, unit="instance distance units", scale=1, best=best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per solver (5)")
    parser.add_argument("--reference", type=float, default=60.0, help="OR-Tools reference (60)")
    parser.add_argument("--no-reference", dest="reference", action="store_const", const=0.0)
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("--seeds", default="1", help="generated days' seeds, e.g. 1,2,3")
    parser.add_argument("--vrplib", action="append", help="a CVRPLIB .vrp file (repeatable)")
    parser.add_argument("--sol", help="its .sol (default: beside it, same name)")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",") if size]
    args.seeds = [int(seed) for seed in args.seeds.split(",") if seed]
    args.seed = args.seeds[0]
    if args.vrplib:
        args.sizes = [] if "--sizes" not in sys.argv else args.sizes
    else:
        args.vrplib = [str(path) for path in DEFAULT_INSTANCES]
    summary = generated(args)
    instances(args)
    summarise(summary, args)


if __name__ == "__main__":
    main()
