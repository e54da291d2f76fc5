"""The reports page in admin (`admin:insights_reports`, served by the shopper events' admin):
a form for the period, the grouping and the format; the sales report shown on the page or
downloaded as CSV or Excel, the same as `manage.py sales_report`. Merchant staff get their own
merchant's report; the operator the shop's or a merchant's."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import sees_every_merchant
from accounts.models import Merchant

from ..reports import CONTENT_TYPES, as_csv, as_xlsx, report_filename
from ..selectors.reports import ReportError, check_period, sales_report

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[("day", _("Day")), ("product", _("Product")), ("category", _("Category"))],
        initial="day",
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("table", _("On this page")), ("csv", "CSV"), ("xlsx", _("Excel (xlsx)"))],
        initial="table",
    )
    merchant = forms.ModelChoiceField(
        label=_("Merchant"),
        required=False,
        queryset=Merchant.objects.order_by("name"),
        empty_label=_("The whole shop"),
    )

    def __init__(self, *args, operator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not operator:
            del self.fields["merchant"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                check_period(data.get("start"), data.get("end"))
            except ReportError as error:
                raise forms.ValidationError(str(error)) from error
        return data


def reports_view(model_admin, request):
    if not request.user.has_perm("orders.view_order"):
        raise PermissionDenied
    operator = sees_every_merchant(request.user)
    merchant = None
    if not operator:
        merchant = getattr(request.user, "merchant", None)
        if merchant is None:
            raise PermissionDenied
    today = timezone.localdate()
    if request.GET:
        form = ReportForm(request.GET, operator=operator)
    else:
        initial = {"start": today - timedelta(days=29), "end": today, "by": "day"}
        form = ReportForm(initial=initial, operator=operator)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Sales reports"),
        "form": form,
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if operator:
            merchant = data.get("merchant")
        report = sales_report(
            start=data["start"], end=data["end"], merchant=merchant, by=data["by"]
        )
        fmt = data["format"]
        if fmt in CONTENT_TYPES:
            body = as_xlsx(report) if fmt == "xlsx" else as_csv(report).encode("utf-8-sig")
            response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
            filename = report_filename(report, fmt)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        context["report"] = report
    return TemplateResponse(request, "admin/insights/reports.html", context)
