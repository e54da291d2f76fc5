"""The publishing guard (als.passes_guard): each of its conditions decides on its own, and a
version the guard rejects never replaces the live one."""

import pytest

from recommendations import als, selectors
from recommendations.models import ModelVersion, VersionStatus
from recommendations.services.training import recommender_train

GUARD = {"min_lift": 0.05, "tolerance": 0.10, "k": 10}


def metrics(als_ndcg: float, popularity_ndcg: float, users: int = 500) -> dict:
    return {
        "als": {"ndcg@10": als_ndcg, "users": users},
        "popularity": {"ndcg@10": popularity_ndcg, "users": users},
    }


def live(ndcg: float) -> dict:
    return metrics(ndcg, 0.01)


def test_no_evaluated_shoppers_is_rejected_even_with_a_good_looking_score():
    # With nobody evaluated the scores mean nothing, however they compare.
    ok, reason = als.passes_guard(metrics(0.30, 0.05, users=0), None, **GUARD)

    assert not ok
    assert "no shoppers" in reason


def test_not_beating_the_baseline_by_the_lift_is_rejected():
    # 4% above the baseline, 5% required.
    ok, reason = als.passes_guard(metrics(0.104, 0.100), None, **GUARD)

    assert not ok
    assert "popularity baseline" in reason


def test_beating_the_baseline_with_no_live_version_is_accepted():
    ok, _reason = als.passes_guard(metrics(0.106, 0.100), None, **GUARD)

    assert ok


def test_clearly_worse_than_the_live_version_is_rejected():
    # Beats the baseline, but 20% below the live version (10% tolerated).
    ok, reason = als.passes_guard(metrics(0.16, 0.10), live(0.20), **GUARD)

    assert not ok
    assert "live model" in reason


def test_within_the_tolerance_of_the_live_version_is_accepted():
    # 5% below the live version, 10% tolerated.
    ok, _reason = als.passes_guard(metrics(0.19, 0.10), live(0.20), **GUARD)

    assert ok


@pytest.mark.django_db
def test_a_version_clearly_worse_than_the_live_one_stays_rejected_and_the_live_one_serves(
    seeded_shop,
):
    # Given a live version whose recorded NDCG is far above what the same data can give
    good = recommender_train()
    assert good.is_live, good.note
    inflated = {**good.metrics, "als": {**good.metrics["als"], "ndcg@10": 0.99}}
    ModelVersion.objects.filter(pk=good.pk).update(metrics=inflated)

    # When the same data is trained again (it still beats the baseline)
    again = recommender_train()

    # Then it is rejected for being worse than the live one, which keeps serving
    again.refresh_from_db()
    assert again.status == VersionStatus.REJECTED, again.note
    assert not again.is_live
    assert "live model" in again.note
    assert ModelVersion.objects.get(is_live=True).pk == good.pk
    assert selectors.live_version().id == good.pk
