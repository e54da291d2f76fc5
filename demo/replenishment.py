"""The demo shop's purchasing terms, so replenishment can be planned at once: each variant's
unit cost (45-75 % of its price), its supplier's lead time (3-14 days) and case pack (mostly
single units, some cases of 6, 12 or 24), and each warehouse's capacity (what it holds now plus
room for a quarter more). One read of the variants' ids and prices, drawn with numpy, written
in batches (COPY on PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from catalog.models import ProductVariant
from logistics.models import SupplyTerms, Warehouse

from .bulk import TableWriter

LEAD_TIMES = (3, 5, 7, 7, 10, 14)
CASE_PACKS = (1, 1, 1, 1, 6, 12, 24)
ROOM_SHARE = 1.25


def replenishment_setup(run) -> None:
    """Supply terms for every variant and a capacity for every demo warehouse."""
    variants = list(ProductVariant.objects.order_by("pk").values_list("pk", "price"))
    rng = np.random.default_rng([run.options.seed, 4_3])  # section 4.3's own stream
    prices = np.array([float(price) for _, price in variants])
    costs = np.round(prices * np.round(rng.uniform(0.45, 0.75, len(variants)), 3), 2)
    leads = rng.choice(LEAD_TIMES, len(variants))
    cases = rng.choice(CASE_PACKS, len(variants))
    now = timezone.now()
    terms = TableWriter(
        SupplyTerms,
        ["created_at", "updated_at", "variant_id", "unit_cost", "lead_time_days", "case_pack"],
        copy=run.copy,
    )
    for (variant_id, _price), cost, lead, case in zip(variants, costs, leads, cases, strict=True):
        terms.add((now, now, variant_id, Decimal(f"{cost:.2f}"), int(lead), int(case)))
    terms.flush()
    run.count("supply terms", terms.count)
    held = dict(
        Warehouse.objects.filter(pk__in=run.warehouse_ids)
        .annotate(units=Sum("stock__quantity"))
        .values_list("pk", "units")
    )
    for warehouse_id, units in held.items():
        Warehouse.objects.filter(pk=warehouse_id).update(
            capacity_units=max(1000, int((units or 0) * ROOM_SHARE))
        )
