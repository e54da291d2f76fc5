"""The search service: one interface (a SearchQuery in, a SearchResult out) over the backend the
settings choose, with the database backend answering when Elasticsearch cannot.

- `search_backend()`: Elasticsearch when ELASTICSEARCH_URL is set, else the database's own
  (SQLite FTS5 or PostgreSQL full-text search).
- `run_search()` / `autocomplete()`: ask it; on SearchBackendUnavailable (or an Elasticsearch
  transport error) log a warning, note the fallback for /healthz, and answer from the database.
- `search_understood()`: a search reads its query first (search/understanding.py): a price
  range, "cheap" and colours become filters, the rest is matched as words.
- Indexing keeps the database index current in every mode (it is the fallback), and the
  Elasticsearch index too when it is configured.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from . import analysis, understanding
from .backends.base import (
    SearchBackend,
    SearchBackendUnavailable,
    SearchQuery,
    SearchResult,
    Suggestion,
)
from .models import SearchQueryLog, Synonym
from .selectors import SYNONYMS_VERSION_KEY
from .synonyms import Rule

logger = logging.getLogger(__name__)

FALLBACK_KEY = "search:fallback"
# How long /healthz reports a fallback after the last one.
FALLBACK_REPORT_SECONDS = 10 * 60


def database_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .backends.postgres import PostgresBackend

        return PostgresBackend()
    from .backends.sqlite import SqliteBackend

    return SqliteBackend()


def elasticsearch_backend() -> SearchBackend | None:
    if not settings.ELASTICSEARCH_URL:
        return None
    from search.backends.elasticsearch.backend import ElasticsearchBackend

    return ElasticsearchBackend()


def search_backend() -> SearchBackend:
    """The configured backend: Elasticsearch when ELASTICSEARCH_URL is set, else the
    database's."""
    return elasticsearch_backend() or database_backend()


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [SearchBackendUnavailable]
    try:
        from elastic_transport import TransportError

        errors.append(TransportError)
    except ImportError:  # pragma: no cover - elasticsearch is a dependency
        pass
    try:
        from elasticsearch import ApiError

        errors.append(ApiError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def _fell_back(backend: SearchBackend, exc: BaseException, what: str) -> None:
    reason = f"{type(exc).__name__}: {exc}"[:300]
    logger.warning(
        "search backend %s failed (%s); %s answered from the database", backend.name, reason, what
    )
    cache.set(
        FALLBACK_KEY,
        {
            "at": timezone.now().isoformat(timespec="seconds"),
            "backend": backend.name,
            "reason": reason,
        },
        FALLBACK_REPORT_SECONDS,
    )


def recent_fallback() -> dict | None:
    """The last fallback to the database backend within FALLBACK_REPORT_SECONDS, if any."""
    return cache.get(FALLBACK_KEY)


def run_search(query: SearchQuery, *, log: bool = True) -> SearchResult:
    """Ranked hits, facets and suggestions for `query`. Never fails because Elasticsearch is
    down. The first page of a search with words is recorded in the query log."""
    backend = search_backend()
    try:
        result = search_understood(backend, query)
    except _unavailable_errors() as exc:
        if backend.name in ("sqlite", "postgres"):
            raise
        _fell_back(backend, exc, "a search was")
        result = search_understood(database_backend(), query)
    if log and query.page == 1 and query.text.strip():
        search_log_record(query=query, result=result)
    return result


# "Cheap": the price at or under which the cheapest share of the matching products sell.
CHEAP_SHARE = 1 / 3


def search_understood(backend: SearchBackend, query: SearchQuery) -> SearchResult:
    """`query` read before it is matched: its price words and colours become filters (AND-ed
    with those already set) and the rest is matched; `result.understood` says what was read,
    with "cheap" turned into the ceiling it stood for. A colour no matching product comes in
    stays a word, so "gold necklace" still finds necklaces named gold."""
    reading = understanding.read(query.text)
    result = _search_reading(backend, query, reading)
    if result.total == 0 and reading.colours:
        reading = understanding.read(query.text, colours=False)
        result = _search_reading(backend, query, reading)
    return result


def _search_reading(
    backend: SearchBackend, query: SearchQuery, reading: understanding.Reading
) -> SearchResult:
    if not reading.parts:
        return backend.search(query)
    lows = [p for p in (query.price_min, reading.price_min) if p is not None]
    highs = [p for p in (query.price_max, reading.price_max) if p is not None]
    matched = replace(
        query,
        text=reading.text,
        price_min=max(lows) if lows else None,
        price_max=min(highs) if highs else None,
        colours=tuple(dict.fromkeys((*query.colours, *reading.colours))),
    )
    parts = list(reading.parts)
    if reading.cheap:
        ceiling = _cheap_ceiling(backend, matched)
        if ceiling is not None:
            matched = replace(
                matched,
                price_max=ceiling if matched.price_max is None else min(ceiling, matched.price_max),
            )
            parts = [
                replace(p, price_max=ceiling) if p.kind == understanding.CHEAP else p for p in parts
            ]
    result = backend.search(matched)
    result.understood = parts
    # The links a result offers search again with what was understood.
    kept = " ".join(reading.words(p) for p in reading.parts)
    if result.did_you_mean:
        result.did_you_mean = f"{result.did_you_mean} {kept}"
    if result.instead:
        result.instead = f"{result.instead} {kept}"
    return result


def _cheap_ceiling(backend: SearchBackend, query: SearchQuery) -> Decimal | None:
    """The price of the product at CHEAP_SHARE of the matches sorted by price."""
    return backend.price_at_share(query, CHEAP_SHARE)


def autocomplete(text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
    backend = search_backend()
    try:
        return backend.autocomplete(text, language=language, limit=limit)
    except _unavailable_errors() as exc:
        if backend.name in ("sqlite", "postgres"):
            raise
        _fell_back(backend, exc, "autocomplete was")
        return database_backend().autocomplete(text, language=language, limit=limit)


def search_log_record(*, query: SearchQuery, result: SearchResult) -> SearchQueryLog:
    """One row for the admin's search report: the normalised words, never who searched."""
    text = analysis.normalise(query.text)[: SearchQueryLog._meta.get_field("query").max_length]
    return SearchQueryLog.objects.create(
        query=text, language=query.language, result_count=result.total, backend=result.backend
    )


# --- Index refresh ------------------------------------------------------------------------------
def search_index_products(*, product_ids: Iterable[int]) -> int:
    """Upsert (or remove, if inactive or gone) these products' documents in the database index
    and, when configured, in Elasticsearch. Idempotent. Raises SearchBackendUnavailable if
    Elasticsearch cannot be reached (the task retries; the database part is already done)."""
    ids = sorted({int(i) for i in product_ids})
    if not ids:
        return 0
    database_backend().index_products(ids)
    es = elasticsearch_backend()
    if es is not None:
        try:
            es.index_products(ids)
        except _unavailable_errors() as exc:
            raise SearchBackendUnavailable(str(exc)) from exc
    return len(ids)


def search_index_refresh_stale() -> int:
    """After a catalog-wide stats or stock refresh: re-index only the products whose document
    shows an old price, rating, sales count, stock or visibility."""
    from .backends.database.backend import DatabaseBackend

    db = database_backend()
    assert isinstance(db, DatabaseBackend)
    ids = db.stale_product_ids()
    if ids:
        search_index_products(product_ids=ids)
    return len(ids)


def search_index_rebuild() -> dict[str, int]:
    """Rebuild the database index and, when configured, the Elasticsearch one (by alias swap, no
    downtime). Returns the number of products indexed per backend."""
    counts = {}
    db = database_backend()
    counts[db.name] = db.rebuild()
    es = elasticsearch_backend()
    if es is not None:
        counts[es.name] = es.rebuild()
    return counts


def search_index_is_empty() -> bool:
    from .models import SearchDocument

    return not SearchDocument.objects.exists()


# Products changed in one transaction are re-indexed by one task after it commits.
class _ReindexBatch:
    def __init__(self, using: str | None):
        self.using = using
        self.ids: set[int] = set()
        self.everything = False
        self.done = False

    def flush(self) -> None:
        from . import tasks

        self.done = True
        if self.everything:
            tasks.refresh_stale.delay()
        if self.ids:
            tasks.index_products.delay(sorted(self.ids))


def search_index_queue(
    *,
    product_ids: Iterable[int] | None = None,
    everything: bool = False,
    using: str | None = None,
) -> None:
    """Add products (or, with `everything`, whatever is stale) to this transaction's batch of
    products to re-index: one task on commit; at once outside a transaction."""
    connection = transaction.get_connection(using)
    batch: _ReindexBatch | None = getattr(connection, "_search_reindex_batch", None)
    # A batch whose callback was run or discarded (rollback) is over: start a new one.
    pending = (
        batch is not None
        and not batch.done
        and any(entry[1] == batch.flush for entry in connection.run_on_commit)
    )
    if not pending:
        batch = _ReindexBatch(using)
        connection._search_reindex_batch = batch
    batch.ids.update(int(i) for i in (product_ids or ()))
    batch.everything = batch.everything or everything
    if not pending:
        transaction.on_commit(batch.flush, using=using)


# --- Synonyms -----------------------------------------------------------------------------------
def synonyms_changed() -> None:
    """A new version of the synonym list: every process builds its table again."""
    cache.set(SYNONYMS_VERSION_KEY, uuid.uuid4().hex, None)


@transaction.atomic
def synonyms_load(*, rules: list[Rule], replace: bool = False) -> int:
    """Add these rules to the synonym list (with `replace`, instead of every rule in it); a rule
    whose terms and targets are already there is not added twice. Returns how many were
    added."""
    if replace:
        Synonym.objects.all().delete()
    existing = set(Synonym.objects.values_list("kind", "terms", "targets"))
    new = []
    for rule in rules:
        kind = Synonym.Kind.ONE_WAY if rule.one_way else Synonym.Kind.TWO_WAY
        row = (kind.value, ", ".join(rule.terms), ", ".join(rule.targets))
        if row not in existing:
            existing.add(row)
            new.append(Synonym(kind=row[0], terms=row[1], targets=row[2]))
    Synonym.objects.bulk_create(new)
    synonyms_changed()
    transaction.on_commit(synonyms_changed)
    return len(new)
