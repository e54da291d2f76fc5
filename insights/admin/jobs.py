"""The computations run by the worker, with their progress (read-only; the page refreshes
itself while one is running)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin

from ..models import InsightJob, JobStatus

# What the worker is doing (InsightJob.step, a key written by the computation), as people read it.
STEP_TEXT = {
    # Segments (insights.segments)
    "reading": _("Reading the purchases"),
    "scoring": _("Scoring recency, frequency and value"),
    "checking": _("Checking the lifetime model on held-out months"),
    "predicting": _("Predicting the next 90 days"),
    # Replenishment (insights.services.replenishment)
    "reading demand": _("Reading what sold"),
    "forecasting": _("Forecasting demand"),
    "solving": _("Choosing the quantities"),
    # Both
    "saving": _("Saving the results"),
    "done": _("Done"),
}


@admin.register(InsightJob)
class InsightJobAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "merchant",
        "status",
        "progress",
        "step_text",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    readonly_fields = (
        "kind",
        "status",
        "merchant",
        "requested_by",
        "params",
        "progress",
        "step",
        "result",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields
    change_list_template = "admin/insights/insightjob/change_list.html"

    @admin.display(description=_("step"))
    def step_text(self, job: InsightJob) -> str:
        return STEP_TEXT.get(job.step, job.step)

    @admin.display(description=_("progress"))
    def progress(self, job: InsightJob) -> str:
        return format_html(
            '<progress class="insights-progress" max="100" value="{}">{}%</progress> {}%',
            job.percent,
            job.percent,
            job.percent,
        )

    def changelist_view(self, request, extra_context=None):
        running = (
            self.get_queryset(request)
            .filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .exists()
        )
        return super().changelist_view(request, {**(extra_context or {}), "refresh": running})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
