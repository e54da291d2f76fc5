"""Orders in admin. Their fields are read-only; staff move an order along (ship, deliver,
complete, cancel, decline a refund request) with list actions or the buttons on its page, and
every one of those goes through orders.services, which locks, checks the state machine and records
the event. Nothing here saves an order.

Merchant staff see the orders holding at least one of their lines, and in them only their own
lines (accounts/admin_scoping.py). They ship their own lines; whatever concerns the whole order
(cancel, delivered, completed, declining a refund) they may do only to an order whose lines are
all theirs: an order shared with other merchants is the shop operator's (a superuser's). On a
shared order that is paid, a merchant may instead cancel its own lines before shipping them,
which refunds them (services.order_lines_cancel; payments refunds them on its signal); after
shipping it refunds its lines through the refund form. Buttons are offered only where the
service will accept them (the refund button by payments' own rule, through a template tag).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline, is_superuser
from common.errors import DomainError
from logistics import selectors as logistics_selectors
from logistics.models import Shipment

from . import fulfilment, selectors, services, transitions
from .exports import OrderExportResource
from .models import Order, OrderEvent, OrderLine
from .models import OrderStatus as S
from .selectors import event_sentence


def viewer_merchant_id(request) -> int | None:
    """None for the shop operator (a superuser: every line), else the staff user's merchant.
    (Staff of no merchant get None too, but the scoped admin shows them no order at all.)"""
    return None if is_superuser(request) else getattr(request.user, "merchant_id", None)


def status_label(value: str) -> str:
    return S(value).label if value in S.values else value or "-"


# --- What staff can do to an order -------------------------------------------------------------


@dataclass(frozen=True)
class OrderOperation:
    """One change staff can make to an order, through one service."""

    name: str  # in the per-order URL
    label: Promise  # the button
    statuses: frozenset[str]  # the button is offered in these (the service has the last word)
    # A merchant may make it only if every line of the order is theirs.
    whole_order: bool
    run: Callable[..., Order]  # (order=, actor=, merchant_id=, reason=) -> Order
    done: Promise  # %(number)s, %(status)s
    not_yours: Promise  # %(number)s; why a merchant may not, on a shared order
    question: Promise  # on the confirmation page
    reason_by: str = ""  # the default reason, "... by <merchant>"; empty: no reason asked

    @property
    def needs_reason(self) -> bool:
        return bool(self.reason_by)


def _ship(*, order, actor, merchant_id, reason):
    return services.order_ship(order=order, actor=actor, merchant_id=merchant_id)


def _create_shipments(*, order, actor, merchant_id, reason):
    fulfilment.order_shipments_create(order=order, actor=actor, merchant_id=merchant_id)
    return order


def _deliver(*, order, actor, merchant_id, reason):
    return services.order_mark_delivered(order=order, actor=actor)


def _complete(*, order, actor, merchant_id, reason):
    return services.order_complete(order=order, actor=actor)


def _cancel(*, order, actor, merchant_id, reason):
    return services.order_cancel(order=order, actor=actor, reason=reason)


def _decline_refund(*, order, actor, merchant_id, reason):
    return services.order_refund_decline(order=order, actor=actor, reason=reason)


def _cancel_lines(*, order, actor, merchant_id, reason):
    # The money follows after commit (orders.signals.order_lines_cancelled).
    services.order_lines_cancel(order=order, actor=actor, merchant_id=merchant_id, reason=reason)
    order.refresh_from_db()
    return order


SHIP = OrderOperation(
    name="ship",
    label=_("Ship my lines"),
    statuses=transitions.SHIPPABLE,
    whole_order=False,
    run=_ship,
    done=_("Order %(number)s: lines shipped, the order is now %(status)s."),
    not_yours="",
    question=_("Ship these lines? Their units leave the warehouse stock."),
)
CREATE_SHIPMENTS = OrderOperation(
    name="create-shipments",
    label=_("Create shipments"),
    statuses=transitions.SHIPPABLE,
    whole_order=False,
    run=_create_shipments,
    done=_(
        "Order %(number)s: shipments created, one per warehouse. Pack them, then mark each "
        "shipped with its carrier and tracking number."
    ),
    not_yours="",
    question=_(
        "Create shipments for these lines? One shipment per warehouse their stock is allocated "
        "in; the stock leaves when you mark a shipment shipped."
    ),
)
DELIVER = OrderOperation(
    name="deliver",
    label=_("Mark delivered"),
    statuses=frozenset({S.SHIPPED}),
    whole_order=True,
    run=_deliver,
    done=_("Order %(number)s marked delivered."),
    not_yours=_(
        "Order %(number)s also holds other merchants' items: only the shop operator can mark it "
        "delivered."
    ),
    question=_("Mark these orders as delivered?"),
)
COMPLETE = OrderOperation(
    name="complete",
    label=_("Mark completed"),
    statuses=frozenset({S.DELIVERED}),
    whole_order=True,
    run=_complete,
    done=_("Order %(number)s marked completed."),
    not_yours=_(
        "Order %(number)s also holds other merchants' items: only the shop operator can mark it "
        "completed."
    ),
    question=_("Mark these orders as completed?"),
)
CANCEL = OrderOperation(
    name="cancel",
    label=_("Cancel order"),
    statuses=transitions.CANCELLABLE,
    whole_order=True,
    run=_cancel,
    done=_("Order %(number)s cancelled; its stock is released."),
    not_yours=_(
        "Order %(number)s also holds other merchants' items: only the shop operator can cancel it."
    ),
    question=_("Cancel these orders? Their stock is released and the customers are told."),
    reason_by="cancelled by",
)
DECLINE_REFUND = OrderOperation(
    name="decline-refund",
    label=_("Decline refund request"),
    statuses=frozenset({S.REFUND_REQUESTED}),
    whole_order=True,
    run=_decline_refund,
    done=_("Order %(number)s: refund request declined, the order is %(status)s again."),
    not_yours=_(
        "Order %(number)s also holds other merchants' items: only the shop operator can decline "
        "its refund request."
    ),
    question=_("Decline the refund requests of these orders? They go back to where they were."),
    reason_by="refund declined by",
)
CANCEL_LINES = OrderOperation(
    name="cancel-lines",
    label=_("Cancel and refund my lines"),
    statuses=transitions.SHIPPABLE,
    whole_order=False,
    run=_cancel_lines,
    done=_(
        "Order %(number)s: your lines are cancelled, their stock is released and their refund "
        "is on its way; the order goes on for the other merchants' items (%(status)s)."
    ),
    not_yours="",
    question=_(
        "Cancel your lines of this order? Their stock is released and their value is refunded "
        "to the customer; the other merchants' items go on."
    ),
    reason_by="lines cancelled by",
)
OPERATIONS: dict[str, OrderOperation] = {
    op.name: op
    for op in (CREATE_SHIPMENTS, SHIP, DELIVER, COMPLETE, CANCEL, DECLINE_REFUND, CANCEL_LINES)
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Recorded in the order's history."),
        widget=forms.TextInput(attrs={"size": 60}),
    )


def _default_reason(request, op: OrderOperation) -> str:
    # Stored in the history in English, like the services' own notes.
    merchant = None if is_superuser(request) else request.user.merchant
    return f"{op.reason_by} {merchant.name if merchant else 'operator'}"


# --- Inlines -----------------------------------------------------------------------------------


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
    fields = (
        "product_name",
        "sku",
        "merchant",
        "unit_price",
        "quantity",
        "quantity_shipped",
        "line_total",
        "cancelled_at",
    )
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if viewer_merchant_id(request) is None:
            return fields
        # Merchant staff see only their own lines: the column would repeat their name.
        return [field for field in fields if field != "merchant"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merchant")


class OrderEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The whole order's history (orders.view_orderevent). Merchant staff see every step, but not
    who at another merchant made it nor that merchant's notes (they name its items)."""

    model = OrderEvent
    fields = ("created_at", "by", "change", "what", "note_shown")
    readonly_fields = fields
    verbose_name_plural = _("history")

    # Inline instances are made per request (ModelAdmin.get_inline_instances), so this is the
    # viewer of this page.
    merchant_id: int | None = None

    def get_formset(self, request, obj=None, **kwargs):
        self.merchant_id = viewer_merchant_id(request)
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "order")

    def _from_other_merchant(self, event: OrderEvent) -> bool:
        actor = event.actor
        return (
            self.merchant_id is not None
            and actor is not None
            and actor.merchant_id is not None
            and actor.merchant_id != self.merchant_id
        )

    @admin.display(description=_("by"))
    def by(self, event: OrderEvent) -> str:
        actor = event.actor
        if actor is None:
            return "-"
        if self.merchant_id is None or actor.merchant_id == self.merchant_id:
            name = actor.get_full_name()
            return f"{name} <{actor.email}>" if name else actor.email
        if actor.pk == event.order.user_id:
            return gettext("customer")
        if actor.merchant_id is not None:
            return gettext("another merchant")
        return gettext("shop operator")

    @admin.display(description=_("status"))
    def change(self, event: OrderEvent) -> str:
        if not event.from_status:
            return status_label(event.to_status)
        if event.from_status == event.to_status:
            return gettext("%(status)s (unchanged)") % {"status": status_label(event.to_status)}
        return f"{status_label(event.from_status)} → {status_label(event.to_status)}"

    @admin.display(description=_("what happened"))
    def what(self, event: OrderEvent) -> str:
        if self._from_other_merchant(event):
            return event.get_type_display()  # its details (SKUs shipped) name their items
        return event_sentence(event, currency=event.order.currency)

    @admin.display(description=_("note"))
    def note_shown(self, event: OrderEvent) -> str:
        if self._from_other_merchant(event):
            return "-"
        return event.note or "-"


class ShipmentInline(ReadOnlyInlineMixin, MerchantScopedInline, admin.TabularInline):
    """The order's shipments (the viewer's merchant's only, for merchant staff), each linked
    to its page and its packing slip."""

    model = Shipment
    merchant_path = "merchant"
    fields = ("shipment", "merchant", "warehouse", "status", "carrier", "tracking_number", "slip")
    readonly_fields = fields
    verbose_name_plural = _("shipments")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if viewer_merchant_id(request) is None:
            return fields
        return [field for field in fields if field != "merchant"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merchant", "warehouse", "carrier")

    @admin.display(description=_("shipment"))
    def shipment(self, shipment: Shipment) -> str:
        url = reverse(f"{self.admin_site.name}:logistics_shipment_change", args=[shipment.pk])
        return format_html('<a href="{}">{}</a>', url, shipment.number)

    @admin.display(description=_("packing slip"))
    def slip(self, shipment: Shipment) -> str:
        url = reverse(f"{self.admin_site.name}:logistics_shipment_slip", args=[shipment.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Packing slip"))


# --- Changelist filter -------------------------------------------------------------------------


class AwaitingShipmentFilter(admin.SimpleListFilter):
    """Paid or partly shipped orders with lines still to ship: the viewer's own lines for
    merchant staff, anyone's for the operator."""

    title = _("shipping status")
    parameter_name = "awaiting_shipment"

    def lookups(self, request, model_admin):
        if viewer_merchant_id(request) is None:
            return [("yes", _("Awaiting shipment"))]
        return [("yes", _("Awaiting my shipment"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return selectors.orders_awaiting_shipment(
            queryset=queryset, merchant_id=viewer_merchant_id(request)
        )


# --- The order admin ---------------------------------------------------------------------------


@admin.register(Order)
class OrderAdmin(ExportActionMixin, MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "lines__merchant"
    # CSV / Excel export (the Export button, and the action on selected orders): a merchant's
    # staff get their own lines' figures only (orders.exports).
    resource_classes = [OrderExportResource]
    export_formats = [CSV, XLSX]
    # The order page keeps its own template (its status buttons); ExportActionMixin would put
    # its own in place, with an export of the one order that the list already offers.
    change_form_template = "admin/orders/order/change_form.html"
    show_change_form_export = False
    list_display = ("number", "status", "channel", "customer", "total", "created_at")
    list_filter = (AwaitingShipmentFilter, "status", "channel")
    search_fields = ("number", "email", "recipient", "user__first_name", "user__last_name")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("number", "status", "channel", "timeline", "created_at")}),
        (_("Customer"), {"fields": ("customer", "email", "language")}),
        (
            _("Payment"),
            {
                "fields": (
                    "total",
                    "subtotal",
                    "shipping_total",
                    "discount_total",
                    "paid_at",
                    "expires_at",
                )
            },
        ),
        (_("Delivery"), {"fields": ("shipping", "recipient", "phone", "address")}),
    )
    readonly_fields = tuple(name for _name, options in fieldsets for name in options["fields"])
    inlines = (OrderLineInline, ShipmentInline, OrderEventInline)
    actions = (
        "create_shipments",
        "ship_lines",
        "mark_delivered",
        "mark_completed",
        "cancel_orders",
        "decline_refund",
    )

    class Media:
        css = {"all": ("css/admin_orders.css", "css/admin_shipments.css")}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request) -> bool:
        """Moving orders along: whoever may see orders here (the operator, a merchant's staff).
        Which orders and lines is then up to the scoped queryset and the services."""
        return self.has_view_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shipping_method", "user")

    def export_action(self, request):
        # Filters in the address are the list's: one that is not a real filter (a hand-made
        # address) is a message on the list, not a server error.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            self.message_user(request, gettext("That export's filters are not valid."), "error")
            return HttpResponseRedirect(reverse("admin:orders_order_changelist"))

    def get_export_resource_kwargs(self, request, **kwargs):
        # The operator: the orders' own figures; a merchant's staff (or staff of no merchant:
        # nothing): only that merchant's lines.
        merchant_id = None if is_superuser(request) else (request.user.merchant_id or 0)
        return {**super().get_export_resource_kwargs(request, **kwargs), "merchant_id": merchant_id}

    # -- displays

    @admin.display(description=_("customer"), ordering="email")
    def customer(self, order: Order) -> str:
        """The shopper's name and the order's email; a guest's name is the one they gave for
        delivery."""
        if order.user_id is None:
            name = order.recipient
            if name:
                return gettext("%(name)s <%(email)s> (guest)") % {
                    "name": name,
                    "email": order.email,
                }
            return gettext("%(email)s (guest)") % {"email": order.email}
        name = order.user.get_full_name() or order.recipient
        if name:
            return f"{name} <{order.email}>"
        return order.email

    @admin.display(description=_("shipping method"))
    def shipping(self, order: Order) -> str:
        # The name as the customer chose it; the method may have been renamed since.
        return order.shipping_method_name or str(order.shipping_method or "-")

    @admin.display(description=_("address"))
    def address(self, order: Order) -> str:
        parts = (order.province, order.city, order.district, order.street, order.postal_code)
        return " ".join(part for part in parts if part) or "-"

    @admin.display(description=_("timeline"))
    def timeline(self, order: Order) -> str:
        steps = [
            (
                status_label(event.to_status),
                localtime(event.created_at).isoformat(),
                date_format(localtime(event.created_at), "DATETIME_FORMAT"),
            )
            for event in order.events.all()
            if event.from_status != event.to_status
        ]
        if not steps:
            return "-"
        return format_html(
            '<ol class="order-timeline">{}</ol>',
            format_html_join(
                "", '<li><strong>{}</strong> <time datetime="{}">{}</time></li>', steps
            ),
        )

    # -- actions on the changelist

    def get_actions(self, request):
        actions = super().get_actions(request)
        if viewer_merchant_id(request) is None and "ship_lines" in actions:
            func, name, _description = actions["ship_lines"]
            actions["ship_lines"] = (func, name, gettext("Ship all unshipped lines"))
        return actions

    @admin.action(description=_("Create shipments"), permissions=["manage"])
    def create_shipments(self, request, queryset):
        self.apply_operation(request, CREATE_SHIPMENTS, queryset)

    @admin.action(description=_("Ship my lines"), permissions=["manage"])
    def ship_lines(self, request, queryset):
        self.apply_operation(request, SHIP, queryset)

    @admin.action(description=_("Mark delivered"), permissions=["manage"])
    def mark_delivered(self, request, queryset):
        self.apply_operation(request, DELIVER, queryset)

    @admin.action(description=_("Mark completed"), permissions=["manage"])
    def mark_completed(self, request, queryset):
        self.apply_operation(request, COMPLETE, queryset)

    @admin.action(description=_("Cancel order"), permissions=["manage"])
    def cancel_orders(self, request, queryset):
        return self._with_reason(request, CANCEL, queryset)

    @admin.action(description=_("Decline refund request"), permissions=["manage"])
    def decline_refund(self, request, queryset):
        return self._with_reason(request, DECLINE_REFUND, queryset)

    def _with_reason(self, request, op: OrderOperation, queryset):
        """First the confirmation page asking why; its form posts the action back here."""
        if request.POST.get("post"):
            form = ReasonForm(request.POST)
            if form.is_valid():
                self.apply_operation(request, op, queryset, reason=form.cleaned_data["reason"])
                return None
        else:
            form = ReasonForm(initial={"reason": _default_reason(request, op)})
        return self._confirmation(
            request,
            op,
            list(queryset),
            form,
            action=request.POST.get("action", ""),
            back_url=request.get_full_path(),
        )

    def apply_operation(
        self, request, op: OrderOperation, orders: Iterable[Order], *, reason: str = ""
    ) -> None:
        """Run `op` on each order, one service call (and transaction) each, and say per order
        what happened. A refusal is a message, never an error page."""
        merchant_id = viewer_merchant_id(request)
        for order in orders:
            if op.whole_order and merchant_id is not None and self._shared(order, merchant_id):
                self.message_user(request, op.not_yours % {"number": order.number}, messages.ERROR)
                continue
            try:
                order = op.run(
                    order=order, actor=request.user, merchant_id=merchant_id, reason=reason
                )
            except DomainError as error:
                self.message_user(
                    request,
                    gettext("Order %(number)s: %(error)s")
                    % {"number": order.number, "error": error},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    op.done % {"number": order.number, "status": order.get_status_display()},
                    messages.SUCCESS,
                )

    @staticmethod
    def _shared(order: Order, merchant_id: int) -> bool:
        """Whether the order still holds lines of other merchants (not cancelled by them). Only
        a convenience for the message: the services check again under their locks."""
        return not selectors.order_is_merchants_alone(order=order, merchant_id=merchant_id)

    # -- the buttons on an order's page

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/operation/<slug:operation>/",
                self.admin_site.admin_view(self.operation_view),
                name="{}_{}_operation".format(*info),
            ),
            *super().get_urls(),
        ]

    def offered_operations(self, request, order: Order) -> list[OrderOperation]:
        """The buttons worth showing for this order and viewer. Only a convenience: the
        operation itself checks again."""
        if not self.has_manage_permission(request):
            return []
        merchant_id = viewer_merchant_id(request)
        lines = list(OrderLine.objects.filter(order=order, cancelled_at__isnull=True))
        own = [line for line in lines if merchant_id is None or line.merchant_id == merchant_id]
        packing = logistics_selectors.units_being_packed(line_ids=[line.pk for line in own])
        in_shipments: dict[int, int] = {}
        for (line_id, _stock_id), quantity in packing.items():
            in_shipments[line_id] = in_shipments.get(line_id, 0) + quantity
        offered = []
        for op in OPERATIONS.values():
            if order.status not in op.statuses:
                continue
            if op.whole_order and len(own) != len(lines):
                continue
            if op is SHIP and (
                in_shipments or not any(line.quantity_shipped < line.quantity for line in own)
            ):
                # Once the viewer packs shipments, they ship each with its carrier and number.
                continue
            if op is CREATE_SHIPMENTS and not any(
                line.quantity_shipped + in_shipments.get(line.pk, 0) < line.quantity for line in own
            ):
                continue
            if op is CANCEL_LINES and not (
                merchant_id is not None
                and own
                and len(own) < len(lines)
                and not any(line.quantity_shipped for line in own)
                and order.paid_at is not None
            ):
                continue
            offered.append(op)
        return offered

    def _operation_url(self, order: Order, op: OrderOperation) -> str:
        return reverse(f"{self.admin_site.name}:orders_order_operation", args=[order.pk, op.name])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["order_operations"] = [
                {"label": self._label(request, op), "url": self._operation_url(obj, op)}
                for op in self.offered_operations(request, obj)
            ]
            merchant_id = viewer_merchant_id(request)
            context["shared_with_other_merchants"] = merchant_id is not None and self._shared(
                obj, merchant_id
            )
            # The refund form and the risk review are payments' pages (payments/admin.py),
            # linked by URL name, so orders imports nothing of payments; whether the refund
            # button is shown, and for how much, is payments' rule (its refund_allowance tag).
            manage = self.has_manage_permission(request)
            context["offer_refund"] = manage and obj.paid_at is not None
            context["under_review"] = manage and obj.status == S.UNDER_REVIEW
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _label(request, op: OrderOperation) -> str:
        if op is SHIP and viewer_merchant_id(request) is None:
            return gettext("Ship all unshipped lines")
        return str(op.label)

    def operation_view(self, request, object_id: str, operation: str):
        """GET: the confirmation page (with a reason where one is recorded); POST: do it and go
        back to the order."""
        op = OPERATIONS.get(operation)
        if op is None:
            raise Http404("No such order operation.")
        if not self.has_manage_permission(request):
            raise PermissionDenied
        order = self.get_object(request, unquote(object_id))  # a 404 outside the viewer's orders
        change_url = reverse(f"{self.admin_site.name}:orders_order_change", args=[order.pk])
        form = None
        if request.method == "POST":
            form = ReasonForm(request.POST) if op.needs_reason else None
            if form is None or form.is_valid():
                reason = form.cleaned_data["reason"] if form else ""
                self.apply_operation(request, op, [order], reason=reason)
                return HttpResponseRedirect(change_url)
        elif op.needs_reason:
            form = ReasonForm(initial={"reason": _default_reason(request, op)})
        return self._confirmation(request, op, [order], form, action="", back_url=change_url)

    def _confirmation(self, request, op, orders, form, *, action: str, back_url: str):
        merchant_id = viewer_merchant_id(request)
        lines_to_ship = lines_to_cancel = []
        if op in (SHIP, CREATE_SHIPMENTS, CANCEL_LINES):
            lines = [
                line
                for line in OrderLine.objects.filter(
                    order__in=orders, quantity_shipped__lt=F("quantity"), cancelled_at__isnull=True
                ).select_related("order")
                if merchant_id is None or line.merchant_id == merchant_id
            ]
            if op in (SHIP, CREATE_SHIPMENTS):
                lines_to_ship = lines
            else:
                lines_to_cancel = lines
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self._label(request, op),
            "question": op.question,
            "orders": orders,
            "order": orders[0] if len(orders) == 1 and not action else None,
            "lines_to_ship": lines_to_ship,
            "lines_to_cancel": lines_to_cancel,
            "form": form,
            "action": action,
            "back_url": back_url,
            "confirm_label": self._label(request, op),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/orders/order/operation_confirmation.html", context)


from . import admin_shipments  # noqa: E402, F401  (the shipment admin, which links back here)
