"""Storefront load benchmark.

Seeds the large demo catalog (100,000 products) on PostgreSQL if it is not there yet, serves it
with gunicorn (2 sync workers), and drives wrk on 127.0.0.1 at the home page, category listings,
product pages and, in the same run, a bare view rendering 24 static items (the ceiling on this
machine). Twice: with the storefront cache off, and with it on (Redis), as a production shop runs;
with the cache on, also as a signed-in shopper (a session cookie: never served from the page
cache), to compare with the anonymous visitor of the same run.

    .venv/bin/python benchmarks/storefront.py [--database-url URL] [--duration 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
PORT = 8910

LUA = """
local paths = {%s}
local headers = {%s}
local i = math.random(#paths)
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def env_for(database_url: str, redis_url: str, cache_seconds: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"ELASTICSEARCH_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STOREFRONT_CACHE_SECONDS=str(cache_seconds),
        CACHE_KEY_PREFIX=f"bench{cache_seconds}",
        # Ahead of anything the caller's PYTHONPATH adds.
        PYTHONPATH=os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p),
    )
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


def ensure_database(database_url: str, env: dict[str, str], size: str) -> None:
    name = database_url.rsplit("/", 1)[-1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    manage(env, "migrate", "--noinput", "-v0")
    count = int(
        manage(
            env,
            "shell",
            "-c",
            "from catalog.models import Product; print(Product.objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )
    wanted = 100_000 if size == "large" else 1
    if count < wanted:
        print(f"seeding the {size} demo catalog into {name} (found {count} products)...")
        started = time.perf_counter()
        manage(env, "seed_demo", "--flush", "--size", size)
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    else:
        print(f"using the existing catalog in {name}: {count:,} products")


def listing_paths(categories: list[str]) -> list[str]:
    """The listing URLs of the benchmark: for every category its first page, its second page, a
    sort picked at random and the in-stock filter sorted by price (benchmarks/listing_db.py
    times the same set)."""
    rng = random.Random(11)
    listing = []
    for url in categories:
        listing.append(url)
        listing.append(f"{url}?page=2")
        listing.append(f"{url}?sort={rng.choice(['price_asc', 'price_desc', 'newest', 'rating'])}")
        listing.append(f"{url}?in_stock=1&sort=price_asc")
    return listing


def sample_paths(env: dict[str, str]) -> dict[str, list[str]]:
    code = (
        "import json, random\n"
        "from catalog.models import Category, Product\n"
        "rng = random.Random(7)\n"
        "cats = [c.get_absolute_url() for c in Category.objects.filter(is_active=True)]\n"
        "ids = list(Product.objects.filter(is_active=True).values_list('id', flat=True))\n"
        "pick = rng.sample(ids, min(300, len(ids)))\n"
        "prods = [p.get_absolute_url() for p in Product.objects.filter(id__in=pick)]\n"
        "print(json.dumps({'categories': cats, 'products': prods}))\n"
    )
    data = json.loads(manage(env, "shell", "-c", code, capture=True).strip().splitlines()[-1])
    return {
        "ceiling": ["/__bench__/ceiling/"],
        "home": ["/"],
        "listing": listing_paths(data["categories"]),
        "product": data["products"],
    }


class Gunicorn:
    """The shop under gunicorn's sync workers on `port`, started in its own process group;
    `timeout`: gunicorn's worker timeout in seconds (its default when None)."""

    def __init__(
        self, env: dict[str, str], workers: int = 2, *, port: int = PORT, timeout: int | None = None
    ):
        extra = ["--timeout", str(timeout)] if timeout else []
        self.proc = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "shop.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--worker-class", "sync", "--log-level", "warning", *extra,
            ],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/ceiling/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(20)


def signed_in_cookie(env: dict[str, str]) -> str:
    """A Cookie header of a signed-in demo shopper's session (saved in the database, which the
    cached_db session engine falls back to under any cache prefix), recorded as the login view
    records it: with the first backend that loads users (django-axes' backend only checks); and
    the CSRF cookie a browser holds after its first page (without it every response would make
    and set a new one)."""
    code = (
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from accounts.models import User\n"
        "user = User.objects.filter(is_active=True, is_staff=False).order_by('id').first()\n"
        "session = SessionStore()\n"
        "session[SESSION_KEY] = str(user.pk)\n"
        "from django.utils.module_loading import import_string\n"
        "backend = next(b for b in settings.AUTHENTICATION_BACKENDS\n"
        "               if hasattr(import_string(b), 'get_user'))\n"
        "session[BACKEND_SESSION_KEY] = backend\n"
        "session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "session.save()\n"
        "from django.middleware.csrf import _get_new_csrf_string\n"
        "print(settings.SESSION_COOKIE_NAME + '=' + session.session_key + '; '\n"
        "      + settings.CSRF_COOKIE_NAME + '=' + _get_new_csrf_string())\n"
    )
    return manage(env, "shell", "-c", code, capture=True).strip().splitlines()[-1]


def wrk(paths: list[str], duration: int, connections: int, cookie: str = "") -> dict:
    quoted = ",".join(json.dumps(p) for p in paths)
    headers = f'["Cookie"] = {json.dumps(cookie)}' if cookie else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (quoted, headers))
    try:
        # Warm up: fill connection pools and, in cached mode, the cache for these paths.
        subprocess.run(
            ["wrk", "-t1", f"-c{connections}", "-d3s", "-s", script.name, f"http://127.0.0.1:{PORT}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", script.name,
             f"http://127.0.0.1:{PORT}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def load_test_arguments(doc: str) -> argparse.Namespace:
    """The options of a load benchmark (this one and benchmarks/api.py), once wrk is there."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=PORT, help="where gunicorn listens")
    args = parser.parse_args()
    globals()["PORT"] = args.port  # wrk and gunicorn are pointed at it
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    return args


def main() -> None:
    args = load_test_arguments(__doc__)

    base_env = env_for(args.database_url, args.redis_url, 0)
    ensure_database(args.database_url, base_env, args.size)
    paths = sample_paths(base_env)
    print(
        f"{len(paths['listing'])} listing URLs, {len(paths['product'])} product URLs; "
        f"gunicorn 2 sync workers; wrk 1 thread, {args.connections} connections, "
        f"{args.duration} s per target"
    )

    cookie = signed_in_cookie(base_env)
    rows = []
    signed_in: dict[str, float] = {}
    for mode, seconds in (("cache off", 0), ("cache on", 300)):
        env = env_for(args.database_url, args.redis_url, seconds)
        subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True)
        server = Gunicorn(env, port=PORT)
        try:
            results = {name: wrk(p, args.duration, args.connections) for name, p in paths.items()}
            if seconds:
                for name in ("home", "listing", "product"):
                    results[f"{name} in"] = wrk(
                        paths[name], args.duration, args.connections, cookie
                    )
                    signed_in[name] = results[name]["rps"] / results[f"{name} in"]["rps"]
        finally:
            server.stop()
        ceiling = results["ceiling"]["rps"]
        for name, r in results.items():
            rows.append((mode, name, r, r["rps"] / ceiling))

    print()
    print(f"{'mode':<10} {'target':<11} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'vs ceiling':>10} {'errors':>7}")  # fmt: skip
    for mode, name, r, ratio in rows:
        p50, p95, p99 = (r[k] / 1000 for k in ("p50", "p95", "p99"))
        print(
            f"{mode:<10} {name:<11} {r['rps']:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
            f"{ratio:>9.0%} {r['errors'] + r['non2xx']:>7}"
        )
    print("('<page> in': a signed-in shopper, cache on)")
    for name, slower in signed_in.items():
        print(f"cache on, {name}: anonymous / signed-in req/s = {slower:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
