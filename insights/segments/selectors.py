"""Reads for the segments: the sold order lines they are computed from, and what the admin pages
show (the latest runs with their trend, a customer's profiles)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from catalog.models import Category
from orders.models import SOLD_STATUSES, OrderLine

from ..models import CustomerProfile, Segment, SegmentRun, SegmentSnapshot


def sold_lines(*, merchant_id: int | None = None) -> QuerySet:
    """The order lines that count as bought: their order in a sold status (paid ... completed,
    so cancelled and refunded orders are out), the line not cancelled by its merchant, and a
    signed-in customer. Values: user, when, merchant, line total, unit price, quantity, category."""
    lines = OrderLine.objects.filter(
        order__status__in=SOLD_STATUSES,
        order__user__isnull=False,
        cancelled_at__isnull=True,
    )
    if merchant_id is not None:
        lines = lines.filter(merchant_id=merchant_id)
    return lines.annotate(
        bought_at=Coalesce(F("order__paid_at"), F("order__created_at"))
    ).values_list(
        "order__user_id",
        "bought_at",
        "merchant_id",
        "line_total",
        "unit_price",
        "quantity",
        "product__category_id",
        "product__category__name",
    )


def latest_run(*, merchant_id: int | None) -> SegmentRun | None:
    return (
        SegmentRun.objects.filter(merchant_id=merchant_id).order_by("-computed_at", "-id").first()
    )


@dataclass
class SegmentLine:
    segment: str
    label: str
    size: int
    share: float
    revenue: Decimal
    avg_recency: float
    avg_frequency: float
    avg_monetary: Decimal
    # Change against the previous run (None when there is none).
    size_change: int | None
    revenue_change: Decimal | None


@dataclass
class SegmentsPage:
    run: SegmentRun | None
    previous: SegmentRun | None
    lines: list[SegmentLine]


def segments_page(*, merchant_id: int | None) -> SegmentsPage:
    """The latest run of the scope, each segment's figures and the change since the run before."""
    runs = list(
        SegmentRun.objects.filter(merchant_id=merchant_id).order_by("-computed_at", "-id")[:2]
    )
    if not runs:
        return SegmentsPage(run=None, previous=None, lines=[])
    run = runs[0]
    previous = runs[1] if len(runs) > 1 else None
    snapshots = {(s.run_id, s.segment): s for s in SegmentSnapshot.objects.filter(run__in=runs)}
    lines = []
    for value, label in Segment.choices:
        now = snapshots.get((run.pk, value))
        before = snapshots.get((previous.pk, value)) if previous else None
        size = now.size if now else 0
        revenue = now.revenue if now else Decimal(0)
        lines.append(
            SegmentLine(
                segment=value,
                label=str(label),
                size=size,
                share=size / run.customers if run.customers else 0.0,
                revenue=revenue,
                avg_recency=now.avg_recency if now else 0.0,
                avg_frequency=now.avg_frequency if now else 0.0,
                avg_monetary=now.avg_monetary if now else Decimal(0),
                size_change=(size - (before.size if before else 0)) if previous else None,
                revenue_change=(revenue - (before.revenue if before else Decimal(0)))
                if previous
                else None,
            )
        )
    return SegmentsPage(run=run, previous=previous, lines=lines)


def category_names(ids) -> dict[int, str]:
    """Category names in the reader's language (the profile keeps the ids, and the names of the
    language it was computed in for categories since deleted)."""
    return dict(Category.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def top_category_names(profile: CustomerProfile, names: dict[int, str]) -> list[str]:
    return [names.get(entry.get("id"), entry.get("name", "")) for entry in profile.top_categories]


def customer_profiles(*, user_id: int, merchant_id: int | None = None, every: bool = False):
    """A customer's profiles: one scope's, or (for the operator) the shop's and every merchant's."""
    profiles = CustomerProfile.objects.filter(user_id=user_id).select_related("merchant")
    if not every:
        profiles = profiles.filter(merchant_id=merchant_id)
    return profiles.order_by(F("merchant_id").asc(nulls_first=True))
