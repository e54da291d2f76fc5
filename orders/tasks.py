"""Celery tasks of orders: thin wrappers around services."""

import logging

from celery import shared_task

from . import notifications, services
from .models import Order

logger = logging.getLogger(__name__)


@shared_task(name="orders.cancel_expired_unpaid", ignore_result=True, acks_late=True)
def cancel_expired_unpaid() -> int:
    """Periodic (every minute): cancel orders not paid within ORDER_PAYMENT_TIMEOUT."""
    count = services.orders_cancel_expired_unpaid()
    if count:
        logger.info("cancelled %s unpaid orders past their deadline", count)
    return count


@shared_task(name="orders.send_email", ignore_result=True)
def send_order_email(order_id: int, kind: str) -> None:
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        logger.warning("order %s is gone; %s email not sent", order_id, kind)
        return
    notifications.send_order_email(order=order, kind=kind)


@shared_task(name="orders.send_shipment_email", ignore_result=True, acks_late=True)
def send_shipment_email(shipment_id: int, kind: str) -> None:
    """The shopper's email about one shipment (on its way, delivered); sent once per kind."""
    from logistics.models import Shipment

    shipment = Shipment.objects.select_related("order", "carrier").filter(pk=shipment_id).first()
    if shipment is None:
        logger.warning("shipment %s is gone; %s email not sent", shipment_id, kind)
        return
    notifications.send_shipment_email(shipment=shipment, kind=kind)
