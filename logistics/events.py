"""Shipment events as people read them: each worded from its type, params and city in the active
language (the shopper's tracking page, the admin). Nothing here matches stored prose."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import ShipmentEvent
from .models import ShipmentEventType as T


def _exception_text(reason: str) -> str:
    if reason == "recipient_absent":
        return _("Delivery attempted: nobody was there to receive the parcel")
    if reason == "address_problem":
        return _("Delivery problem: the courier could not find the address")
    if reason == "damaged":
        return _("The parcel was damaged on the way")
    if reason == "delayed":
        return _("The parcel is delayed")
    return _("Delivery problem")


def shipment_event_text(event: ShipmentEvent) -> str:
    """What the event says happened, in the active language (the event's carrier selected)."""
    params = event.params if isinstance(event.params, dict) else {}
    city = {"city": event.city}
    kind = event.type
    if kind == T.CREATED:
        return (
            _("Being packed at our warehouse in %(city)s") % city
            if event.city
            else _("Being packed")
        )
    if kind == T.WAREHOUSE_CHANGED:
        if event.city:
            return _("Now ships from our warehouse in %(city)s") % city
        return _("Now ships from another warehouse")
    if kind == T.SHIPPED:
        carrier = event.carrier.name if event.carrier else params.get("carrier", "")
        number = params.get("tracking_number", "")
        if carrier and number:
            return _("Handed to %(carrier)s, tracking number %(number)s") % {
                "carrier": carrier,
                "number": number,
            }
        return _("Handed to the carrier")
    if kind == T.PICKED_UP:
        return _("Picked up by the courier in %(city)s") % city if event.city else _("Picked up")
    if kind == T.IN_TRANSIT:
        if params.get("carrier_status") == "arrived":
            if event.city:
                return _("Arrived in %(city)s") % city
            return _("Arrived in the destination city")
        return _("In transit at %(city)s") % city if event.city else _("In transit")
    if kind == T.OUT_FOR_DELIVERY:
        if event.city:
            return _("Out for delivery in %(city)s") % city
        return _("Out for delivery")
    if kind == T.DELIVERED:
        return _("Delivered in %(city)s") % city if event.city else _("Delivered")
    if kind == T.EXCEPTION:
        return _exception_text(params.get("reason", ""))
    if kind == T.CANCELLED:
        return _("Shipment cancelled before it left")
    return _("Shipment updated")
