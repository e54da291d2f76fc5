"""Reads for the search pages: product cards for a page of hits, and the admin report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Avg, Count, Max, QuerySet
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import card_list, product_cards

from .backends.base import Hit
from .models import SearchQueryLog


def hit_cards(hits: list[Hit]) -> list[Product]:
    """The product cards of these hits, in hit order, each with `highlight_name` and
    `highlight_description` (HTML, already escaped) where words matched. One query."""
    ids = [h.product_id for h in hits]
    cards = {p.pk: p for p in card_list(product_cards(Product.objects.filter(pk__in=ids)))}
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
