"""Customer segments benchmark: `compute_segments` on the large demo shop (PostgreSQL: 100,000
products, 50,000 shoppers, 50,000 orders; seeded with `seed_demo --size large` if missing) and on
the full CDNOW log that ships with `lifetimes` (23,570 customers, 69,659 purchases): time, the
segment table, and the lifetime model's holdout error against a constant-rate baseline.

    .venv/bin/python benchmarks/segments.py [--database-url URL] [--skip-shop] [--skip-cdnow]
        [--holdout-days 90]

CDNOW is checked twice: with the last 90 days held out (as the shop is) and with the classic
split of the BG/NBD paper (calibration to 1997-09-30, 39 weeks held out).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench_insights"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def table(rows, customers: int) -> None:
    print(f"  {'segment':<22}{'size':>8}{'share':>8}{'revenue':>16}{'R days':>9}{'F':>7}{'M':>11}")
    for row in rows:
        print(
            f"  {row.segment:<22}{row.size:>8}{row.size / customers if customers else 0:>8.1%}"
            f"{row.revenue:>16}{row.avg_recency:>9.1f}{row.avg_frequency:>7.2f}"
            f"{row.avg_monetary:>11}"
        )


def holdout_line(h) -> str:
    return (
        f"calibration to {h.calibration_end}, {h.holdout_days} days held out, {h.customers} "
        f"customers: actual {h.actual_purchases} purchases, model {h.predicted_purchases:.0f}, "
        f"constant rate {h.baseline_purchases:.0f}; MAE per customer {h.mae:.4f} "
        f"(baseline {h.baseline_mae:.4f}, {100 * (1 - h.mae / h.baseline_mae):+.1f}% better)"
    )


def cdnow(args) -> None:
    sys.path.insert(0, str(ROOT))
    import lifetimes

    from insights.segments import lifetime, purchase_log, rfm
    from insights.segments.analysis import analyse

    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    print(f"== CDNOW ({path.name})")
    started = time.perf_counter()
    with path.open() as handle:
        purchases = purchase_log.read_purchases(handle, fmt="cdnow")
    read = time.perf_counter() - started
    days = rfm.daily_purchases(purchases)
    observed = max(p.day for p in purchases)
    started = time.perf_counter()
    analysis = analyse(days, observed_at=observed, holdout_days=args.holdout_days)
    took = time.perf_counter() - started
    print(
        f"  {len(purchases):,} purchases, {len(days):,} customers; read {read:.2f} s, "
        f"segments + holdout check + lifetime model {took:.2f} s (total {read + took:.2f} s)"
    )
    table(analysis.table, len(analysis.customers))
    if analysis.holdout:
        print("  holdout: " + holdout_line(analysis.holdout))
    predicted = sum(c.predicted_purchases or 0 for c in analysis.customers)
    value = sum(c.predicted_value or 0 for c in analysis.customers)
    print(f"  next 90 days: {predicted:,.0f} purchases, worth {value:,.2f}")
    started = time.perf_counter()
    classic = lifetime.holdout_evaluation(
        days, observed_at=observed, holdout_days=(observed - date(1997, 9, 30)).days
    )
    print(f"  classic split ({time.perf_counter() - started:.2f} s): " + holdout_line(classic))


def outer(args) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.storefront import ensure_database, env_for

    env = env_for(args.database_url, args.redis_url, 300)
    ensure_database(args.database_url, env, "large")
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        DEBUG="0",
        SHOP_VAR_DIR=str(ROOT / "var" / "bench-segments"),
        LOG_LEVEL="WARNING",
    )
    command = [sys.executable, __file__, "--inner", "--holdout-days", str(args.holdout_days)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def inner(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from insights.models import SegmentRun, SegmentSnapshot
    from insights.segments.services import segments_compute
    from orders.models import OrderLine

    print(f"== the shop ({connection.settings_dict['NAME']}, {connection.vendor})")
    lines = OrderLine.objects.count()
    started = time.perf_counter()
    runs = segments_compute(holdout_days=args.holdout_days)
    took = time.perf_counter() - started
    print(
        f"  {lines:,} order lines; compute_segments (whole shop + {len(runs) - 1} merchants, "
        f"stored) {took:.2f} s"
    )
    for run in runs:
        scope = run.merchant.name if run.merchant_id else "whole shop"
        print(
            f"  {scope}: {run.customers:,} customers, revenue {run.revenue}, {run.seconds:.2f} s"
            f" (scoring, model, saving)"
        )
        if run.holdout:
            h = run.holdout
            print(
                f"    holdout {h['days']} days: actual {h['actual']}, model {h['predicted']}, "
                f"constant rate {h['baseline']}; MAE {h['mae']} (baseline {h['baseline_mae']})"
            )
        if run.lifetime_error:
            print(f"    no lifetime model: {run.lifetime_error.get('message')}")
    whole = runs[0]

    class Row:
        def __init__(self, s):
            self.segment, self.size, self.revenue = s.segment, s.size, s.revenue
            self.avg_recency, self.avg_frequency = s.avg_recency, s.avg_frequency
            self.avg_monetary = s.avg_monetary

    print("  whole shop's segments:")
    table([Row(s) for s in SegmentSnapshot.objects.filter(run=whole)], whole.customers)
    print(f"  segment runs kept: {SegmentRun.objects.count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--holdout-days", type=int, default=90)
    parser.add_argument("--skip-shop", action="store_true")
    parser.add_argument("--skip-cdnow", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
        return
    if not args.skip_cdnow:
        cdnow(args)
    if not args.skip_shop:
        outer(args)


if __name__ == "__main__":
    main()
