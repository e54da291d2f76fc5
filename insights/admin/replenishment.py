"""Replenishment planning in admin: the planning page (admin:insights_replenishment: a form that
queues the computation for the worker, its progress, and the recent plans), each plan's page
(figures, a chart, the lines with their forecast and the quantities chosen, the button that
orders them) and the list action "Accept as purchase orders".

Scoped: merchant staff plan and see only their merchant's variants (their plans hold nothing
else); a plan of every merchant (no merchant) is the operator's. Warehouses are shop-wide."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, sees_every_merchant
from accounts.models import Merchant
from logistics.models import Warehouse

from .. import charts
from ..models import InsightJob, JobKind, JobStatus, ReplenishmentPlan
from ..services import replenishment as services
from .jobs import STEP_TEXT

# How many lines a plan's page lists (those that order, most first); the command lists all.
LINES_SHOWN = 300
CHART_LINES = 12


class PlanForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(is_active=True),
        empty_label=_("Choose a warehouse"),
        error_messages={"invalid_choice": _("Choose an active warehouse.")},
    )
    merchant = forms.ModelChoiceField(
        label=_("Merchant"),
        queryset=Merchant.objects.all(),
        required=False,
        empty_label=_("Every merchant"),
        help_text=_("Leave empty to plan every merchant's variants (one purchase order each)."),
    )
    budget = forms.DecimalField(
        label=_("Purchasing budget"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": _("The budget cannot be negative.")},
    )
    service_level = forms.DecimalField(
        label=_("Service level"),
        initial=services.DEFAULT_SERVICE_LEVEL,
        min_value=0.5,
        max_value=0.999,
        decimal_places=3,
        help_text=_("The share of replenishment cycles that should not run out, e.g. 0.95."),
        error_messages={
            "min_value": _("The service level must be between 0.5 and 0.999."),
            "max_value": _("The service level must be between 0.5 and 0.999."),
        },
    )
    horizon_days = forms.IntegerField(
        label=_("Horizon (days)"),
        initial=services.DEFAULT_HORIZON_DAYS,
        min_value=7,
        max_value=365,
        help_text=_("The expected margin counts the sales of this many days."),
        error_messages={
            "min_value": _("The horizon must be between 7 and 365 days."),
            "max_value": _("The horizon must be between 7 and 365 days."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_merchant(user):
            del self.fields["merchant"]  # merchant staff plan their own merchant's variants


@admin.register(ReplenishmentPlan)
class ReplenishmentPlanAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "created_at",
        "warehouse",
        "merchant",
        "status",
        "units",
        "cost",
        "objective",
        "greedy_objective",
    )
    list_filter = ("status", "warehouse", "merchant")
    list_select_related = ("warehouse", "merchant")
    readonly_fields = (
        "warehouse",
        "merchant",
        "status",
        "budget",
        "service_level",
        "horizon_days",
        "review_days",
        "room",
        "units",
        "cost",
        "objective",
        "greedy_cost",
        "greedy_objective",
        "solver_status",
        "solve_seconds",
        "created_by",
        "created_at",
        "accepted_by",
        "accepted_at",
    )
    fieldsets = (
        (None, {"fields": (("warehouse", "merchant", "status"),)}),
        (
            _("Asked"),
            {"fields": (("budget", "service_level"), ("horizon_days", "review_days"), "room")},
        ),
        (
            _("Chosen"),
            {
                "fields": (
                    ("units", "cost", "objective"),
                    ("greedy_cost", "greedy_objective"),
                    ("solver_status", "solve_seconds"),
                )
            },
        ),
        (
            _("Who and when"),
            {"fields": (("created_by", "created_at"), ("accepted_by", "accepted_at"))},
        ),
    )
    actions = ("accept_plans",)
    change_form_template = "admin/insights/replenishmentplan/change_form.html"
    change_list_template = "admin/insights/replenishmentplan/change_list.html"

    class Media:
        css = {"all": ("css/admin_insights_charts.css", "css/admin_insights_replenishment.css")}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_every_merchant(request.user):
            return fieldsets
        # The room left is the warehouse's capacity less every merchant's units: merchant staff
        # would read the other merchants' stock from it. The plan respects it all the same.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "room"]})
            for name, options in fieldsets
        ]

    def has_add_permission(self, request):
        return False  # plans are made by the planning page's job, not by a form

    def has_delete_permission(self, request, obj=None):
        return sees_every_merchant(request.user) and super().has_delete_permission(request, obj)

    def _may_plan(self, request) -> bool:
        return self._in_scope(request) and request.user.has_perm("insights.add_replenishmentplan")

    def _may_accept(self, request, plan=None) -> bool:
        return self._in_scope(request) and request.user.has_perm(
            "insights.change_replenishmentplan"
        )

    def get_urls(self):
        return [
            path(
                "plan/",
                self.admin_site.admin_view(self.planning_view),
                name="insights_replenishment",
            ),
            path(
                "<path:object_id>/accept/",
                self.admin_site.admin_view(self.accept_view),
                name="insights_replenishmentplan_accept",
            ),
            *super().get_urls(),
        ]

    # -- the planning page

    def planning_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PlanForm(request.POST or None, user=request.user)
        if request.method == "POST":
            if not self._may_plan(request):
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                merchant = (
                    data.get("merchant")
                    if sees_every_merchant(request.user)
                    else request.user.merchant
                )
                try:
                    job = services.replenishment_plan_request(
                        warehouse=data["warehouse"],
                        merchant=merchant,
                        budget=data["budget"],
                        service_level=data["service_level"],
                        horizon_days=data["horizon_days"],
                        user=request.user,
                    )
                except services.ReplenishmentError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        gettext("Planning %(warehouse)s: computation #%(job)s queued.")
                        % {"warehouse": data["warehouse"].name, "job": job.pk},
                        messages.SUCCESS,
                    )
                    return redirect("admin:insights_replenishment")
        jobs = list(self.scope(request, InsightJob.objects.filter(kind=JobKind.REPLENISHMENT))[:5])
        plans = list(
            self.get_queryset(request)
            .select_related("warehouse", "merchant")
            .order_by("-created_at", "-id")[:10]
        )
        running = any(job.status in (JobStatus.QUEUED, JobStatus.RUNNING) for job in jobs)
        for job in jobs:
            job.step_text = STEP_TEXT.get(job.step, "") if job.status == JobStatus.RUNNING else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Plan replenishment"),
            "form": form,
            "may_plan": self._may_plan(request),
            "jobs": jobs,
            "plans": plans,
            "refresh": running,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/insights/replenishmentplan/planning.html", context)

    # -- a plan's page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        plan = self.get_object(request, object_id)
        if plan is not None and self.has_view_permission(request, plan):
            extra_context.update(plan_page_context(plan))
            extra_context["may_accept"] = self._may_accept(request, plan)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return False  # read-only: nothing on a plan is edited; accepting has its own checks

    def accept_view(self, request, object_id):
        plan = self.get_object(request, object_id)  # another merchant's plan: 404
        if request.method != "POST" or not self._may_accept(request, plan):
            raise PermissionDenied
        self._accept(request, plan)
        return redirect("admin:insights_replenishmentplan_change", plan.pk)

    def _accept(self, request, plan: ReplenishmentPlan) -> None:
        try:
            orders, created = services.replenishment_plan_accept(plan=plan, actor=request.user)
        except services.ReplenishmentError as error:
            self.message_user(request, f"{plan}: {error}", messages.WARNING)
            return
        numbers = ", ".join(order.number for order in orders)
        if created:
            self.message_user(
                request,
                gettext("%(plan)s accepted: purchase orders %(numbers)s.")
                % {"plan": plan, "numbers": numbers},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("%(plan)s was already accepted: purchase orders %(numbers)s.")
                % {"plan": plan, "numbers": numbers},
                messages.INFO,
            )

    @admin.action(description=_("Accept as purchase orders"))
    def accept_plans(self, request, queryset):
        if not self._may_accept(request):
            raise PermissionDenied
        for plan in queryset.order_by("pk"):
            self._accept(request, plan)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._may_accept(request):
            actions.pop("accept_plans", None)
        return actions


def plan_page_context(plan: ReplenishmentPlan) -> dict:
    """The lines worth reading (those that order or should), the chart and the totals."""
    ordering = plan.lines.filter(suggested__gt=0) | plan.lines.filter(chosen__gt=0)
    lines = list(ordering.order_by("-chosen", "-suggested", "sku")[:LINES_SHOWN])
    return {
        "plan_lines": lines,
        "plan_lines_total": plan.lines.count(),
        "plan_lines_ordering": ordering.count(),
        "plan_chart": plan_chart_svg(plan, lines[:CHART_LINES]),
        "plan_uplift": plan.uplift,
        "orders_url": reverse("admin:logistics_purchaseorder_changelist")
        + f"?q=replenishment-plan%3A{plan.pk}%3A",
        "accept_url": reverse("admin:insights_replenishmentplan_accept", args=[plan.pk]),
    }


def plan_chart_svg(plan: ReplenishmentPlan, lines) -> str:
    """Per variant: what it has (available + on order), its reorder point and what the plan
    orders (insights.charts: inline SVG that scales with the page, no script, no style)."""
    if not lines:
        return ""
    return charts.grouped_bars(
        title=gettext("Stock, reorder point and order per variant"),
        labels=[line.sku for line in lines],
        series=[
            (gettext("Available + on order"), [line.available + line.on_order for line in lines]),
            (gettext("Reorder point"), [round(line.reorder_point, 1) for line in lines]),
            (gettext("To order"), [line.chosen for line in lines]),
        ],
        horizontal=True,
        width=720,
    )
