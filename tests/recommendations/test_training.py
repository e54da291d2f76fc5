"""Training through a real Celery worker, the evaluation guard, and recovering a planted taste."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from recommendations import selectors
from recommendations.models import (
    Interaction,
    InteractionKind,
    ModelVersion,
    ProductNeighbours,
    RecommenderSettings,
    UserRecommendation,
    VersionStatus,
)
from recommendations.services import training
from recommendations.services.serving import model_version_publish
from recommendations.services.training import recommender_train
from recommendations.tasks import train_recommender
from tests.worker import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_trains_a_live_version_that_learnt_the_planted_pairs(
    live_worker, seeded_shop
):
    # Given a seeded shop where buyers of A often buy B
    # When the worker runs the training task
    train_recommender.delay()
    wait_for(
        lambda: ModelVersion.objects.exclude(status=VersionStatus.TRAINING).exists(),
        live_worker,
        timeout=120,
    )
    # Then a live version exists with its evaluation next to the baseline
    version = ModelVersion.objects.get()
    assert version.status == VersionStatus.LIVE, version.note
    assert version.is_live
    als_metrics, baseline = version.metrics["als"], version.metrics["popularity"]
    for name in ("precision@10", "recall@10", "map@10", "ndcg@10", "coverage"):
        assert name in als_metrics and name in baseline
    assert als_metrics["ndcg@10"] > baseline["ndcg@10"]
    assert version.users > 0 and version.products > 0 and version.interactions > 0
    assert version.seconds > 0 and "fit" in version.stages
    assert UserRecommendation.objects.filter(version=version).exists()
    assert ProductNeighbours.objects.filter(version=version).exists()
    assert (version.directory / "item_factors.npy").exists()

    # And a new shopper who buys A is recommended B (their vector recomputed from the purchase)
    recovered = 0
    pairs = seeded_shop.co_purchases[:10]
    for a, b in pairs:
        shopper = get_user_model().objects.create_user(email=f"new-{a}@example.com", password="x")
        Interaction.objects.create(
            user=shopper, product_id=a, kind=InteractionKind.PURCHASE, created_at=timezone.now()
        )
        ids = selectors.personal_ids(user=shopper, version=selectors.live_version())
        recovered += b in ids[:10]
    assert recovered >= len(pairs) * 0.7, f"{recovered} of {len(pairs)} planted pairs recovered"


@pytest.mark.django_db
def test_a_bad_model_on_shuffled_data_does_not_go_live(seeded_shop):
    # Given a good live version
    good = recommender_train()
    assert good.is_live, good.note
    # And the history shuffled: every interaction points at a random product
    products = list(Interaction.objects.values_list("product_id", flat=True))
    import random

    random.Random(3).shuffle(products)
    rows = list(Interaction.objects.only("id", "product_id"))
    for row, product_id in zip(rows, products, strict=True):
        row.product_id = product_id
    Interaction.objects.bulk_update(rows, ["product_id"], batch_size=2000)

    # When a deliberately bad model (one factor, one iteration) is trained on it
    params = RecommenderSettings.load().params(factors=1, iterations=1, refit_iterations=1)
    bad = recommender_train(params=params)

    # Then it is kept for inspection, rejected, and the good one stays live
    bad.refresh_from_db()
    assert bad.status == VersionStatus.REJECTED
    assert not bad.is_live
    assert bad.metrics["als"]["ndcg@10"] < good.metrics["als"]["ndcg@10"]
    assert ModelVersion.objects.get(is_live=True) == good
    assert selectors.live_version().id == good.pk


@pytest.mark.django_db
def test_a_failed_run_leaves_the_live_version_untouched(seeded_shop, monkeypatch):
    good = recommender_train()
    assert good.is_live

    def crash(*args, **kwargs):
        raise MemoryError("worker killed")

    monkeypatch.setattr(training.als, "train", crash)
    with pytest.raises(MemoryError):
        recommender_train()
    failed = ModelVersion.objects.exclude(pk=good.pk).get()
    assert failed.status == VersionStatus.FAILED and not failed.is_live
    assert ModelVersion.objects.get(is_live=True) == good


@pytest.mark.django_db
def test_publishing_switches_the_live_version_in_one_step(seeded_shop):
    first = recommender_train()
    second = ModelVersion.objects.create(status=VersionStatus.TRAINING)
    model_version_publish(version=second)
    first.refresh_from_db()
    assert not first.is_live and first.status == VersionStatus.RETIRED
    assert ModelVersion.objects.filter(is_live=True).get() == second


@pytest.mark.django_db
def test_train_if_missing_trains_once_for_a_new_shop(seeded_shop):
    out = io.StringIO()
    call_command("train_recommender", "--if-missing", stdout=out)
    assert ModelVersion.objects.get().is_live, out.getvalue()

    call_command("train_recommender", "--if-missing", stdout=out)
    assert ModelVersion.objects.count() == 1
    assert "live already" in out.getvalue()
