"""Staff dashboard latency benchmark (the admin index with insights' dashboard on top).

Uses the large demo shop on PostgreSQL (100,000 products, 50,000 shoppers, 50,000 orders; seeded
by `seed_demo --size large` into DATABASE shop_bench_insights if it is not there yet, reused if
it is), serves it with gunicorn (2 sync workers, production settings) and times N sequential
requests of /admin/?period=<day|week|month> as the operator (whole shop) and as one merchant's
staff, twice: with the dashboard's cache off (INSIGHTS_DASHBOARD_CACHE_SECONDS=0, every request
computes every figure and chart) and on (60 s in Redis, what a production admin runs; the first
request of each URL fills it and is not timed). Prints p50/p95/max per row.

    .venv/bin/python benchmarks/dashboard.py [--database-url URL] [--redis-url URL] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.storefront import (  # noqa: E402
    Gunicorn,
    ensure_database,
    env_for,
    manage,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench_insights"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
PORT = 8913
PERIODS = ("day", "week", "month")
VIEWERS = {
    "operator": "admin@example.com",
    "merchant": "staff@lumen-apparel.example.com",
}

SESSION_CODE = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from accounts.models import User
for email in %r:
    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.CachedModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print("SESSION", email, settings.SESSION_COOKIE_NAME, store.session_key)
"""


def sessions(env: dict[str, str]) -> dict[str, str]:
    """A signed-in session cookie per viewer, made as a login would make it."""
    out = manage(env, "shell", "-c", SESSION_CODE % (list(VIEWERS.values()),), capture=True)
    cookies = {}
    for line in out.splitlines():
        if line.startswith("SESSION "):
            _, email, name, key = line.split()
            viewer = next(v for v, e in VIEWERS.items() if e == email)
            cookies[viewer] = f"{name}={key}"
    return cookies


def get(path: str, cookie: str) -> tuple[float, int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        headers={"Cookie": cookie, "Host": "127.0.0.1", "Accept-Language": "en"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - started) * 1000, status, body


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(path: str, cookie: str, requests: int) -> dict:
    # The first request signs the worker's connections in and, cached, fills the cache.
    for _ in range(2):
        _ms, status, body = get(path, cookie)
        if status != 200 or b'id="insights-dashboard"' not in body:
            raise SystemExit(f"{path}: no dashboard in the answer (HTTP {status})")
    times = [get(path, cookie)[0] for _ in range(requests)]
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "n": len(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--requests", type=int, default=40, help="timed requests per row")
    args = parser.parse_args()

    base_env = env_for(args.database_url, args.redis_url, 0)
    ensure_database(args.database_url, base_env, "large")
    counts = manage(
        base_env,
        "shell",
        "-c",
        "from orders.models import Order, OrderLine; "
        "print(Order.objects.count(), OrderLine.objects.count())",
        capture=True,
    ).split()[-2:]
    print(f"{int(counts[0]):,} orders, {int(counts[1]):,} order lines; gunicorn 2 sync workers; "
          f"{args.requests} sequential requests per row")  # fmt: skip

    rows = []
    for mode, seconds in (("uncached", 0), ("cached 60 s", 60)):
        env = env_for(args.database_url, args.redis_url, 300)
        env["INSIGHTS_DASHBOARD_CACHE_SECONDS"] = str(seconds)
        env["CACHE_KEY_PREFIX"] = f"benchdash{seconds}"
        subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True)
        cookies = sessions(env)
        server = Gunicorn(env, port=PORT, timeout=120)
        try:
            for viewer, cookie in cookies.items():
                for period in PERIODS:
                    result = measure(f"/admin/?period={period}", cookie, args.requests)
                    rows.append((mode, viewer, period, result))
                    print(f"  {mode:<12} {viewer:<9} {period:<6} p95 {result['p95']:7.1f} ms")
        finally:
            server.stop()

    print()
    print(f"{'mode':<12} {'viewer':<9} {'period':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for mode, viewer, period, r in rows:
        print(
            f"{mode:<12} {viewer:<9} {period:<6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f}"
        )
    cached = [r["p95"] for mode, _v, _p, r in rows if mode.startswith("cached")]
    print(f"\ncached p95, worst row: {max(cached):.1f} ms (target < 300 ms): "
          f"{'met' if max(cached) < 300 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
