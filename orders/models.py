from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, Event, TimeStampedModel

from .numbers import new_order_number


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    # Held by the fraud and risk checks before payment, until someone approves or rejects it.
    UNDER_REVIEW = "under_review", _("Under review")
    PAID = "paid", _("Paid")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class OrderChannel(models.TextChoices):
    """Where the order was placed: the storefront's pages, or the API (api/v1/) for an app, a
    mini-program or a partner, which says so in its X-Client-Channel header."""

    WEB = "web", _("Web")
    APP = "app", _("App")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    PARTNER = "partner", _("Partner")


# Statuses in which the goods were sold (for best-seller counts).
SOLD_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)


class Order(TimeStampedModel):
    number = models.CharField(
        _("order number"), max_length=20, unique=True, default=new_order_number, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=OrderChannel.choices,
        default=OrderChannel.WEB,
        db_index=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("items"), default=0, **MONEY)
    shipping_total = models.DecimalField(_("shipping"), default=0, **MONEY)
    discount_total = models.DecimalField(_("discount"), default=0, **MONEY)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    # The shipping address as it was when the order was placed.
    recipient = models.CharField(_("recipient"), max_length=60, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    # The district's code in the national division table (accounts.regions), for coordinates.
    region_code = models.CharField(_("district code"), max_length=6, blank=True)
    # The delivery date promised at checkout and, for local delivery, the slot the shopper chose.
    promised_date = models.DateField(_("promised delivery date"), null=True, blank=True)
    delivery_window_start = models.DateTimeField(_("deliver from"), null=True, blank=True)
    delivery_window_end = models.DateTimeField(_("deliver by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Unpaid orders hold their stock until then (ORDER_PAYMENT_TIMEOUT after placing).
    expires_at = models.DateTimeField(_("pay by"), null=True, blank=True)
    shipping_method = models.ForeignKey(
        "logistics.ShippingMethod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("shipping method"),
    )
    shipping_method_name = models.CharField(_("shipping"), max_length=80, blank=True)
    # The secret in a guest's order link; never shown to anyone but that guest.
    guest_token = models.CharField(_("guest token"), max_length=64, blank=True, editable=False)
    # One key per checkout form: a second submission of the same form finds the first order.
    checkout_key = models.CharField(
        _("checkout key"), max_length=64, null=True, blank=True, editable=False
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    # Where the order was placed from (REMOTE_ADDR), for the fraud and risk checks.
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_recent"),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="pending_payment"),
                name="order_unpaid_expiry",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["checkout_key"], name="order_one_per_checkout"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number])


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    merchant = models.ForeignKey(
        "accounts.Merchant",
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
        verbose_name=_("product"),
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
        verbose_name=_("variant"),
    )
    product_name = models.CharField(_("product"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_shipped = models.PositiveIntegerField(_("shipped"), default=0)
    line_total = models.DecimalField(_("line total"), **MONEY)
    # Set when the line's merchant cancelled it (and refunded it) before shipping, while the
    # rest of the order, another merchant's, went on: it no longer counts in the order's total.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__lte=models.F("quantity")),
                name="orderline_shipped_within_quantity",
            )
        ]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderEventType(models.TextChoices):
    """What happened to an order. The order pages word each type in the reader's language (with
    the values in OrderEvent.params), so nothing the services write is shown as stored."""

    PLACED = "placed", _("Placed")
    UNDER_REVIEW = "under_review", _("Held for review")
    APPROVED = "approved", _("Review approved")
    REJECTED = "rejected", _("Rejected after review")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Not paid in time")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    REFUND_DECLINED = "refund_declined", _("Refund declined")
    REFUNDED = "refunded", _("Refunded")
    # A merchant withdrew its own unshipped lines from an order shared with other merchants.
    LINES_CANCELLED = "lines_cancelled", _("Items cancelled by their seller")
    LINES_REFUNDED = "lines_refunded", _("Cancelled items refunded")
    # The shopper changed where the order goes, before anything of it shipped.
    ADDRESS_CHANGED = "address_changed", _("Delivery address changed")
    # Anything else: a change recorded with a person's note and no status of its own.
    NOTE = "note", _("Note")


class OrderEvent(Event):
    """One change of an order: who, when, from which status to which, what happened (`type`,
    with the values it shows in `params`, e.g. {"gateway": <code>, "trade_no": "..."},
    {"amount": "9.90"}) and, in `note`, what a person wrote about it."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    type = models.CharField(
        _("type"), max_length=24, choices=OrderEventType.choices, default=OrderEventType.NOTE
    )

    class Meta:
        ordering = ["order", "created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    statuses = OrderStatus

    def __str__(self) -> str:
        return f"{self.order}: {self.status_change()}"


class ShipmentNoticeKind(models.TextChoices):
    SHIPPED = "shipped", _("Parcel on its way")
    DELIVERED = "delivered", _("Parcel delivered")


class ShipmentNotice(models.Model):
    """An email sent to the shopper about one shipment: at most one of each kind, whatever
    number of times the shipment's signal or the email task runs."""

    shipment = models.ForeignKey(
        "logistics.Shipment",
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("shipment"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ShipmentNoticeKind.choices)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["shipment", "sent_at"]
        verbose_name = _("shipment email")
        verbose_name_plural = _("shipment emails")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind"], name="shipmentnotice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email for shipment {self.shipment_id}"
