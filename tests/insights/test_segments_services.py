"""Computing profiles and segment tables from the shop's orders."""

from decimal import Decimal

import numpy as np
import pytest
from django.db.models import Sum

from insights.jobs import job_queue
from insights.models import (
    CustomerProfile,
    InsightJob,
    JobKind,
    JobStatus,
    PriceBand,
    Segment,
    SegmentRun,
    SegmentSnapshot,
)
from insights.segments.services import segments_compute
from insights.tasks.segments import compute_segments
from orders.models import OrderLine, OrderStatus
from tests.accounts.factories import MerchantFactory, UserFactory
from tests.catalog.factories import CategoryFactory

from .segments_givens import TODAY, order, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(merchant_a, merchant_b):
    """Two merchants; an order holding lines of both; a cancelled order; a withdrawn line."""
    tea, cups = CategoryFactory(name_en="Tea"), CategoryFactory(name_en="Cups")
    a_tea, a_cup = product(merchant_a, category=tea), product(merchant_a, category=cups)
    b_thing = product(merchant_b)
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    order(ann, 3, (a_tea, "30.00", 2), (b_thing, "500.00", 1))
    order(ann, 40, (a_cup, "12.50", 1))
    order(ann, 40, (a_tea, "0.10", 3))  # same day: one purchase with the one above
    order(bob, 200, (b_thing, "80.00", 1), (a_tea, "7.00", 1, True))  # A's line withdrawn
    order(bob, 10, (a_tea, "99.00", 5), status=OrderStatus.CANCELLED)
    order(bob, 12, (a_tea, "99.00", 5), status=OrderStatus.REFUNDED)
    return {"ann": ann, "bob": bob, "a": merchant_a, "b": merchant_b, "tea": tea}


def _profile(user, merchant=None):
    return CustomerProfile.objects.get(user=user, merchant=merchant)


def test_a_merchants_revenue_is_its_own_lines_never_the_order_total(shop):
    segments_compute(today=TODAY)
    ann_at_a = _profile(shop["ann"], shop["a"])
    assert ann_at_a.monetary == Decimal("72.80")  # 2 x 30.00 + 12.50 + 3 x 0.10
    assert isinstance(ann_at_a.monetary, Decimal)
    assert ann_at_a.frequency == 2  # two days
    assert ann_at_a.recency_days == 3
    assert _profile(shop["ann"], shop["b"]).monetary == Decimal("500.00")
    assert _profile(shop["ann"]).monetary == Decimal("572.80")


def test_cancelled_refunded_orders_and_withdrawn_lines_do_not_count(shop):
    segments_compute(today=TODAY)
    assert not CustomerProfile.objects.filter(user=shop["bob"], merchant=shop["a"]).exists()
    bob = _profile(shop["bob"])
    assert bob.monetary == Decimal("80.00")
    assert bob.recency_days == 200


def test_the_segment_revenue_equals_the_sold_lines(shop):
    runs = {run.merchant_id: run for run in segments_compute(today=TODAY)}
    for merchant_id, run in runs.items():
        lines = OrderLine.objects.filter(
            order__status__in=[OrderStatus.PAID], cancelled_at__isnull=True
        )
        if merchant_id is not None:
            lines = lines.filter(merchant_id=merchant_id)
        expected = lines.aggregate(total=Sum("line_total"))["total"]
        snapshots = SegmentSnapshot.objects.filter(run=run).aggregate(total=Sum("revenue"))
        assert run.revenue == expected == snapshots["total"]
        profiles = CustomerProfile.objects.filter(merchant_id=merchant_id)
        assert profiles.aggregate(total=Sum("monetary"))["total"] == expected


def test_a_profile_keeps_top_categories_and_a_price_band(shop):
    segments_compute(merchant=shop["a"], today=TODAY)
    ann = _profile(shop["ann"], shop["a"])
    assert [c["name"] for c in ann.top_categories] == ["Tea", "Cups"]
    assert ann.top_categories[0]["revenue"] == "60.30"
    assert ann.price_band in PriceBand.values


def test_one_merchant_is_computed_alone(shop):
    runs = segments_compute(merchant=shop["b"], today=TODAY)
    assert [run.merchant_id for run in runs] == [shop["b"].pk]
    assert set(CustomerProfile.objects.values_list("merchant_id", flat=True)) == {shop["b"].pk}


def test_a_rerun_replaces_the_profiles_and_adds_a_run(shop):
    segments_compute(today=TODAY)
    count = CustomerProfile.objects.count()
    segments_compute(today=TODAY)
    assert CustomerProfile.objects.count() == count
    assert SegmentRun.objects.filter(merchant=None).count() == 2
    # All segments are recorded each time, so the trend can compare every one of them.
    assert SegmentSnapshot.objects.filter(run__merchant=None).count() == 2 * len(Segment.values)


def test_a_merchant_without_sales_gets_an_empty_table():
    quiet = MerchantFactory(slug="quiet")
    (run,) = segments_compute(merchant=quiet, today=TODAY)
    assert run.customers == 0 and run.revenue == 0
    assert not run.lifetime_error  # nothing to fit is not an error


def test_too_few_customers_for_the_lifetime_model_keeps_the_segments_and_says_why(shop):
    (run,) = segments_compute(merchant=shop["a"], today=TODAY)
    assert run.customers == 1
    assert run.lifetime_error["code"] == "few_customers"
    assert _profile(shop["ann"], shop["a"]).predicted_purchases_90d is None


def test_the_lifetime_model_predicts_when_there_is_enough_history(merchant_a):
    thing = product(merchant_a)
    rng = np.random.default_rng(3)
    for c in range(40):
        customer = UserFactory()
        # Regulars buy every ten days or so up to now; the others bought a few times long ago.
        days_ago = int(rng.integers(250, 300))
        stop = 0 if c % 2 == 0 else 200
        while days_ago >= stop:
            order(customer, days_ago, (thing, f"{rng.integers(10, 50)}.00", 1))
            days_ago -= 1 + int(rng.exponential(10 if c % 2 == 0 else 30))
    (run,) = segments_compute(merchant=merchant_a, today=TODAY)
    assert not run.lifetime_error, run.lifetime_error
    assert run.holdout["mae"] >= 0
    profiles = CustomerProfile.objects.filter(merchant=merchant_a)
    regular = profiles.filter(recency_days__lt=30, frequency__gte=10)
    lapsed = profiles.filter(recency_days__gte=200)
    assert regular.count() >= 10 and lapsed.count() >= 10
    assert min(p.predicted_purchases_90d for p in regular) > max(
        p.predicted_purchases_90d for p in lapsed
    )
    assert all(p.predicted_value_90d is not None for p in profiles)


def test_the_task_runs_a_queued_job_and_reports_progress(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_queue(kind=JobKind.SEGMENTS, task=compute_segments, merchant=shop["a"])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.total == 5 and job.done == 5  # reading, then four steps for the one merchant
    assert job.result["customers"] == 1
    assert CustomerProfile.objects.filter(merchant=shop["a"]).exists()
    assert not CustomerProfile.objects.filter(merchant=shop["b"]).exists()


def test_progress_goes_up_step_by_step(shop):
    seen = []
    segments_compute(today=TODAY, progress=lambda done, total=None, step="": seen.append(done))
    assert seen == sorted(seen)
    assert seen[-1] == 1 + 4 * 3  # the shop and two merchants


def test_the_nightly_beat_queues_a_shop_wide_job(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        compute_segments.delay()
    job = InsightJob.objects.get()
    assert job.merchant is None and job.status == JobStatus.DONE
    assert SegmentRun.objects.filter(merchant=None).exists()
    assert SegmentRun.objects.filter(merchant=shop["a"]).exists()


def test_the_nightly_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "insights.compute_segments" in tasks


def test_the_price_band_places_customers_among_the_prices_sold(merchant_a):
    thing = product(merchant_a)
    cheap, middle, dear = UserFactory(), UserFactory(), UserFactory()
    order(cheap, 5, (thing, "5.00", 2))
    order(middle, 5, (thing, "50.00", 1))
    order(dear, 5, (thing, "500.00", 1))
    segments_compute(merchant=merchant_a, today=TODAY)
    bands = {p.user_id: p.price_band for p in CustomerProfile.objects.filter(merchant=merchant_a)}
    assert bands == {
        cheap.pk: PriceBand.BUDGET,
        middle.pk: PriceBand.MIDDLE,
        dear.pk: PriceBand.PREMIUM,
    }
