"""The logistics services, the only writers of its tables: stock and its movements (stock.py),
low-stock thresholds and their alerts (low_stock.py), shipments and their events (shipments.py),
delivery route plans (routes.py). Callers import the package: `from logistics import services`."""

from .low_stock import (
    low_stock_alert_claim,
    low_stock_alert_release,
    low_stock_flag,
    stock_threshold_set,
)
from .routes import RoutePlanError, route_plan_confirm, route_plan_create
from .shipments import ShipmentError, shipment_event_record, shipment_status_move
from .stock import (
    InsufficientStock,
    LineRequest,
    Move,
    Restocked,
    ReturnedUnits,
    StockError,
    available_by_variant,
    stock_adjust,
    stock_allocate,
    stock_deduct_shipped,
    stock_delete,
    stock_receive,
    stock_release,
    stock_release_and_restock,
    stock_transfer,
)

__all__ = [
    "InsufficientStock",
    "LineRequest",
    "Move",
    "Restocked",
    "ReturnedUnits",
    "RoutePlanError",
    "ShipmentError",
    "StockError",
    "available_by_variant",
    "low_stock_alert_claim",
    "low_stock_alert_release",
    "low_stock_flag",
    "route_plan_confirm",
    "route_plan_create",
    "shipment_event_record",
    "shipment_status_move",
    "stock_adjust",
    "stock_allocate",
    "stock_deduct_shipped",
    "stock_delete",
    "stock_receive",
    "stock_release",
    "stock_release_and_restock",
    "stock_threshold_set",
    "stock_transfer",
]
