"""Checkout benchmark: orders.services.order_place under concurrent buyers on PostgreSQL.

Uses the large demo shop in `shop_bench` (100,000 products; `make bench-storefront` seeds it),
migrates it, restocks 500 in-stock variants generously, then runs N threads placing guest orders
for D seconds each:

- spread: every order has 1-3 lines picked at random from the 500 variants;
- hot: every order is for one and the same variant (all buyers queue on its stock rows);

and, in the same run, the floor of a locked write on this machine: the same threads each doing
`BEGIN; SELECT id FROM logistics_stock WHERE id = %s FOR UPDATE; COMMIT` on one stock row (and,
for the spread case, on a random one of the 500 variants' rows).

Everything it changes is put back at the end: the stock rows (quantity, allocated, updated_at)
and products' in-stock flags are restored and its orders deleted. Emails queued after each commit
go to an in-memory broker and are dropped.

    .venv/bin/python benchmarks/checkout.py [--database-url URL] [--threads 20] [--processes 2]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench"
VARIANTS = 500
RESTOCK = 100_000  # units added to every stock row of the chosen variants


def configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        DATABASE_URL=database_url,
        DEBUG="0",  # no query log kept per connection
        CELERY_BROKER_URL="memory://",  # order emails: published in-process, never delivered
    )
    os.environ.pop("ELASTICSEARCH_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The in-memory broker has no host name, and kombu says so on every new connection.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


@dataclass
class Result:
    name: str
    threads: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # successful calls, seconds
    checkout_errors: int = 0
    unexpected: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def run_threads(
    name: str, threads: int, warmup: float, duration: float, call: Callable[[int, int], None]
) -> Result:
    """Each thread calls call(thread, n) in a loop for warmup + duration seconds, all released
    together; calls started during the warm-up are not counted. CheckoutError is a refusal the
    shopper sees; anything else is unexpected."""
    from django.db import connection

    from orders.errors import CheckoutError

    result = Result(name, threads, duration)
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)
    clock: dict[str, float] = {}

    def work(i: int) -> None:
        latencies, refused, unexpected = [], 0, []
        try:
            barrier.wait()
            measure_from, end = clock["measure_from"], clock["end"]
            n = 0
            while (started := time.perf_counter()) < end:
                try:
                    call(i, n)
                    if started >= measure_from:
                        latencies.append(time.perf_counter() - started)
                except CheckoutError:
                    refused += started >= measure_from
                except Exception as error:
                    if started >= measure_from:
                        unexpected.append(f"{type(error).__name__}: {error}")
                n += 1
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                result.checkout_errors += refused
                result.unexpected.extend(unexpected)

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    now = time.perf_counter()
    clock.update(measure_from=now + warmup, end=now + warmup + duration)
    barrier.wait()
    for thread in pool:
        thread.join()
    return result


def run_processes(
    name: str,
    processes: int,
    threads: int,
    warmup: float,
    duration: float,
    call: Callable[[int, int], None],
) -> Result:
    """run_threads in several forked processes at once (threads split between them), as web
    workers would be: Python time no longer shares one interpreter lock, so row locks and the
    database are what is left to wait for."""
    if processes <= 1:
        return run_threads(name, threads, warmup, duration, call)
    from django.db import connections

    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    per_process = max(1, threads // processes)

    def child(index: int) -> None:
        def offset_call(i: int, n: int) -> None:
            call(index * per_process + i, n)

        queue.put(run_threads(name, per_process, warmup, duration, offset_call))

    children = [context.Process(target=child, args=(k,)) for k in range(processes)]
    for process in children:
        process.start()
    parts = [queue.get() for _ in children]
    for process in children:
        process.join()
    merged = Result(name, per_process * processes, duration)
    for part in parts:
        merged.latencies.extend(part.latencies)
        merged.checkout_errors += part.checkout_errors
        merged.unexpected.extend(part.unexpected)
    return merged


def choose_variants(rng: random.Random) -> list[int]:
    from django.db.models import F

    from logistics.models import Stock

    in_stock = set(
        Stock.objects.filter(
            quantity__gt=F("allocated"),
            variant__is_active=True,
            variant__product__is_active=True,
        ).values_list("variant_id", flat=True)
    )
    if len(in_stock) < VARIANTS:
        raise SystemExit(f"only {len(in_stock)} variants in stock; seed the large demo shop first")
    return sorted(rng.sample(sorted(in_stock), VARIANTS))


class Snapshot:
    """The stock rows and in-stock flags the benchmark changes, to put back afterwards."""

    def __init__(self, variant_ids: list[int]):
        from catalog.models import Product
        from logistics.models import Stock

        self.stock = list(
            Stock.objects.filter(variant_id__in=variant_ids)
            .select_related("variant")
            .order_by("pk")
        )
        product_ids = {row.variant.product_id for row in self.stock}
        self.products = dict(
            Product.objects.filter(pk__in=product_ids).values_list("pk", "in_stock")
        )

    def restore(self) -> None:
        from django.db import transaction

        from catalog.models import Product
        from logistics.models import Stock

        with transaction.atomic():
            Stock.objects.bulk_update(self.stock, ["quantity", "allocated", "updated_at"])
            for flag in (True, False):
                ids = [pk for pk, in_stock in self.products.items() if in_stock == flag]
                Product.objects.filter(pk__in=ids).update(in_stock=flag)

    def matches(self) -> bool:
        from catalog.models import Product
        from logistics.models import Stock

        now = {
            r.pk: (r.quantity, r.allocated, r.updated_at)
            for r in Stock.objects.filter(pk__in=[r.pk for r in self.stock])
        }
        before = {r.pk: (r.quantity, r.allocated, r.updated_at) for r in self.stock}
        flags = dict(Product.objects.filter(pk__in=self.products).values_list("pk", "in_stock"))
        return now == before and flags == self.products


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument(
        "--processes", type=int, default=2, help="processes sharing the threads (1: one process)"
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2, help="uncounted seconds before each")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the checkout benchmark needs PostgreSQL (--database-url postgres://...)")
    configure(args.database_url)

    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F

    from cart.storage import SessionStorage
    from catalog.models import Product, ProductVariant
    from logistics.models import ShippingMethod, Stock
    from orders import services
    from orders.models import Order

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)
    variant_ids = choose_variants(rng)
    prices = dict(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "price"))
    hot = variant_ids[0]
    hot_rows = list(
        Stock.objects.filter(variant_id=hot).order_by("pk").values_list("pk", flat=True)
    )
    spread_rows = list(
        Stock.objects.filter(variant_id__in=variant_ids).values_list("pk", flat=True)
    )
    method = ShippingMethod.objects.filter(is_active=True).order_by("position", "pk").first()
    if method is None:
        raise SystemExit("no active shipping method (migrations create two)")
    address = services.ShippingAddress(
        recipient="王小明", phone="13812345678", province="浙江省", city="杭州市",
        district="西湖区", street="文三路 90 号", postal_code="310012",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('synchronous_commit')")
        version, sync_commit = cursor.fetchone()
    print(
        f"database {connection.settings_dict['NAME']}: {Product.objects.count():,} products; "
        f"{version.split(' on ')[0]}, synchronous_commit={sync_commit}; {os.cpu_count()} cores"
    )
    print(
        f"{len(variant_ids)} variants ({len(spread_rows)} stock rows) restocked by {RESTOCK:,} "
        f"units a row; hot variant {hot} has {len(hot_rows)} stock rows; shipping "
        f"'{method.code}'; {args.threads} threads in {args.processes} process(es), "
        f"{args.warmup:g} s warm-up + "
        f"{args.duration:g} s per scenario"
    )

    run = uuid.uuid4().hex[:8]
    prefix = f"bench-{run}-"
    snapshot = Snapshot(variant_ids)
    results: list[Result] = []
    try:
        Stock.objects.filter(pk__in=spread_rows).update(quantity=F("quantity") + RESTOCK)
        thread_rng = [random.Random(args.seed * 1000 + i) for i in range(args.threads)]

        def place(lines: list[tuple[int, int]], key: str) -> None:
            session = SessionStore()
            storage = SessionStorage(session)
            for variant_id, quantity in lines:
                storage.put(variant_id, quantity, prices[variant_id])
            services.order_place(
                user=None, session=session, email="bench@example.com", address=address,
                shipping_method_id=method.pk, checkout_key=key, language="en",
            )  # fmt: skip

        def spread(i: int, n: int) -> None:
            r = thread_rng[i]
            picked = r.sample(variant_ids, r.randint(1, 3))
            place([(v, r.randint(1, 2)) for v in picked], f"{prefix}s-{i}-{n}")

        def hot_variant(i: int, n: int) -> None:
            place([(hot, 1)], f"{prefix}h-{i}-{n}")

        def lock_row(pick: Callable[[int], int]) -> Callable[[int, int], None]:
            def call(i: int, n: int) -> None:
                with transaction.atomic(), connection.cursor() as cursor:
                    sql = "SELECT id FROM logistics_stock WHERE id = %s FOR UPDATE"
                    cursor.execute(sql, [pick(i)])

            return call

        scenarios = [
            ("floor: SELECT FOR UPDATE one row", lock_row(lambda i: hot_rows[0])),
            ("order_place hot variant", hot_variant),
            (
                "floor: SELECT FOR UPDATE random row",
                lock_row(lambda i: thread_rng[i].choice(spread_rows)),
            ),
            ("order_place spread (500 variants)", spread),
        ]
        for name, call in scenarios:
            print(f"running {name}...", flush=True)
            results.append(
                run_processes(name, args.processes, args.threads, args.warmup, args.duration, call)
            )
    finally:
        benchmark_orders = Order.objects.filter(checkout_key__startswith=prefix)
        created = benchmark_orders.count()
        benchmark_orders.delete()
        snapshot.restore()
        restored = snapshot.matches()
        connection.close()

    print()
    print(
        f"{'scenario':<36} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'checkout errors':>16} {'unexpected':>11}"
    )
    for r in results:
        print(
            f"{r.name:<36} {r.rate:>8.0f} {r.percentile(50):>8.1f} {r.percentile(95):>8.1f} "
            f"{r.percentile(99):>8.1f} {r.checkout_errors:>16} {len(r.unexpected):>11}"
        )
    for r in results:
        for message in sorted(set(r.unexpected))[:5]:
            print(f"  {r.name}: {message}")
    print()
    floor = {r.name: r for r in results}
    pairs = [
        ("order_place hot variant", "floor: SELECT FOR UPDATE one row"),
        ("order_place spread (500 variants)", "floor: SELECT FOR UPDATE random row"),
    ]
    for placed, base in pairs:
        if placed in floor and base in floor and floor[base].rate:
            mean = (
                statistics.fmean(floor[placed].latencies) * 1000 if floor[placed].latencies else 0
            )
            print(
                f"{placed}: {floor[placed].rate / floor[base].rate:.0%} of the floor's rate, "
                f"mean latency {mean:.1f} ms"
            )
    print(
        f"cleanup: {created:,} benchmark orders deleted; {len(snapshot.stock)} stock rows and "
        f"{len(snapshot.products)} products' in-stock flags "
        f"{'restored exactly' if restored else 'NOT restored - check the database'}"
    )
    if not restored:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
