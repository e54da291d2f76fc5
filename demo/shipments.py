"""The demo's parcels: shipments for the seeded orders, as the shipment services and the carriers'
tracking events leave them, in every state.

A paid order not yet shipped has its stock allocated (as checkout allocates it) and, more often
than not, shipments being packed; a shipped one has its parcels on the way (handed over, in
transit through a hub city, out for delivery, or held up by a delivery problem) and a delivered
one its parcels delivered, each with the events of its journey. One shipment per merchant and
warehouse, as orders.fulfilment makes them. Carriers: two express companies, the shop's own vans
for parcels that stay in the warehouse's city, and the simulated carrier (which advances the
parcels still on the way when it runs).

Its own random stream, so the rest of the demo is the same with or without it; rows are plain
tuples written in batches like the rest of the generator, and nothing queries per row.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from accounts import regions
from logistics.models import (
    Allocation,
    Carrier,
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    ShipmentStatus,
    Stock,
    StockMovement,
    StockMovementKind,
    Warehouse,
)
from orders.models import OrderStatus

from . import vocabulary
from .bulk import next_id

HOUR = 3_600.0
DAY = 86_400.0
S = OrderStatus
SS = ShipmentStatus
E = ShipmentEventType

# Display names of real-world-like carriers, with their tracking pages' address patterns.
CARRIERS = (
    {
        "code": "sf-express",
        "name": "SF Express",
        "tracking_url": "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    },
    {
        "code": "zto",
        "name": "ZTO Express",
        "tracking_url": "https://www.zto.com/express/expressCheck.html?txtBill={number}",
    },
    {"code": "city-vans", "name": "Lumen city vans", "tracking_url": "", "is_local": True},
    {"code": "simulated", "name": "Simulated carrier", "tracking_url": "", "is_simulated": True},
)

_SHIPMENT_FIELDS = (
    "id", "number", "created_at", "updated_at", "order_id", "merchant_id", "warehouse_id",
    "status", "carrier_id", "tracking_number", "region_code", "destination_latitude",
    "destination_longitude", "shipped_at", "delivered_at", "status_changed_at",
)  # fmt: skip
_LINE_FIELDS = ("shipment_id", "order_line_id", "stock_id", "quantity")
_EVENT_FIELDS = (
    "shipment_id", "created_at", "occurred_at", "actor_id", "from_status", "to_status", "type",
    "params", "note", "city", "carrier_id", "external_id",
)  # fmt: skip
_ALLOCATION_FIELDS = ("order_line_id", "stock_id", "quantity")
_MOVEMENT_FIELDS = (
    "created_at", "stock_id", "warehouse_id", "variant_id", "sku", "kind", "quantity_delta",
    "allocated_delta", "reason", "reference", "actor_id",
)  # fmt: skip
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# What a carrier says when a parcel is held up.
PROBLEMS = ("Recipient not available", "Address incomplete", "Held by bad weather")


@dataclass(frozen=True)
class DemoLine:
    """One order line as the history wrote it."""

    line_id: int
    merchant_id: int
    variant_id: int
    sku: str
    quantity: int


def carriers_seed() -> dict[str, Carrier]:
    """The demo's carriers, by code (made or brought back to these settings)."""
    made = {}
    for spec in CARRIERS:
        values = {"is_local": False, "is_simulated": False, "is_active": True, **spec}
        code = values.pop("code")
        made[code], _ = Carrier.objects.update_or_create(code=code, defaults=values)
    return made


class DemoShipments:
    """Collects the shipments of the seeded orders; `flush()` writes them."""

    def __init__(self, run, *, writer, when):
        self.rng = random.Random(f"{run.options.seed}-shipments")
        self.when = when  # age in seconds -> datetime
        self.carriers = carriers_seed()
        self.warehouses = {
            w.pk: w for w in Warehouse.objects.filter(pk__in=run.warehouse_ids).order_by("pk")
        }
        # Each variant's stock rows: [stock id, warehouse id, on hand, allocated here].
        self.stock: dict[int, list[list[int]]] = defaultdict(list)
        for row in Stock.objects.filter(warehouse_id__in=run.warehouse_ids).order_by("pk"):
            self.stock[row.variant_id].append([row.pk, row.warehouse_id, row.quantity, 0])
        self.hubs = [city.city for city in vocabulary.CITIES]
        self.shipments = writer(Shipment, _SHIPMENT_FIELDS)
        self.lines = writer(ShipmentLine, _LINE_FIELDS)
        self.events = writer(ShipmentEvent, _EVENT_FIELDS)
        self.allocations = writer(Allocation, _ALLOCATION_FIELDS)
        self.movements = writer(StockMovement, _MOVEMENT_FIELDS)
        self.shipment_id = next_id(Shipment)
        self.numbers: set[str] = set()
        self.tracking: set[tuple[int, str]] = set()
        self.states: dict[str, int] = defaultdict(int)

    # -- where a line ships from

    def _allocate(self, line: DemoLine, at: datetime) -> list[tuple[int, int, int]]:
        """Promise the line's units from the rows with the most available, as checkout does;
        returns (stock id, warehouse id, units). Units no row has are left unallocated."""
        rows = sorted(self.stock.get(line.variant_id, []), key=lambda r: (r[3] - r[2], r[0]))
        taken, need = [], line.quantity
        for row in rows:
            take = min(need, row[2] - row[3])
            if take <= 0:
                continue
            row[3] += take
            taken.append((row[0], row[1], take))
            self.allocations.add((line.line_id, row[0], take))
            self.movements.add((
                at, row[0], row[1], line.variant_id, line.sku, StockMovementKind.ALLOCATED, 0,
                take, "", f"order-line:{line.line_id}", None,
            ))  # fmt: skip
            need -= take
            if need == 0:
                break
        return taken

    def _source(self, line: DemoLine) -> tuple[int | None, int]:
        """The stock row (and its warehouse) holding most of the variant."""
        rows = self.stock.get(line.variant_id)
        if not rows:
            return None, next(iter(self.warehouses))
        row = max(rows, key=lambda r: (r[2], -r[0]))
        return row[0], row[1]

    # -- one order

    def order(
        self,
        *,
        order_id: int,
        path: list[str],
        times: list[float],
        lines: list[DemoLine],
        city: str,
        region_code: str,
    ) -> None:
        """The shipments of one order whose statuses were `path`, reached `times` seconds ago."""
        rng = self.rng
        if S.CANCELLED in path or S.PAID not in path:
            return
        paid = times[path.index(S.PAID)]
        groups: dict[tuple[int, int], list[tuple[DemoLine, int | None, int]]] = defaultdict(list)
        if S.SHIPPED not in path:
            for line in lines:
                for stock_id, warehouse_id, units in self._allocate(line, self.when(paid)):
                    groups[line.merchant_id, warehouse_id].append((line, stock_id, units))
            if rng.random() < 0.4:
                return  # not packed yet: the merchant creates its shipments in admin
        else:
            for line in lines:
                stock_id, warehouse_id = self._source(line)
                groups[line.merchant_id, warehouse_id].append((line, stock_id, line.quantity))
        shipped = times[path.index(S.SHIPPED)] if S.SHIPPED in path else None
        delivered = times[path.index(S.DELIVERED)] if S.DELIVERED in path else None
        district = regions.district(region_code) if region_code else None
        for (merchant_id, warehouse_id), parts in sorted(groups.items()):
            # Packed after the payment, before it left (or before now).
            last = shipped if shipped is not None else 60.0
            created = max(60.0, last + (paid - last) * rng.uniform(0.2, 0.8))
            self._shipment(
                order_id=order_id, merchant_id=merchant_id, warehouse_id=warehouse_id,
                parts=parts, created=created, shipped=shipped, delivered=delivered,
                city=city, region_code=region_code, district=district,
            )  # fmt: skip

    def _shipment(
        self, *, order_id, merchant_id, warehouse_id, parts, created, shipped, delivered, city,
        region_code, district,
    ) -> None:  # fmt: skip
        rng, when = self.rng, self.when
        shipment_id = self.shipment_id
        self.shipment_id += 1
        warehouse = self.warehouses[warehouse_id]
        number = self._number(when(created))
        events: list[tuple] = []

        def event(age, kind, before, after, *, city="", carrier=None, params=None, step=0):
            external = f"{number}-{step}" if carrier is not None and step else ""
            events.append((
                shipment_id, when(age), when(age), None, before, after, kind, params or {}, "",
                city, carrier.pk if carrier else None, external,
            ))  # fmt: skip

        event(created, E.CREATED, "", SS.PACKING, city=warehouse.city,
              params={"warehouse": warehouse.code, "units": sum(p[2] for p in parts)})  # fmt: skip
        status, carrier, tracking = SS.PACKING, None, ""
        shipped_at = delivered_at = None
        changed = created
        if shipped is not None:
            carrier = self._carrier(same_city=city == warehouse.city, arrived=delivered is not None)
            tracking = self._tracking(carrier)
            shipped_at = when(shipped)
            handed = {"carrier": carrier.code, "tracking_number": tracking}
            event(shipped, E.SHIPPED, SS.PACKING, SS.SHIPPED, city=warehouse.city,
                  carrier=carrier, params=handed)  # fmt: skip
            status, changed = SS.SHIPPED, shipped
            # When it arrives (or would): the order's delivery, or one to four days on; a parcel
            # overdue by now is mostly a slow one still on its way, sometimes one held up.
            if delivered is not None:
                arrival = delivered
            else:
                arrival = shipped - rng.uniform(DAY, 4 * DAY)
                if arrival > 60 and rng.random() < 0.7:
                    arrival = -rng.uniform(2 * HOUR, 30 * HOUR)
            span = shipped - arrival
            hubs = [] if carrier.is_local else rng.sample(self.hubs, k=rng.choice((1, 1, 2)))
            hubs = [hub for hub in hubs if hub not in (city, warehouse.city)]
            # The carrier collects in the evening: a few hours after it was handed over.
            pickup = min(rng.uniform(3 * HOUR, 14 * HOUR), 0.25 * span) / span
            stops = [(pickup, E.PICKED_UP, SS.IN_TRANSIT, warehouse.city)]
            for index, hub in enumerate(hubs):
                stops.append((0.3 + 0.25 * index, E.IN_TRANSIT, SS.IN_TRANSIT, hub))
            stops.append((0.85, E.OUT_FOR_DELIVERY, SS.OUT_FOR_DELIVERY, city))
            stops.append((1.0, E.DELIVERED, SS.DELIVERED, city))
            if carrier.is_simulated and delivered is None and rng.random() < 0.4:
                stops = []  # not collected yet: the simulated carrier takes it from here
            for step, (share, kind, after, place) in enumerate(stops, start=1):
                age = shipped - share * span
                if age < 60:
                    break
                if kind == E.DELIVERED and delivered is None:
                    # Due by now and not delivered: held up at the last mile.
                    age = max(60.0, arrival - rng.uniform(0, 6 * HOUR))
                    kind, after = E.EXCEPTION, SS.EXCEPTION
                    event(age, kind, status, after, city=place, carrier=carrier, step=step,
                          params={"description": rng.choice(PROBLEMS)})  # fmt: skip
                    status, changed = after, age
                    break
                if kind == E.IN_TRANSIT and delivered is None and rng.random() < 0.06:
                    event(age, E.EXCEPTION, status, SS.EXCEPTION, city=place, carrier=carrier,
                          step=step, params={"description": rng.choice(PROBLEMS)})  # fmt: skip
                    status, changed = SS.EXCEPTION, age
                    break
                event(age, kind, status, after, city=place, carrier=carrier, step=step)
                status, changed = after, age
            if status == SS.DELIVERED:
                delivered_at = when(changed)
        self.events.extend(events)
        self.shipments.add((
            shipment_id, number, when(created), when(changed), order_id, merchant_id,
            warehouse_id, status, carrier.pk if carrier else None, tracking, region_code,
            getattr(district, "latitude", None), getattr(district, "longitude", None),
            shipped_at, delivered_at, when(changed),
        ))  # fmt: skip
        for line, stock_id, units in parts:
            self.lines.add((shipment_id, line.line_id, stock_id, units))
        self.states[status] += 1

    # -- numbers

    def _number(self, created: datetime) -> str:
        while True:
            tail = "".join(self.rng.choices(NUMBER_ALPHABET, k=6))
            number = f"SP{created:%y%m%d}-{tail}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _carrier(self, *, same_city: bool, arrived: bool) -> Carrier:
        rng = self.rng
        if same_city and rng.random() < 0.7:
            return self.carriers["city-vans"]
        if not arrived and rng.random() < 0.35:
            return self.carriers["simulated"]  # the simulator moves these on
        return self.carriers["sf-express" if rng.random() < 0.55 else "zto"]

    def _tracking(self, carrier: Carrier) -> str:
        rng = self.rng
        while True:
            digits = "".join(rng.choices("0123456789", k=12))
            number = {"sf-express": f"SF1{digits}", "zto": f"7{digits[:11]}"}.get(
                carrier.code, f"{carrier.code[:4].upper()}{digits}"
            )
            if (carrier.pk, number) not in self.tracking:
                self.tracking.add((carrier.pk, number))
                return number

    def flush(self) -> None:
        for writer in (self.allocations, self.movements, self.shipments, self.lines, self.events):
            writer.flush()
        touched = [
            Stock(pk=row[0], allocated=row[3])
            for rows in self.stock.values()
            for row in rows
            if row[3]
        ]
        Stock.objects.bulk_update(touched, ["allocated"], batch_size=2_000)
