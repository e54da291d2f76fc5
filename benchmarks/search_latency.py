"""Search latency with facets at 100,000 products, on SQLite and PostgreSQL.

Each search is what the results page asks for: ranked hits (a page of 24), the total and the
counts of every facet (category, brand, price band, rating, stock), in one call of the database
backend, as the results page asks (`search.services.search_understood`: price and colour words
read first; "cheap" costs two more one-hit searches). Query classes: plain words, typos,
phrases, Chinese, Chinese typos and pinyin, brand + category filters, broad words (thousands of
matches), price and colour words, and filters without words, the latter twice: as usually
answered (the catalog-wide facet counts cached under the index version) and as the first search
after an index change (every cache emptied before each call). Next to them, in the same run and
process, the latency of a plain lookup of a product by primary key: the floor of any query.

    .venv/bin/python benchmarks/search_latency.py [--backends sqlite,postgres] [--rounds 30]

The databases are made when missing: PostgreSQL `shop_bench_search` (a copy of `shop_bench`
when that exists, else seeded with the large demo shop), and a SQLite file under var/bench/
seeded with the large demo shop (several minutes). Target: p95 under 30 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import search_setup

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench_search"
TEMPLATE_DB = "shop_bench"

CLASSES: dict[str, list[dict]] = {
    "plain": [{"text": t} for t in ("yoga mat", "tent", "coffee beans", "laptop", "lipstick",
                                     "frying pan", "hoodie", "power bank", "green tea")],
    "typo": [{"text": t} for t in ("runing shoes", "headphnoes", "keybaord", "sleping bag",
                                    "lipstik", "cardigna", "kettelbell", "sunscren")],
    "phrase": [{"text": t} for t in ('"trail running shoes"', '"green tea"', '"rain jacket"',
                                      '"dutch oven"', '"wireless charger"')],
    "chinese": [{"text": t, "language": "zh-hans"} for t in ("耳机", "瑜伽垫", "帐篷", "咖啡豆",
                                                             "充电宝", "跑鞋", "机械键盘")],
    "chinese typos, pinyin": [{"text": t, "language": "zh-hans"} for t in (
        "瑜珈垫", "帐蓬", "yujiadian", "lanya erji", "lyej", "冬天穿的保暖外套", "蓝牙耳机 降噪")],
    "brand+category": [
        {"text": "jacket", "brands": ("northpeak",), "categories": ("jackets-coats",)},
        {"text": "coffee", "brands": ("harbor-roasters",)},
        {"text": "tent", "categories": ("camping-hiking",), "price_bands": ("300-1000",)},
        {"text": "shoes", "categories": ("shoes",), "in_stock": True, "min_rating": 4},
    ],
    "broad": [{"text": t} for t in ("black", "cotton", "wireless", "running")],
    "price": [{"text": "running shoes under 500"}, {"text": "headphones 100-300"},
              {"text": "cheap headphones"}, {"text": "under 200"},
              {"text": "500元以下的跑鞋", "language": "zh-hans"}],
    "colour": [{"text": "red running shoes"}, {"text": "white sneakers"}, {"text": "blue"},
               {"text": "黑色耳机", "language": "zh-hans"}],
    "filters only": [
        {"categories": ("electronics",)},
        {"brands": ("corefit",), "in_stock": True},
        {"categories": ("tea",), "sort": "best_selling"},
    ],
}  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(rounds: int) -> dict:
    """Runs inside a process configured for the backend's database."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from catalog.models import Product
    from search.backends.base import SearchQuery
    from search.services import database_backend, search_understood

    backend = database_backend()
    ids = list(Product.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    out: dict[str, dict] = {}

    def pk_lookup() -> None:
        Product.objects.filter(pk=rng.choice(ids)).values_list("name", flat=True).first()

    for _ in range(20):  # warm the connection and caches
        pk_lookup()
    samples = []
    for _ in range(rounds * 10):
        started = time.perf_counter()
        pk_lookup()
        samples.append((time.perf_counter() - started) * 1000)
    out["primary-key lookup"] = {"samples": samples, "hits": 1}

    classes = [(name, queries, False) for name, queries in CLASSES.items()]
    # The counts of a search without words are cached until the index changes: also time the
    # first such search after a change (every cache emptied before each call, outside the timing).
    classes.append(("filters only, cold", CLASSES["filters only"], True))
    for name, queries, cold in classes:
        built = [SearchQuery(**q) for q in queries]
        for query in built:
            search_understood(backend, query)  # warm-up
        samples, totals = [], []
        for _ in range(rounds):
            for query in built:
                if cold:
                    cache.clear()
                started = time.perf_counter()
                result = search_understood(backend, query)
                samples.append((time.perf_counter() - started) * 1000)
                totals.append(result.total)
        out[name] = {"samples": samples, "hits": statistics.median(totals)}
    return {
        "backend": backend.name,
        "products": len(ids),
        "vendor": connection.vendor,
        "classes": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--database-url", default=DEFAULT_DB, help="PostgreSQL (made if missing)")
    parser.add_argument(
        "--sqlite-dir", default=str(search_setup.ROOT / "var" / "bench" / "search-100k")
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.rounds)))
        return

    results = []
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        print(f"== {name} ==", flush=True)
        if name == "postgres":
            search_setup.ensure_postgres_database(args.database_url, template=TEMPLATE_DB)
            env = search_setup.postgres_env(args.database_url)
        else:
            env = search_setup.sqlite_env(Path(args.sqlite_dir))
        search_setup.prepare(env, "large")
        out = subprocess.run(
            [sys.executable, __file__, "--measure", "--rounds", str(args.rounds)],
            cwd=search_setup.ROOT,
            env=env,
            check=True,
            text=True,
            capture_output=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))

    for result in results:
        print(f"\n{result['backend']}: {result['products']:,} products, search with facets, ms")
        print(f"  {'query class':<20}{'p50':>9}{'p95':>9}{'median hits':>13}")
        for name, data in result["classes"].items():
            samples = data["samples"]
            print(
                f"  {name:<20}{percentile(samples, 50):>9.2f}{percentile(samples, 95):>9.2f}"
                f"{data['hits']:>13,.0f}"
            )
    print("\ntarget: p95 under 30 ms on PostgreSQL with facets")


if __name__ == "__main__":
    main()
