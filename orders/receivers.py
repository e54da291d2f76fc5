"""What orders does when another app's signal arrives (connected in apps.py).

A shipment moved (logistics.signals.shipment_status_changed, sent after commit): the shopper
hears that their parcel left or arrived (one email per shipment and kind), and once every
shipment has been delivered the order becomes delivered. A failure is logged and never undoes
the shipment's committed change."""

from __future__ import annotations

import logging

from logistics.models import ShipmentStatus

from .models import ShipmentNoticeKind

logger = logging.getLogger(__name__)

_NOTICE = {
    ShipmentStatus.SHIPPED: ShipmentNoticeKind.SHIPPED,
    ShipmentStatus.DELIVERED: ShipmentNoticeKind.DELIVERED,
}


def shipment_status_changed(sender, *, shipment_id: int, order_id: int, status: str, **kwargs):
    from . import fulfilment, tasks

    if status == ShipmentStatus.DELIVERED:
        try:
            fulfilment.order_deliver_if_all_delivered(order_id=order_id)
        except Exception:
            logger.exception("order %s: could not check whether it is delivered", order_id)
    kind = _NOTICE.get(status)
    if kind is not None:
        try:
            tasks.send_shipment_email.delay(shipment_id, kind)
        except Exception:
            logger.exception("shipment %s: %s email not queued", shipment_id, kind)
