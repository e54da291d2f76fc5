"""Insights tasks: customer segments and lifetime value (nightly, and "Recompute now" in admin)."""

from celery import shared_task

from ..jobs import Progress, job_queue, job_run
from ..models import InsightJob, JobKind
from ..segments.services import segments_compute

__all__ = ["compute_segments"]


def _work(job: InsightJob, progress: Progress) -> dict:
    runs = segments_compute(
        merchant=job.merchant,
        holdout_days=int(job.params.get("holdout_days", 90)),
        progress=progress,
    )
    first = runs[0]
    return {
        "runs": len(runs),
        "customers": first.customers,
        "revenue": str(first.revenue),
        "mae": first.holdout.get("mae"),
        "baseline_mae": first.holdout.get("baseline_mae"),
    }


@shared_task(name="insights.compute_segments", ignore_result=True, acks_late=True)
def compute_segments(job_id: int | None = None) -> None:
    """Run a queued segments job. Without one (the nightly beat), queue a shop-wide job, so the
    night's computation is listed with its progress like one asked for in admin."""
    if job_id is None:
        job_queue(kind=JobKind.SEGMENTS, task=compute_segments)
        return
    job_run(job_id, _work)
