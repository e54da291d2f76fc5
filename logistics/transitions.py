"""The shipment state machine: which status may follow which. Every change goes through
services.shipments.shipment_status_move, which checks this map and writes a ShipmentEvent.

Carrier events may arrive out of order and repeat: a shipment moves only forward in time (the
services compare when an event happened with `Shipment.status_changed_at`), and delivered and
cancelled are final."""

from .models import ShipmentStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.PACKING: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
    S.IN_TRANSIT: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
    S.OUT_FOR_DELIVERY: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
    S.EXCEPTION: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Statuses in which the parcel has left the warehouse.
LEFT_WAREHOUSE = frozenset({S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION, S.DELIVERED})
FINAL = frozenset({S.DELIVERED, S.CANCELLED})
# Left the warehouse and not yet delivered: what carriers still report on.
ON_THE_WAY = LEFT_WAREHOUSE - {S.DELIVERED}

# Purchase orders (services.purchasing.purchase_order_move): received and cancelled are final.
from .models import PurchaseOrderStatus as P  # noqa: E402

PURCHASE_ORDER_ALLOWED: dict[str, frozenset[str]] = {
    P.DRAFT: frozenset({P.ORDERED, P.CANCELLED}),
    P.ORDERED: frozenset({P.RECEIVED, P.CANCELLED}),
    P.RECEIVED: frozenset(),
    P.CANCELLED: frozenset(),
}
# Whose lines are still to arrive: the expected receipts.
PURCHASE_ORDER_OPEN = frozenset({P.DRAFT, P.ORDERED})
