"""Shipments in admin: each merchant's staff see their merchant's shipments only (the operator
sees all), with their lines and events. Nothing here saves a shipment: marking one shipped,
moving it to another warehouse and cancelling it go through orders.fulfilment, which locks the
order, its lines, the shipment and the stock in the project's lock order, and the refusals of
the services come back as messages. The packing slip is a printable page of its own.

It lives in orders (not logistics) because it drives orders' services: logistics never imports
orders."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin
from common.errors import DomainError
from logistics.models import Carrier, Shipment, ShipmentEvent, ShipmentLine, Warehouse
from logistics.models import ShipmentStatus as SS

from . import fulfilment

# --- Forms ---------------------------------------------------------------------------------------


class DispatchForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True).order_by("name")
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        required=False,
        help_text=_(
            "As the carrier gave it. The shop's own vans and the simulated carrier make one up "
            "when it is left empty."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        carrier = cleaned.get("carrier")
        number = (cleaned.get("tracking_number") or "").strip()
        if carrier and not number and not (carrier.is_local or carrier.is_simulated):
            self.add_error(
                "tracking_number",
                gettext("%(carrier)s needs the tracking number it gave the parcel.")
                % {"carrier": carrier.name},
            )
        cleaned["tracking_number"] = number
        return cleaned


class WarehouseForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Ship from"), queryset=Warehouse.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Recorded in the stock's history of both warehouses."),
    )

    def __init__(self, *args, shipment: Shipment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(is_active=True).exclude(
            pk=shipment.warehouse_id
        )


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why"),
        max_length=500,
        required=False,
        help_text=_("Recorded in the shipment's history."),
    )


# --- Inlines -------------------------------------------------------------------------------------


class _ReadOnly:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ShipmentLineInline(_ReadOnly, admin.TabularInline):
    model = ShipmentLine
    fields = ("sku", "product", "quantity", "from_stock")
    readonly_fields = fields
    verbose_name_plural = _("items")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line", "stock__warehouse")

    @admin.display(description=_("SKU"))
    def sku(self, line: ShipmentLine) -> str:
        return line.order_line.sku

    @admin.display(description=_("product"))
    def product(self, line: ShipmentLine) -> str:
        return line.order_line.product_name

    @admin.display(description=_("allocated in"))
    def from_stock(self, line: ShipmentLine) -> str:
        return line.stock.warehouse.code if line.stock else gettext("not allocated")


class ShipmentEventInline(_ReadOnly, admin.TabularInline):
    model = ShipmentEvent
    fields = ("occurred_at", "type", "change", "city", "by", "note")
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("status"))
    def change(self, event: ShipmentEvent) -> str:
        def label(value: str) -> str:
            return SS(value).label if value in SS.values else value or "-"

        if not event.from_status or event.from_status == event.to_status:
            return label(event.to_status)
        return f"{label(event.from_status)} → {label(event.to_status)}"

    @admin.display(description=_("by"))
    def by(self, event: ShipmentEvent) -> str:
        return str(event.actor) if event.actor else "-"


# --- The shipment admin --------------------------------------------------------------------------


@admin.register(Shipment)
class ShipmentAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "merchant"
    list_display = (
        "number",
        "order_number",
        "status",
        "merchant",
        "warehouse",
        "carrier",
        "tracking_number",
        "created_at",
    )
    list_filter = ("status", "warehouse", "carrier", "merchant")
    search_fields = ("number", "tracking_number", "order__number")
    list_select_related = ("order", "merchant", "warehouse", "carrier")
    date_hierarchy = "created_at"
    fields = (
        "number",
        "order_link",
        "status",
        "merchant",
        "warehouse",
        "carrier",
        "tracking",
        "destination",
        "promised_date",
        "window",
        "shipped_at",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = (ShipmentLineInline, ShipmentEventInline)

    class Media:
        css = {"all": ("css/admin_shipments.css",)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request) -> bool:
        """Handling shipments: whoever may see them here; which ones is the scoped queryset's
        and the services' business."""
        return self.has_view_permission(request)

    # -- displays

    @admin.display(description=_("order"), ordering="order__number")
    def order_number(self, shipment: Shipment) -> str:
        return shipment.order.number

    @admin.display(description=_("order"))
    def order_link(self, shipment: Shipment) -> str:
        url = reverse(f"{self.admin_site.name}:orders_order_change", args=[shipment.order_id])
        return format_html('<a href="{}">{}</a>', url, shipment.order.number)

    @admin.display(description=_("tracking number"))
    def tracking(self, shipment: Shipment) -> str:
        if not shipment.tracking_number:
            return "-"
        if shipment.tracking_link:
            return format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
                shipment.tracking_link,
                shipment.tracking_number,
            )
        return shipment.tracking_number

    @admin.display(description=_("destination"))
    def destination(self, shipment: Shipment) -> str:
        order = shipment.order
        parts = (order.recipient, order.province, order.city, order.district, order.street)
        return " ".join(part for part in parts if part) or "-"

    @admin.display(description=_("delivery slot"))
    def window(self, shipment: Shipment) -> str:
        if not shipment.window_start or not shipment.window_end:
            return "-"
        start, end = localtime(shipment.window_start), localtime(shipment.window_end)
        return f"{start:%Y-%m-%d %H:%M} - {end:%H:%M}"

    # -- the pages behind the buttons

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/ship/",
                view(self.dispatch_view),
                name="{}_{}_dispatch".format(*info),
            ),
            path(
                "<path:object_id>/warehouse/",
                view(self.warehouse_view),
                name="{}_{}_warehouse".format(*info),
            ),
            path(
                "<path:object_id>/cancel/",
                view(self.cancel_view),
                name="{}_{}_cancel".format(*info),
            ),
            path("<path:object_id>/slip/", view(self.slip_view), name="{}_{}_slip".format(*info)),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            packing = obj.status == SS.PACKING and self.has_manage_permission(request)
            context["shipment_packing"] = packing
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _shipment(self, request, object_id: str) -> Shipment:
        if not self.has_manage_permission(request):
            raise PermissionDenied
        return self.get_object(request, unquote(object_id))  # a 404 outside the viewer's

    def _change_url(self, shipment: Shipment) -> str:
        return reverse(f"{self.admin_site.name}:logistics_shipment_change", args=[shipment.pk])

    def _run(self, request, shipment: Shipment, done: str, call) -> bool:
        """Run a service; its refusal becomes an error message. True if it went through."""
        try:
            call()
        except DomainError as error:
            self.message_user(
                request,
                gettext("Shipment %(number)s: %(error)s")
                % {"number": shipment.number, "error": error},
                messages.ERROR,
            )
            return False
        self.message_user(request, done, messages.SUCCESS)
        return True

    def _form_page(self, request, shipment: Shipment, form, *, title: str, submit: str):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "shipment": shipment,
            "lines": shipment.lines.select_related("order_line").order_by("pk"),
            "form": form,
            "submit_label": submit,
            "back_url": self._change_url(shipment),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/logistics/shipment/action_form.html", context)

    def dispatch_view(self, request, object_id: str):
        shipment = self._shipment(request, object_id)
        form = DispatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            carrier = form.cleaned_data["carrier"]

            def ship():
                fulfilment.order_shipment_dispatch(
                    shipment=shipment,
                    actor=request.user,
                    carrier=carrier,
                    tracking_number=form.cleaned_data["tracking_number"],
                )

            done = gettext("Shipment %(number)s shipped with %(carrier)s.") % {
                "number": shipment.number,
                "carrier": carrier.name,
            }
            if self._run(request, shipment, done, ship):
                return HttpResponseRedirect(self._change_url(shipment))
        return self._form_page(
            request,
            shipment,
            form,
            title=gettext("Mark shipment %(number)s shipped") % {"number": shipment.number},
            submit=gettext("Mark shipped"),
        )

    def warehouse_view(self, request, object_id: str):
        shipment = self._shipment(request, object_id)
        form = WarehouseForm(request.POST or None, shipment=shipment)
        if request.method == "POST" and form.is_valid():
            warehouse = form.cleaned_data["warehouse"]

            def move():
                fulfilment.order_shipment_warehouse_change(
                    shipment=shipment,
                    actor=request.user,
                    warehouse=warehouse,
                    reason=form.cleaned_data["reason"],
                )

            done = gettext("Shipment %(number)s now ships from %(warehouse)s.") % {
                "number": shipment.number,
                "warehouse": warehouse.name,
            }
            if self._run(request, shipment, done, move):
                return HttpResponseRedirect(self._change_url(shipment))
        return self._form_page(
            request,
            shipment,
            form,
            title=gettext("Ship %(number)s from another warehouse") % {"number": shipment.number},
            submit=gettext("Change warehouse"),
        )

    def cancel_view(self, request, object_id: str):
        shipment = self._shipment(request, object_id)
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():

            def cancel():
                fulfilment.order_shipment_cancel(
                    shipment=shipment, actor=request.user, note=form.cleaned_data["note"]
                )

            done = gettext(
                "Shipment %(number)s cancelled; its items wait for another shipment."
            ) % {"number": shipment.number}
            if self._run(request, shipment, done, cancel):
                return HttpResponseRedirect(self._change_url(shipment))
        return self._form_page(
            request,
            shipment,
            form,
            title=gettext("Cancel shipment %(number)s") % {"number": shipment.number},
            submit=gettext("Cancel shipment"),
        )

    def slip_view(self, request, object_id: str):
        """The packing slip: a page of its own, printed by the warehouse (css/packing_slip.css
        has the print layout)."""
        shipment = self.get_object(request, unquote(object_id))
        shipment = Shipment.objects.select_related("order", "warehouse", "carrier", "merchant").get(
            pk=shipment.pk
        )
        lines = list(shipment.lines.select_related("order_line").order_by("pk"))
        context = {
            "shipment": shipment,
            "order": shipment.order,
            "lines": lines,
            "units": sum(line.quantity for line in lines),
            "shop_name": settings.SHOP_NAME,
            "back_url": self._change_url(shipment),
        }
        return TemplateResponse(request, "admin/logistics/shipment/packing_slip.html", context)
