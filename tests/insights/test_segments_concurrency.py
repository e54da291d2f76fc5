"""Two computations of one scope at once (the nightly run and "Recompute now") on PostgreSQL with
real threads: both finish, and the scope holds one profile per customer."""

import pytest

from insights.models import CustomerProfile, SegmentRun
from insights.segments.services import segments_compute
from tests.accounts.factories import UserFactory
from tests.orders.test_concurrency import run_together

from .segments_givens import TODAY, order, product

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_overlapping_computations_of_a_scope_do_not_collide(merchant_a):
    thing = product(merchant_a)
    for days_ago in range(30):
        order(UserFactory(), days_ago + 1, (thing, "9.90", 1))

    results = run_together(4, lambda i: segments_compute(merchant=merchant_a, today=TODAY))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert SegmentRun.objects.filter(merchant=merchant_a).count() == 4
    profiles = CustomerProfile.objects.filter(merchant=merchant_a)
    assert profiles.count() == 30
    assert profiles.values("user").distinct().count() == 30
