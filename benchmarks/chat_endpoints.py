"""Chat widget endpoint latency, in process (no network, no web server).

Creates a throw-away test database (PostgreSQL with --database-url, else SQLite), and times
through Django's test client, with every middleware of the shop:

- **poll**: GET /support/chat/?after=<last id>, what an open widget sends every few seconds
  (a conversation of 40 messages, nothing new);
- **open**: GET /support/chat/ (the widget opening: the newest 100 messages);
- **post**: POST /support/chat/ with the dialogue as it is (the assistant's reply included).

    .venv/bin/python benchmarks/chat_endpoints.py [--database-url URL] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:200]
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings.test"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.SUPPORT_RATE_PER_SESSION = settings.SUPPORT_RATE_PER_IP = 10**9
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from support.models import Conversation, Message, MessageSender

        client = Client(headers={"Origin": "http://testserver"})
        url = "/support/chat/"

        def post():
            return client.post(url, json.dumps({"text": "hello"}), content_type="application/json")

        post()
        conversation = Conversation.objects.get()
        # Back with the assistant after every post (the stand-in dialogue hands over after two).
        for n in range(38):
            Message.objects.create(conversation=conversation, sender=MessageSender.BOT, text=f"{n}")
        last = conversation.messages.order_by("-pk").first().pk

        def reset():
            Conversation.objects.filter(pk=conversation.pk).update(status="bot", not_understood=0)

        results = {
            "poll": timed(lambda: client.get(f"{url}?after={last}"), args.requests),
            "open": timed(lambda: client.get(url), args.requests),
        }
        post_times = []
        for _ in range(max(1, args.requests // 3)):
            reset()
            post_times += timed(post, 1)
        results["post"] = post_times
        engine = connection.vendor
        print(f"database: {engine}; requests per target: {args.requests} (post: {len(post_times)})")
        print(f"{'target':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, values in results.items():
            print(
                f"{name:<6} {statistics.median(values):8.2f} {percentile(values, 95):8.2f} "
                f"{max(values):8.2f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
