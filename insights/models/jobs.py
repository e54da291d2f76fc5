"""A long computation run by a Celery worker (segments, replenishment plans, ...) with its
progress, so admin can show how far it has come."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["InsightJob", "JobKind", "JobStatus"]


class JobKind(models.TextChoices):
    SEGMENTS = "segments", _("Customer segments")
    FUNNEL = "funnel", _("Shopping funnel")
    REPLENISHMENT = "replenishment", _("Replenishment plan")
    REPORT = "report", _("Report")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class InsightJob(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    # The merchant whose data it computes; empty for the whole shop.
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="insight_jobs",
        verbose_name=_("merchant"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The job's inputs (dates, warehouse, budget ...), as the task reads them.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    # What the worker is doing now ("fitting the lifetime model"), in English and Chinese by
    # the key of a message the admin translates (`step`), never free prose.
    step = models.CharField(_("step"), max_length=40, blank=True)
    # What it produced: counts, figures, the id of the plan it wrote.
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("computation")
        verbose_name_plural = _("computations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))
