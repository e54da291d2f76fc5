"""The recommender on real data, through the shop's own commands: MovieLens-100k (943 users,
1,682 films, 100,000 ratings of 1997-98), every rating a review.

For the log shifted to end now, then for the same log with its real 1997-98 timestamps, each in
a fresh SQLite database of its own (var/bench-movielens/):

1. `manage.py import_interactions` (shoppers and products created, as an operator would);
2. `manage.py train_recommender` with the settings' own values;
3. `manage.py tune_recommender` (the settings searched on the validation split; the best scored
   once on the test split);
4. `manage.py train_recommender` again, now with the tuned settings: NDCG@10 of the live version
   next to the most-popular baseline on the time-based holdout, its retrain time next to
   implicit's bare fit on the same matrix with the same settings;
5. the settings' own values and the tuned ones over several holdout seeds (--seeds): many
   MovieLens users rate several films in the same second, so which of them are held out (and
   the model's starting factors) depend on a seed, and one seed's ratio moves by about 10%;
   the mean and spread of the ratio over seeds are the figure to compare, from the shop's
   database and from the maths alone on the file's own ids.

Both logs must go live and score the same (decay is measured from the newest event, not the
clock). Figures only, no timed asserts.

The data comes from RecBole's wheel on PyPI (downloaded once with pip into var/movielens/, not
installed); without network and without that cache the script says so and stops.

    .venv/bin/python benchmarks/recommender_movielens.py [--inter PATH] [--trials 24]
        [--budget 150] [--families als,bpr,lmf,item_cosine,item_bm25,item_tfidf] [--seeds 5]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "movielens"
SCRATCH = ROOT / "var" / "bench-movielens"
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


def write_csv(columns, path: Path, *, shift: float) -> None:
    """The log as import_interactions reads it: every rating a review at its (shifted) time."""
    users, items, ratings, stamps = columns
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        handle.write("user_external_id,product_external_id,kind,time,rating\n")
        for user, item, rating, stamp in zip(users, items, ratings, stamps + shift, strict=True):
            handle.write(f"u{user},m{item},review,{int(stamp)},{rating}\n")


def outer(args) -> None:
    columns = load(args.inter or inter_file())
    now = time.time()
    end = float(columns[3].max())
    cases = [
        ("shifted to end now", "now", now - end),
        ("real timestamps (ends April 1998)", "1998", 0.0),
    ]
    print(
        f"MovieLens-100k: {len(columns[0]):,} ratings of {len(np.unique(columns[0]))} users on "
        f"{len(np.unique(columns[1]))} films, each a review; a fresh SQLite database per log\n"
    )
    results = []
    for label, name, shift in cases:
        scratch = SCRATCH / name
        shutil.rmtree(scratch, ignore_errors=True)
        csv = scratch / "ml-100k.csv"
        write_csv(columns, csv, shift=shift)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "ENV_FILE")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="shop.settings.local",
            DEBUG="0",
            OPENBLAS_NUM_THREADS="1",
            SHOP_VAR_DIR=str(scratch),
            LOG_LEVEL="WARNING",
        )
        command = [
            sys.executable, __file__, "--inner", str(csv), "--trials", str(args.trials),
            "--budget", str(args.budget), "--families", args.families, "--seeds", str(args.seeds),
        ]  # fmt: skip
        print(f"== {label} ==", flush=True)
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"the run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        show(result)
        results.append((label, result))
    print("== summary: NDCG@10 of the live version on the test split ==")
    print(f"{'log':36} {'live':>8} {'popular':>8} {'ratio':>6} {'status':>7} {'family':>7}")
    for label, result in results:
        live = result["tuned"]
        print(
            f"{label:36} {live['ndcg']:8.4f} {live['popular']:8.4f} "
            f"{live['ndcg'] / live['popular']:6.2f} {live['status']:>7} {live['family']:>7}"
        )
    same = abs(results[0][1]["tuned"]["ndcg"] - results[1][1]["tuned"]["ndcg"])
    print(f"difference between the two logs: {same:.6f} (target: none); ratio target >= 1.8x")
    print(f"\n== over {args.seeds} holdout seeds: ratio to most popular, mean +- std (min-max) ==")
    for label, result in results:
        for name, key in (
            ("settings' own values", "spread_default"),
            ("tuned", "spread_tuned"),
            ("tuned, maths alone, file ids", "spread_file"),
        ):
            print(f"{label:36} {name:30} {spread_line(result[key])}")


def spread_line(spread: dict) -> str:
    return (
        f"{spread['model']:.4f} vs {spread['popularity']:.4f}: {spread['ratio']:.2f}x "
        f"+- {spread['ratio_std']:.2f} ({spread['ratio_min']:.2f}-{spread['ratio_max']:.2f})"
    )


def show(result: dict) -> None:
    print(f"  import_interactions   {result['import_seconds']:7.2f} s  {result['import_line']}")
    default = result["default"]
    print(
        f"  train_recommender, the settings' own values: NDCG@10 {default['ndcg']:.4f} vs most "
        f"popular {default['popular']:.4f} ({default['ndcg'] / default['popular']:.2f}x), "
        f"{default['status']}, {default['seconds']:.2f} s"
    )
    tuning = result["tuning"]
    print(
        f"  tune_recommender      {tuning['seconds']:7.2f} s, {tuning['trials']} trials: best "
        f"{tuning['best']}"
    )
    validation, test = tuning["validation"], tuning["test"]
    print(
        f"    validation NDCG@10 {validation:.4f} vs most popular "
        f"{tuning['validation_popular']:.4f} ({validation / tuning['validation_popular']:.2f}x); "
        f"test {test:.4f} vs {tuning['test_popular']:.4f} ({test / tuning['test_popular']:.2f}x)"
    )
    tuned = result["tuned"]
    print(
        f"  train_recommender, tuned: version #{tuned['version']} {tuned['status']}: NDCG@10 "
        f"{tuned['ndcg']:.4f} vs most popular {tuned['popular']:.4f} "
        f"({tuned['ndcg'] / tuned['popular']:.2f}x), {tuned['users']} users evaluated"
    )
    print(
        f"  retrain {tuned['seconds']:.2f} s (stages: {tuned['stages']})\n"
        f"  implicit's bare fit on the same matrix ({tuned['family']}, {tuned['iterations']} "
        f"iterations): {tuned['bare']:.2f} s; retrain / bare fit "
        f"{tuned['seconds'] / tuned['bare']:.2f}x (target <= 3x)\n",
        flush=True,
    )


def inner(args) -> None:
    """In the scratch environment: migrate, import, train, tune, train again; one JSON line."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Merchant
    from recommendations import als
    from recommendations.models import ModelVersion, TuningRun
    from recommendations.services.extract import interactions_extract

    call_command("migrate", verbosity=0)
    Merchant.objects.get_or_create(slug="movielens", defaults={"name": "MovieLens"})

    def command(*arguments) -> str:
        out = io.StringIO()
        call_command(*arguments, stdout=out)
        return out.getvalue()

    started = time.perf_counter()
    report = command(
        "import_interactions", args.inner, "--source", "ml100k", "--create-shoppers",
        "--create-products", "--merchant", "movielens",
    )  # fmt: skip
    import_seconds = time.perf_counter() - started
    import_line = " ".join(line.strip() for line in report.strip().splitlines()[-2:])

    def version_figures(version: ModelVersion) -> dict:
        return {
            "version": version.pk,
            "status": version.status,
            "family": version.params.get("family", "als"),
            "iterations": version.params["iterations"],
            "ndcg": version.metrics["als"]["ndcg@10"],
            "popular": version.metrics["popularity"]["ndcg@10"],
            "users": version.metrics["als"]["users"],
            "seconds": version.seconds,
            "stages": ", ".join(f"{k} {v:.2f}" for k, v in version.stages.items()),
        }

    command("train_recommender")
    default = version_figures(ModelVersion.objects.order_by("-id").first())
    command(
        "tune_recommender", "--trials", str(args.trials), "--budget", str(args.budget),
        "--families", args.families,
    )  # fmt: skip
    run = TuningRun.objects.order_by("-id").first()
    command("train_recommender")
    version = ModelVersion.objects.order_by("-id").first()
    tuned = version_figures(version)

    # implicit alone on the matrix the retrain served from, with the same settings.
    params = als.Params(**version.params)
    events = interactions_extract(until=version.trained_until)
    data = als.build_interactions(events, now=version.trained_until.timestamp(), params=params)
    matrix = als.weighted(data.confidence, params)
    started = time.perf_counter()
    als.fit(matrix, params)
    tuned["bare"] = time.perf_counter() - started

    # The evaluation over several holdout seeds (same holdout for the model and the baseline
    # within a seed): the settings' own values and the tuned ones on the shop's events, and
    # the tuned ones on the file's own ids through the maths alone.
    seeds = range(args.seeds)
    now = version.trained_until.timestamp()
    defaults = replace(params, **als.searched(als.Params()))

    def spread(events, settings) -> dict:
        return als.spread_summary(
            als.holdout_spread(events, now=now, params=settings, seeds=seeds), k=settings.k
        )

    spreads = {
        "spread_default": spread(events, defaults),
        "spread_tuned": spread(events, params),
        "spread_file": spread(file_events(args.inner), params),
    }
    result = {
        "import_seconds": import_seconds,
        "import_line": import_line,
        "default": default,
        "tuning": {
            "seconds": run.seconds,
            "trials": run.trials_done,
            "best": run.best_params,
            "validation": run.validation_ndcg,
            "validation_popular": run.validation_baseline,
            "test": run.test_ndcg,
            "test_popular": run.test_baseline,
        },
        "tuned": tuned,
        **spreads,
    }
    print(json.dumps(result))


def file_events(csv: str):
    """The CSV's reviews as the maths reads them, with the file's own user and film numbers as
    ids (not the database's)."""
    from recommendations import als

    table = np.loadtxt(
        csv, delimiter=",", skiprows=1, dtype=str, usecols=(0, 1, 3, 4)
    )  # u<id>, m<id>, time, rating
    users = np.char.lstrip(table[:, 0], "u").astype(np.int64)
    items = np.char.lstrip(table[:, 1], "m").astype(np.int64)
    kinds = np.full(len(users), als.KIND_CODE["review"], dtype=np.int8)
    return als.Events(users, items, kinds, table[:, 3].astype(np.int64), table[:, 2].astype(float))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inter", type=Path, help="ml-100k.inter (default: cached download)")
    parser.add_argument("--trials", type=int, default=24, help="tune_recommender --trials")
    parser.add_argument("--budget", type=float, default=150.0, help="tune_recommender --budget")
    parser.add_argument(
        "--families",
        default="als,bpr,lmf,item_cosine,item_bm25,item_tfidf",
        help="tune_recommender --families",
    )
    parser.add_argument("--seeds", type=int, default=5, help="holdout seeds for the spread")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
    else:
        outer(args)


if __name__ == "__main__":
    main()
