"""Search in admin: the ranking blend (one settings row) and the report of what shoppers search
for, including the searches that found nothing, so merchants can fix their catalog.

The ranking blend orders every merchant's products against every other's, so it is the shop
operator's (superusers): merchant staff neither see nor change it."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SuperuserOnlyAdmin

from . import selectors
from .models import SearchQueryLog, SearchSettings


@admin.register(SearchSettings)
class SearchSettingsAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    fields = ("popularity_weight", "rating_weight", "out_of_stock_factor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        SearchSettings.load()  # the one row exists before it is listed
        return super().changelist_view(request, extra_context)


@admin.register(SearchQueryLog)
class SearchQueryLogAdmin(admin.ModelAdmin):
    list_display = ("query", "result_count", "language", "backend", "created_at")
    list_filter = ("language", "backend", "created_at")
    search_fields = ("query",)
    date_hierarchy = "created_at"
    change_list_template = "admin/search/searchquerylog/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="search_searchquerylog_report"), *super().get_urls()]

    def report_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 30))
        except ValueError:
            days = 30
        if days not in selectors.REPORT_PERIODS:
            days = 30
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Search report"),
            "report": selectors.search_report(days=days),
            "periods": selectors.REPORT_PERIODS,
        }
        return TemplateResponse(request, "admin/search/searchquerylog/report.html", context)
