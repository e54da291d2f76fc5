"""Writes of the recommender: recording interactions, training and publishing model versions,
shopper profiles. The maths is in als.py; this module moves data between it and the database."""

from __future__ import annotations

import fcntl
import io
import json
import logging
import re
import shutil
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from catalog.models import Product
from orders.models import SOLD_STATUSES, Order

from . import als
from .history import history_forget, history_note_views, history_read_forget
from .models import (
    SETTINGS_CACHE_KEY,
    Interaction,
    InteractionKind,
    ModelVersion,
    PriceBand,
    ProductNeighbours,
    RecommenderSettings,
    Segment,
    UserProfile,
    UserRecommendation,
    VersionStatus,
)

log = logging.getLogger(__name__)
LIVE_CACHE_KEY = "recs:live"
# Lists precomputed with a model version do not change until the next version: kept a day.
LIST_SECONDS = 24 * 3600


def neighbours_key(version_id: int, product_id: int) -> str:
    return f"recs:nb:{version_id}:{product_id}"


def top_key(version_id: int, user_id: int) -> str:
    return f"recs:top:{version_id}:{user_id}"


# Old versions keep their row (metrics, for the admin) but not their precomputed results.
KEEP_RESULTS = 3


# --- Recording ----------------------------------------------------------------------------------
_pending = threading.local()


def _actor(request) -> tuple[object | None, str] | None:
    """(user, session key) to record for this request, or None for a visitor without a session
    (nothing to attach the history to, and recording would set a cookie)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, ""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return (None, key) if key else None


def interaction_record_view(*, request, product_id: int, from_search: bool = False) -> None:
    """Note a product page view (a search click when the shopper came from search results).
    Nothing is written now: the rows of a request are inserted in one statement after its
    response has been sent (see interactions_flush_pending)."""
    actor = _actor(request) if settings.RECOMMENDATIONS_ENABLED else None
    if actor is None:
        return
    user, session_key = actor
    kind = InteractionKind.SEARCH_CLICK if from_search else InteractionKind.VIEW
    rows = getattr(_pending, "rows", None)
    if rows is None:
        rows = _pending.rows = []
    rows.append(
        Interaction(user=user, session_key=session_key, product_id=product_id, kind=kind, value=1)
    )


def interactions_flush_pending() -> int:
    """Insert the interactions noted during this request (request_finished calls this)."""
    rows = getattr(_pending, "rows", None)
    if not rows:
        history_read_forget()
        return 0
    _pending.rows = []
    try:
        Interaction.objects.bulk_create(rows)
        history_note_views(
            (row.user_id, row.session_key, row.product_id, row.created_at.timestamp())
            for row in rows
        )
    except Exception:  # a lost page view must never break anything else
        log.exception("could not record %d interactions", len(rows))
        return 0
    finally:
        history_read_forget()
    return len(rows)


def interaction_record(
    *,
    user,
    session_key: str = "",
    product_ids: Iterable[int],
    kind: str,
    value: int = 1,
) -> None:
    """Record cart additions, purchases and reviews (rarer than views, and written with the
    change that caused them, once it commits)."""
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and not session_key:
        return
    rows = [
        Interaction(
            user=user,
            session_key="" if user else session_key,
            product_id=product_id,
            kind=kind,
            value=max(0, min(value, 32767)),
        )
        for product_id in product_ids
    ]
    if rows:
        transaction.on_commit(lambda: _insert_and_forget(rows))


def _insert_and_forget(rows: list[Interaction]) -> None:
    Interaction.objects.bulk_create(rows)
    history_forget({(row.user_id, row.session_key) for row in rows})


def interactions_attach_session(*, user, session_key: str) -> int:
    """At login: the anonymous session's history becomes the shopper's."""
    interactions_flush_pending()
    if not session_key:
        return 0
    moved = Interaction.objects.filter(user=None, session_key=session_key).update(
        user=user, session_key=""
    )
    history_forget([(user.pk, ""), (None, session_key)])
    return moved


# --- Training -----------------------------------------------------------------------------------
_KIND_SQL = " ".join(f"WHEN '{kind}' THEN {code}" for code, kind in enumerate(als.KINDS))


def interactions_extract(*, until) -> als.Events:
    """Every signed-in shopper's interactions up to `until`, as arrays (COPY on PostgreSQL)."""
    table = Interaction._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT user_id, product_id, CASE kind {_KIND_SQL} ELSE 0 END, value, "
            f"floor(extract(epoch FROM created_at))::bigint FROM {table} "
            "WHERE user_id IS NOT NULL AND created_at <= %s"
        )
        with connection.cursor() as cursor:
            query = cursor.mogrify(sql, [until]).decode()
            buffer = io.BytesIO()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
        raw = buffer.getvalue()
        if not raw:
            return als.Events.from_rows(np.zeros((0, 5), dtype=np.int64))
        # Five integers a line: the fastest text-to-array parse numpy has.
        flat = np.fromstring(raw.replace(b"\n", b","), sep=",", dtype=np.int64)
        return als.Events.from_rows(flat)
    rows = (
        Interaction.objects.filter(user__isnull=False, created_at__lte=until)
        .values_list("user_id", "product_id", "kind", "value", "created_at")
        .order_by()
    )
    data = np.array(
        [
            (u, p, als.KIND_CODE.get(k, 0), v, int(at.timestamp()))
            for u, p, k, v, at in rows.iterator(chunk_size=10_000)
        ],
        dtype=np.int64,
    )
    return als.Events.from_rows(data if len(data) else np.zeros((0, 5), dtype=np.int64))


_WORD = re.compile(r"\w+", re.UNICODE)


def _content_inputs():
    """Active products (best sellers first within each category), their category, and their
    words: the name, the brand and the price band within the category."""
    rows = list(
        Product.objects.filter(is_active=True)
        .order_by("category_id", "-sales_count", "-id")
        .values_list("id", "category_id", "brand_id", "price", "name_en")
    )
    prices: dict[int, list[float]] = defaultdict(list)
    for _id, category, _brand, price, _name in rows:
        prices[category].append(float(price))
    cuts = {c: np.quantile(values, [1 / 3, 2 / 3]) for c, values in prices.items()}
    ids, groups, tokens = [], [], []
    find_words = _WORD.findall
    for product_id, category, brand, price, name in rows:
        low, high = cuts[category]
        band = "budget" if price <= low else "premium" if price >= high else "mid"
        words = find_words(name.lower()) if name else []
        words += [f"brand:{brand}", f"band:{band}"]
        ids.append(product_id)
        groups.append(category)
        tokens.append(words)
    return np.array(ids, dtype=np.int64), np.array(groups, dtype=np.int64), tokens


def _trending(events: als.Events, *, now: float, category_of: dict[int, int]) -> dict:
    """Products by recent demand (last 30 days, halved every 7), overall and per category."""
    recent = events.timestamps >= now - 30 * als.DAY
    weights = als.event_weights(
        events.kinds[recent],
        events.values[recent],
        (now - events.timestamps[recent]) / als.DAY,
        als.Params(half_life_days=7.0),
    )
    scores: Counter[int] = Counter()
    for product_id, weight in zip(
        events.product_ids[recent].tolist(), weights.tolist(), strict=True
    ):
        scores[product_id] += weight
    ranked = [p for p, _ in scores.most_common(3000)]
    by_category: dict[str, list[int]] = defaultdict(list)
    overall = []
    for product_id in ranked:
        category = category_of.get(product_id)
        if category is None:
            continue
        overall.append(product_id)
        if len(by_category[str(category)]) < 24:
            by_category[str(category)].append(product_id)
    return {"all": overall[:200], "by_category": dict(by_category)}


def _copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, bulk_create otherwise."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN", buffer)
        return
    fields = [c.removesuffix("_id") if c.endswith("_id") else c for c in columns]
    model.objects.bulk_create(
        [model(**{f"{f}_id" if f in ("version", "user", "product") else f: v for f, v in
                  zip(fields, row, strict=True)}) for row in rows],
        batch_size=2000,
    )  # fmt: skip


def _copy_value(value) -> str:
    if isinstance(value, list):
        value = json.dumps(value, separators=(",", ":"))
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


@dataclass
class ServingLists:
    user_top: dict[int, list[int]]
    neighbours: list[tuple[int, list[int], list[int], str]]  # product, similar, also, source


def _diversified(ids: list[int], category_of: dict[int, int], *, max_run: int) -> list[int]:
    """Keep the order, but no more than `max_run` of one category in a row while another
    category is still available (as selectors.diversified does with cards)."""
    pending = list(ids)
    result: list[int] = []
    while pending:
        tail = [category_of.get(i) for i in result[-max_run:]]
        blocked = tail[0] if len(tail) == max_run and len(set(tail)) == 1 else None
        pick = next((i for i in pending if category_of.get(i) != blocked), pending[0])
        pending.remove(pick)
        result.append(pick)
    return result


def _serving_lists(
    trained: als.Trained,
    content: dict[int, list[int]],
    *,
    available: set[int],
    category_of: dict[int, int],
    max_run: int,
) -> ServingLists:
    """What the slots show, final but for what changes before the next training: only products
    active and in stock now, a product's similar items not repeating what its buyers also
    bought, runs of one category broken up. Serving then only drops what went out of stock since
    and what the shopper bought."""
    # A shopper's list is diversified as it is served (it is cut by what they buy meanwhile).
    user_top = {user: [p for p in top if p in available] for user, top in trained.user_top.items()}
    neighbours = []
    for source, lists in (("als", trained.neighbours), ("content", content)):
        for product, similar in lists.items():
            if product not in category_of:  # inactive: its page is gone
                continue
            also = [p for p in trained.also_bought.get(product, []) if p in available]
            also = [p for p in also if p != product]
            shown_also = set(also[:6])
            similar = [p for p in similar if p in available and p != product]
            similar = [p for p in similar if p not in shown_also]
            similar = _diversified(similar, category_of, max_run=max_run)
            neighbours.append((product, similar, also, source))
    return ServingLists(user_top=user_top, neighbours=neighbours)


class TrainingUnderWay(Exception):
    """Another training run holds the training lock."""


@contextmanager
def _training_lock():
    """Held for the whole of a training run: an exclusive lock on a file next to the model
    files. The operating system releases it when the process ends, however it ends, so a run
    killed half-way never blocks the next one, and the holder knows no other run is alive."""
    path = settings.VAR_DIR / "models" / "training.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TrainingUnderWay("a training run is already under way") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def training_orphans_fail() -> int:
    """Versions left 'training' by a run that died (called holding the training lock, so no run
    is alive): marked failed, their partial results and files removed. Returns how many."""
    orphans = list(
        ModelVersion.objects.filter(status=VersionStatus.TRAINING, is_live=False).values_list(
            "id", flat=True
        )
    )
    if not orphans:
        return 0
    UserRecommendation.objects.filter(version_id__in=orphans).delete()
    ProductNeighbours.objects.filter(version_id__in=orphans).delete()
    ModelVersion.objects.filter(pk__in=orphans).update(
        status=VersionStatus.FAILED,
        finished_at=timezone.now(),
        note="the training run did not finish (its process ended half-way)",
    )
    for version_id in orphans:
        shutil.rmtree(ModelVersion(pk=version_id).directory, ignore_errors=True)
    return len(orphans)


def recommender_train(
    *,
    params: als.Params | None = None,
    report: Callable[[str], None] | None = None,
) -> ModelVersion:
    """One training run, end to end: extract interactions, fit and evaluate ALS against the
    most-popular baseline, compute and store what serving reads, then publish the version if it
    passes the guard (see als.passes_guard) or keep it, rejected, for inspection.

    Nothing the live version serves is touched until the one-row switch in
    model_version_publish, so a run that fails or is killed leaves the shop as it was; the next
    run cleans up after it. Raises TrainingUnderWay while another run is alive."""
    with _training_lock():
        orphans = training_orphans_fail()
        if orphans and report:
            report(f"{orphans} unfinished run(s) marked failed")
        return _train(params=params, report=report)


def _train(*, params: als.Params | None, report: Callable[[str], None] | None) -> ModelVersion:
    say = report or (lambda message: None)
    config = RecommenderSettings.load()
    params = params or config.params()
    started = time.perf_counter()
    until = timezone.now()
    version = ModelVersion.objects.create(
        status=VersionStatus.TRAINING,
        params=params.as_dict(),
        device="gpu" if als.use_gpu() else "cpu",
        trained_until=until,
    )
    watch = als.Stopwatch()
    try:
        with watch.stage("extract"):
            events = interactions_extract(until=until)
        say(f"extracted {len(events):,} interactions")
        trained = als.train(
            events,
            now=until.timestamp(),
            params=params,
            exclude_purchased=config.exclude_purchased,
            stopwatch=watch,
            on_stage=lambda name: say(f"{name} ..."),
        )
        with watch.stage("content"):
            ids, groups, tokens = _content_inputs()
            learnt = np.isin(ids, np.fromiter(trained.neighbours, dtype=np.int64))
            content = als.content_neighbours(
                ids, tokens, groups, np.flatnonzero(~learnt), n=params.neighbours
            )
            category_of = dict(zip(ids.tolist(), groups.tolist(), strict=True))
            available = set(
                Product.objects.filter(is_active=True, in_stock=True).values_list("id", flat=True)
            )
            trending = _trending(
                events,
                now=until.timestamp(),
                category_of={p: c for p, c in category_of.items() if p in available},
            )
            lists = _serving_lists(
                trained,
                content,
                available=available,
                category_of=category_of,
                max_run=config.max_per_category_run,
            )
        with watch.stage("write"):
            als.save_model(
                trained.model,
                version.directory,
                user_ids=trained.data.user_ids,
                product_ids=trained.data.product_ids,
            )
            _copy_rows(
                UserRecommendation,
                ["version_id", "user_id", "product_ids"],
                [(version.pk, user, top) for user, top in lists.user_top.items()],
            )
            _copy_rows(
                ProductNeighbours,
                ["version_id", "product_id", "similar", "also_bought", "source"],
                [(version.pk, *row) for row in lists.neighbours],
            )
    except BaseException as error:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.FAILED,
            finished_at=timezone.now(),
            note=f"{type(error).__name__}: {error}"[:2000],
        )
        shutil.rmtree(version.directory, ignore_errors=True)
        raise
    version.users, version.products = trained.data.shape
    version.interactions = len(events)
    version.metrics = trained.metrics
    version.trending = trending
    version.stages = {name: round(seconds, 3) for name, seconds in watch.stages.items()}
    version.stages["fit_only"] = round(trained.fit_seconds, 3)
    version.seconds = round(time.perf_counter() - started, 3)
    version.finished_at = timezone.now()
    live = ModelVersion.objects.filter(is_live=True).first()
    ok, reason = als.passes_guard(
        trained.metrics,
        live.metrics if live else None,
        min_lift=config.min_lift,
        tolerance=config.tolerance,
        k=params.k,
    )
    version.note = reason
    version.status = VersionStatus.TRAINING if ok else VersionStatus.REJECTED
    version.save()
    if ok:
        version = model_version_publish(version=version)
        with watch.stage("cache"):
            model_version_cache_results(
                version_id=version.pk,
                user_top=lists.user_top,
                neighbours={p: (also, similar) for p, similar, also, _s in lists.neighbours},
            )
        version.stages["cache"] = round(watch.stages["cache"], 3)
        ModelVersion.objects.filter(pk=version.pk).update(stages=version.stages)
    say(f"version #{version.pk}: {'live' if ok else 'rejected'}: {reason}")
    _prune_results()
    return version


@transaction.atomic
def model_version_publish(*, version: ModelVersion) -> ModelVersion:
    """Make `version` the live one: one transaction retires the previous live version and
    switches this one on (at most one can be live, by constraint)."""
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_live:
        return version
    if version.status not in (VersionStatus.TRAINING, VersionStatus.RETIRED):
        raise ValueError(f"version {version.pk} is {version.status}; it cannot go live")
    previous = list(ModelVersion.objects.select_for_update().filter(is_live=True))
    for old in previous:
        old.is_live = False
        old.status = VersionStatus.RETIRED
        old.save(update_fields=["is_live", "status", "updated_at"])
    version.is_live = True
    version.status = VersionStatus.LIVE
    version.save(update_fields=["is_live", "status", "updated_at"])
    transaction.on_commit(lambda: cache.delete(LIVE_CACHE_KEY))
    return version


def _shared_cache() -> bool:
    """Whether the cache is one store all processes share (Redis), not each process's memory."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def model_version_cache_results(
    *,
    version_id: int,
    user_top: dict[int, list[int]] | None = None,
    neighbours: dict[int, tuple[list[int], list[int]]] | None = None,
) -> int:
    """Put a live version's precomputed lists in the shared cache, so that serving reads them
    without a query (it falls back to the tables for any that are missing). Read from the
    tables unless given. Returns how many entries were written; none without a shared cache."""
    if not _shared_cache():
        return 0
    if user_top is None:
        user_top = dict(
            UserRecommendation.objects.filter(version_id=version_id)
            .values_list("user_id", "product_ids")
            .iterator(chunk_size=10_000)
        )
    if neighbours is None:
        neighbours = {
            p: (also, similar)
            for p, also, similar in ProductNeighbours.objects.filter(version_id=version_id)
            .values_list("product_id", "also_bought", "similar")
            .iterator(chunk_size=10_000)
        }
    entries = [(top_key(version_id, u), ids) for u, ids in user_top.items()]
    entries += [(neighbours_key(version_id, p), lists) for p, lists in neighbours.items()]
    for start in range(0, len(entries), 5000):
        cache.set_many(dict(entries[start : start + 5000]), LIST_SECONDS)
    return len(entries)


def _prune_results() -> None:
    """Drop the precomputed results (and factors) of all but the newest few and the live one."""
    keep = set(ModelVersion.objects.order_by("-id").values_list("id", flat=True)[:KEEP_RESULTS])
    keep |= set(ModelVersion.objects.filter(is_live=True).values_list("id", flat=True))
    old = list(ModelVersion.objects.exclude(id__in=keep).values_list("id", flat=True))
    if not old:
        return
    UserRecommendation.objects.filter(version_id__in=old).delete()
    ProductNeighbours.objects.filter(version_id__in=old).delete()
    for version_id in old:
        shutil.rmtree(ModelVersion(pk=version_id).directory, ignore_errors=True)


def recommender_settings_changed() -> None:
    cache.delete(SETTINGS_CACHE_KEY)


# --- Shopper profiles ---------------------------------------------------------------------------
_PAID = list(SOLD_STATUSES)


def _segment(recency: int | None, frequency: int) -> str:
    if not frequency or recency is None:
        return Segment.BROWSER
    if recency <= 30 and frequency >= 3:
        return Segment.CHAMPION
    if recency > 180:
        return Segment.HIBERNATING
    if frequency >= 2 and recency > 90:
        return Segment.AT_RISK
    if frequency >= 3:
        return Segment.LOYAL
    if frequency == 1 and recency <= 30:
        return Segment.NEW
    return Segment.REGULAR


def user_profiles_build(*, now=None) -> int:
    """Recompute every shopper's profile from their interactions and paid orders: top three
    categories, price band (their median price against their categories' medians) and RFM
    segment. Returns how many profiles were written."""
    now = now or timezone.now()
    category_price: dict[int, list[float]] = defaultdict(list)
    product_info: dict[int, tuple[int, float]] = {}
    for product_id, category_id, price in Product.objects.values_list(
        "id", "category_id", "price"
    ).iterator(chunk_size=20_000):
        product_info[product_id] = (category_id, float(price))
        category_price[category_id].append(float(price))
    median = {c: statistics.median(v) or 1.0 for c, v in category_price.items()}

    categories: dict[int, Counter] = defaultdict(Counter)
    ratios: dict[int, list[float]] = defaultdict(list)
    rows = Interaction.objects.filter(user__isnull=False).values_list(
        "user_id", "product_id", "kind"
    )
    weight = {"view": 1, "search_click": 1, "cart": 3, "review": 3, "purchase": 5}
    for user_id, product_id, kind in rows.order_by().iterator(chunk_size=20_000):
        info = product_info.get(product_id)
        if info is None:
            continue
        categories[user_id][info[0]] += weight.get(kind, 1)
        if kind in ("cart", "purchase"):
            ratios[user_id].append(info[1] / median[info[0]])
    orders = {
        row["user_id"]: row
        for row in Order.objects.filter(user__isnull=False, status__in=_PAID)
        .values("user_id")
        .annotate(last=Max("created_at"), n=Count("id"), spent=Sum("total"))
        .order_by()
    }
    profiles = []
    for user_id in set(categories) | set(orders):
        order = orders.get(user_id)
        recency = (now - order["last"]).days if order else None
        frequency = order["n"] if order else 0
        user_ratios = ratios.get(user_id)
        ratio = statistics.median(user_ratios) if user_ratios else 1.0
        band = (
            PriceBand.BUDGET
            if ratio < 0.8
            else PriceBand.PREMIUM
            if ratio > 1.25
            else PriceBand.MID
        )
        profiles.append(
            UserProfile(
                user_id=user_id,
                top_categories=[c for c, _ in categories[user_id].most_common(3)],
                price_band=band,
                recency_days=max(recency, 0) if recency is not None else None,
                frequency=frequency,
                monetary=order["spent"] if order else Decimal("0.00"),
                segment=_segment(recency, frequency),
                updated_at=now,
            )
        )
    existing = set(
        get_user_model()
        .objects.filter(pk__in=[p.user_id for p in profiles])
        .values_list("pk", flat=True)
    )
    profiles = [p for p in profiles if p.user_id in existing]
    with transaction.atomic():
        UserProfile.objects.bulk_create(
            profiles,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=[
                "top_categories", "price_band", "recency_days", "frequency", "monetary",
                "segment", "updated_at",
            ],
        )  # fmt: skip
    return len(profiles)
