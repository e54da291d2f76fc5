"""Storefront CPU per request, in one process: robust where req/s figures are noise.

Sends the storefront benchmark's pages (benchmarks/storefront.py: the ceiling view, home, the
listing mix, product pages; plus search) through Django's WSGI handler in this process, with the
benchmark's settings (production settings, the ceiling view) against the seeded catalog, and
measures each request's CPU time (time.process_time: this process only, so other load on the
machine barely moves it) and wall time. Each page as an anonymous visitor and as a signed-in
shopper, with the storefront caches off and on. Prints medians and p95 per target, and
ceiling CPU / page CPU: the share of the ceiling's requests per second the page can reach when
the CPU is the limit (the storefront target: at least 50%).

    .venv/bin/python benchmarks/storefront_cpu.py [--database-url URL] [--rounds 3]
        [--only home,listing] [--modes off,on] [--profile product --profile-mode off]
        [--code ../base-checkout]  # another checkout's shop, for before/after

The database is only read: the run is one transaction, rolled back at the end (the signed-in
shopper's session and the views the product pages record are written inside it and never
committed). Redis (REDIS_URL) holds the cache under a key prefix of this run's own.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
TARGETS = ("ceiling", "home", "listing", "product", "search")


def configure(database_url: str, redis_url: str, code: Path = ROOT) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        STOREFRONT_CACHE_SECONDS="0",
        CACHE_KEY_PREFIX=f"cpu{secrets.token_hex(4)}",
    )
    os.environ.pop("ELASTICSEARCH_URL", None)
    sys.path.insert(0, str(code))
    # Celery's Django fix-up puts the working directory first on sys.path: it must be `code`,
    # or the apps are imported from this checkout whatever --code says.
    os.chdir(code)
    import django

    django.setup()


def sample_paths(products: int, searches: int) -> dict[str, list[str]]:
    import json
    import random

    from benchmarks.storefront import listing_paths
    from catalog.models import Category, Product

    rng = random.Random(7)
    cats = [c.get_absolute_url() for c in Category.objects.filter(is_active=True)]
    ids = list(Product.objects.filter(is_active=True).values_list("id", flat=True))
    pick = rng.sample(ids, min(products, len(ids)))
    prods = [p.get_absolute_url() for p in Product.objects.filter(id__in=pick)]
    queries = json.loads((ROOT / "benchmarks" / "search_queries.json").read_text())["queries"]
    from urllib.parse import urlencode

    search = [f"/search/?{urlencode({'q': q['q']})}" for q in queries[:searches]]
    return {
        "ceiling": ["/__bench__/ceiling/"],
        "home": ["/"],
        "listing": listing_paths(cats),
        "product": prods,
        "search": search,
    }


def signed_in_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.utils.module_loading import import_string

    from accounts.models import User

    user = User.objects.filter(is_active=True, is_staff=False).order_by("id").first()
    if user is None:
        raise SystemExit("no shopper in the database: seed the demo catalog first")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # As the login view records it: the first backend that loads users (axes' only checks).
    session[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(b), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    # And the CSRF cookie a browser holds after its first page (without it, every response
    # would make and set a new one).
    from django.middleware.csrf import _get_new_csrf_string

    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    )


class Wsgi:
    """Requests through Django's WSGI handler as a WSGI server sends them (no test client)."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import RequestFactory

        self.handler = WSGIHandler()
        self.factory = RequestFactory()

    def get(self, url: str, cookie: str = "") -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = self.factory._base_environ(PATH_INFO=path, QUERY_STRING=query)
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        status: list[str] = []
        body = self.handler(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return int(status[0].split()[0]), content


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(wsgi: Wsgi, urls: list[str], rounds: int, cookie: str, minimum: int) -> dict:
    # Warm up: statements compiled, templates loaded, per-process fragments and, with the cache
    # on, the cache filled for these URLs.
    for url in urls[: max(10, len(urls))]:
        wsgi.get(url, cookie)
    cpu, wall = [], []
    n = max(rounds * len(urls), minimum)
    for i in range(n):
        url = urls[i % len(urls)]
        c0, w0 = time.process_time(), time.perf_counter()
        status, _ = wsgi.get(url, cookie)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if status != 200:
            raise SystemExit(f"{url}: HTTP {status}")
    return {
        "n": n,
        "cpu": statistics.median(cpu),
        "cpu95": percentile(cpu, 0.95),
        "wall": statistics.median(wall),
        "wall95": percentile(wall, 0.95),
        "cpu_mean": statistics.fmean(cpu),
    }


def profile(wsgi: Wsgi, urls: list[str], cookie: str, rounds: int, top: int) -> None:
    import cProfile
    import pstats

    for url in urls:  # warmed up as measure() does: with the cache on, what is profiled are hits
        wsgi.get(url, cookie)
    prof = cProfile.Profile(time.process_time)  # CPU: waits on the database are not ours
    prof.enable()
    for _ in range(rounds):
        for url in urls:
            wsgi.get(url, cookie)
    prof.disable()
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def trace(wsgi: Wsgi, url: str, cookie: str) -> None:
    """The SQL statements and cache commands of one request (after a warm-up request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from redis.client import Redis

    wsgi.get(url, cookie)
    commands: list[str] = []
    original = Redis.execute_command

    def execute_command(self, *args, **options):
        commands.append(" ".join(str(a)[:60] for a in args[:8]))
        return original(self, *args, **options)

    Redis.execute_command = execute_command
    try:
        with CaptureQueriesContext(connection) as queries:
            status, _ = wsgi.get(url, cookie)
    finally:
        Redis.execute_command = original
    print(f"{url}: HTTP {status}, {len(queries)} queries, {len(commands)} cache commands")
    for q in queries:
        sql = q["sql"]
        if sql.startswith("EXECUTE ") and connection.vendor == "postgresql":
            # A prepared statement (common.statements): show what it runs.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT statement FROM pg_prepared_statements WHERE name = %s",
                    [sql.split()[1]],
                )
                found = cursor.fetchone()
            sql = f"{sql[:200]} -- {found[0] if found else '?'}"
        print("  SQL", sql[:2000])
    for c in commands:
        print("  CACHE", c)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--rounds", type=int, default=1, help="passes over each URL set")
    parser.add_argument("--minimum", type=int, default=60, help="requests per target at least")
    parser.add_argument("--products", type=int, default=120, help="product pages sampled")
    parser.add_argument("--searches", type=int, default=40, help="search queries sampled")
    parser.add_argument("--only", default=",".join(TARGETS), help="targets, comma-separated")
    parser.add_argument("--modes", default="off,on", help="caches: off, on or both")
    parser.add_argument("--who", default="anonymous,signed-in", help="anonymous, signed-in")
    parser.add_argument("--profile", help="cProfile one target instead of timing")
    parser.add_argument("--profile-mode", default="off", choices=["off", "on"])
    parser.add_argument("--profile-signed-in", action="store_true")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--trace", help="print one URL's queries and cache commands")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="the checkout whose shop is measured (a base)"
    )
    args = parser.parse_args()

    configure(args.database_url, args.redis_url, args.code.resolve())
    from django.conf import settings
    from django.db import transaction

    wsgi = Wsgi()
    # Like a test case's transaction (never committed), this one is not taken for a request's
    # own: what the pages keep in the cache between changes (common.cache_generations) is kept
    # as it is between requests of a production server.
    outer = transaction.atomic()
    outer._from_testcase = True
    with outer:
        paths = sample_paths(args.products, args.searches)
        cookie = signed_in_cookie()
        # Timed as a WSGI server runs them; the connection stays open as with CONN_MAX_AGE.
        from django.core import signals
        from django.db import close_old_connections

        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            if args.trace:
                settings.STOREFRONT_CACHE_SECONDS = 300 if args.profile_mode == "on" else 0
                trace(wsgi, args.trace, cookie if args.profile_signed_in else "")
            elif args.profile:
                settings.STOREFRONT_CACHE_SECONDS = 300 if args.profile_mode == "on" else 0
                profile(
                    wsgi,
                    paths[args.profile],
                    cookie if args.profile_signed_in else "",
                    args.rounds,
                    args.top,
                )
            else:
                run(wsgi, paths, cookie, args)
        finally:
            transaction.set_rollback(True)


def run(wsgi: Wsgi, paths: dict[str, list[str]], cookie: str, args: argparse.Namespace) -> None:
    from django.conf import settings

    targets = [t for t in args.only.split(",") if t]
    modes = [m for m in args.modes.split(",") if m]
    who = [w for w in args.who.split(",") if w]
    if "ceiling" not in targets:
        targets.insert(0, "ceiling")
    print(
        f"{len(paths['listing'])} listing URLs, {len(paths['product'])} product URLs, "
        f"{len(paths['search'])} searches; CPU and wall ms per request (median, p95)"
    )
    print(
        f"{'cache':<6}{'target':<9}{'shopper':<11}{'n':>5}{'cpu ms':>8}{'cpu p95':>9}"
        f"{'wall ms':>9}{'wall p95':>9}{'ceiling/page cpu':>18}"
    )
    summary: dict[tuple[str, str, str], dict] = {}
    for mode in modes:
        settings.STOREFRONT_CACHE_SECONDS = 300 if mode == "on" else 0
        ceiling = measure(wsgi, paths["ceiling"], 1, "", args.minimum)
        for target in targets:
            for shopper in who:
                if target == "ceiling":
                    r = ceiling if shopper == who[0] else None
                    if r is None:
                        continue
                else:
                    jar = cookie if shopper == "signed-in" else ""
                    r = measure(wsgi, paths[target], args.rounds, jar, args.minimum)
                summary[(mode, target, shopper)] = r
                print(
                    f"{mode:<6}{target:<9}{shopper if target != 'ceiling' else '':<11}"
                    f"{r['n']:>5}{r['cpu']:>8.2f}{r['cpu95']:>9.2f}{r['wall']:>9.2f}"
                    f"{r['wall95']:>9.2f}{ceiling['cpu'] / r['cpu']:>17.0%}"
                )
    if "on" in modes and {"anonymous", "signed-in"} <= set(who):
        print("cache on: signed-in / anonymous CPU per request (target <= 1.5x)")
        for target in targets:
            anon = summary.get(("on", target, "anonymous"))
            signed = summary.get(("on", target, "signed-in"))
            if target != "ceiling" and anon and signed:
                print(f"  {target:<9}{signed['cpu'] / anon['cpu']:.2f}x")


if __name__ == "__main__":
    main()
