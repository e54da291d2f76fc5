"""Reads of logistics: the delivery options offered, what stock order lines hold, and the rows
that are low on stock. No side effects, no locks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import regions
from accounts.admin_scoping import scope_to_merchant
from catalog.models import ProductVariant

from . import quoting
from .models import (
    Allocation,
    NonWorkingDay,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShippingMethod,
    ShippingZone,
    Stock,
    Warehouse,
)
from .transitions import PURCHASE_ORDER_OPEN

ZERO = Decimal("0.00")


def shipping_method_active(*, pk: int | str | None) -> ShippingMethod | None:
    """The delivery option if it is still offered (None for anything that is not an id)."""
    if pk is None or not str(pk).isdigit():
        return None
    return ShippingMethod.objects.filter(pk=int(pk), is_active=True).first()


def allocations_of_lines(*, line_ids: Iterable[int]) -> list[Allocation]:
    """The stock the given order lines hold (their allocations), by pk."""
    return list(Allocation.objects.filter(order_line_id__in=list(line_ids)).order_by("pk"))


def variant_availability(variant_ids: list[int]) -> dict[int, int]:
    """Units available now (on hand minus allocated, all warehouses), without locking."""
    totals: dict[int, int] = {}
    for row in Stock.objects.filter(variant_id__in=variant_ids):
        totals[row.variant_id] = totals.get(row.variant_id, 0) + row.available
    return totals


def low_stock(queryset=None):
    """Stock rows at or below their low-stock threshold (their own, else their warehouse's),
    the lowest available first, with `threshold` and `available_units` annotated."""
    queryset = Stock.objects.all() if queryset is None else queryset
    return (
        queryset.annotate(
            threshold=Coalesce("low_stock_threshold", "warehouse__low_stock_threshold"),
            available_units=F("quantity") - F("allocated"),
        )
        .filter(threshold__isnull=False, available_units__lte=F("threshold"))
        .order_by("available_units", "pk")
    )


def low_stock_for_staff(*, user, limit: int = 10) -> tuple[list[Stock], int]:
    """The low rows a staff user looks after (a merchant's staff: its variants'; an operator:
    all), at most `limit` of them, and how many there are."""
    rows = low_stock(scope_to_merchant(Stock.objects.all(), user, "variant__product__merchant"))
    shown = list(rows.select_related("variant__product", "warehouse")[:limit])
    count = len(shown) if len(shown) < limit else rows.count()
    return shown, count


# --- Delivery options ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteItem:
    """One cart or order line as quoting needs it: plain values."""

    variant_id: int
    merchant_id: int
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class ParcelQuote:
    merchant_id: int
    warehouse_id: int
    weight_grams: int
    price: Decimal
    ships_on: date
    arrives_on: date


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """How the checkout form names the slot: its local start, "2027-03-04T09:00"."""
        return self.start.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class DeliveryOption:
    method: ShippingMethod
    price: Decimal
    eta: date
    parcels: tuple[ParcelQuote, ...]
    slots: tuple[Slot, ...] = ()

    @property
    def is_local(self) -> bool:
        return self.method.is_local

    def slot(self, key: str | None) -> Slot | None:
        return next((s for s in self.slots if s.key == key), None)


def warehouse_point(warehouse: Warehouse) -> tuple[float, float] | None:
    """A warehouse's coordinates: its own, else its city's from the region table."""
    if warehouse.latitude is not None and warehouse.longitude is not None:
        return float(warehouse.latitude), float(warehouse.longitude)
    for prov in regions.provinces():
        if prov.name == warehouse.province:
            town = next((c for c in regions.cities(prov.code) if c.name == warehouse.city), None)
            place = town or prov
            return place.latitude, place.longitude
    return None


def destination_point(region_code: str) -> tuple[float, float] | None:
    place = regions.district(region_code) if region_code else None
    return (place.latitude, place.longitude) if place is not None else None


def warehouse_stock(
    *, variant_ids: Iterable[int], destination: tuple[float, float] | None, rows=None
) -> tuple[dict[int, Warehouse], list[quoting.WarehouseStock]]:
    """The active warehouses stocking these variants, as the plan sees them. `rows`: stock rows
    already read (locked, by stock_allocate), else read now."""
    if rows is None:
        rows = Stock.objects.filter(variant_id__in=list(variant_ids))
    rows = list(rows)
    warehouses = {
        w.pk: w
        for w in Warehouse.objects.filter(pk__in={r.warehouse_id for r in rows}, is_active=True)
    }
    available: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        if row.warehouse_id in warehouses and row.available > 0:
            available[row.warehouse_id][row.variant_id] = row.available
    result = []
    for pk, warehouse in warehouses.items():
        point = warehouse_point(warehouse)
        km = (
            regions.distance_km(*point, *destination)
            if point is not None and destination is not None
            else None
        )
        result.append(quoting.WarehouseStock(pk, km, available.get(pk, {})))
    return warehouses, result


def _calendar(start: date) -> quoting.Calendar:
    days = NonWorkingDay.objects.filter(
        date__gte=start, date__lte=start + timedelta(days=120)
    ).values_list("date", flat=True)
    return quoting.Calendar(frozenset(days))


def _handling(warehouse: Warehouse) -> quoting.Handling:
    return quoting.Handling(
        warehouse.handling_days, warehouse.cutoff_time, warehouse.works_weekends
    )


def _local_reach(plan: quoting.Plan, method: ShippingMethod) -> bool:
    """Local delivery: one warehouse holds everything and the address is within the radius."""
    if plan.rule != "single" or not plan.takes:
        return False
    km = plan.distances.get(plan.warehouse_ids[0])
    return km is not None and km <= method.local_radius_km


def delivery_options(
    *,
    region_code: str,
    items: Iterable[QuoteItem],
    now: datetime | None = None,
    method_id: int | None = None,
    shipped_from: Iterable[quoting.Take] | None = None,
) -> list[DeliveryOption]:
    """The active methods that deliver these items to the district `region_code`, each with its
    price, the date it arrives and its parcels (one per merchant per warehouse, the warehouses
    chosen as stock_allocate will: quoting.plan_shipments) and, for local delivery, the slots on
    that date. A method that has no rate for the address (or, local, whose radius it is outside
    of) is left out; so are all when the stock cannot cover the items. `method_id`: only that
    method (to re-check a choice). `shipped_from`: the units already allocated, where from
    (the quote of a placed order is made from the warehouses that really ship it)."""
    items = [i for i in items if i.quantity > 0]
    destination = destination_point(region_code)
    province = regions.province_of(region_code) if destination is not None else None
    if not items or province is None:
        return []
    now = timezone.localtime(now or timezone.now())
    wanted: dict[int, int] = defaultdict(int)
    merchant_of, value_of = {}, defaultdict(lambda: ZERO)
    for item in items:
        wanted[item.variant_id] += item.quantity
        merchant_of[item.variant_id] = item.merchant_id
        value_of[item.merchant_id] += item.line_total
    order_value = sum(value_of.values(), ZERO)
    warehouses, stock = warehouse_stock(variant_ids=list(wanted), destination=destination)
    if shipped_from is not None:
        takes = tuple(shipped_from)
        rule = "single" if len({t.warehouse_id for t in takes}) == 1 else "split"
        plan = quoting.Plan(takes, rule, {w.warehouse_id: w.distance_km for w in stock})
    else:
        plan = quoting.plan_shipments(wanted, stock)
    if plan is None:
        return []
    weights = dict(
        ProductVariant.objects.filter(pk__in=list(wanted)).values_list("pk", "weight_grams")
    )
    parcels = quoting.group_parcels(plan.takes, merchant_of)
    methods = ShippingMethod.objects.filter(is_active=True).prefetch_related("rates")
    if method_id is not None:
        methods = methods.filter(pk=method_id)
    zones = [
        quoting.Zone(z.pk, frozenset(str(c) for c in z.provinces), z.extra_days)
        for z in ShippingZone.objects.all()
    ]
    calendar = _calendar(now.date())
    # Remote regions take longer whatever the method: the extra days are the province's zone's;
    # the price is that of the first zone the method has rates for.
    place_zone = quoting.zone_for(province.code, zones)
    extra_days = place_zone.extra_days if place_zone else 0
    options = []
    for method in methods:
        rows = [
            quoting.RateRow(
                r.zone_id, r.merchant_id, r.max_weight_grams, r.price, r.per_kg_above,
                r.free_above,
            )
            for r in method.rates.all()
        ]  # fmt: skip
        zone_ids = {r.zone_id for r in rows}
        zone = quoting.zone_for(province.code, [z for z in zones if z.zone_id in zone_ids])
        if method.is_local and not _local_reach(plan, method):
            continue
        quotes = []
        for (merchant_id, warehouse_id), units in sorted(parcels.items()):
            weight = sum(weights.get(v, 0) * q for v, q in units.items())
            price = quoting.parcel_price(
                rows=rows,
                zone_id=zone.zone_id if zone else None,
                merchant_id=merchant_id,
                weight_grams=weight,
                merchant_value=value_of[merchant_id],
                order_value=order_value,
            )
            if price is None:
                break
            shipped = quoting.ship_date(now, _handling(warehouses[warehouse_id]), calendar)
            transit = method.speed.transit_days(
                plan.distances.get(warehouse_id), extra_days=extra_days
            )
            if method.is_local:
                transit = method.base_days
            arrives = quoting.arrival_date(shipped, transit, calendar)
            quotes.append(
                ParcelQuote(merchant_id, warehouse_id, weight, price.amount, shipped, arrives)
            )
        else:
            eta = max(q.arrives_on for q in quotes)
            slots: tuple[Slot, ...] = ()
            if method.is_local:
                slots = tuple(
                    Slot(start, end)
                    for start, end in quoting.open_slots(
                        eta,
                        quoting.parse_slots(method.delivery_slots),
                        now=now,
                        lead=timedelta(minutes=method.slot_lead_minutes),
                    )
                )
                if not slots:
                    continue
            price = sum((q.price for q in quotes), ZERO)
            options.append(DeliveryOption(method, price, eta, tuple(quotes), slots))
    return options


# --- Shipments ---------------------------------------------------------------------------------


def order_has_shipments(*, order_id: int) -> bool:
    """Whether any shipment of the order exists that was not withdrawn (being packed or gone)."""
    return (
        Shipment.objects.filter(order_id=order_id).exclude(status=ShipmentStatus.CANCELLED).exists()
    )


def shipments_of_order(*, order_id: int) -> list[Shipment]:
    """An order's shipments, oldest first, with their warehouse and carrier."""
    return list(
        Shipment.objects.filter(order_id=order_id)
        .select_related("warehouse", "carrier")
        .order_by("created_at", "pk")
    )


def units_being_packed(*, line_ids: Iterable[int]) -> dict[tuple[int, int | None], int]:
    """Units of these order lines in shipments still being packed, by (line id, stock id)."""
    packed: dict[tuple[int, int | None], int] = {}
    rows = ShipmentLine.objects.filter(
        order_line_id__in=list(line_ids), shipment__status=ShipmentStatus.PACKING
    ).values_list("order_line_id", "stock_id", "quantity")
    for line_id, stock_id, quantity in rows:
        packed[(line_id, stock_id)] = packed.get((line_id, stock_id), 0) + quantity
    return packed


def warehouse_to_ship_from(*, variant_id: int | None) -> Warehouse | None:
    """Where units never allocated to a warehouse ship from: the active warehouse holding the
    most of the variant, else the first active one."""
    row = (
        Stock.objects.filter(variant_id=variant_id, warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("-quantity", "pk")
        .first()
    )
    if row is not None:
        return row.warehouse
    return Warehouse.objects.filter(is_active=True).order_by("pk").first()


def shipments_holding_lines(*, shipment_ids: Iterable[int], line_ids: Iterable[int]) -> list[int]:
    """Which of these shipments hold any of these order lines."""
    return sorted(
        set(
            ShipmentLine.objects.filter(
                shipment_id__in=list(shipment_ids), order_line_id__in=list(line_ids)
            ).values_list("shipment_id", flat=True)
        )
    )


# --- Purchasing: the expected receipts ---------------------------------------------------------


def on_order_by_variant(*, warehouse_id: int, variant_ids: Iterable[int] | None = None) -> dict:
    """Units ordered from suppliers for this warehouse and not received yet, by variant: the
    lines of its draft and ordered purchase orders."""
    lines = PurchaseOrderLine.objects.filter(
        order__warehouse_id=warehouse_id, order__status__in=PURCHASE_ORDER_OPEN
    )
    if variant_ids is not None:
        lines = lines.filter(variant_id__in=list(variant_ids))
    return dict(
        lines.values("variant_id")
        .annotate(units=Sum(F("quantity") - F("received_quantity")))
        .values_list("variant_id", "units")
    )


def warehouse_units(*, warehouse_id: int) -> tuple[int, int]:
    """(units on hand, units on order) in a warehouse, all merchants together: what fills its
    capacity."""
    on_hand = Stock.objects.filter(warehouse_id=warehouse_id).aggregate(n=Sum("quantity"))["n"]
    return int(on_hand or 0), sum(on_order_by_variant(warehouse_id=warehouse_id).values())


def with_units_on_order(stock_rows):
    """Stock rows annotated with `units_on_order`: what open purchase orders bring to the row's
    warehouse of its variant (one subquery, whatever the number of rows)."""
    open_lines = (
        PurchaseOrderLine.objects.filter(
            order__warehouse_id=OuterRef("warehouse_id"),
            variant_id=OuterRef("variant_id"),
            order__status__in=PURCHASE_ORDER_OPEN,
        )
        .values("variant_id")
        .annotate(units=Sum(F("quantity") - F("received_quantity")))
        .values("units")
    )
    return stock_rows.annotate(units_on_order=Coalesce(Subquery(open_lines), 0))
