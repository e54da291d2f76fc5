import pytest

from accounts.permissions import grant_merchant_staff_permissions
from insights.jobs import Progress, job_run
from insights.models import InsightJob, JobKind, JobStatus
from tests.accounts.factories import MerchantFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _job(**kw):
    return InsightJob.objects.create(kind=JobKind.SEGMENTS, **kw)


def test_a_job_runs_reports_progress_and_keeps_its_result():
    job = _job()
    seen = []

    def work(running, progress: Progress):
        progress(1, 4, "fitting")
        seen.append(InsightJob.objects.get(pk=running.pk).percent)
        return {"customers": 4}

    finished = job_run(job.pk, work)
    assert seen == [25]
    assert finished.status == JobStatus.DONE
    assert finished.result == {"customers": 4}
    assert finished.percent == 100
    assert finished.started_at and finished.finished_at


def test_a_redelivered_task_does_not_run_the_job_twice():
    job = _job()
    calls = []
    job_run(job.pk, lambda running, progress: calls.append(1))
    assert job_run(job.pk, lambda running, progress: calls.append(2)) is None
    assert calls == [1]


def test_a_failing_job_says_what_failed():
    job = _job()

    def work(running, progress):
        raise ValueError("no purchases in the file")

    with pytest.raises(ValueError):
        job_run(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "no purchases in the file" in job.error


def test_merchant_staff_see_only_their_merchants_jobs(client):
    staff = StaffFactory()
    grant_merchant_staff_permissions(staff)
    own = _job(merchant=staff.merchant)
    other = _job(merchant=MerchantFactory())
    shop_wide = _job()
    client.force_login(staff)
    page = client.get("/admin/insights/insightjob/")
    assert page.status_code == 200
    shown = {job.pk for job in page.context["cl"].result_list}
    assert shown == {own.pk}
    assert other.pk not in shown and shop_wide.pk not in shown
    assert client.get(f"/admin/insights/insightjob/{other.pk}/change/").status_code in (302, 404)


def test_the_computations_list_says_the_running_step_in_the_readers_language(client):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser(email="op@example.com", password="x")
    _job(status=JobStatus.RUNNING, step="predicting", total=4, done=2)
    client.force_login(operator)
    page = client.get("/zh-hans/admin/insights/insightjob/").content.decode()
    assert "预测未来 90 天" in page
    assert "predicting" not in page
