"""The logistics tables, one module a subject: stock and its movements (stock.py), delivery
methods, zones and rates (rates.py), shipments and their tracking events (shipments.py), delivery
route plans (routes.py)."""

from .rates import MethodKind, NonWorkingDay, ShippingMethod, ShippingRate, ShippingZone
from .routes import RoutePlan, RoutePlanStatus, RouteStop, RouteVehicle, UnservedReason
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
    "RoutePlan",
    "RoutePlanStatus",
    "RouteStop",
    "RouteVehicle",
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
    "UnservedReason",
    "Warehouse",
]
