"""Shipments: the parcels an order leaves in, each from one warehouse, with one merchant's lines,
handed to a carrier under a tracking number; and the events of their journey (typed, written by
the shipment services only, from staff actions and from the carriers' signed webhooks)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Event, TimeStampedModel


class Carrier(TimeStampedModel):
    """A delivery company whose tracking events reach the shop through its webhook, signed with
    HMAC-SHA256 over the raw body with `webhook_secret`. `is_simulated` marks the built-in
    carrier of the demo and the tests (simulate_carrier); `is_local` the shop's own vans, whose
    day is planned by plan_routes."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    tracking_url = models.CharField(
        _("tracking page"),
        max_length=200,
        blank=True,
        help_text=_("The carrier's tracking page; {number} stands for the tracking number."),
    )
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=128, default=secrets.token_hex, editable=False
    )
    is_simulated = models.BooleanField(_("simulated"), default=False)
    is_local = models.BooleanField(_("local delivery"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


class ShipmentStatus(models.TextChoices):
    # Created from order lines, their stock still allocated in the warehouse, being packed.
    PACKING = "packing", _("Being packed")
    # Handed to the carrier (mark shipped): the stock left the warehouse.
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    # The carrier reports a problem (address not found, nobody home, damaged ...).
    EXCEPTION = "exception", _("Delivery problem")
    # Withdrawn before it shipped (its lines go back to the order, their stock stays allocated).
    CANCELLED = "cancelled", _("Cancelled")


class Shipment(TimeStampedModel):
    """One parcel: one merchant's lines of one order, from one warehouse. Its destination is a
    copy of the order's address at the time it was created, with the district's coordinates
    (for distances and route planning) and, when the shopper chose a local delivery slot, its
    window."""

    number = models.CharField(_("shipment number"), max_length=24, unique=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order")
    )
    merchant = models.ForeignKey(
        "accounts.Merchant",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("merchant"),
    )
    warehouse = models.ForeignKey(
        "logistics.Warehouse",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("warehouse"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.PACKING,
        db_index=True,
    )
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("carrier"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    # The destination, as the order had it when the shipment was created.
    region_code = models.CharField(_("district code"), max_length=6, blank=True)
    destination_latitude = models.FloatField(_("destination latitude"), null=True, blank=True)
    destination_longitude = models.FloatField(_("destination longitude"), null=True, blank=True)
    # The local delivery slot the shopper chose (None: any time of the delivery day).
    window_start = models.DateTimeField(_("deliver from"), null=True, blank=True)
    window_end = models.DateTimeField(_("deliver by"), null=True, blank=True)
    # The date the shop promised at checkout, and when it left, and when it arrived.
    promised_date = models.DateField(_("promised delivery date"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # When the latest carrier event that moved the status happened: an older event arriving
    # later is recorded but never moves the shipment backwards.
    status_changed_at = models.DateTimeField(
        _("status changed at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~models.Q(tracking_number=""),
                name="shipment_one_per_tracking_number",
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "status"], name="shipment_warehouse_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def tracking_link(self) -> str:
        if self.carrier and self.carrier.tracking_url and self.tracking_number:
            return self.carrier.tracking_url.replace("{number}", self.tracking_number)
        return ""


class ShipmentLine(models.Model):
    """Units of one order line in one shipment (a line may be split across shipments)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        related_name="shipment_lines",
        verbose_name=_("order line"),
    )
    stock = models.ForeignKey(
        "logistics.Stock",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("stock"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["shipment", "id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipmentline_one_per_line"
            ),
        ]

    def __str__(self) -> str:
        return _("%(quantity)s of order line %(line)s") % {
            "quantity": self.quantity,
            "line": self.order_line_id,
        }


class ShipmentEventType(models.TextChoices):
    CREATED = "created", _("Shipment created")
    WAREHOUSE_CHANGED = "warehouse_changed", _("Ships from another warehouse")
    SHIPPED = "shipped", _("Handed to the carrier")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")
    CANCELLED = "cancelled", _("Cancelled")


class ShipmentEvent(Event):
    """One step of a shipment: a staff action (created, shipped ...) or a carrier's tracking
    event (`external_id` unique per carrier, so the same event delivered twice is stored once;
    `occurred_at` is when it happened, `city` where). The tracking page words each in the
    reader's language from its type and params."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment")
    )
    type = models.CharField(_("type"), max_length=24, choices=ShipmentEventType.choices)
    occurred_at = models.DateTimeField(_("happened at"), db_index=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("carrier"),
    )
    external_id = models.CharField(_("carrier's event id"), max_length=64, blank=True)

    class Meta:
        ordering = ["shipment", "occurred_at", "id"]
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "external_id"],
                condition=~models.Q(external_id=""),
                name="shipmentevent_once_per_carrier_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.city}".strip()
