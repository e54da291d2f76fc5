"""The orders admin's CSV/Excel export (django-import-export): one row per order. For a
merchant's staff the figures are their own lines' (units, items) and the shop-wide ones
(shipping, the order's total) are left empty; the operator gets the orders' own figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.fields import Field

from .models import Order

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


class OrderExportResource(resources.ModelResource):
    number = Field(attribute="number", column_name=_("order number"))
    created = Field(column_name=_("placed at"))
    paid = Field(column_name=_("paid at"))
    status = Field(column_name=_("status"))
    channel = Field(column_name=_("channel"))
    email = Field(attribute="email", column_name=_("email"))
    units = Field(column_name=_("units"))
    items = Field(column_name=_("items"))
    shipping = Field(column_name=_("shipping"))
    total = Field(column_name=_("total"))

    class Meta:
        model = Order
        fields = (
            "number", "created", "paid", "status", "channel", "email", "units", "items",
            "shipping", "total",
        )  # fmt: skip
        export_order = fields

    def __init__(self, merchant_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        # None: the operator (the orders' own figures); else only this merchant's lines.
        self.merchant_id = merchant_id

    def filter_export(self, queryset, **kwargs):
        live = Q(lines__cancelled_at__isnull=True)
        if self.merchant_id is not None:
            mine = Q(lines__merchant_id=self.merchant_id)
            queryset = queryset.filter(
                pk__in=Order.objects.filter(lines__merchant_id=self.merchant_id).values("pk")
            )
            live &= mine
        return queryset.annotate(
            export_units=Sum("lines__quantity", filter=live),
            export_items=Sum("lines__line_total", filter=live),
        ).order_by("-created_at", "-pk")

    @staticmethod
    def _when(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def dehydrate_created(self, order: Order) -> str:
        return self._when(order.created_at)

    def dehydrate_paid(self, order: Order) -> str:
        return self._when(order.paid_at)

    def dehydrate_status(self, order: Order) -> str:
        return str(order.get_status_display())

    def dehydrate_channel(self, order: Order) -> str:
        return str(order.get_channel_display())

    def dehydrate_units(self, order: Order) -> int:
        return order.export_units or 0

    def dehydrate_items(self, order: Order) -> Decimal:
        if self.merchant_id is None:
            return order.subtotal
        return _money(order.export_items)

    def dehydrate_shipping(self, order: Order) -> Decimal | str:
        return "" if self.merchant_id is not None else order.shipping_total

    def dehydrate_total(self, order: Order) -> Decimal:
        return order.total if self.merchant_id is None else _money(order.export_items)
