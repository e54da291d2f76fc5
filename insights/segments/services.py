"""The one writer of customer profiles, segment runs and snapshots: compute them from the shop's
sold order lines, for the whole shop and per merchant (a merchant's revenue is its own lines,
never the order total). Re-running replaces a scope's profiles; every run adds its snapshots so
the segments' trend can be shown."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.models import Merchant

from ..locks import lock_segments_scope
from ..models import CustomerProfile, PriceBand, SegmentRun, SegmentSnapshot
from . import selectors
from .analysis import ProgressFn, analyse

TOP_CATEGORIES = 3
BATCH = 2000


@dataclass
class _Scope:
    """What one scope's computation needs from the order lines."""

    days: dict = field(default_factory=lambda: defaultdict(dict))
    categories: dict = field(default_factory=lambda: defaultdict(dict))
    category_names: dict = field(default_factory=dict)
    spent_units: dict = field(default_factory=lambda: defaultdict(lambda: [Decimal(0), 0]))
    unit_prices: list = field(default_factory=list)

    def add(self, user_id, day, line_total, unit_price, quantity, category_id, category_name):
        spent = self.days[user_id]
        spent[day] = spent.get(day, Decimal(0)) + line_total
        if category_id is not None:
            by_category = self.categories[user_id]
            by_category[category_id] = by_category.get(category_id, Decimal(0)) + line_total
            self.category_names[category_id] = category_name
        units = self.spent_units[user_id]
        units[0] += unit_price * quantity
        units[1] += quantity
        self.unit_prices.append(float(unit_price))


def _read(merchant_id: int | None, *, every_merchant: bool) -> dict[int | None, _Scope]:
    """One pass over the sold lines: the whole shop (key None) and/or each merchant."""
    scopes: dict[int | None, _Scope] = defaultdict(_Scope)
    zone = timezone.get_current_timezone()
    rows = selectors.sold_lines(merchant_id=merchant_id).iterator(chunk_size=5000)
    for user_id, bought_at, line_merchant, total, unit, quantity, category, name in rows:
        day = bought_at.astimezone(zone).date()
        row = (user_id, day, total, unit, quantity, category, name)
        if merchant_id is None:
            scopes[None].add(*row)
            if every_merchant:
                scopes[line_merchant].add(*row)
        else:
            scopes[merchant_id].add(*row)
    return scopes


def _bands(scope: _Scope) -> tuple[float, float]:
    if not scope.unit_prices:
        return 0.0, 0.0
    low, high = np.percentile(np.asarray(scope.unit_prices), [100 / 3, 200 / 3])
    return float(low), float(high)


def _price_band(scope: _Scope, user_id: int, low: float, high: float) -> str:
    spent, units = scope.spent_units[user_id]
    average = float(spent / units) if units else 0.0
    if average < low:
        return PriceBand.BUDGET
    if average > high:
        return PriceBand.PREMIUM
    return PriceBand.MIDDLE


def _top_categories(scope: _Scope, user_id: int) -> list[dict]:
    spent = scope.categories.get(user_id, {})
    ranked = sorted(spent.items(), key=lambda item: (-item[1], item[0]))[:TOP_CATEGORIES]
    return [
        {"id": category, "name": scope.category_names[category], "revenue": str(revenue)}
        for category, revenue in ranked
    ]


def _save(merchant_id: int | None, scope: _Scope, analysis, *, computed_at) -> SegmentRun:
    low, high = _bands(scope)
    profiles = [
        CustomerProfile(
            merchant_id=merchant_id,
            user_id=result.rfm.customer,
            recency_days=result.rfm.recency_days,
            frequency=result.rfm.frequency,
            monetary=result.rfm.monetary,
            first_purchase=result.rfm.first_purchase,
            last_purchase=result.rfm.last_purchase,
            r_score=result.rfm.r_score,
            f_score=result.rfm.f_score,
            m_score=result.rfm.m_score,
            segment=result.rfm.segment,
            top_categories=_top_categories(scope, result.rfm.customer),
            price_band=_price_band(scope, result.rfm.customer, low, high),
            predicted_purchases_90d=result.predicted_purchases,
            predicted_value_90d=result.predicted_value,
            probability_alive=result.probability_alive,
            computed_at=computed_at,
        )
        for result in analysis.customers
    ]
    holdout = {}
    if analysis.holdout is not None:
        h = analysis.holdout
        holdout = {
            "calibration_end": h.calibration_end.isoformat(),
            "days": h.holdout_days,
            "customers": h.customers,
            "actual": h.actual_purchases,
            "predicted": round(h.predicted_purchases, 1),
            "baseline": round(h.baseline_purchases, 1),
            "mae": round(h.mae, 4),
            "baseline_mae": round(h.baseline_mae, 4),
        }
    if analysis.value_message:
        # The purchase model stands, values are unknown (Gamma-Gamma): said on the run.
        holdout["value_model"] = analysis.value_message
    with transaction.atomic():
        lock_segments_scope(merchant_id)
        CustomerProfile.objects.filter(merchant_id=merchant_id).delete()
        CustomerProfile.objects.bulk_create(profiles, batch_size=BATCH)
        run = SegmentRun.objects.create(
            merchant_id=merchant_id,
            computed_at=computed_at,
            customers=len(profiles),
            revenue=analysis.revenue,
            holdout=holdout,
            lifetime_error=analysis.lifetime_error or analysis.holdout_error,
        )
        SegmentSnapshot.objects.bulk_create(
            SegmentSnapshot(
                run=run,
                segment=row.segment,
                size=row.size,
                revenue=row.revenue,
                avg_recency=row.avg_recency,
                avg_frequency=row.avg_frequency,
                avg_monetary=row.avg_monetary,
            )
            for row in analysis.table
        )
    return run


def _no_progress(done: int, total: int | None = None, step: str = "") -> None:
    return None


def segments_compute(
    *,
    merchant: Merchant | None = None,
    today: date | None = None,
    holdout_days: int = 90,
    progress: ProgressFn = _no_progress,
) -> list[SegmentRun]:
    """Profiles and a segment run for one merchant (its own lines), or, without a merchant, for
    the whole shop and every merchant that sold something. Idempotent: a scope's profiles are
    replaced (inside one transaction per scope); each call adds one run per scope.

    Progress: 1 step to read the lines, then 4 per scope (score, check the lifetime model,
    predict, save)."""
    today = today or timezone.localdate()
    progress(0, None, "reading")
    scopes = _read(merchant.pk if merchant else None, every_merchant=merchant is None)
    if merchant is None:
        scopes.setdefault(None, _Scope())
        order = [None, *sorted(key for key in scopes if key is not None)]
    else:
        scopes.setdefault(merchant.pk, _Scope())
        order = [merchant.pk]
    total = 1 + 4 * len(order)
    progress(1, total, "scoring")
    runs = []
    for position, merchant_id in enumerate(order):
        base = 1 + 4 * position
        scope_started = time.perf_counter()

        def report(done, _total=None, step="", base=base):
            progress(base + done, total, step)

        analysis = analyse(
            scopes[merchant_id].days,
            observed_at=today,
            holdout_days=holdout_days,
            progress=report,
        )
        progress(base + 3, total, "saving")
        computed_at = timezone.now()
        run = _save(merchant_id, scopes[merchant_id], analysis, computed_at=computed_at)
        # The scope's time, scoring to saving (the one read of the lines is shared).
        run.seconds = round(time.perf_counter() - scope_started, 3)
        SegmentRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
        runs.append(run)
        progress(base + 4, total, "")
    return runs
