"""Database time per listing URL: every URL of the storefront benchmark's listing set
(benchmarks/storefront.py: each category's first and second page, a random sort, in stock by
price) and the parent-category price sorts, requested in-process with the storefront cache off;
the time spent in the database (the sum over its queries) is the median of `--rounds` requests.
`--explain PATH` also prints EXPLAIN ANALYZE of every query of that URL (repeatable).

    .venv/bin/python benchmarks/listing_db.py [--database-url URL] [--redis-url URL] [--rounds 5]

Uses the benchmark database as it is (run benchmarks/storefront.py once to seed it). Target:
every URL under 20 ms of database time at 100,000 products.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.storefront import DEFAULT_DB, DEFAULT_REDIS, env_for, listing_paths

EXTRA = ["/c/books-stationery/?sort=price_desc", "/c/shoes/?in_stock=1&sort=price_asc"]
TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--explain", action="append", default=[], metavar="PATH")
    args = parser.parse_args()

    os.environ.update(env_for(args.database_url, args.redis_url, 0))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from catalog.models import Category

    categories = [c.get_absolute_url() for c in Category.objects.filter(is_active=True)]
    paths = list(dict.fromkeys([*listing_paths(categories), *EXTRA]))
    client = Client()
    timings: list[tuple[float, str, int]] = []
    for path in paths:
        rounds = []
        for _ in range(args.rounds):
            queries: list[tuple[str, tuple, float]] = []

            def timed(execute, sql, params, many, context, queries=queries):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append((sql, params, time.perf_counter() - started))

            with connection.execute_wrapper(timed):
                response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            rounds.append((sum(t for _s, _p, t in queries) * 1000, len(queries), queries))
        db_ms = statistics.median(r[0] for r in rounds)
        timings.append((db_ms, path, rounds[0][1]))
        if path in args.explain:
            print(f"== {path}")
            for sql, params, _t in rounds[-1][2]:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")

    print(f"{'DB ms':>8} {'queries':>7}  URL (median of {args.rounds} requests, cache off)")
    for db_ms, path, count in sorted(timings, reverse=True):
        print(f"{db_ms:>8.2f} {count:>7}  {path}")
    over = [t for t in timings if t[0] > TARGET_MS]
    print(
        f"\n{len(timings)} URLs; slowest {max(timings)[0]:.1f} ms; "
        f"median {statistics.median(t[0] for t in timings):.2f} ms; "
        f"{len(over)} over {TARGET_MS:.0f} ms"
    )


if __name__ == "__main__":
    main()
