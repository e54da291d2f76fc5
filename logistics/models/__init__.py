"""The logistics tables, one module a subject: stock and its movements (stock.py), delivery
methods, zones and rates (rates.py), shipments and their tracking events (shipments.py), delivery
route plans (routes.py)."""

from .rates import MethodKind, NonWorkingDay, ShippingMethod, ShippingRate, ShippingZone
from .shipments import (
    Carrier,
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    ShipmentStatus,
)
from .stock import (
    Allocation,
    Stock,
    StockMovement,
    StockMovementKind,
    Warehouse,
)

__all__ = [
    "Allocation",
    "Carrier",
    "MethodKind",
    "NonWorkingDay",
    "Shipment",
    "ShipmentEvent",
    "ShipmentEventType",
    "ShipmentLine",
    "ShipmentStatus",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "Stock",
    "StockMovement",
    "StockMovementKind",
    "Warehouse",
]
