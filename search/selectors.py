"""Reads for the search pages: product cards for a page of hits, the admin report, and the
synonym list every backend expands queries with."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Avg, Count, Max, QuerySet
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import cards_by_id

from .backends.base import Hit
from .models import SearchQueryLog, Synonym
from .synonyms import RuleError, SynonymTable, make_rule

logger = logging.getLogger(__name__)

# The synonym list's version: a new value whenever a rule is saved or deleted
# (services.synonyms_changed); each process keeps the table it built until the value changes.
SYNONYMS_VERSION_KEY = "search:synonyms:version"

_synonym_table: tuple[str, SynonymTable] | None = None


def hit_cards(hits: list[Hit]) -> list[Product]:
    """The product cards of these hits, in hit order, each with `highlight_name` and
    `highlight_description` (HTML, already escaped) where words matched. One query, compiled
    once per number of hits (catalog.selectors.cards_by_id); a product hidden since it was
    indexed is left out."""
    cards = {p.pk: p for p in cards_by_id(h.product_id for h in hits)}
    ordered = []
    for hit in hits:
        card = cards.get(hit.product_id)
        if card is None:  # removed since it was indexed
            continue
        card.highlight_name = hit.highlights.get("name")
        card.highlight_description = hit.highlights.get("description")
        ordered.append(card)
    return ordered


REPORT_PERIODS = (1, 7, 30, 90)


@dataclass
class SearchReport:
    days: int
    total: int
    without_results: int
    top: list[dict]
    empty: list[dict]


def _grouped(queryset: QuerySet[SearchQueryLog], limit: int) -> list[dict]:
    return list(
        queryset.values("query")
        .annotate(searches=Count("id"), results=Avg("result_count"), last=Max("created_at"))
        .order_by("-searches", "query")[:limit]
    )


def search_report(*, days: int, limit: int = 50) -> SearchReport:
    """The most frequent searches and the most frequent searches that found nothing, over the
    last `days` days."""
    since = timezone.now() - timedelta(days=days)
    logs = SearchQueryLog.objects.filter(created_at__gte=since)
    empty = logs.filter(result_count=0)
    return SearchReport(
        days=days,
        total=logs.count(),
        without_results=empty.count(),
        top=_grouped(logs, limit),
        empty=_grouped(empty, limit),
    )


def synonym_table() -> SynonymTable:
    """The active synonym rules, built once per process and version of the list."""
    global _synonym_table
    version = cache.get(SYNONYMS_VERSION_KEY)
    if version is None:
        cache.add(SYNONYMS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(SYNONYMS_VERSION_KEY)
    if _synonym_table is not None and _synonym_table[0] == version:
        return _synonym_table[1]
    rules = []
    for row in Synonym.objects.filter(is_active=True).order_by("pk"):
        try:
            rules.append(
                make_rule(row.terms, row.targets, one_way=row.kind == Synonym.Kind.ONE_WAY)
            )
        except RuleError as exc:  # saved around the admin's validation
            logger.warning("synonym %s skipped: %s", row.pk, exc)
    table = SynonymTable(rules)
    _synonym_table = (version, table)
    return table
