"""Orders, read-only for now. Merchant staff see the orders holding at least one of their lines,
and in them only their own lines."""

from django.contrib import admin

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline

from .models import Order, OrderEvent, OrderLine


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInlineMixin, MerchantScopedInline, admin.TabularInline):
    model = OrderLine
    merchant_path = "merchant"
    fields = ("product_name", "sku", "merchant", "unit_price", "quantity", "line_total")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Whole-order history. Needs orders.view_orderevent, which merchant staff do not have."""

    model = OrderEvent
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "lines__merchant"
    list_display = ("number", "email", "status", "total", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "email")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderEventInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
