"""What replenishment needs from stock: each variant's supply terms (unit cost, supplier lead
time, case pack), and purchase orders to a warehouse with their lines (the expected receipts).
Written by logistics.services.purchasing only; receiving an order goes through stock_receive."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, Event, TimeStampedModel
from common.money import money_format

# A variant without supply terms: its supplier takes this many days.
DEFAULT_LEAD_TIME_DAYS = 7


class SupplyTerms(TimeStampedModel):
    """What one variant costs the merchant to buy in, how long its supplier takes and in what
    multiples it comes."""

    variant = models.OneToOneField(
        "catalog.ProductVariant",
        on_delete=models.CASCADE,
        related_name="supply_terms",
        verbose_name=_("variant"),
    )
    unit_cost = models.DecimalField(_("unit cost"), **MONEY, validators=[MinValueValidator(0)])
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=DEFAULT_LEAD_TIME_DAYS,
        help_text=_("Days between ordering from the supplier and the units arriving."),
    )
    case_pack = models.PositiveIntegerField(
        _("case pack"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("The supplier sells whole cases of this many units."),
    )

    class Meta:
        ordering = ["variant"]
        verbose_name = _("supply terms")
        verbose_name_plural = _("supply terms")

    def __str__(self) -> str:
        return f"{self.variant.sku}: {money_format(self.unit_cost)}"


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ORDERED = "ordered", _("Ordered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(TimeStampedModel):
    """Units one merchant ordered from its suppliers for one warehouse. `reference` says what
    made it (e.g. the replenishment plan it accepts) and is unique, so accepting twice makes one
    order."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    merchant = models.ForeignKey(
        "accounts.Merchant",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("merchant"),
    )
    warehouse = models.ForeignKey(
        "logistics.Warehouse",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("warehouse"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.DRAFT,
    )
    reference = models.CharField(_("reference"), max_length=64, null=True, blank=True, unique=True)
    total_cost = models.DecimalField(_("total cost"), **MONEY, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    """An expected receipt: units of one variant due at the order's warehouse on a date."""

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("variant"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    expected_on = models.DateField(_("expected on"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("expected receipt")
        verbose_name_plural = _("expected receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "variant"], name="purchaseline_one_per_variant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} x {self.variant_id}"


class PurchaseOrderEventType(models.TextChoices):
    CREATED = "created", _("Created")
    ORDERED = "ordered", _("Ordered from the supplier")
    RECEIVED = "received", _("Received into stock")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrderEvent(Event):
    """Who moved a purchase order, when, from which status to which."""

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    type = models.CharField(_("type"), max_length=24, choices=PurchaseOrderEventType.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("purchase order event")
        verbose_name_plural = _("purchase order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_type_display()}"
