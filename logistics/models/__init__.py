"""The logistics tables, one module a subject: stock and its movements (stock.py), delivery
methods, zones and rates (rates.py), shipments and their tracking events (shipments.py), delivery
route plans (routes.py), supply terms and purchase orders (purchasing.py)."""

from .purchasing import (
    DEFAULT_LEAD_TIME_DAYS,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderEventType,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplyTerms,
)
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
    "DEFAULT_LEAD_TIME_DAYS",
    "Allocation",
    "Carrier",
    "MethodKind",
    "NonWorkingDay",
    "PurchaseOrder",
    "PurchaseOrderEvent",
    "PurchaseOrderEventType",
    "PurchaseOrderLine",
    "PurchaseOrderStatus",
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
    "SupplyTerms",
    "UnservedReason",
    "Warehouse",
]
