"""Storefront A/B under load: two checkouts served in turn, same database, same wrk.

A single `make bench-storefront` run moves by 5-10% on a small shared machine; a change worth
less than that is judged by alternating the code before and after it. Each round serves each
checkout with gunicorn (2 sync workers, the storefront cache on, the cache emptied first) and
drives wrk at the chosen targets, anonymous or as the signed-in shopper (`product:in`).

    .venv/bin/python benchmarks/storefront_ab.py --before ../base-checkout [--after .]
        [--targets product,product:in] [--rounds 2] [--duration 8]

Uses benchmarks/storefront.py's database (seeded by `make bench-storefront`), gunicorn and wrk.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import storefront as sf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout before")
    parser.add_argument("--after", type=Path, default=sf.ROOT, help="the checkout after")
    parser.add_argument("--targets", default="product,product:in")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=sf.DEFAULT_DB)
    parser.add_argument("--redis-url", default=sf.DEFAULT_REDIS)
    args = parser.parse_args()

    base_env = sf.env_for(args.database_url, args.redis_url, 0)
    paths = sf.sample_paths(base_env)
    cookie = sf.signed_in_cookie(base_env)
    targets = [t for t in args.targets.split(",") if t]
    print(f"{'round':<6}{'code':<10}" + "".join(f"{t:>14}" for t in targets) + "   (req/s)")
    for round_ in range(1, args.rounds + 1):
        for label, code in (("before", args.before), ("after", args.after)):
            sf.ROOT = code.resolve()  # where gunicorn runs the shop from
            env = sf.env_for(args.database_url, args.redis_url, 300)
            env["PYTHONPATH"] = str(sf.ROOT)
            subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True)
            server = sf.Gunicorn(env)
            try:
                rates = []
                for target in targets:
                    name, _, who = target.partition(":")
                    jar = cookie if who == "in" else ""
                    result = sf.wrk(paths[name], args.duration, args.connections, jar)
                    rates.append(result["rps"])
            finally:
                server.stop()
            print(f"{round_:<6}{label:<10}" + "".join(f"{r:>14.0f}" for r in rates), flush=True)


if __name__ == "__main__":
    main()
