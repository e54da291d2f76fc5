"""Insights admin: customers and segments.

- the customer profiles (changelist filtered by segment, searched by email; each profile's own
  read-only page), scoped per merchant, exported to CSV or Excel;
- the segments page (`admin:insights_segments`): each segment's size, share, revenue and change
  since the previous computation, a chart, and "Recompute now" (a job run by the worker);
- the segment snapshots, exported to CSV or Excel;
- the operator's user page with the customer's profiles (the shop's and each merchant's).
"""

import re
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from accounts.admin import ShopUserAdmin
from accounts.admin_scoping import MerchantScopedAdmin, sees_every_merchant
from accounts.models import Merchant, User
from catalog.models import Category
from common.admin_input import ViewOnlyAdmin

from .. import charts
from ..jobs import job_queue
from ..models import (
    CustomerProfile,
    InsightJob,
    JobKind,
    JobStatus,
    Segment,
    SegmentSnapshot,
)
from ..segments import selectors
from ..tasks.segments import compute_segments

EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]


def lifetime_error_text(error: dict) -> str:
    """Why there is no lifetime model, in the reader's language
    (`insights.segments.lifetime.LifetimeModelError.as_dict()`)."""
    params = error.get("params", {})
    texts = {
        "few_customers": _(
            "Only %(count)s customers: the lifetime model needs at least %(needed)s."
        ),
        "few_repeat_buyers": _(
            "Only %(count)s customers bought more than once: the lifetime model needs at "
            "least %(needed)s."
        ),
        "no_history": _("Every customer bought for the first time on the last day."),
        "no_convergence": _("The lifetime model did not converge on these purchases."),
        "bad_parameters": _("The lifetime model found no sensible parameters."),
        "no_calibration": _(
            "No purchase before %(date)s: the %(days)s days held out leave nothing to fit on."
        ),
        "bad_holdout": _("The holdout period must be at least one day."),
    }
    text = texts.get(error.get("code"))
    if text is None:
        return error.get("message", "")
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return error.get("message", "")


def _top_categories_text(profile: CustomerProfile, names: dict[int, str] | None = None) -> str:
    if names is None:
        names = selectors.category_names(entry.get("id") for entry in profile.top_categories)
    return ", ".join(selectors.top_category_names(profile, names))


# --- exports ----------------------------------------------------------------------------------


class _Resource(resources.ModelResource):
    """Column headers are the fields' names as the admin shows them, in the reader's language."""

    def get_export_headers(self, selected_fields=None):
        names = {field.name: field.verbose_name for field in self._meta.model._meta.fields}
        return [
            str(names.get(field.column_name, field.column_name))
            for field in self.get_export_fields(selected_fields)
            if field
        ]


class CustomerProfileResource(_Resource):
    email = fields.Field(attribute="user__email", column_name=gettext_lazy("email"))
    merchant = fields.Field(attribute="merchant__slug", column_name=gettext_lazy("merchant"))
    segment = fields.Field(column_name=gettext_lazy("segment"))
    price_band = fields.Field(column_name=gettext_lazy("price band"))
    top_categories = fields.Field(column_name=gettext_lazy("top categories"))

    class Meta:
        model = CustomerProfile
        fields = (
            "email",
            "merchant",
            "segment",
            "recency_days",
            "frequency",
            "monetary",
            "first_purchase",
            "last_purchase",
            "r_score",
            "f_score",
            "m_score",
            "top_categories",
            "price_band",
            "predicted_purchases_90d",
            "predicted_value_90d",
            "probability_alive",
            "computed_at",
        )
        export_order = fields

    def dehydrate_segment(self, profile):
        return str(profile.get_segment_display())

    def dehydrate_price_band(self, profile):
        return str(profile.get_price_band_display())

    def dehydrate_top_categories(self, profile):
        # One query for every category, in the exporting person's language.
        if not hasattr(self, "_category_names"):
            self._category_names = dict(Category.objects.values_list("pk", "name"))
        return _top_categories_text(profile, self._category_names)


class SegmentSnapshotResource(_Resource):
    merchant = fields.Field(attribute="run__merchant__slug", column_name=gettext_lazy("merchant"))
    computed_at = fields.Field(
        attribute="run__computed_at", column_name=gettext_lazy("computed at")
    )
    segment = fields.Field(column_name=gettext_lazy("segment"))
    share = fields.Field(column_name=gettext_lazy("share"))

    class Meta:
        model = SegmentSnapshot
        fields = (
            "computed_at",
            "merchant",
            "segment",
            "size",
            "share",
            "revenue",
            "avg_recency",
            "avg_frequency",
            "avg_monetary",
        )
        export_order = fields

    def dehydrate_segment(self, snapshot):
        return str(snapshot.get_segment_display())

    def dehydrate_share(self, snapshot):
        customers = snapshot.run.customers
        return f"{snapshot.size / customers:.4f}" if customers else "0"


# --- customer profiles and the segments page --------------------------------------------------


class _SafeExport:
    """An export link carrying a filter the list does not know (a stale or crafted query) goes
    back to the list with Django's "invalid filter" notice instead of a server error."""

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, _("The export's filters are not valid; choose them again."))
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist") + "?e=1"
            )


def _chart(lines) -> str:
    """Each segment's share of customers and of revenue (insights.charts: no script, no style)."""
    revenue = sum((line.revenue for line in lines), Decimal(0))
    return charts.grouped_bars(
        title=_("Share of customers and of revenue per segment"),
        labels=[str(line.label) for line in lines],
        series=[
            (_("customers"), [round(100 * line.share, 1) for line in lines]),
            (
                _("revenue"),
                [round(float(100 * line.revenue / revenue), 1) if revenue else 0 for line in lines],
            ),
        ],
        horizontal=True,
        percent=True,
        width=460,
    )


@admin.register(CustomerProfile)
class CustomerProfileAdmin(
    MerchantScopedAdmin, ViewOnlyAdmin, _SafeExport, ExportMixin, admin.ModelAdmin
):
    resource_classes = [CustomerProfileResource]
    export_formats = EXPORT_FORMATS
    view_on_site = False
    list_display = (
        "email",
        "merchant",
        "segment",
        "rfm",
        "frequency",
        "monetary",
        "last_purchase",
        "price_band",
        "predicted_purchases",
        "predicted_value_90d",
    )
    list_filter = ("segment", "price_band", "merchant")
    list_select_related = ("user", "merchant")
    search_fields = ("user__email",)
    search_help_text = gettext_lazy("Search by email.")
    import_export_change_list_template = "admin/insights/customerprofile/change_list.html"
    fieldsets = (
        (None, {"fields": ("email", "merchant", "segment", "computed_at")}),
        (
            gettext_lazy("Purchases"),
            {
                "fields": (
                    "recency_days",
                    "frequency",
                    "monetary",
                    "first_purchase",
                    "last_purchase",
                    "rfm",
                )
            },
        ),
        (gettext_lazy("Preferences"), {"fields": ("categories", "price_band")}),
        (
            gettext_lazy("Lifetime value"),
            {"fields": ("predicted_purchases", "predicted_value_90d", "alive")},
        ),
    )
    readonly_fields = (
        "email",
        "merchant",
        "segment",
        "computed_at",
        "recency_days",
        "frequency",
        "monetary",
        "first_purchase",
        "last_purchase",
        "rfm",
        "categories",
        "price_band",
        "predicted_purchases",
        "predicted_value_90d",
        "alive",
    )

    @admin.display(description=gettext_lazy("email"), ordering="user__email")
    def email(self, profile):
        return profile.user.email

    @admin.display(description=gettext_lazy("merchant"), ordering="merchant__name")
    def merchant(self, profile):
        return profile.merchant.name if profile.merchant_id else _("whole shop")

    @admin.display(description=gettext_lazy("R-F-M"))
    def rfm(self, profile):
        return f"{profile.r_score}-{profile.f_score}-{profile.m_score}"

    @admin.display(description=gettext_lazy("top categories"))
    def categories(self, profile):
        return _top_categories_text(profile) or "-"

    @admin.display(
        description=gettext_lazy("predicted purchases (90 days)"),
        ordering="predicted_purchases_90d",
    )
    def predicted_purchases(self, profile):
        if profile.predicted_purchases_90d is None:
            return "-"
        return f"{profile.predicted_purchases_90d:.2f}"

    @admin.display(description=gettext_lazy("probability still a customer"))
    def alive(self, profile):
        if profile.probability_alive is None:
            return "-"
        return f"{profile.probability_alive:.0%}"

    def get_urls(self):
        own = [
            path(
                "segments/",
                self.admin_site.admin_view(self.segments_view),
                name="insights_segments",
            ),
            path(
                "segments/recompute/",
                self.admin_site.admin_view(require_POST(self.recompute_view)),
                name="insights_segments_recompute",
            ),
        ]
        return own + super().get_urls()

    # The scope of the segments page: a merchant's staff, their merchant; the operator, the
    # merchant chosen (?merchant=<id>) or the whole shop.
    def _scope(self, request, value) -> Merchant | None:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not sees_every_merchant(request.user):
            return request.user.merchant
        if value in (None, ""):
            return None
        if not re.fullmatch(r"[0-9]{1,18}", str(value)):  # ASCII digits, within a bigint
            return False
        return Merchant.objects.filter(pk=int(value)).first() or False

    def segments_view(self, request):
        merchant = self._scope(request, request.GET.get("merchant"))
        if merchant is False:
            messages.error(request, _("No such merchant; showing the whole shop."))
            merchant = None
        page = selectors.segments_page(merchant_id=merchant.pk if merchant else None)
        running = InsightJob.objects.filter(
            kind=JobKind.SEGMENTS,
            merchant=merchant,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        ).exists()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Customer segments"),
            "page": page,
            "merchant": merchant,
            "merchants": Merchant.objects.order_by("name")
            if sees_every_merchant(request.user)
            else None,
            "chart": _chart(page.lines) if page.run and page.run.customers else "",
            "lifetime_error": lifetime_error_text(page.run.lifetime_error)
            if page.run and page.run.lifetime_error
            else "",
            "running": running,
            "segments": Segment.choices,
        }
        return render(request, "admin/insights/segments.html", context)

    def recompute_view(self, request):
        merchant = self._scope(request, request.POST.get("merchant"))
        if merchant is False:
            messages.error(request, _("No such merchant."))
            return HttpResponseRedirect(reverse("admin:insights_segments"))
        already = InsightJob.objects.filter(
            kind=JobKind.SEGMENTS,
            merchant=merchant,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        ).exists()
        if already:
            messages.warning(request, _("The segments are already being computed."))
        else:
            job_queue(
                kind=JobKind.SEGMENTS, task=compute_segments, merchant=merchant, user=request.user
            )
            messages.success(
                request,
                _("The segments are being recomputed; their progress is shown below."),
            )
        return HttpResponseRedirect(
            reverse("admin:insights_insightjob_changelist") + "?kind__exact=segments"
        )


@admin.register(SegmentSnapshot)
class SegmentSnapshotAdmin(
    MerchantScopedAdmin, ViewOnlyAdmin, _SafeExport, ExportMixin, admin.ModelAdmin
):
    merchant_path = "run__merchant"
    resource_classes = [SegmentSnapshotResource]
    export_formats = EXPORT_FORMATS
    list_display = (
        "segment",
        "computed_at",
        "run__merchant",
        "size",
        "revenue",
        "avg_recency",
        "avg_frequency",
        "avg_monetary",
    )
    list_filter = ("segment", "run__merchant")
    list_select_related = ("run", "run__merchant")
    import_export_change_list_template = "admin/insights/segmentsnapshot/change_list.html"

    @admin.display(description=gettext_lazy("computed at"), ordering="run__computed_at")
    def computed_at(self, snapshot):
        return snapshot.run.computed_at


# --- the operator's user page -------------------------------------------------------------------


admin.site.unregister(User)


@admin.register(User)
class CustomerUserAdmin(ShopUserAdmin):
    """The accounts user page with the customer's profiles: the whole shop's and each
    merchant's (the page is the operator's only)."""

    class Media:
        css = {"all": ("css/admin_insights_segments.css",)}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (_("Customer insights"), {"fields": ("customer_insights",)}))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "customer_insights")

    @admin.display(description=gettext_lazy("profiles"))
    def customer_insights(self, user):
        profiles = list(selectors.customer_profiles(user_id=user.pk, every=True))
        names = selectors.category_names(
            entry.get("id") for profile in profiles for entry in profile.top_categories
        )
        for profile in profiles:
            profile.category_names = selectors.top_category_names(profile, names)
        return render_to_string(
            "admin/insights/_customer_profiles.html",
            {"profiles": profiles},
        )
