"""Recommender benchmark: retrain time by stage next to implicit's bare fit, quality against the
most-popular baseline, and what the recommendation slots add to the pages they are on.

Seeds the large demo data (100,000 products, 50,000 users, 1,000,000 interactions) into its own
PostgreSQL database if it is not there yet, then in one run:

1. the whole retrain (`recommender_train`: extract from PostgreSQL, build the matrix,
   fit, evaluate, compute and write the precomputed results), stage by stage;
2. implicit's own fit alone on the same matrix with the same parameters;
3. ALS against the most-popular baseline on the same time-based holdout;
4. home, product and cart pages for signed-in shoppers with history, rendered in-process with
   the Redis cache on, alternately with the slots (and interaction recording) on and off.

    .venv/bin/python benchmarks/recommender.py [--database-url URL] [--requests 600]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench_recs"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def outer(args) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.storefront import ensure_database, env_for

    env = env_for(args.database_url, args.redis_url, 300)
    ensure_database(args.database_url, env, "large")
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        DEBUG="0",
        OPENBLAS_NUM_THREADS="1",
        SHOP_VAR_DIR=str(ROOT / "var" / "bench-recommender"),
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    command = [sys.executable, __file__, "--inner", "--requests", str(args.requests)]
    if args.serving_only:
        command.append("--serving-only")
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def inner(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from recommendations import als
    from recommendations.models import ModelVersion, RecommenderSettings
    from recommendations.services.extract import interactions_extract
    from recommendations.services.serving import model_version_cache_results
    from recommendations.services.training import recommender_train

    params = RecommenderSettings.load().params()
    device = "GPU" if als.use_gpu() else "CPU"
    update = (
        f"+{params.refit_iterations} on the whole matrix"
        if params.refit_iterations
        else "users folded in on the whole matrix"
    )
    print(
        f"device: {device}; factors {params.factors}, iterations {params.iterations} "
        f"({update}), regularisation {params.regularization}, alpha {params.alpha}, "
        f"{params.weighting}"
    )

    if args.serving_only:
        version = ModelVersion.objects.filter(is_live=True).first()
        if version is None:
            sys.exit("--serving-only needs a live model version: run without it once")
        # What publishing the version does: its precomputed lists into the shared cache.
        entries = model_version_cache_results(version_id=version.pk)
        print(f"serving only: live version #{version.pk} ({entries:,} lists in the cache)")
        serving(args, version)
        return

    # 1. The whole retrain.
    version = recommender_train(params=params)
    print(f"\n== retrain (version #{version.pk}, {version.status}) ==")
    print(f"{version.interactions:,} interactions, {version.users:,} shoppers, "
          f"{version.products:,} products")  # fmt: skip
    order = ("extract", "matrix", "fit", "evaluate", "recommend", "neighbours", "content", "write")
    # After the total: putting the live version's lists into the shared cache once it is live.
    for stage in order:
        print(f"  {stage:<12} {version.stages.get(stage, 0):7.2f} s")
    print(f"  {'total':<12} {version.seconds:7.2f} s")
    print(f"  {'then cache':<12} {version.stages.get('cache', 0):7.2f} s (lists into Redis)")

    # 2. implicit alone on the same matrix.
    events = interactions_extract(until=version.trained_until)
    data = als.build_interactions(events, now=version.trained_until.timestamp(), params=params)
    matrix = als.weighted(data.confidence, params)
    started = time.perf_counter()
    als.fit(matrix, params)
    bare = time.perf_counter() - started
    print(f"\nimplicit fit alone ({params.iterations} iterations, same matrix): {bare:.2f} s")
    print(f"retrain / bare fit: {version.seconds / bare:.2f}x (target <= 3x); "
          f"fit inside the retrain (evaluation fit + fold-in): "
          f"{version.stages['fit_only']:.2f} s")  # fmt: skip

    # 3. Quality.
    print("\n== evaluation: each shopper's latest 2 products held out ==")
    for model in ("als", "popularity"):
        values = version.metrics[model]
        print(f"  {model:<11}" + "  ".join(
            f"{k} {v:.4f}" for k, v in values.items() if isinstance(v, float)
        ) + f"  ({values['users']:,} shoppers)")  # fmt: skip
    ratio = version.metrics["als"]["ndcg@10"] / version.metrics["popularity"]["ndcg@10"]
    print(f"  NDCG@10 ALS / most popular: {ratio:.2f}x (target >= 1.5x)")
    serving(args, version)


def serving(args, version) -> None:
    """4. What the slots add to the pages they are on."""
    import random

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from catalog.caching import bump_catalog_version
    from catalog.models import Product
    from recommendations.history import history_forget
    from recommendations.models import Interaction, UserRecommendation

    serving_started = timezone.now()
    rng = random.Random(5)
    users = list(
        UserRecommendation.objects.filter(version=version).values_list("user_id", flat=True)[:2000]
    )
    shoppers = get_user_model().objects.filter(pk__in=rng.sample(users, min(40, len(users))))
    # Start cold: no page, fragment or card rendered by an earlier run is served from the cache
    # (they are keyed by the catalog version), nor the shoppers' histories.
    bump_catalog_version()
    history_forget([(shopper.pk, "") for shopper in shoppers])
    products = list(
        Product.objects.filter(is_active=True, in_stock=True).values_list("slug", flat=True)[:5000]
    )
    variants = list(
        Product.objects.filter(is_active=True, in_stock=True, variants__is_active=True).values_list(
            "variants__id", flat=True
        )[:400]
    )
    clients = []
    for shopper in shoppers:
        client = Client()
        client.force_login(shopper)
        for variant in rng.sample(variants, 2):
            # From the shop's own page, as a browser sends it (cart:add refuses other origins).
            added = client.post(
                "/cart/add/", {"variant": variant, "quantity": 1}, HTTP_ORIGIN="http://testserver"
            )
            assert added.status_code in (200, 302), ("cart add", added.status_code)
        clients.append(client)
    pages = {
        "home": lambda: "/",
        "product": lambda: f"/p/{rng.choice(products)}/",
        "cart": lambda: "/cart/",
    }
    print(f"\n== serving: {args.requests} requests a page and mode, signed-in shoppers "
          "with history, Redis cache on ==")  # fmt: skip
    print(f"  {'page':<8} {'without p50':>11} {'p95':>7} {'with p50':>9} {'p95':>7} "
          f"{'added p50':>9} {'p95':>7}  ms")  # fmt: skip
    for name, path_for in pages.items():
        timings = {True: [], False: []}
        for i in range(args.requests * 2 + 40):
            enabled = i % 2 == 0
            path = path_for()
            client = clients[i % len(clients)]
            with override_settings(RECOMMENDATIONS_ENABLED=enabled):
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if i >= 40:  # warm-up: caches, model loading, connections
                timings[enabled].append(elapsed)
        off, on = timings[False], timings[True]
        p50_off, p95_off = statistics.median(off), percentile(off, 95)
        p50_on, p95_on = statistics.median(on), percentile(on, 95)
        print(f"  {name:<8} {p50_off:11.2f} {p95_off:7.2f} {p50_on:9.2f} {p95_on:7.2f} "
              f"{p50_on - p50_off:9.2f} {p95_on - p95_off:7.2f}")  # fmt: skip
    # The benchmark's page views (in the Redis buffer) and cart additions are not shoppers'
    # history.
    from django.core.cache import cache

    from recommendations.services.buffer import BUFFER_KEY
    from recommendations.store import redis_client

    redis_client(write=True).delete(cache.make_key(BUFFER_KEY))
    Interaction.objects.filter(created_at__gte=serving_started).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument(
        "--serving-only",
        action="store_true",
        help="skip the retrain and measure the slots of the live version",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
    else:
        outer(args)


if __name__ == "__main__":
    main()
