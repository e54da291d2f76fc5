"""Warehouses (shared, superusers edit) and stock (each merchant its own variants' rows)."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline, SuperuserWritesAdmin

from .models import Stock, Warehouse

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
