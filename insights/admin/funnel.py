"""The shopping funnel in admin: the shopper events (read-only) and, on their admin, the funnel
page (`admin:insights_funnel`): sessions per step by period and channel against the period
before, the Markov model of the sessions (transition matrix, likeliest paths to purchase and to
abandonment, chance of purchase per state) and a chart. Merchant staff see the events of their
own products and orders; the operator sees all and may pick a merchant."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, sees_every_merchant
from accounts.models import Merchant
from common.admin_input import ViewOnlyAdmin
from orders.models import OrderChannel

from .. import charts
from ..funnel import markov
from ..models import EventKind, ShopperEvent
from ..selectors.funnel import FunnelQuery, funnel_report
from .reports import reports_view

PERIODS = (7, 30, 90)
DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
MAX_DAYS = 366


def state_labels() -> dict[str, str]:
    return {
        markov.START: gettext("Start"),
        markov.VIEW: gettext("View"),
        markov.CART: gettext("Cart"),
        markov.CHECKOUT: gettext("Checkout"),
        markov.PAID: gettext("Paid"),
        markov.EXIT: gettext("Exit"),
    }


class FunnelForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("custom", _("Dates below")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *OrderChannel.choices]
    )
    merchant = forms.ModelChoiceField(
        label=_("Merchant"),
        required=False,
        queryset=Merchant.objects.order_by("name"),
        empty_label=_("All merchants"),
    )

    def __init__(self, *args, operator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not operator:
            del self.fields["merchant"]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("period") or "30"
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Give both dates, or choose a period."))
            if start > end:
                raise forms.ValidationError(_("The first day comes after the last."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)d days.") % {"days": MAX_DAYS})
        else:
            end = today
            start = today - timedelta(days=int(period) - 1)
        data["start"], data["end"], data["period"] = start, end, period
        return data


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _heat(p: float) -> int:
    return min(9, int(p * 10))


def funnel_chart(steps: dict[str, int], previous: dict[str, int]) -> str:
    """Sessions per step, this period and the one before (insights.charts: no script, no
    style, no CDN)."""
    labels = state_labels()
    return charts.grouped_bars(
        title=gettext("Sessions per step, this period and the previous one"),
        labels=[str(labels[s]) for s in markov.STEPS],
        series=[
            (gettext("This period"), [steps.get(s, 0) for s in markov.STEPS]),
            (gettext("Previous period"), [previous.get(s, 0) for s in markov.STEPS]),
        ],
        width=720,
    )


def _step_rows(steps: dict[str, int], previous: dict[str, int]) -> list[dict]:
    labels = state_labels()
    conversion = markov.step_conversion(steps)
    first = steps.get(markov.VIEW, 0)
    rows = []
    for step in markov.STEPS:
        now, before = steps.get(step, 0), previous.get(step, 0)
        rows.append(
            {
                "label": labels[step],
                "count": now,
                "conversion": pct(conversion[step]),
                "overall": pct(now / first if first else None),
                "previous": before,
                "change": pct((now - before) / before if before else None),
                "up": now >= before,
            }
        )
    return rows


@admin.register(ShopperEvent)
class ShopperEventAdmin(MerchantScopedAdmin, ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "visitor", "product", "merchant", "order", "channel")
    list_filter = ("kind", "channel")
    list_select_related = ("product", "merchant", "order")
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_list_template = "admin/insights/shopperevent/change_list.html"
    readonly_fields = list_display
    fields = list_display
    raw_id_fields = ("product", "order", "user")

    def get_urls(self):
        funnel = self.admin_site.admin_view(self.funnel_view)
        reports = self.admin_site.admin_view(self.reports_view)
        return [
            path("funnel/", funnel, name="insights_funnel"),
            path("reports/", reports, name="insights_reports"),
            *super().get_urls(),
        ]

    def reports_view(self, request):
        return reports_view(self, request)

    def funnel_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        operator = sees_every_merchant(request.user)
        if not operator and getattr(request.user, "merchant_id", None) is None:
            raise PermissionDenied
        form = FunnelForm(request.GET or None, operator=operator)
        if not request.GET:
            form = FunnelForm({"period": "30"}, operator=operator)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Shopping funnel"),
            "form": form,
        }
        if form.is_valid():
            data = form.cleaned_data
            if operator:
                merchant = data.get("merchant")
                merchant_id = merchant.pk if merchant else None
            else:
                merchant_id = request.user.merchant_id
            query = FunnelQuery(data["start"], data["end"], merchant_id, data["channel"] or "")
            report = funnel_report(query)
            labels = state_labels()
            result = report.markov
            context.update(
                report=report,
                previous_query=query.previous(),
                step_rows=_step_rows(report.steps, report.previous),
                channel_rows=[
                    {
                        "label": OrderChannel(value).label,
                        "rows": _step_rows(counts, {}),
                        "counts": counts,
                    }
                    for value, counts in report.by_channel
                ],
                chart=funnel_chart(report.steps, report.previous),
                states=[labels[s] for s in markov.STATES],
                matrix_rows=[
                    {
                        "label": labels[state],
                        "total": sum(result.counts[i]),
                        "cells": [{"p": f"{p:.2f}", "heat": _heat(p)} for p in result.matrix[i]],
                    }
                    for i, state in enumerate(markov.STATES)
                ],
                to_paid=[(" → ".join(labels[s] for s in p), pct(q)) for p, q in result.to_paid],
                to_exit=[(" → ".join(labels[s] for s in p), pct(q)) for p, q in result.to_exit],
                purchase=[
                    (labels[s], pct(result.purchase[s]))
                    for s in markov.STATES
                    if s not in (markov.PAID, markov.EXIT)
                ],
                kinds=EventKind,
            )
        return TemplateResponse(request, "admin/insights/funnel.html", context)
