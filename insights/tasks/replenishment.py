"""Insights tasks: replenishment plans, computed by the worker with their progress."""

import logging

from celery import shared_task

from accounts.models import Merchant
from logistics.models import Warehouse

from ..jobs import job_run
from ..models import InsightJob

__all__ = ["plan_replenishment"]

logger = logging.getLogger(__name__)


@shared_task(name="insights.plan_replenishment", ignore_result=True, acks_late=True)
def plan_replenishment(job_id: int) -> int | None:
    """Compute the plan a job asks for (params: warehouse_id, budget, service_level,
    horizon_days; the job's merchant, or the whole shop). Idempotent: a job already run is
    left alone (job_run). Returns the plan's id."""
    from ..services.replenishment import replenishment_plan_make

    job = InsightJob.objects.filter(pk=job_id).select_related("requested_by").first()
    if job is None:
        logger.warning("replenishment job %s is gone", job_id)
        return None

    def work(job: InsightJob, progress) -> dict:
        params = job.params
        warehouse = Warehouse.objects.get(pk=params["warehouse_id"])
        merchant = Merchant.objects.get(pk=job.merchant_id) if job.merchant_id else None
        plan = replenishment_plan_make(
            warehouse=warehouse,
            merchant=merchant,
            budget=params["budget"],
            service_level=params["service_level"],
            horizon_days=params["horizon_days"],
            actor=job.requested_by,
            progress=progress,
        )
        return {
            "plan_id": plan.pk,
            "objective": str(plan.objective),
            "greedy_objective": str(plan.greedy_objective),
            "units": plan.units,
        }

    finished = job_run(job_id, work)
    return finished.result.get("plan_id") if finished is not None else None
