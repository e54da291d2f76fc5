"""The one writer of `InsightJob`: queue a computation, report its progress from the worker,
finish or fail it. A task takes the job's id, calls `job_started`, reports with `job_progress`
and ends with `job_finished` or `job_failed`; `job_run` does all four around a function."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import InsightJob, JobStatus


def job_queue(
    *, kind: str, task, merchant=None, user=None, params: dict | None = None
) -> InsightJob:
    """A job row, and `task.delay(job.pk)` once the row is committed."""
    job = InsightJob.objects.create(
        kind=kind,
        merchant=merchant,
        requested_by=user if user is not None and user.is_authenticated else None,
        params=params or {},
    )
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def job_started(job_id: int, *, total: int = 0) -> bool:
    """Marks a queued job running. False when it already ran or runs (a redelivered task)."""
    return bool(
        InsightJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), total=total
        )
    )


def job_progress(job_id: int, *, done: int, total: int | None = None, step: str = "") -> None:
    fields: dict[str, Any] = {"done": done}
    if total is not None:
        fields["total"] = total
    if step:
        fields["step"] = step
    InsightJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**fields)


def job_finished(job_id: int, *, result: dict | None = None) -> None:
    InsightJob.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, result=result or {}, finished_at=timezone.now(), step=""
    )


def job_failed(job_id: int, *, error: str) -> None:
    InsightJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


class Progress:
    """What a long computation is handed to report how far it has come (`progress(done,
    total, step)`), so the maths need not know about jobs."""

    def __init__(self, job_id: int | None = None, *, every: int = 1):
        self.job_id = job_id
        self.every = max(1, every)

    def __call__(self, done: int, total: int | None = None, step: str = "") -> None:
        if self.job_id is None:
            return
        if done % self.every and (total is None or done != total):
            return
        job_progress(self.job_id, done=done, total=total, step=step)


def job_run(job_id: int, work: Callable[[InsightJob, Progress], dict | None]) -> InsightJob | None:
    """Runs `work(job, progress)` for a queued job and records its outcome. A job not queued
    (already run by a redelivered task) is left alone and None returned."""
    if not job_started(job_id):
        return None
    job = InsightJob.objects.get(pk=job_id)
    try:
        result = work(job, Progress(job_id))
    except Exception as error:  # the job shows what failed; the worker's log has the trace
        job_failed(job_id, error=f"{type(error).__name__}: {error}")
        raise
    job_finished(job_id, result=result or {})
    job.refresh_from_db()
    return job
