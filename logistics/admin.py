"""Warehouses and shipping methods (shared, superusers edit) and stock (each merchant its own
variants' rows, with the allocations that hold them)."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline, SuperuserWritesAdmin

from .models import Allocation, ShippingMethod, Stock, Warehouse

# What an admin edit of an existing stock row writes. `allocated` belongs to order allocation:
# saving it back from a form would undo allocations made since the form was loaded.
STOCK_EDITED_FIELDS = ["quantity", "updated_at"]


class StockForm(forms.ModelForm):
    """Stock as staff edit it: where and which variant are fixed once the row exists (orders
    are allocated against it), and the quantity on hand never drops below what is allocated."""

    class Meta:
        model = Stock
        fields = ("warehouse", "variant", "quantity")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            for name in ("warehouse", "variant"):
                if name in self.fields:  # an inline's parent FK is added later, by the formset
                    self.fields[name].disabled = True

    def clean(self):
        cleaned_data = super().clean()
        quantity = cleaned_data.get("quantity")
        if quantity is None or self.instance._state.adding:
            return cleaned_data
        # Read `allocated` afresh and lock the row until the admin request's transaction ends,
        # so an allocation cannot slip in between this check and the save. A savepoint keeps this
        # valid outside a transaction too (the lock is then released at once).
        with transaction.atomic():
            allocated = (
                Stock.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("allocated", flat=True)
                .first()
            )
        if allocated is not None and quantity < allocated:
            self.add_error(
                "quantity",
                forms.ValidationError(
                    _(
                        "On hand cannot be less than the %(allocated)s units already allocated "
                        "to orders."
                    ),
                    code="below_allocated",
                    params={"allocated": allocated},
                ),
            )
        return cleaned_data

    def save(self, commit=True):
        if not commit or self.instance._state.adding:
            return super().save(commit)
        if self.errors:
            raise ValueError("The stock row could not be changed because the data didn't validate.")
        self.instance.save(update_fields=STOCK_EDITED_FIELDS)
        return self.instance


@admin.register(Warehouse)
class WarehouseAdmin(SuperuserWritesAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "province", "city", "is_active")
    list_filter = ("is_active", "province")
    search_fields = ("code", "name", "city")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(SuperuserWritesAdmin, TranslationAdmin):
    """Delivery options offered at checkout, named and described in both languages."""

    list_display = ("name", "price", "free_above", "is_active", "position")
    list_editable = ("is_active", "position")  # Django offers them only to who may change
    search_fields = ("code", "name_en", "name_zh_hans")
    fields = ("code", "name", "description", "price", "free_above", "is_active", "position")


class AllocationInline(MerchantScopedInline, admin.TabularInline):
    """What a stock row's allocated units are promised to, so staff can see why they are not
    available. Read-only: allocations change only with their orders (orders.services)."""

    model = Allocation
    fk_name = "stock"
    merchant_path = "order_line__merchant"
    fields = ("order", "order_status", "line_sku", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("allocated to orders")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line__order")

    @admin.display(description=_("order"))
    def order(self, allocation: Allocation) -> str:
        order = allocation.order_line.order
        url = reverse(f"{self.admin_site.name}:orders_order_change", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, order.number)

    @admin.display(description=_("order status"))
    def order_status(self, allocation: Allocation) -> str:
        return allocation.order_line.order.get_status_display()

    @admin.display(description=_("SKU"))
    def line_sku(self, allocation: Allocation) -> str:
        return allocation.order_line.sku


class StockInline(MerchantScopedInline, admin.TabularInline):
    """A variant's stock rows, on the variant's admin page."""

    model = Stock
    form = StockForm
    merchant_path = "variant__product__merchant"
    fields = ("warehouse", "quantity", "allocated", "available")
    readonly_fields = ("allocated", "available")
    # By primary key: StockForm locks each row as it is cleaned, and the project's lock order
    # for stock rows is by pk (CONVENTIONS.md), so this cannot deadlock with an allocation.
    ordering = ("id",)
    extra = 0

    @admin.display(description=_("available"))
    def available(self, obj: Stock) -> int | str:
        return obj.available if obj.pk else "-"


@admin.register(Stock)
class StockAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    form = StockForm
    merchant_path = "variant__product__merchant"
    list_display = ("variant_sku", "product", "warehouse", "quantity", "allocated", "available")
    list_filter = ("warehouse",)
    list_select_related = ("variant__product", "warehouse")
    search_fields = ("variant__sku",)
    autocomplete_fields = ("variant",)
    fields = ("warehouse", "variant", "quantity", "allocated", "available")
    readonly_fields = ("allocated", "available")
    inlines = (AllocationInline,)

    def get_inlines(self, request, obj):
        # A new stock row has no allocations; and the add form then posts no inline data.
        return self.inlines if obj is not None else ()

    @admin.display(description=_("SKU"), ordering="variant__sku")
    def variant_sku(self, obj: Stock) -> str:
        return obj.variant.sku

    @admin.display(description=_("product"))
    def product(self, obj: Stock):
        return obj.variant.product

    @admin.display(description=_("available"))
    def available(self, obj: Stock) -> int | str:
        return obj.available if obj.pk else "-"

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=STOCK_EDITED_FIELDS)
        else:
            super().save_model(request, obj, form, change)
