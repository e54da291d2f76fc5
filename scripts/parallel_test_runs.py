"""Run two short passes of the suite at once on one PostgreSQL and one Redis database, each under
its own SHOP_TEST_RUN_ID, and exit 0 only if both pass.

Each run must get a test database of its own and keep to its own Redis keys (cache, the
recommendation buffer, the Celery queues its worker reads): with shared names one run's FLUSHDB,
buffer flush or worker would take or wipe the other's data, and one would fail.

    DATABASE_URL=postgres://... REDIS_URL=redis://... SHOP_TEST_PASS=services \\
        .venv/bin/python scripts/parallel_test_runs.py [pytest arguments]

`make test-parallel` runs it with the Makefile's TEST_DATABASE_URL and TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Tests that use the shared cache, the Redis buffer of product views, and a real Celery worker.
DEFAULT_TESTS = [
    "tests/recommendations/test_recording.py",
    "tests/recommendations/test_buffer.py",
    "tests/shop/test_cache.py",
]


def forget_redis_keys(prefix: str) -> None:
    """What the runs' Celery brokers left in Redis (bindings, empty queues' keys)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.unlink(*keys)


def main(argv: list[str]) -> int:
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.stderr.write("Set DATABASE_URL (PostgreSQL) and REDIS_URL: see `make test-parallel`.\n")
        return 2
    tests = argv or DEFAULT_TESTS
    base = f"par{uuid.uuid4().hex[:6]}"
    runs = {}
    started = time.monotonic()
    for name in ("a", "b"):
        env = {
            **os.environ,
            "SHOP_TEST_RUN_ID": f"{base}_{name}",
            "SHOP_TEST_PASS": os.environ.get("SHOP_TEST_PASS", "services"),
        }
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
        runs[name] = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    failed = []
    for name, proc in runs.items():
        output, _ = proc.communicate(timeout=1800)
        last = [line for line in output.splitlines() if line.strip()][-1:] or ["(no output)"]
        sys.stdout.write(f"run {base}_{name}: exit {proc.returncode}: {last[0]}\n")
        if proc.returncode != 0:
            failed.append(name)
            sys.stdout.write(output[-6000:] + "\n")
    took = time.monotonic() - started
    forget_redis_keys(f"test-{base}_")
    if failed:
        sys.stdout.write(f"parallel runs FAILED ({', '.join(failed)}) in {took:.0f} s\n")
        return 1
    sys.stdout.write(f"both parallel runs passed in {took:.0f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
