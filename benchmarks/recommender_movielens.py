"""The recommender's maths on real data: MovieLens-100k (943 users, 1,682 films, 100,000 ratings of
1997-98), every rating a review, through recommendations.als directly (no database).

NDCG@10 of ALS and of the most-popular baseline on the time-based holdout, with default
parameters, for the same log at three places in time:

(a) the real timestamps (ending April 1998),
(b) shifted so that it ends now,
(c) shifted so that it ends two years ago,

trained at the time the script runs in all three. A recommender whose quality depends on when a
log ended (rather than on what it says) shows different figures for the three.

The data comes from RecBole's wheel on PyPI (downloaded once with pip into var/movielens/, not
installed); without network and without that cache the script says so and stops.

    .venv/bin/python benchmarks/recommender_movielens.py [--inter PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "movielens"
MEMBER = "recbole/dataset_example/ml-100k/ml-100k.inter"
DAY = 86400.0


def inter_file() -> Path:
    """ml-100k.inter, from the cache or unzipped from RecBole's wheel (downloaded with pip)."""
    target = CACHE / "ml-100k.inter"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE.glob("recbole-*.whl"))
    if not wheels:
        print("downloading RecBole's wheel (MovieLens-100k is inside it) into", CACHE)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "recbole", "-d", str(CACHE)],
            capture_output=True,
            text=True,
        )
        wheels = sorted(CACHE.glob("recbole-*.whl"))
        if done.returncode or not wheels:
            sys.exit(
                "Could not download RecBole's wheel (offline?). Put ml-100k.inter in "
                f"{CACHE} or pass --inter PATH.\n{done.stderr[-800:]}"
            )
    with zipfile.ZipFile(wheels[-1]) as wheel:
        target.write_bytes(wheel.read(MEMBER))
    return target


def load(path: Path):
    """user, item, rating, timestamp columns (tab-separated, one header line)."""
    table = np.loadtxt(path, delimiter="\t", skiprows=1, dtype=np.float64)
    return (
        table[:, 0].astype(np.int64),
        table[:, 1].astype(np.int64),
        table[:, 2].astype(np.int64),
        table[:, 3],
    )


def run(columns, *, shift: float, now: float, params) -> dict:
    sys.path.insert(0, str(ROOT))
    from recommendations import als

    users, items, ratings, stamps = columns
    events = als.Events(
        users.copy(),
        items.copy(),
        np.full(len(users), als.KIND_CODE["review"], dtype=np.int8),
        ratings.copy(),
        stamps + shift,
    )
    started = time.perf_counter()
    trained = als.train(events, now=now, params=params)
    metrics = trained.metrics
    return {
        "als": metrics["als"][f"ndcg@{params.k}"],
        "popularity": metrics["popularity"][f"ndcg@{params.k}"],
        "users": metrics["als"]["users"],
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inter", type=Path, help="ml-100k.inter (default: cached download)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from recommendations import als

    columns = load(args.inter or inter_file())
    params = als.Params()
    now = time.time()
    end = float(columns[3].max())
    cases = [
        ("(a) real timestamps (ends 1998)", 0.0),
        ("(b) shifted to end now", now - end),
        ("(c) shifted to end two years ago", now - 730 * DAY - end),
    ]
    print(f"MovieLens-100k: {len(columns[0]):,} ratings, default Params, k={params.k}")
    print(f"{'log':36} {'ALS':>8} {'popular':>8} {'ratio':>6} {'users':>6} {'seconds':>8}")
    for name, shift in cases:
        result = run(columns, shift=shift, now=now, params=params)
        ratio = result["als"] / result["popularity"] if result["popularity"] else float("nan")
        print(
            f"{name:36} {result['als']:8.4f} {result['popularity']:8.4f} {ratio:6.2f} "
            f"{result['users']:6d} {result['seconds']:8.2f}"
        )


if __name__ == "__main__":
    main()
