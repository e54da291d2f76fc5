"""Supply terms (each merchant its own variants' cost, lead time and case pack) and purchase
orders with their expected receipts, scoped to the merchant. Purchase orders are made by
accepting a replenishment plan (insights) and moved by this admin's actions, through
services.purchasing: placed with the supplier, received into stock, cancelled."""

from django.contrib import admin, messages
from django.db.models import Min, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline
from common.admin_input import ViewOnlyAdmin

from . import services
from .models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, SupplyTerms


@admin.register(SupplyTerms)
class SupplyTermsAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "variant__product__merchant"
    list_display = ("variant_sku", "unit_cost", "lead_time_days", "case_pack", "updated_at")
    list_select_related = ("variant",)
    search_fields = ("variant__sku",)
    autocomplete_fields = ("variant",)
    fields = ("variant", "unit_cost", "lead_time_days", "case_pack")

    @admin.display(description=_("SKU"), ordering="variant__sku")
    def variant_sku(self, terms: SupplyTerms) -> str:
        return terms.variant.sku


class PurchaseOrderLineInline(ViewOnlyAdmin, MerchantScopedInline, admin.TabularInline):
    model = PurchaseOrderLine
    merchant_path = "order__merchant"
    fields = ("variant", "quantity", "unit_cost", "expected_on", "received_quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False


class PurchaseOrderEventInline(ViewOnlyAdmin, MerchantScopedInline, admin.TabularInline):
    model = PurchaseOrderEvent
    merchant_path = "order__merchant"
    fields = ("created_at", "type", "from_status", "to_status", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    list_display = (
        "number",
        "merchant",
        "warehouse",
        "status",
        "expected",
        "units",
        "total_cost",
        "created_at",
    )
    list_filter = ("status", "warehouse", "merchant")
    list_select_related = ("warehouse", "merchant")
    search_fields = ("number", "reference")
    fields = (
        "number",
        "merchant",
        "warehouse",
        "status",
        "reference",
        "total_cost",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    inlines = (PurchaseOrderLineInline, PurchaseOrderEventInline)
    actions = ("place_orders", "receive_orders", "cancel_orders")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(first_expected=Min("lines__expected_on"), unit_count=Sum("lines__quantity"))
        )

    class Media:
        css = {"all": ("css/admin_purchasing.css",)}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, *args, **kwargs):
        # Nothing on the page is edited ("change" is the permission to move it by the list's
        # actions), so no save buttons.
        context.update(
            show_save=False, show_save_and_continue=False, show_save_and_add_another=False
        )
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=_("expected on"), ordering="first_expected")
    def expected(self, order: PurchaseOrder):
        return order.first_expected

    @admin.display(description=_("units"), ordering="unit_count")
    def units(self, order: PurchaseOrder):
        return order.unit_count or 0

    def _each(self, request, queryset, service, done_message: str) -> None:
        done = 0
        for order in queryset.order_by("pk"):
            try:
                service(order=order, actor=request.user)
            except services.PurchaseOrderError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Mark as ordered from the supplier"), permissions=["change"])
    def place_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            services.purchase_order_place,
            gettext("%(count)s purchase order(s) ordered."),
        )

    @admin.action(description=_("Receive into stock"), permissions=["change"])
    def receive_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            services.purchase_order_receive,
            gettext("%(count)s purchase order(s) received into stock."),
        )

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            services.purchase_order_cancel,
            gettext("%(count)s purchase order(s) cancelled."),
        )
