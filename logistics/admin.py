"""Warehouses and shipping methods (shared, superusers edit) and stock (each merchant its own
variants' rows, with the allocations that hold them, and their history of movements, read-only).
Stock is saved through the stock services only (services.py), with the staff user as actor. The
variant's admin page, with its stock rows, is registered here: the catalog knows nothing of
stock."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline, SuperuserWritesAdmin
from catalog.admin import ProductVariantAdmin
from catalog.models import ProductVariant

from . import locks, selectors, services
from .models import Allocation, Stock, StockMovement, Warehouse
from .services import StockError

# The reason an admin edit records when staff give none.
ADMIN_EDIT_REASON = "admin"


class StockForm(forms.ModelForm):
    """Stock as staff edit it: where and which variant are fixed once the row exists (orders
    are allocated against it), and the quantity on hand never drops below what is allocated.
    The admin saves it through the stock services (services.stock_receive, stock_adjust), with
    the staff user as actor and `reason` in the stock's history."""

    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        required=False,
        help_text=_("Why the quantity changes, for the stock's history."),
    )

    class Meta:
        model = Stock
        fields = ("warehouse", "variant", "quantity", "low_stock_threshold")

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
        # so an allocation cannot slip in between this check and the service's save. A savepoint
        # keeps this valid outside a transaction too (the lock is then released at once).
        with transaction.atomic():
            row = locks.lock_stock_row(self.instance.pk)
        if row is not None and quantity < row.allocated:
            self.add_error(
                "quantity",
                forms.ValidationError(
                    _(
                        "On hand cannot be less than the %(allocated)s units already allocated "
                        "to orders."
                    ),
                    code="below_allocated",
                    params={"allocated": row.allocated},
                ),
            )
        return cleaned_data

    def save(self, commit=True):
        if commit:
            raise NotImplementedError("stock is saved through the stock services: stock_form_save")
        return super().save(commit=False)


def stock_form_save(request, form: StockForm, *, variant: ProductVariant | None = None) -> Stock:
    """Save a valid stock form through the services: a new row receives its quantity, an
    existing one is adjusted to it. Returns the saved row (the form's instance, refreshed)."""
    stock = form.instance
    reason = form.cleaned_data.get("reason") or ADMIN_EDIT_REASON
    quantity = form.cleaned_data["quantity"]
    if stock._state.adding:
        row = services.stock_receive(
            warehouse=form.cleaned_data["warehouse"],
            variant=variant or form.cleaned_data["variant"],
            quantity=quantity,
            actor=request.user,
            reason=reason,
        )
    else:
        row = services.stock_adjust(
            stock=stock, quantity=quantity, actor=request.user, reason=reason
        )
    if "low_stock_threshold" in form.cleaned_data and (
        stock._state.adding or "low_stock_threshold" in form.changed_data
    ):
        row = services.stock_threshold_set(
            stock=row, threshold=form.cleaned_data["low_stock_threshold"], actor=request.user
        )
    for name in (
        "id",
        "warehouse_id",
        "variant_id",
        "quantity",
        "allocated",
        "low_stock_threshold",
        "low_stock_since",
        "created_at",
    ):
        setattr(stock, name, getattr(row, name))
    stock.updated_at = row.updated_at
    stock._state.adding = False
    stock._state.db = row._state.db
    return stock


@admin.register(Warehouse)
class WarehouseAdmin(SuperuserWritesAdmin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "province",
        "city",
        "low_stock_threshold",
        "capacity_units",
        "is_active",
    )
    list_filter = ("is_active", "province")
    search_fields = ("code", "name", "city")


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
    """A variant's stock rows, on the variant's admin page (ProductVariantStockAdmin below)."""

    model = Stock
    form = StockForm
    merchant_path = "variant__product__merchant"
    fields = ("warehouse", "quantity", "allocated", "available", "low_stock_threshold", "reason")
    readonly_fields = ("allocated", "available")
    # By primary key: StockForm locks each row as it is cleaned, and the project's lock order
    # for stock rows is by pk (docs/architecture.md, "The lock order"), so this cannot deadlock
    # with an allocation.
    ordering = ("id",)
    extra = 0

    @admin.display(description=_("available"))
    def available(self, obj: Stock) -> int | str:
        return obj.available if obj.pk else "-"


class LowStockFilter(admin.SimpleListFilter):
    """Rows at or below their low-stock threshold (their own, else their warehouse's)."""

    title = _("low stock")
    parameter_name = "low"

    def lookups(self, request, model_admin):
        return [("yes", _("At or below threshold"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return selectors.low_stock(queryset)
        return queryset


class StockTransferForm(forms.Form):
    """Move available units of one stock row to another warehouse (services.stock_transfer)."""

    to_warehouse = forms.ModelChoiceField(
        label=_("To warehouse"),
        queryset=Warehouse.objects.none(),
        empty_label=_("Choose a warehouse"),
        error_messages={"invalid_choice": _("Choose another active warehouse.")},
    )
    quantity = forms.IntegerField(
        label=_("Units to move"),
        min_value=1,
        error_messages={"min_value": _("A transfer moves at least one unit.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why the units move, for the stock's history."),
        error_messages={"required": _("Say why the units move, for the stock's history.")},
    )

    def __init__(self, *args, stock: Stock, **kwargs):
        super().__init__(*args, **kwargs)
        self.stock = stock
        self.fields["to_warehouse"].queryset = Warehouse.objects.filter(is_active=True).exclude(
            pk=stock.warehouse_id
        )

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        if quantity > self.stock.available:
            raise forms.ValidationError(
                _(
                    "Only %(available)s units can be moved: %(allocated)s of the %(on_hand)s on "
                    "hand are allocated to orders."
                ),
                code="too_many",
                params={
                    "available": self.stock.available,
                    "allocated": self.stock.allocated,
                    "on_hand": self.stock.quantity,
                },
            )
        return quantity


@admin.register(Stock)
class StockAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    form = StockForm
    merchant_path = "variant__product__merchant"
    list_display = (
        "variant_sku",
        "product",
        "warehouse",
        "quantity",
        "allocated",
        "available",
        "on_order",
        "threshold",
        "transfer_link",
    )
    list_filter = (LowStockFilter, "warehouse")
    list_select_related = ("variant__product", "warehouse")
    search_fields = ("variant__sku",)
    autocomplete_fields = ("variant",)
    fields = (
        "warehouse",
        "variant",
        "quantity",
        "reason",
        "allocated",
        "available",
        "low_stock_threshold",
        "low_stock_since",
        "history",
    )
    readonly_fields = ("allocated", "available", "low_stock_since", "history")
    inlines = (AllocationInline,)

    def get_queryset(self, request):
        return selectors.with_units_on_order(super().get_queryset(request))

    @admin.display(description=_("on order"), ordering="units_on_order")
    def on_order(self, obj: Stock) -> int:
        """Units of open purchase orders due at this row's warehouse (expected receipts)."""
        return getattr(obj, "units_on_order", 0)

    def get_inlines(self, request, obj):
        # A new stock row has no allocations; and the add form then posts no inline data.
        return self.inlines if obj is not None else ()

    def get_urls(self):
        transfer = path(
            "<path:object_id>/transfer/",
            self.admin_site.admin_view(self.transfer_view),
            name="logistics_stock_transfer",
        )
        return [transfer, *super().get_urls()]

    def transfer_view(self, request, object_id):
        """Move units of this row to another warehouse, with a reason, as the staff user."""
        stock = self.get_object(request, object_id)  # another merchant's row: 404
        if not self.has_change_permission(request, stock):
            raise PermissionDenied
        form = StockTransferForm(request.POST or None, stock=stock)
        if request.method == "POST" and form.is_valid():
            try:
                source, _target = services.stock_transfer(
                    stock=stock,
                    to_warehouse=form.cleaned_data["to_warehouse"],
                    quantity=form.cleaned_data["quantity"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except StockError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("Moved %(quantity)s units of %(sku)s from %(source)s to %(target)s.")
                    % {
                        "quantity": form.cleaned_data["quantity"],
                        "sku": stock.variant.sku,
                        "source": stock.warehouse.name,
                        "target": form.cleaned_data["to_warehouse"].name,
                    },
                    messages.SUCCESS,
                )
                return redirect(f"{self.admin_site.name}:logistics_stock_change", source.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": stock,
            "title": _("Transfer %(sku)s from %(warehouse)s")
            % {"sku": stock.variant.sku, "warehouse": stock.warehouse.name},
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/logistics/stock/transfer.html", context)

    @admin.display(description=_("threshold"))
    def threshold(self, obj: Stock) -> str:
        value = obj.threshold_with(obj.warehouse.low_stock_threshold)
        if value is None:
            return "-"
        if obj.available <= value:
            return format_html('<strong class="low-stock">{} · {}</strong>', value, _("low"))
        return str(value)

    @admin.display(description=_("transfer"))
    def transfer_link(self, obj: Stock) -> str:
        url = reverse(f"{self.admin_site.name}:logistics_stock_transfer", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Transfer"))

    @admin.display(description=_("SKU"), ordering="variant__sku")
    def variant_sku(self, obj: Stock) -> str:
        return obj.variant.sku

    @admin.display(description=_("product"))
    def product(self, obj: Stock):
        return obj.variant.product

    @admin.display(description=_("available"))
    def available(self, obj: Stock) -> int | str:
        return obj.available if obj.pk else "-"

    @admin.display(description=_("stock movements"))
    def history(self, obj: Stock) -> str:
        if not obj.pk:
            return "-"
        url = reverse(f"{self.admin_site.name}:logistics_stockmovement_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, urlencode({"stock": obj.pk}), _("view"))

    def save_model(self, request, obj, form, change):
        stock_form_save(request, form)

    def delete_model(self, request, obj):
        services.stock_delete(stock=obj, actor=request.user, reason=ADMIN_EDIT_REASON)

    def delete_queryset(self, request, queryset):
        for stock in queryset.order_by("pk"):
            services.stock_delete(stock=stock, actor=request.user, reason=ADMIN_EDIT_REASON)


@admin.register(StockMovement)
class StockMovementAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    """The stock's history, read-only: movements are written by the stock services only."""

    merchant_path = "variant__product__merchant"
    list_display = (
        "created_at",
        "sku",
        "warehouse",
        "kind",
        "quantity_delta",
        "allocated_delta",
        "reason",
        "reference_link",
        "actor",
    )
    list_filter = ("kind", "warehouse")
    list_select_related = ("warehouse", "actor")
    search_fields = ("sku", "reference", "reason")
    date_hierarchy = "created_at"

    @admin.display(description=_("reference"), ordering="reference")
    def reference_link(self, movement: StockMovement) -> str:
        """A transfer's other stock row, linked; an order line's reference as it is."""
        kind, _sep, pk = movement.reference.partition(":")
        if kind == "stock" and pk.isdigit():
            url = reverse(f"{self.admin_site.name}:logistics_stock_change", args=[int(pk)])
            return format_html('<a href="{}">{}</a>', url, movement.reference)
        return movement.reference

    def lookup_allowed(self, lookup, value, request=None):
        # ?stock=<id>: one row's history, linked from the stock page.
        return lookup == "stock" or super().lookup_allowed(lookup, value, request)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.opts.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The variant's admin page lists its stock rows. Registered here, above the catalog (which
# knows nothing of stock): the catalog's variant admin with the stock inline added.
class ProductVariantStockAdmin(ProductVariantAdmin):
    inlines = (*ProductVariantAdmin.inlines, StockInline)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Stock:
            return super().save_formset(request, form, formset, change)
        # Through the services, as on the stock page; and what formset.save() would have left
        # for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for stock_form in formset.deleted_forms:
            if stock_form.instance.pk is not None:
                services.stock_delete(
                    stock=stock_form.instance, actor=request.user, reason=ADMIN_EDIT_REASON
                )
                formset.deleted_objects.append(stock_form.instance)
        for stock_form in formset.forms:
            if stock_form in formset.deleted_forms or not stock_form.has_changed():
                continue
            adding = stock_form.instance._state.adding
            stock = stock_form_save(request, stock_form, variant=formset.instance)
            if adding:
                formset.new_objects.append(stock)
            else:
                formset.changed_objects.append((stock, stock_form.changed_data))


admin.site.unregister(ProductVariant)
admin.site.register(ProductVariant, ProductVariantStockAdmin)


# Delivery methods, zones, rates and non-working days; delivery route plans: their own modules,
# registered on import.
# Carriers: shared reference data.
from . import admin_carriers, admin_purchasing, admin_rates, admin_routes  # noqa: E402, F401
