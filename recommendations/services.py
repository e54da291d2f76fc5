"""Writes of the recommender: recording interactions, training and publishing model versions,
shopper profiles. The maths is in als.py; this module moves data between it and the database."""

from __future__ import annotations

import fcntl
import io
import itertools
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
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from catalog.models import Product, ProductVariant
from orders.models import SOLD_STATUSES, Order

from . import als
from .history import (
    history_forget,
    history_key,
    history_merge,
    history_note_events,
    history_note_views,
    history_read_forget,
)
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
# The hashes of a version's lists outlive a missed nightly run; older versions' are deleted.
LIST_HASH_SECONDS = 7 * 24 * 3600


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
    Nothing is written now: the rows of a request go, once its response has been sent, to the
    Redis buffer that interactions_flush_buffer drains (services mode), or in one insert to the
    table (embedded mode, where other processes cannot see this one's cache); see
    interactions_flush_pending."""
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


# Views waiting in Redis for interactions_flush_buffer, oldest first (a Redis list of JSON rows).
BUFFER_KEY = "recs:buffer"
# A session's history joins an account at login; views of that session still in the buffer then
# are given to the account when they are flushed.
LOGIN_KEY = "recs:login:{}"
LOGIN_SECONDS = 24 * 3600


def interactions_flush_pending() -> int:
    """Send on the interactions noted during this request (request_finished calls this): one
    RPUSH to the buffer with a shared cache, otherwise one insert. The shopper's cached history
    is updated either way."""
    rows = getattr(_pending, "rows", None)
    if not rows:
        history_read_forget()
        return 0
    _pending.rows = []
    try:
        if _shared_cache():
            redis_client(write=True).rpush(
                cache.make_key(BUFFER_KEY),
                *[
                    json.dumps([r.user_id, r.session_key, r.product_id, r.kind, r.value,
                                r.created_at.timestamp()])
                    for r in rows
                ],
            )  # fmt: skip
        else:
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


def interactions_flush_buffer(*, batch: int = 5000) -> int:
    """Move the buffered views into the interactions table, `batch` at a time (one bulk insert
    each); the Celery beat runs this every few seconds. Rows whose shopper or product has been
    deleted meanwhile are dropped; rows of a session that has since logged in go to the account.
    A batch that cannot be inserted goes back to the head of the buffer. Returns how many rows
    were inserted."""
    if not _shared_cache():
        return 0
    client = redis_client(write=True)
    key = cache.make_key(BUFFER_KEY)
    total = 0
    while True:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(key, 0, batch - 1)
        pipe.ltrim(key, batch, -1)
        raw, _trimmed = pipe.execute()
        if not raw:
            return total
        try:
            total += _insert_buffered([json.loads(item) for item in raw])
        except Exception:
            client.lpush(key, *reversed(raw))
            raise
        if len(raw) < batch:
            return total


def _insert_buffered(entries: list[list]) -> int:
    sessions = sorted({e[1] for e in entries if not e[0] and e[1]})
    owners = {}
    if sessions:
        found = cache.get_many([LOGIN_KEY.format(k) for k in sessions])
        owners = {k: found[LOGIN_KEY.format(k)] for k in sessions if LOGIN_KEY.format(k) in found}
    users = {owners.get(e[1]) if not e[0] else e[0] for e in entries} - {None}
    users = set(get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True))
    products = set(
        Product.objects.filter(pk__in={e[2] for e in entries}).values_list("pk", flat=True)
    )
    rows = []
    for user_id, session_key, product_id, kind, value, at in entries:
        if not user_id and session_key in owners:
            user_id, session_key = owners[session_key], ""
        if (user_id and user_id not in users) or product_id not in products:
            continue
        rows.append(
            Interaction(
                user_id=user_id or None,
                session_key=session_key,
                product_id=product_id,
                kind=kind,
                value=value,
                created_at=datetime.fromtimestamp(at, tz=UTC),
            )
        )
    Interaction.objects.bulk_create(rows)
    # A login between reading the owners and the insert above: its move of the session's rows
    # may have missed these, so they are moved here.
    late = [k for k in sessions if k not in owners]
    if late:
        found = cache.get_many([LOGIN_KEY.format(k) for k in late])
        for session_key in late:
            owner = found.get(LOGIN_KEY.format(session_key))
            if owner is not None:
                Interaction.objects.filter(user=None, session_key=session_key).update(
                    user_id=owner, session_key=""
                )
                owners[session_key] = owner
    if owners:
        history_forget([(user_id, "") for user_id in set(owners.values())])
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
        transaction.on_commit(lambda: _insert_and_note(rows))


def _insert_and_note(rows: list[Interaction]) -> None:
    Interaction.objects.bulk_create(rows)
    history_note_events(
        (row.user_id, row.session_key, row.product_id, row.kind, row.created_at.timestamp())
        for row in rows
    )


def interactions_attach_session(*, user, session_key: str) -> int:
    """At login: the anonymous session's history becomes the shopper's: the rows in the table now,
    and those still in the buffer when it is flushed."""
    interactions_flush_pending()
    if not session_key:
        return 0
    if _shared_cache():
        cache.set(LOGIN_KEY.format(session_key), user.pk, LOGIN_SECONDS)
    moved = Interaction.objects.filter(user=None, session_key=session_key).update(
        user=user, session_key=""
    )
    # The account's history is built again from the table, with the session's views in front
    # (those still in the buffer are not in the table yet).
    anonymous = cache.get(history_key(user_id=None, session_key=session_key))
    history_forget([(user.pk, ""), (None, session_key)])
    if anonymous is not None and anonymous.viewed:
        from .selectors import history

        history(user=user, session_key=None)
        history_merge(into=history_key(user_id=user.pk, session_key=None), source=anonymous)
    return moved


# --- Training -----------------------------------------------------------------------------------
_KIND_SQL = " ".join(f"WHEN '{kind}' THEN {code}" for code, kind in enumerate(als.KINDS))


def interactions_extract(*, until, since=None) -> als.Events:
    """Every signed-in shopper's interactions up to `until` (and after `since`, when given), as
    arrays (COPY on PostgreSQL)."""
    table = Interaction._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT user_id, product_id, CASE kind {_KIND_SQL} ELSE 0 END, value, "
            f"floor(extract(epoch FROM created_at))::bigint FROM {table} "
            "WHERE user_id IS NOT NULL AND created_at <= %s"
        )
        params = [until]
        if since is not None:
            sql += " AND created_at > %s"
            params.append(since)
        with connection.cursor() as cursor:
            query = cursor.mogrify(sql, params).decode()
            buffer = io.BytesIO()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
        raw = buffer.getvalue()
        if not raw:
            return als.Events.from_rows(np.zeros((0, 5), dtype=np.int64))
        # Five integers a line: the fastest text-to-array parse numpy has.
        flat = np.fromstring(raw.replace(b"\n", b","), sep=",", dtype=np.int64)
        return als.Events.from_rows(flat)
    rows = Interaction.objects.filter(user__isnull=False, created_at__lte=until)
    if since is not None:
        rows = rows.filter(created_at__gt=since)
    rows = rows.values_list("user_id", "product_id", "kind", "value", "created_at").order_by()
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
    """Active products (best sellers first within each category): ids, categories, whether in
    stock, and their words: the name, the brand, the price band within the category and the
    variants' attribute values. Two plain queries (no model instances for 100,000 products)."""
    table = Product._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # Floats and lower-case names from the database: no Decimal or str.lower() per row;
            # sorted here rather than there (a sort of every product spills to disk there).
            "SELECT id, category_id, brand_id, CAST(price AS REAL), in_stock, sales_count, "
            f"lower(name_en) FROM {table} WHERE is_active"
        )
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool), []
    ids, groups, brands, prices, stocked, sales, names = zip(*rows, strict=True)
    ids = np.array(ids, dtype=np.int64)
    groups = np.array(groups, dtype=np.int64)
    # Best sellers first within each category (newest first among equals).
    order = np.lexsort((-ids, -np.array(sales, dtype=np.int64), groups))
    ids, groups = ids[order], groups[order]
    prices = np.array(prices, dtype=np.float64)[order]
    stocked = np.array(stocked, dtype=bool)[order]
    pick = order.tolist()
    brands = [brands[i] for i in pick]
    names = [names[i] for i in pick]
    # Price band: the product's third of its category's prices (rows come grouped by category).
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    bands = np.empty(len(ids), dtype=object)
    for start, end in itertools.pairwise(bounds):
        low, high = np.quantile(prices[start:end], [1 / 3, 2 / 3])
        chunk = prices[start:end]
        bands[start:end] = np.where(
            chunk <= low, "band:budget", np.where(chunk >= high, "band:premium", "band:mid")
        )
    find_words = _WORD.findall
    attributes = _attribute_tokens()
    tokens = [
        [*(find_words(name) if name else ()), f"brand:{brand}", band, *attributes.get(pk, ())]
        for pk, name, brand, band in zip(ids.tolist(), names, brands, bands.tolist(), strict=True)
    ]
    return ids, groups, stocked, tokens


def _attribute_tokens() -> dict[int, set[str]]:
    """Each product's attribute values over its active variants, as "option:value" words
    ("colour:red", "material:wool"): products alike in their options are alike in content.
    Joined per product by the database (decoding 280,000 variants' JSON here took seconds)."""
    table = ProductVariant._meta.db_table
    if connection.vendor == "postgresql":
        pairs, joined = "jsonb_each_text(v.attributes) a(key, value)", "string_agg({}, chr(31))"
    else:
        pairs, joined = "json_each(v.attributes) a", "group_concat({}, char(31))"
    word = joined.format("a.key || ':' || lower(a.value)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.product_id, {word} FROM {table} v, {pairs} WHERE v.is_active "
            "GROUP BY v.product_id"
        )
        return {product_id: set(words.split("\x1f")) for product_id, words in cursor.fetchall()}


TRENDING_DAYS = 30


def recommender_refresh_trending(*, now: datetime | None = None) -> int:
    """The live version's trending lists (what new and anonymous shoppers see) recomputed from
    the last 30 days of interactions, so they follow demand between the nightly retrains (hourly
    on the beat schedule). The model and its lists are untouched. Returns how many products
    trend; 0 with no live version."""
    version = ModelVersion.objects.filter(is_live=True).only("pk").first()
    if version is None:
        return 0
    now = now or timezone.now()
    events = interactions_extract(until=now, since=now - timedelta(days=TRENDING_DAYS))
    category_of = dict(
        Product.objects.filter(is_active=True, in_stock=True).values_list("id", "category_id")
    )
    trending = _trending(events, now=now.timestamp(), category_of=category_of)
    with transaction.atomic():
        ModelVersion.objects.filter(pk=version.pk, is_live=True).update(trending=trending)
        transaction.on_commit(lambda: cache.delete(LIVE_CACHE_KEY))
    return len(trending.get("all", []))


def _trending(events: als.Events, *, now: float, category_of: dict[int, int]) -> dict:
    """Products by recent demand (last 30 days, halved every 7), overall and per category."""
    recent = events.timestamps >= now - TRENDING_DAYS * als.DAY
    weights = als.event_weights(
        events.kinds[recent],
        events.values[recent],
        (now - events.timestamps[recent]) / als.DAY,
        als.Params(half_life_days=7.0),
    )
    products, index = np.unique(events.product_ids[recent], return_inverse=True)
    scores = np.bincount(index, weights=weights, minlength=len(products))
    ranked = products[np.argsort(-scores, kind="stable")[:3000]].tolist()
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


def _csv(ids: np.ndarray) -> list[str]:
    """Each row's ids (-1 pads at the end) as "1,2,3": every id converted to text once, the rows
    assembled by numpy (a table lookup, then each row's cells read as one string)."""
    n, width = ids.shape
    if n == 0 or width == 0:
        return [""] * n
    top = max(int(ids.max()), 0)
    # Index -1 (a pad) picks the last entry: nothing.
    cell = len(str(top)) + 1
    table = np.array([f"{i}," for i in range(top + 1)] + [""], dtype=f"U{cell}")
    cells = np.ascontiguousarray(table[ids])
    rows = cells.view(f"U{cell * width}").ravel().tolist()
    return [row.replace("\x00", "").rstrip(",") for row in rows]


@dataclass
class ServingLists:
    """The precomputed lists, each as comma-separated ids (what both the tables and the cache
    store, written without a list object per row)."""

    user_ids: list[int]
    user_top: list[str]
    products: list[int]
    similar: list[str]
    also_bought: list[str]
    sources: list[str]


def _lookup(table: np.ndarray, ids: np.ndarray, missing) -> np.ndarray:
    return np.where(ids >= 0, table[np.maximum(ids, 0)], missing)


def _serving_lists(
    trained: als.Trained,
    content_products: np.ndarray,
    content: np.ndarray,
    *,
    product_ids: np.ndarray,
    categories: np.ndarray,
    available: np.ndarray,
    max_run: int,
) -> ServingLists:
    """What the slots show, final but for what changes before the next training: only products
    active (`product_ids`, with their `categories`) and in stock (`available`) now, a product's
    similar items not repeating what its buyers also bought, runs of one category broken up.
    Serving then only drops what went out of stock since and what the shopper bought. All rows
    at once, with array operations."""
    data = trained.data
    size = 1 + int(max(
        product_ids.max(initial=0), data.product_ids.max(initial=0),
        content_products.max(initial=0), available.max(initial=0),
    ))  # fmt: skip
    category = np.full(size, -1, dtype=np.int64)
    category[product_ids] = categories
    in_stock = np.zeros(size, dtype=bool)
    in_stock[available] = True
    # A shopper's list is diversified as it is served (it is cut by what they buy meanwhile).
    top = trained.user_top
    user_top = als.compact(top, _lookup(in_stock, top, False))

    products = np.concatenate([trained.neighbour_products, content_products])
    similar = np.vstack([trained.neighbours, content]) if len(content) else trained.neighbours
    sources = ["als"] * len(trained.neighbour_products) + ["content"] * len(content_products)
    active = category[products] >= 0  # an inactive product's page is gone
    products, similar = products[active], similar[active]
    sources = [source for source, keep in zip(sources, active.tolist(), strict=True) if keep]
    column = np.full(size, -1, dtype=np.int64)
    column[data.product_ids] = np.arange(len(data.product_ids))
    columns = column[products]
    also = np.where((columns >= 0)[:, None], trained.also_bought[np.maximum(columns, 0)], -1)
    also = als.compact(also, _lookup(in_stock, also, False) & (also != products[:, None]))
    shown_also = also[:, :6]
    repeated = (similar[:, :, None] == shown_also[:, None, :]).any(axis=2)
    keep = _lookup(in_stock, similar, False) & (similar != products[:, None]) & ~repeated
    similar = als.compact(similar, keep)
    similar = als.diversify(similar, _lookup(category, similar, -1), max_run=max_run)
    return ServingLists(
        user_ids=trained.user_rows.tolist(),
        user_top=_csv(user_top),
        products=products.tolist(),
        similar=_csv(similar),
        also_bought=_csv(also),
        sources=sources,
    )


def _copy_lines(model, columns: list[str], lines: Iterable[str]) -> None:
    """Rows already as COPY text lines (PostgreSQL)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN", buffer)


def _ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",")] if text else []


def _write_lists(version_id: int, lists: ServingLists) -> None:
    """The precomputed lists into their tables: one COPY each on PostgreSQL."""
    if connection.vendor == "postgresql":
        _copy_lines(
            UserRecommendation,
            ["version_id", "user_id", "product_ids"],
            (f"{version_id}\t{u}\t[{top}]\n" for u, top in zip(
                lists.user_ids, lists.user_top, strict=True
            )),
        )  # fmt: skip
        _copy_lines(
            ProductNeighbours,
            ["version_id", "product_id", "similar", "also_bought", "source"],
            (f"{version_id}\t{p}\t[{similar}]\t[{also}]\t{source}\n" for p, similar, also, source
             in zip(lists.products, lists.similar, lists.also_bought, lists.sources, strict=True)),
        )  # fmt: skip
        return
    UserRecommendation.objects.bulk_create(
        [
            UserRecommendation(version_id=version_id, user_id=u, product_ids=_ids(top))
            for u, top in zip(lists.user_ids, lists.user_top, strict=True)
        ],
        batch_size=2000,
    )
    ProductNeighbours.objects.bulk_create(
        [
            ProductNeighbours(
                version_id=version_id, product_id=p, similar=_ids(similar),
                also_bought=_ids(also), source=source,
            )
            for p, similar, also, source in zip(
                lists.products, lists.similar, lists.also_bought, lists.sources, strict=True
            )
        ],
        batch_size=2000,
    )  # fmt: skip


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
            ids, groups, in_stock, tokens = _content_inputs()
            learnt = np.isin(ids, trained.neighbour_products)
            targets = np.flatnonzero(~learnt)
            content = als.content_neighbours(ids, tokens, groups, targets, n=params.neighbours)
            available = ids[in_stock]
            stocked = set(available.tolist())
            trending = _trending(
                events,
                now=until.timestamp(),
                category_of={
                    p: c for p, c in zip(ids.tolist(), groups.tolist(), strict=True) if p in stocked
                },
            )
            lists = _serving_lists(
                trained,
                ids[targets],
                content,
                product_ids=ids,
                categories=groups,
                available=available,
                max_run=config.max_per_category_run,
            )
        with watch.stage("write"):
            als.save_model(
                trained.model,
                version.directory,
                user_ids=trained.data.user_ids,
                product_ids=trained.data.product_ids,
            )
            _write_lists(version.pk, lists)
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
            model_version_cache_results(version_id=version.pk, lists=lists)
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


def lists_hash(kind: str, version_id: int) -> str:
    """The Redis hash holding a version's precomputed lists of one kind ("top": a shopper's, by
    user id; "nb": a product's "also|similar", by product id), as comma-separated ids."""
    return cache.make_key(f"recs:{kind}:{version_id}")


def redis_client(*, write: bool = False):
    """The shared cache's Redis client (services mode only, see _shared_cache)."""
    return cache._cache.get_client(write=write)


def lists_read(kind: str, version_id: int, ids: list[int]) -> list[str | None]:
    """Entries of a version's list hash (None where absent, or without a shared cache)."""
    if not ids or not _shared_cache():
        return [None] * len(ids)
    values = redis_client().hmget(lists_hash(kind, version_id), ids)
    return [value.decode() if value is not None else None for value in values]


def model_version_cache_results(
    *, version_id: int, lists: ServingLists | None = None, batch: int = 20_000
) -> int:
    """Put a live version's precomputed lists in the shared cache, so that serving reads them
    without a query (it falls back to the tables for any that are missing): one Redis hash per
    kind, filled with HSET in large batches through one pipeline. Read from the tables unless
    given. Returns how many entries were written; none without a shared cache."""
    if not _shared_cache():
        return 0
    if lists is None:
        users = UserRecommendation.objects.filter(version_id=version_id).values_list(
            "user_id", "product_ids"
        )
        rows = ProductNeighbours.objects.filter(version_id=version_id).values_list(
            "product_id", "also_bought", "similar"
        )
        top = {u: ",".join(map(str, ids)) for u, ids in users.iterator(chunk_size=10_000)}
        nb = {
            p: ",".join(map(str, also)) + "|" + ",".join(map(str, similar))
            for p, also, similar in rows.iterator(chunk_size=10_000)
        }
    else:
        top = dict(zip(lists.user_ids, lists.user_top, strict=True))
        nb = {
            p: f"{also}|{similar}"
            for p, also, similar in zip(
                lists.products, lists.also_bought, lists.similar, strict=True
            )
        }
    client = redis_client(write=True)
    pipe = client.pipeline(transaction=False)
    for kind, mapping in (("top", top), ("nb", nb)):
        key = lists_hash(kind, version_id)
        pipe.delete(key)
        items = list(mapping.items())
        for start in range(0, len(items), batch):
            pipe.hset(key, mapping=dict(items[start : start + batch]))
        pipe.expire(key, LIST_HASH_SECONDS)
    pipe.execute()
    return len(top) + len(nb)


def _prune_results() -> None:
    """Drop the precomputed results (and factors) of all but the newest few and the live one."""
    keep = set(ModelVersion.objects.order_by("-id").values_list("id", flat=True)[:KEEP_RESULTS])
    keep |= set(ModelVersion.objects.filter(is_live=True).values_list("id", flat=True))
    old = list(ModelVersion.objects.exclude(id__in=keep).values_list("id", flat=True))
    if not old:
        return
    # Plain DELETEs: nothing refers to these rows, so no need to load them first.
    with connection.cursor() as cursor:
        for model in (UserRecommendation, ProductNeighbours):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE version_id IN "
                f"({', '.join(['%s'] * len(old))})",
                old,
            )
    if _shared_cache():
        redis_client(write=True).delete(
            *[lists_hash(kind, v) for v in old for kind in ("top", "nb")]
        )
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
