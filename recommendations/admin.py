"""Recommender admin: model versions with their evaluation (merchant staff may look), a retrain
and the settings (operators only: one model serves every merchant's shoppers), shopper profiles
and the raw interaction log."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SuperuserOnlyAdmin, is_superuser
from common.admin_input import ViewOnlyAdmin

from .models import (
    ExternalId,
    Interaction,
    ModelVersion,
    RecommenderSettings,
    TuningRun,
    TuningTrial,
    UserProfile,
)


@admin.register(Interaction)
class InteractionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    change_list_template = "admin/recommendations/interaction/change_list.html"
    list_display = ("created_at", "kind", "product", "user", "session_key", "value")
    list_filter = ("kind",)
    list_select_related = ("product", "user")
    raw_id_fields = ("user", "product")
    date_hierarchy = "created_at"
    # The table is large: no COUNT(*) of the whole table on every page.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="recommendations_interaction_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import history from an uploaded file (operators only), in this request: the form
        refuses files over forms.ADMIN_IMPORT_MAX_BYTES (larger ones: the management command)."""
        if not is_superuser(request):
            raise PermissionDenied
        from .forms import InteractionImportForm
        from .services.importing import FileFormatError, interactions_import

        report = error = None
        if request.method == "POST":
            form = InteractionImportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                lines = (raw.decode("utf-8-sig").rstrip("\r\n") for raw in data["file"])
                try:
                    report = interactions_import(
                        lines=lines,
                        fmt=data["format"],
                        source=data["source"],
                        dry_run=data["dry_run"],
                        create_shoppers=data["create_shoppers"],
                        create_products=data["create_products"],
                        merchant=data["merchant"],
                        default_kind=data["default_kind"],
                    )
                except FileFormatError:
                    error = _(
                        "This file cannot be read: its first line must name a shopper column "
                        "(user_id, email or user_external_id) and a product column (product_id, "
                        "sku or product_external_id)."
                    )
                except UnicodeDecodeError:
                    error = _("This file is not UTF-8 text.")
        else:
            form = InteractionImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import history"),
            "form": form,
            "report": report,
            "error": error,
        }
        return TemplateResponse(request, "admin/recommendations/interaction/import.html", context)


@admin.register(ExternalId)
class ExternalIdAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("source", "kind", "external_id", "user", "product", "created_at")
    list_filter = ("kind", "source")
    search_fields = ("external_id",)
    list_select_related = ("user", "product")
    raw_id_fields = ("user", "product")
    show_full_result_count = False


def _staff(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.merchant_id is not None)


def _metric(name: str, label: str):
    def show(model_admin, obj: ModelVersion) -> str:
        value = obj.metric("als", name)
        return "-" if value is None else f"{value:.4f}"

    show.short_description = label
    return show


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    change_list_template = "admin/recommendations/modelversion/change_list.html"
    list_display = (
        "__str__", "is_live", "created_at", "seconds", "users", "products", "interactions",
        "family", "ndcg", "baseline_ndcg", "lift", "precision", "recall", "map", "coverage",
    )  # fmt: skip
    list_filter = ("status", "is_live")
    readonly_fields = (
        "status", "is_live", "created_at", "finished_at", "seconds", "trained_until", "device",
        "users", "products", "interactions", "evaluation", "params", "tuning_run", "stages",
        "note",
    )  # fmt: skip
    fields = readonly_fields
    exclude = ("trending", "metrics")

    ndcg = _metric("ndcg@10", _("NDCG@10"))
    precision = _metric("precision@10", _("precision@10"))
    recall = _metric("recall@10", _("recall@10"))
    map = _metric("map@10", _("MAP@10"))
    coverage = _metric("coverage", _("coverage"))

    @admin.display(description=_("model family"))
    def family(self, obj: ModelVersion) -> str:
        return obj.params.get("family", "als")

    @admin.display(description=_("baseline NDCG@10"))
    def baseline_ndcg(self, obj: ModelVersion) -> str:
        value = obj.metric("popularity", "ndcg@10")
        return "-" if value is None else f"{value:.4f}"

    @admin.display(description=_("vs baseline"))
    def lift(self, obj: ModelVersion) -> str:
        ours, base = obj.metric("als", "ndcg@10"), obj.metric("popularity", "ndcg@10")
        return f"{ours / base:.2f}x" if ours is not None and base else "-"

    def get_readonly_fields(self, request, obj=None):
        # Django links a read-only foreign key to its admin page whoever looks; the tuning runs
        # are for operators only, so others get the run's name without the link (a 403).
        run_admin = self.admin_site._registry.get(TuningRun)
        if run_admin is not None and run_admin.has_view_permission(request):
            return self.readonly_fields
        return tuple("tuned_by" if f == "tuning_run" else f for f in self.readonly_fields)

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("tuned by"))
    def tuned_by(self, obj: ModelVersion) -> str:
        return str(obj.tuning_run) if obj.tuning_run_id else "-"

    @admin.display(description=_("evaluation"))
    def evaluation(self, obj: ModelVersion) -> str:
        rows = []
        family = obj.params.get("family", "als").upper()
        for model, label in (("als", family), ("popularity", _("most popular"))):
            values = obj.metrics.get(model)
            if values:
                shown = (
                    f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                    for k, v in values.items()
                )
                rows.append(f"{label}: " + ", ".join(shown))
        return "\n".join(rows) or "-"

    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "retrain/",
                self.admin_site.admin_view(self.retrain_view),
                name="recommendations_modelversion_retrain",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_retrain": is_superuser(request)}
        return super().changelist_view(request, extra_context)

    def retrain_view(self, request):
        """Queue a shop-wide retrain: the operator's (superusers), refused to merchant staff."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not is_superuser(request):
            raise PermissionDenied
        from .tasks import train_recommender

        transaction.on_commit(train_recommender.delay)
        messages.success(
            request,
            _("Retraining has been queued. The new version appears here when it has finished."),
        )
        return HttpResponseRedirect(reverse("admin:recommendations_modelversion_changelist"))


@admin.register(RecommenderSettings)
class RecommenderSettingsAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    fieldsets = (
        (_("Event weights"), {"fields": (
            "weight_view", "weight_cart", "weight_purchase", "weight_review",
            "weight_search_click", "half_life_days",
        )}),
        (_("Model"), {"fields": (
            "factors", "iterations", "regularization", "alpha", "weighting", "active_days",
            "min_support", "use_tuned",
        )}),
        (_("Serving"), {"fields": (
            "exclude_purchased", "max_per_category_run", "session_strength",
        )}),
        (_("Going live"), {"fields": ("min_lift", "tolerance")}),
    )  # fmt: skip

    def has_add_permission(self, request):
        return is_superuser(request) and not RecommenderSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


def _ratio(ours: float | None, base: float | None) -> str:
    if ours is None:
        return "-"
    shown = f"{ours:.4f}"
    return f"{shown} ({ours / base:.2f}x)" if base else shown


class TuningTrialInline(ViewOnlyAdmin, admin.TabularInline):
    model = TuningTrial
    fields = ("number", "family", "params", "ndcg", "baseline", "users", "seconds")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(TuningRun)
class TuningRunAdmin(ViewOnlyAdmin, SuperuserOnlyAdmin, admin.ModelAdmin):
    """The settings searches (operators only, as the settings they feed): progress, the best
    settings, and their NDCG@10 on validation and test next to the most-popular baseline."""

    list_display = (
        "__str__", "created_at", "progress", "seconds", "best_family", "validation", "test",
    )  # fmt: skip
    list_filter = ("status",)
    readonly_fields = (
        "status", "created_at", "finished_at", "seconds", "progress", "families",
        "interactions", "best_params", "validation", "test", "note",
    )  # fmt: skip
    fields = readonly_fields
    inlines = (TuningTrialInline,)

    @admin.display(description=_("trials"))
    def progress(self, obj: TuningRun) -> str:
        return f"{obj.trials_done}/{obj.trials_planned}"

    @admin.display(description=_("model family"))
    def best_family(self, obj: TuningRun) -> str:
        return obj.best_params.get("family", "-")

    @admin.display(description=_("validation NDCG@10 (vs most popular)"))
    def validation(self, obj: TuningRun) -> str:
        return _ratio(obj.validation_ndcg, obj.validation_baseline)

    @admin.display(description=_("test NDCG@10 (vs most popular)"))
    def test(self, obj: TuningRun) -> str:
        return _ratio(obj.test_ndcg, obj.test_baseline)


@admin.register(UserProfile)
class UserProfileAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("user", "segment", "price_band", "recency_days", "frequency", "monetary")
    list_filter = ("segment", "price_band")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
