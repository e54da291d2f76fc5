"""Row locks of insights (select_for_update and advisory locks live here only). Outside the
project's lock order (docs/architecture.md, "The lock order"): a transaction holding one of
these locks nothing else of another app's, except that accepting a replenishment plan then
writes purchase orders through logistics' services."""

from __future__ import annotations

import zlib

from django.db import connection

from .models import ReplenishmentPlan

# The first key of PostgreSQL's two-key advisory locks, naming "the segments of one scope".
_SEGMENTS_KEY = zlib.crc32(b"insights.segments") & 0x7FFFFFFF


def lock_replenishment_plan(plan_id: int) -> ReplenishmentPlan:
    """Lock one replenishment plan (its warehouse selected, not locked)."""
    return (
        ReplenishmentPlan.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .get(pk=plan_id)
    )


def lock_segments_scope(merchant_id: int | None) -> None:
    """Held until the end of the transaction: one writer of a scope's profiles at a time (the
    nightly run and a "Recompute now" may overlap). SQLite serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SEGMENTS_KEY, merchant_id or 0])
