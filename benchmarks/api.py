"""API load benchmark: the product list and product detail endpoints against the HTML pages they
mirror, in the same run.

The same setup as benchmarks/storefront.py (the large demo catalog on PostgreSQL, gunicorn with
2 sync workers, wrk on 127.0.0.1 at 16 connections): category listings vs
/api/v1/products/?category=... with the same filters and sorts, product pages vs
/api/v1/products/<slug>/, anonymous; with the cache off and on. The API's throttling is lifted
for the run (it would answer most requests with a 429).

    .venv/bin/python benchmarks/api.py [--database-url URL] [--duration 10]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.storefront import (
    Gunicorn,
    ensure_database,
    env_for,
    load_test_arguments,
    manage,
    wrk,
)


def api_env(database_url: str, redis_url: str, cache_seconds: int) -> dict[str, str]:
    env = env_for(database_url, redis_url, cache_seconds)
    env.update(API_THROTTLE_ANON="10000000/min", API_THROTTLE_USER="10000000/min")
    return env


def sample_paths(env: dict[str, str]) -> dict[str, list[str]]:
    """The same listings and products as pages and as API calls."""
    code = (
        "import json, random\n"
        "from catalog.models import Category, Product\n"
        "rng = random.Random(7)\n"
        "cats = list(Category.objects.filter(is_active=True).values_list('slug', flat=True))\n"
        "ids = list(Product.objects.filter(is_active=True).values_list('id', flat=True))\n"
        "pick = rng.sample(ids, min(300, len(ids)))\n"
        "slugs = list(Product.objects.filter(id__in=pick).values_list('slug', flat=True))\n"
        "print(json.dumps({'categories': cats, 'products': slugs}))\n"
    )
    data = json.loads(manage(env, "shell", "-c", code, capture=True).strip().splitlines()[-1])
    rng = random.Random(11)
    page_list, api_list = [], []
    for slug in data["categories"]:
        sort = rng.choice(["price_asc", "price_desc", "newest", "rating"])
        # The page shows 24 products (SHOP_PRODUCTS_PER_PAGE): the API is asked for as many.
        for query in ("", "page=2", f"sort={sort}", "in_stock=1&sort=price_asc"):
            page_list.append(f"/c/{slug}/" + (f"?{query}" if query else ""))
            api_query = "&".join(q for q in (f"category={slug}", "page_size=24", query) if q)
            api_list.append(f"/api/v1/products/?{api_query}".replace("in_stock=1", "in_stock=true"))
    return {
        "listing page": page_list,
        "listing API": api_list,
        "product page": [f"/p/{slug}/" for slug in data["products"]],
        "product API": [f"/api/v1/products/{slug}/" for slug in data["products"]],
    }


def main() -> None:
    args = load_test_arguments(__doc__)

    base_env = api_env(args.database_url, args.redis_url, 0)
    ensure_database(args.database_url, base_env, args.size)
    paths = sample_paths(base_env)
    print(
        f"{len(paths['listing page'])} listing URLs, {len(paths['product page'])} products; "
        f"gunicorn 2 sync workers; wrk 1 thread, {args.connections} connections, "
        f"{args.duration} s per target"
    )
    rows = []
    for mode, seconds in (("cache off", 0), ("cache on", 300)):
        env = api_env(args.database_url, args.redis_url, seconds)
        subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True)
        server = Gunicorn(env)
        try:
            results = {name: wrk(p, args.duration, args.connections) for name, p in paths.items()}
        finally:
            server.stop()
        for name, r in results.items():
            page = results[name.replace("API", "page")]
            rows.append((mode, name, r, r["rps"] / page["rps"]))

    print()
    print(f"{'mode':<10} {'target':<13} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'vs page':>8} {'errors':>7}")  # fmt: skip
    for mode, name, r, ratio in rows:
        p50, p95, p99 = (r[k] / 1000 for k in ("p50", "p95", "p99"))
        print(
            f"{mode:<10} {name:<13} {r['rps']:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
            f"{ratio:>7.0%} {r['errors'] + r['non2xx']:>7}"
        )


if __name__ == "__main__":
    main()
