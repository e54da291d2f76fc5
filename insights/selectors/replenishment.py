"""What replenishment planning reads: each variant's daily demand at a warehouse, and the
variants a plan covers with their stock, price, cost, lead time and what is on order.

Demand is what shoppers ordered from the warehouse, dated when they ordered it: the units of
order lines still allocated to its stock rows (checkout allocates them there) plus the units its
shipments took away once they left (shipping deletes the allocation). Why not the movement log's
`shipped` rows: they are dated when the parcel left, days after the order and only on the
warehouse's working days, which would smear the weekday pattern shoppers make and miss what is
ordered but not shipped yet; its `allocated` rows would count lines cancelled later (released)
and orders shipped before allocation existed (and the demo's history) are not in it at all.
Cancelled lines drop out of both sources by themselves: their allocations are released and they
never ship."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from logistics import selectors as logistics_selectors
from logistics.models import DEFAULT_LEAD_TIME_DAYS, Allocation, ShipmentLine, Stock
from logistics.transitions import LEFT_WAREHOUSE

# Without supply terms a variant's unit cost is estimated as this share of its price.
ESTIMATED_COST_SHARE = Decimal("0.60")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def daily_demand(
    *, warehouse_id: int, start: dt.date, end: dt.date, merchant_id: int | None = None
) -> dict[int, list[float]]:
    """Units ordered from the warehouse per variant and day, `start` to `end` inclusive (local
    dates), oldest first; variants with no demand are left out."""
    days = (end - start).days + 1
    if days <= 0:
        return {}
    since, until = _day_start(start), _day_start(end + dt.timedelta(days=1))
    shipped = ShipmentLine.objects.filter(
        shipment__warehouse_id=warehouse_id,
        shipment__status__in=LEFT_WAREHOUSE,
        order_line__variant__isnull=False,
        order_line__order__created_at__gte=since,
        order_line__order__created_at__lt=until,
    )
    held = Allocation.objects.filter(
        stock__warehouse_id=warehouse_id,
        order_line__order__created_at__gte=since,
        order_line__order__created_at__lt=until,
    )
    if merchant_id is not None:
        shipped = shipped.filter(order_line__variant__product__merchant_id=merchant_id)
        held = held.filter(stock__variant__product__merchant_id=merchant_id)
    series: dict[int, list[float]] = defaultdict(lambda: [0.0] * days)
    for queryset, variant in ((shipped, "order_line__variant_id"), (held, "stock__variant_id")):
        rows = (
            queryset.annotate(day=TruncDate("order_line__order__created_at"))
            .values(variant, "day")
            .annotate(units=Sum("quantity"))
            .values_list(variant, "day", "units")
        )
        for variant_id, day, units in rows:
            index = (day - start).days
            if 0 <= index < days:
                series[variant_id][index] += float(units or 0)
    return dict(series)


@dataclass(frozen=True)
class Candidate:
    """A variant stocked at the warehouse, as planning needs it."""

    variant_id: int
    merchant_id: int
    sku: str
    available: int
    on_hand: int
    on_order: int
    unit_price: Decimal
    unit_cost: Decimal
    cost_estimated: bool
    lead_time_days: int
    case_pack: int


def plan_candidates(
    *, warehouse_id: int, merchant_id: int | None = None, variant_ids: set[int] | None = None
) -> list[Candidate]:
    """The active variants with a stock row at the warehouse (only `merchant_id`'s when given;
    only `variant_ids` when given, e.g. those that sold or are on order), with their supply
    terms (or estimates) and the units on order for them."""
    on_order = logistics_selectors.on_order_by_variant(warehouse_id=warehouse_id)
    if variant_ids is None:
        return _candidates(warehouse_id, merchant_id, None, on_order)
    wanted = sorted(variant_ids)
    found = []
    for first in range(0, len(wanted), CHUNK):  # SQLite caps the parameters of one query
        found += _candidates(warehouse_id, merchant_id, wanted[first : first + CHUNK], on_order)
    return found


CHUNK = 5000


def _candidates(warehouse_id, merchant_id, variant_ids, on_order) -> list[Candidate]:
    rows = Stock.objects.filter(warehouse_id=warehouse_id, variant__is_active=True)
    if merchant_id is not None:
        rows = rows.filter(variant__product__merchant_id=merchant_id)
    if variant_ids is not None:
        rows = rows.filter(variant_id__in=variant_ids)
    rows = rows.values_list(
        "variant_id",
        "variant__product__merchant_id",
        "variant__sku",
        "quantity",
        "allocated",
        "variant__price",
        "variant__supply_terms__unit_cost",
        "variant__supply_terms__lead_time_days",
        "variant__supply_terms__case_pack",
    ).order_by("variant_id")
    candidates = []
    for variant_id, merchant, sku, quantity, allocated, price, cost, lead, case in rows:
        estimated = cost is None
        candidates.append(
            Candidate(
                variant_id=variant_id,
                merchant_id=merchant,
                sku=sku,
                available=quantity - allocated,
                on_hand=quantity,
                on_order=int(on_order.get(variant_id, 0)),
                unit_price=price,
                unit_cost=(price * ESTIMATED_COST_SHARE).quantize(Decimal("0.01"))
                if estimated
                else cost,
                cost_estimated=estimated,
                lead_time_days=DEFAULT_LEAD_TIME_DAYS if lead is None else lead,
                case_pack=case or 1,
            )
        )
    return candidates


def warehouse_room(*, warehouse) -> int | None:
    """Units the warehouse can still take (all merchants' stock and orders counted); None when
    it has no capacity set."""
    if warehouse.capacity_units is None:
        return None
    on_hand, on_order = logistics_selectors.warehouse_units(warehouse_id=warehouse.pk)
    return max(0, warehouse.capacity_units - on_hand - on_order)
