"""Payments in the admin.

- Payments and notification records: a read-only audit for the shop operator (superusers).
- Refunds: merchant staff and the operator refund an order from its admin page ("Refund"), and
  see the refunds of the orders holding their lines. The form calls payments.refunds, which
  limits a merchant to the value of their own lines; nothing here saves a Refund directly.
- Risk rules: the operator tunes them. Risk assessments: the orders held for review with their
  reasons, approved or rejected (merchant staff: orders whose lines are all theirs) through
  payments.risk_review.

Nothing here ever shows a key or a signature: the models hold none (NotifyRecord drops `sign`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, scope_to_merchant, sees_every_merchant
from accounts.permissions import merchant_acting_for
from common.admin_money import MoneyAdmin
from common.money import money_format
from orders.errors import OrderError
from orders.models import Order, OrderLine

from . import refunds, risk_review, selectors, tasks
from .events import payment_event_text, refund_event_text
from .forms import RefundForm, ReviewForm
from .gateways.base import GatewayError
from .models import (
    NotifyRecord,
    Payment,
    PaymentEvent,
    Refund,
    RefundEvent,
    RefundLine,
    RefundStatus,
    RiskAssessment,
    RiskDecision,
    RiskRule,
)


class _ReadOnlySuperuserAdmin(MoneyAdmin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyInline(MoneyAdmin):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(_ReadOnlyInline, admin.TabularInline):
    model = PaymentEvent
    fields = readonly_fields = ("created_at", "actor", "from_status", "to_status", "description")

    @admin.display(description=_("what happened"))
    def description(self, event: PaymentEvent) -> str:
        return payment_event_text(event)


class RefundEventInline(_ReadOnlyInline, admin.TabularInline):
    model = RefundEvent
    fields = readonly_fields = ("created_at", "actor", "from_status", "to_status", "description")

    @admin.display(description=_("what happened"))
    def description(self, event: RefundEvent) -> str:
        return refund_event_text(event)


class RefundInline(_ReadOnlyInline, admin.TabularInline):
    model = Refund
    fields = readonly_fields = ("out_request_no", "amount", "status", "reason", "created_at")


@admin.register(Payment)
class PaymentAdmin(_ReadOnlySuperuserAdmin):
    list_display = ("out_trade_no", "order", "gateway", "amount", "status", "paid_at", "created_at")
    list_filter = ("status", "gateway")
    search_fields = ("out_trade_no", "trade_no", "order__number")
    list_select_related = ("order",)
    inlines = [RefundInline, PaymentEventInline]


@admin.register(NotifyRecord)
class NotifyRecordAdmin(_ReadOnlySuperuserAdmin):
    list_display = ("created_at", "out_trade_no", "trade_status", "verified", "outcome")
    list_filter = ("verified", "trade_status")
    search_fields = ("out_trade_no", "notify_id")


# --- Who may refund and review -----------------------------------------------------------------


class _OrderStaffAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    """Read-only rows about orders, for whoever may see orders in admin (the operator, merchant
    staff), scoped to the orders holding the viewer's lines. Changes go through services."""

    def _may_see_orders(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (sees_every_merchant(user) or getattr(user, "merchant_id", None) is not None)
            and user.has_perm("orders.view_order")
        )

    def has_module_permission(self, request):
        return self._may_see_orders(request)

    def has_view_permission(self, request, obj=None):
        return self._may_see_orders(request)

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _admin_order(self, request, order_id: str) -> Order:
        """An order the viewer may see in admin, else 404 (also for an id that is no number)."""
        try:
            pk = int(order_id)
        except ValueError:
            raise Http404("No order matches the given id.") from None
        orders = scope_to_merchant(Order.objects.all(), request.user, "lines__merchant")
        return get_object_or_404(orders, pk=pk)

    def _order_url(self, order: Order) -> str:
        return reverse(f"{self.admin_site.name}:orders_order_change", args=[order.pk])


class RefundLineInline(_ReadOnlyInline, admin.TabularInline):
    model = RefundLine
    fields = readonly_fields = ("order_line", "quantity", "restocked")


@admin.register(Refund)
class RefundAdmin(_OrderStaffAdmin):
    merchant_path = "payment__order__lines__merchant"
    list_display = ("out_request_no", "order_number", "amount", "status", "restock", "created_at")
    list_filter = ("status",)
    search_fields = ("out_request_no", "payment__order__number")
    list_select_related = ("payment__order",)
    fields = readonly_fields = (
        "out_request_no",
        "order_link",
        "amount",
        "status",
        "reason",
        "restock",
        "actor",
        "attempts",
        "gateway_message",
        "gateway_total_refunded",
        "created_at",
        "completed_at",
    )
    inlines = [RefundLineInline, RefundEventInline]

    def get_queryset(self, request):
        # Scoped to the orders holding the viewer's lines, and within those to the refunds of
        # their own lines: list, detail, inline lines and retry alike (an unseen one is a 404).
        return selectors.refunds_visible_to(
            user=request.user, refunds=super().get_queryset(request)
        )

    @admin.display(description=_("order"), ordering="payment__order__number")
    def order_number(self, refund: Refund) -> str:
        return refund.payment.order.number

    @admin.display(description=_("order"))
    def order_link(self, refund: Refund) -> str:
        order = refund.payment.order
        return format_html('<a href="{}">{}</a>', self._order_url(order), order.number)

    def get_urls(self):
        return [
            path(
                "order/<path:order_id>/",
                self.admin_site.admin_view(self.refund_order_view),
                name="payments_refund_order",
            ),
            path(
                "<path:object_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="payments_refund_retry",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == RefundStatus.PENDING:
            context["retry_url"] = reverse(
                f"{self.admin_site.name}:payments_refund_retry", args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def refund_order_view(self, request, order_id: str):
        """GET: the refund form for an order; POST: record the refund, send it to the gateway,
        and go back to the order with what happened."""
        if not self._may_see_orders(request):
            raise PermissionDenied
        order = self._admin_order(request, unquote(order_id))
        merchant_id = merchant_acting_for(request.user)
        payment = refunds.refundable_payment(order=order)
        # What the viewer may refund, by the rules refund_create applies: no form at all when
        # nothing would be accepted, and the amount stated as it will be checked.
        allowance = refunds.refund_allowance(order=order, actor=request.user)
        lines = OrderLine.objects.filter(order=order, cancelled_at__isnull=True).order_by("pk")
        if merchant_id is not None:
            lines = lines.filter(merchant_id=merchant_id)
        remaining = allowance.amount
        form = RefundForm(
            request.POST if request.method == "POST" else None,
            lines=list(lines),
            remaining=remaining,
            already=refunds.refund_quantities(order=order),
            initial={"amount": remaining} if allowance.full_only else None,
        )
        if request.method == "POST" and allowance.allowed and form.is_valid():
            try:
                refund = refunds.refund_create(
                    order=order,
                    actor=request.user,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    lines=form.refund_lines(),
                    restock=form.cleaned_data["restock"],
                )
            except refunds.RefundError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                self._submit(request, refund)
                return HttpResponseRedirect(self._order_url(order))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "order_opts": Order._meta,
            "title": gettext("Refund order %(number)s") % {"number": order.number},
            "order": order,
            "order_url": self._order_url(order),
            "payment": payment,
            "remaining": remaining,
            "allowance": allowance,
            "earlier": selectors.refunds_visible_to(
                user=request.user, refunds=Refund.objects.filter(payment__order=order)
            ).order_by("created_at", "id"),
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/payments/refund/refund_order.html", context)

    def retry_view(self, request, object_id: str):
        if request.method != "POST":
            raise Http404("Retry is a POST.")
        refund = self.get_object(request, unquote(object_id))
        self._submit(request, refund)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:payments_refund_change", args=[refund.pk])
        )

    def _submit(self, request, refund: Refund) -> None:
        try:
            refund = refunds.refund_submit(refund_id=refund.pk)
        except GatewayError:
            refund_id = refund.pk
            # robust: a broker that is down must not turn a recorded refund into an error page;
            # the periodic reconciliation submits pending refunds too.
            transaction.on_commit(lambda: tasks.submit_refund.delay(refund_id), robust=True)
            self.message_user(
                request,
                gettext(
                    "Refund %(number)s is recorded but Alipay could not be reached; it stays "
                    "pending and is sent again automatically."
                )
                % {"number": refund.out_request_no},
                messages.WARNING,
            )
            return
        if refund.status == RefundStatus.SUCCEEDED:
            self.message_user(
                request,
                gettext("Refunded %(amount)s (%(number)s).")
                % {
                    "amount": money_format(refund.amount, refund.payment.currency),
                    "number": refund.out_request_no,
                },
                messages.SUCCESS,
            )
        elif refund.status == RefundStatus.FAILED:
            self.message_user(
                request,
                gettext("Alipay refused refund %(number)s: %(message)s")
                % {"number": refund.out_request_no, "message": refund.gateway_message},
                messages.ERROR,
            )


# --- Risk ---------------------------------------------------------------------------------------


@admin.register(RiskRule)
class RiskRuleAdmin(MoneyAdmin, admin.ModelAdmin):
    """The operator's: which checks run, what they weigh, and their limits."""

    list_display = (
        "code",
        "enabled",
        "score",
        "max_count",
        "window_hours",
        "account_age_days",
        "amount",
        "distance_km",
    )
    list_editable = ("enabled", "score")
    fields = (
        "code",
        "enabled",
        "score",
        "max_count",
        "window_hours",
        "account_age_days",
        "amount",
        "distance_km",
    )
    readonly_fields = ("code",)

    def has_module_permission(self, request):
        return sees_every_merchant(request.user)

    def has_view_permission(self, request, obj=None):
        return sees_every_merchant(request.user)

    def has_change_permission(self, request, obj=None):
        return sees_every_merchant(request.user)

    def has_add_permission(self, request):
        return False  # the rules the code knows are seeded by a data migration

    def has_delete_permission(self, request, obj=None):
        return False  # switch one off instead


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(_OrderStaffAdmin):
    merchant_path = "order__lines__merchant"
    list_display = ("order", "decision", "score", "threshold", "created_at", "reviewer")
    list_filter = ("decision",)
    search_fields = ("order__number",)
    list_select_related = ("order", "reviewer")
    fields = readonly_fields = (
        "order_link",
        "decision",
        "score",
        "threshold",
        "reasons_list",
        "reviewer",
        "reviewed_at",
        "review_note",
        "created_at",
    )

    @admin.display(description=_("order"))
    def order_link(self, assessment: RiskAssessment) -> str:
        order = assessment.order
        return format_html('<a href="{}">{}</a>', self._order_url(order), order.number)

    @admin.display(description=_("reasons"))
    def reasons_list(self, assessment: RiskAssessment) -> str:
        if not assessment.reasons:
            return gettext("No rule fired.")
        return format_html(
            '<ul class="risk-reasons">{}</ul>',
            format_html_join(
                "",
                "<li>{} <strong>(+{})</strong></li>",
                ((risk_review.reason_text(r), r.get("score", 0)) for r in assessment.reasons),
            ),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/<slug:decision>/",
                self.admin_site.admin_view(self.review_view),
                name="payments_riskassessment_review",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.decision == RiskDecision.NEEDS_REVIEW:
            context["review_actions"] = [
                {
                    "label": label,
                    "url": reverse(
                        f"{self.admin_site.name}:payments_riskassessment_review",
                        args=[obj.pk, name],
                    ),
                }
                for name, label in (("approve", _("Approve")), ("reject", _("Reject")))
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_view(self, request, object_id: str, decision: str):
        """GET: confirm with a reason; POST: approve (the shopper may pay) or reject (the order
        is cancelled), through payments.risk_review."""
        if decision not in ("approve", "reject"):
            raise Http404("No such review decision.")
        assessment = self.get_object(request, unquote(object_id))
        change_url = reverse(
            f"{self.admin_site.name}:payments_riskassessment_change", args=[assessment.pk]
        )
        form = ReviewForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if decision == "approve":
                    risk_review.risk_review_approve(
                        assessment=assessment, actor=request.user, note=note
                    )
                    done = gettext("Order %(number)s approved: the customer can pay now.")
                else:
                    risk_review.risk_review_reject(
                        assessment=assessment, actor=request.user, reason=note
                    )
                    done = gettext(
                        "Order %(number)s rejected and cancelled; its stock is released."
                    )
            except OrderError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request, done % {"number": assessment.order.number}, messages.SUCCESS
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Approve order %(number)s")
            if decision == "approve"
            else gettext("Reject order %(number)s"),
            "assessment": assessment,
            "reasons": [risk_review.reason_text(r) for r in assessment.reasons],
            "form": form,
            "back_url": change_url,
            "confirm_label": _("Approve") if decision == "approve" else _("Reject and cancel"),
        }
        context["title"] = context["title"] % {"number": assessment.order.number}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/payments/riskassessment/review.html", context)
