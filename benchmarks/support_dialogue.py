"""Reply latency of the support assistant: support.services.message_post from the shopper's message
to the stored replies (the conversation locked, the dialogue run, its reads of orders, parcels,
search, products and delivery quotes, the messages written), per kind of turn, in English and
Chinese, on the small demo shop.

    .venv/bin/python benchmarks/support_dialogue.py [--database-url URL] [--rounds 30]
        [--classifier rules|live]

`rules` (the default) reads the intent with a fixed word list, so the figure is the dialogue's
own; `live` asks the trained classifier (support.classifier.classify) as the widget does. Each
round is one new conversation of a signed-in shopper with several orders, rolled back at its
end: nothing is kept. The database is made when missing: a SQLite file under var/bench/ (or the
PostgreSQL database given) migrated and seeded with `seed_demo --size small`. Target: p95 under
100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'var' / 'bench' / 'support_dialogue.sqlite3'}"

# (what the shopper writes, the intent a word list reads in it)
TURNS = [
    ("hello", "greeting"),
    ("what is the status of my order?", "order_status"),
    ("the latest", None),
    ("where is my parcel?", "track_shipment"),
    ("the second one", None),
    ("do you have running shoes?", "product_search"),
    ("how much is the yoga mat?", "product_question"),
    ("how much is shipping to 上海?", "shipping_info"),
    ("can you recommend something?", "recommendation"),
    ("cancel my order", "cancel_order"),
    ("no", None),
    ("how do I reset my password?", "account_help"),
    ("你好", "greeting"),
    ("我的订单到哪了", "track_shipment"),
    ("第一个", None),
    ("有没有耳机", "product_search"),
    ("运费到广东深圳多少", "shipping_info"),
    ("bye", "goodbye"),
]


def configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        DATABASE_URL=database_url,
        DEBUG="0",
        CELERY_BROKER_URL="memory://",
    )
    for name in ("ELASTICSEARCH_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", size="small", if_empty=True, verbosity=0)


def rules_classifier():
    from support.classifier import Prediction

    intents = {text: intent for text, intent in TURNS if intent}

    def classify(text: str, *, language: str | None = None) -> Prediction:
        intent = intents.get(text)
        if intent is None:
            return Prediction("out_of_scope", 0.1, unsure=True)
        return Prediction(intent, 0.9)

    return classify


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--classifier", choices=("rules", "live"), default="rules")
    parser.add_argument("--show", action="store_true", help="Print the first conversation.")
    args = parser.parse_args()
    configure(args.database_url)
    prepare()

    from django.db import transaction
    from django.db.models import Count

    from accounts.models import User
    from support.dialogue import engine
    from support.services import conversation_start, message_post

    if args.classifier == "rules":
        engine.classify = rules_classifier()
    shopper = (
        User.objects.annotate(n=Count("orders"))
        .filter(n__gte=3, orders__shipments__isnull=False)
        .order_by("pk")
        .first()
    )
    if shopper is None:
        sys.exit("no shopper with three orders and a parcel in the demo data")
    times: dict[str, list[float]] = {text: [] for text, _ in TURNS}

    class Rollback(Exception):
        pass

    for round_ in range(args.rounds + 1):
        try:
            with transaction.atomic():
                conversation = conversation_start(user=shopper, session_key="", language="en")
                for text, _intent in TURNS:
                    started = time.perf_counter()
                    new = message_post(conversation=conversation, text=text, user=shopper)
                    if round_:  # the first round warms the caches and is not counted
                        times[text].append((time.perf_counter() - started) * 1000)
                    conversation.refresh_from_db()
                    if args.show and not round_:
                        print(f"> {text}")
                        for message in new[1:]:
                            print(f"  {message.text}  {sorted(message.payload)}")
                raise Rollback
        except Rollback:
            pass
    everything = [t for values in times.values() for t in values]
    print(f"support dialogue, {args.rounds} rounds, classifier: {args.classifier}")
    print(f"{'turn':40} {'p50 ms':>8} {'p95 ms':>8}")
    for text, values in times.items():
        print(f"{text:40} {statistics.median(values):8.1f} {percentile(values, 95):8.1f}")
    print(
        f"{'all turns':40} {statistics.median(everything):8.1f} {percentile(everything, 95):8.1f}"
    )


if __name__ == "__main__":
    main()
