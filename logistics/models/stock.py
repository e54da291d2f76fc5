import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Warehouse(TimeStampedModel):
    """A place stock is kept and shipped from. Shared by the merchants of the shop."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        null=True,
        blank=True,
        help_text=_(
            "A stock row here is low when its available units are at or below this number, "
            "unless the row sets its own. Leave empty for no alerts."
        ),
    )
    handling_days = models.PositiveSmallIntegerField(
        _("handling days"),
        default=0,
        help_text=_("Working days between taking an order and handing it to the carrier."),
    )
    cutoff_time = models.TimeField(
        _("cutoff time"),
        default=datetime.time(16, 0),
        help_text=_("Orders placed after this time are taken the next working day."),
    )
    works_weekends = models.BooleanField(_("works weekends"), default=True)
    capacity_units = models.PositiveIntegerField(
        _("capacity (units)"),
        null=True,
        blank=True,
        help_text=_(
            "How many units the warehouse holds at most, for replenishment plans. Leave empty "
            "for no limit."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Stock(TimeStampedModel):
    """How many of one variant a warehouse holds (`quantity`) and how many of those are promised to
    orders not yet shipped (`allocated`). Available = quantity - allocated, never negative."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock", verbose_name=_("warehouse")
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        on_delete=models.CASCADE,
        related_name="stock",
        verbose_name=_("variant"),
    )
    quantity = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Low when the available units are at or below this number. Leave empty to use the "
            "warehouse's."
        ),
    )
    # When the row last went from above its threshold to at or below it (set by the stock
    # services, cleared when it goes back above), and the crossing staff were emailed about
    # (set by the alert task): one email per crossing.
    low_stock_since = models.DateTimeField(_("low since"), null=True, blank=True, editable=False)
    low_stock_notified_at = models.DateTimeField(
        _("low stock notified at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["warehouse", "variant"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "variant"], name="stock_one_row_per_place"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("quantity")),
                name="stock_allocated_within_quantity",
            ),
        ]
        indexes = [models.Index(fields=["variant", "warehouse"], name="stock_variant")]

    def __str__(self) -> str:
        return f"{self.variant.sku} @ {self.warehouse.code}: {self.available}"

    @property
    def available(self) -> int:
        return self.quantity - self.allocated

    def threshold_with(self, warehouse_threshold: int | None) -> int | None:
        """The row's own threshold, else its warehouse's; None: no alerts for this row."""
        if self.low_stock_threshold is not None:
            return self.low_stock_threshold
        return warehouse_threshold


class Allocation(models.Model):
    """Units of one order line promised from one stock row. Placing an order creates these and
    raises Stock.allocated; cancelling releases them; shipping turns them into units that left."""

    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.CASCADE,
        related_name="allocations",
        verbose_name=_("order line"),
    )
    stock = models.ForeignKey(
        Stock, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("stock")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["order_line", "stock"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["order_line", "stock"], name="allocation_one_per_row"),
        ]

    def __str__(self) -> str:
        return _("%(quantity)s of order line %(line)s from stock %(stock)s") % {
            "quantity": self.quantity,
            "line": self.order_line_id,
            "stock": self.stock_id,
        }


class StockMovementKind(models.TextChoices):
    RECEIVED = "received", _("received")
    ADJUSTED = "adjusted", _("adjusted")
    ALLOCATED = "allocated", _("allocated")
    RELEASED = "released", _("released")
    SHIPPED = "shipped", _("shipped")
    RETURNED = "returned", _("returned")
    TRANSFERRED = "transferred", _("transferred")


class StockMovement(models.Model):
    """One change of one stock row, written by the stock services (services.py), the only
    writers of Stock: how many units on hand (`quantity_delta`) and how many allocated
    (`allocated_delta`) it added or took, why (`kind`, and `reason` as a person wrote it), who
    (None for the system) and what it was for (`reference`, e.g. the order line). The rows are
    never changed: together they are the stock's history."""

    created_at = models.DateTimeField(_("when"), db_index=True)
    stock = models.ForeignKey(
        Stock,
        null=True,
        on_delete=models.SET_NULL,
        related_name="movements",
        verbose_name=_("stock"),
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("variant"),
    )
    sku = models.CharField(_("SKU"), max_length=64)  # as it was, should the variant go
    kind = models.CharField(_("kind"), max_length=16, choices=StockMovementKind.choices)
    quantity_delta = models.IntegerField(_("on hand change"), default=0)
    allocated_delta = models.IntegerField(_("allocated change"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [models.Index(fields=["stock", "created_at"], name="stockmovement_stock")]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return f"{kind} {self.sku} @ {self.warehouse_id}: {self.quantity_delta:+d}"
