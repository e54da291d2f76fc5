"""Search in admin: the ranking blend (one settings row), the shop's synonym list, and the report
of what shoppers search for, including the searches that found nothing, so merchants can fix
their catalog.

The ranking blend and the synonym list apply to every merchant's products alike, so they are
the shop operator's (superusers): merchant staff neither see nor change them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SuperuserOnlyAdmin

from . import selectors
from .models import SearchQueryLog, SearchSettings, Synonym
from .synonyms import MAX_TERM_WORDS, RuleError, make_rule

# RuleError's reasons, in the operator's language.
RULE_ERRORS = {
    "no_terms": _("Enter at least one term."),
    "no_targets": _("A one-way rule needs at least one target."),
    "targets_two_way": _("Only a one-way rule has targets: clear them or make the rule one-way."),
    "one_term": _("A two-way rule needs at least two different terms."),
    "term_is_target": _("“%(term)s” cannot be both a term and a target."),
    "too_long": _("A term has at most %(words)s words: “%(term)s”."),
}


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


class SynonymForm(forms.ModelForm):
    """Reads the rule as searches will (search/synonyms.py) and saves its terms normalised."""

    class Meta:
        model = Synonym
        fields = ("kind", "terms", "targets", "is_active", "note")
        widgets = {
            "terms": forms.Textarea(attrs={"rows": 2}),
            "targets": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        one_way = data.get("kind") == Synonym.Kind.ONE_WAY
        try:
            rule = make_rule(data.get("terms", ""), data.get("targets", ""), one_way=one_way)
        except RuleError as exc:
            field = "targets" if exc.code in ("no_targets", "targets_two_way") else "terms"
            message = RULE_ERRORS[exc.code] % {"words": MAX_TERM_WORDS, **exc.params}
            raise forms.ValidationError({field: message}, code=exc.code) from exc
        data["terms"] = ", ".join(rule.terms)
        data["targets"] = ", ".join(rule.targets)
        same = Synonym.objects.filter(
            kind=data["kind"], terms=data["terms"], targets=data["targets"]
        ).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("The list already has this rule."), code="duplicate")
        return data


@admin.register(Synonym)
class SynonymAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = SynonymForm
    list_display = ("terms", "kind", "targets", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    search_fields = ("terms", "targets", "note")
    list_editable = ("is_active",)
