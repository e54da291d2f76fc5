"""The settings search as the shop runs it: recorded in admin (operators only), the weekly task,
`manage.py tune_recommender`, and the nightly training using the best settings."""

import io
import time
from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from recommendations import als, selectors
from recommendations.models import (
    Interaction,
    InteractionKind,
    ModelVersion,
    ProductNeighbours,
    RecommenderSettings,
    TuningRun,
    TuningStatus,
    TuningTrial,
    VersionStatus,
)
from recommendations.services import tuning
from recommendations.services.serving import recommender_settings_changed
from recommendations.services.training import recommender_train
from recommendations.services.tuning import recommender_params, recommender_tune
from recommendations.tasks import train_recommender, tune_recommender
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

TUNED = {"family": "bpr", "factors": 8, "regularization": 0.01, "alpha": 2.0,
         "learning_rate": 0.05, "iterations": 150, "weighting": "none"}  # fmt: skip


@pytest.fixture
def planted_shop():
    """Four groups of twelve products; each of 120 shoppers bought nine of their group's, one a
    day: what a model learns (the groups) beats the most popular by far."""
    rng = np.random.default_rng(11)
    groups = [
        [ProductFactory(category=category, in_stock=True) for _ in range(12)]
        for category in CategoryFactory.create_batch(4)
    ]
    now = timezone.now()
    rows = []
    for index, user in enumerate(UserFactory.create_batch(120)):
        products = groups[index % 4]
        for day, pick in enumerate(rng.choice(12, 9, replace=False)):
            rows.append(
                Interaction(
                    user=user,
                    product=products[pick],
                    kind=InteractionKind.PURCHASE,
                    created_at=now - timedelta(days=9 - day, minutes=int(rng.integers(0, 600))),
                )
            )
    Interaction.objects.bulk_create(rows)
    return groups


def finished_run(best: dict, **fields) -> TuningRun:
    return TuningRun.objects.create(
        status=TuningStatus.FINISHED,
        finished_at=timezone.now(),
        trials_planned=2,
        trials_done=2,
        best_params=best,
        validation_ndcg=0.31,
        validation_baseline=0.05,
        test_ndcg=0.29,
        test_baseline=0.06,
        **fields,
    )


def test_a_search_records_its_trials_and_best_settings_scored_on_validation_and_test(
    planted_shop,
):
    run = recommender_tune(trials=3, families=["als", "lmf"], budget_seconds=None)

    assert run.status == TuningStatus.FINISHED, run.note
    assert run.trials_done == 3 and run.trials.count() == 3
    trials = list(run.trials.all())
    # The current settings are trial 0; the best is the best on validation.
    assert trials[0].params == als.searched(RecommenderSettings.load().params())
    best = max(trials, key=lambda t: (t.ndcg, -t.number))
    assert run.best_params == best.params
    assert run.validation_ndcg == best.ndcg
    assert run.validation_ndcg > run.validation_baseline
    assert run.test_ndcg is not None and run.test_ndcg > run.test_baseline
    assert run.interactions == 120 * 9
    assert run.seconds > 0


def test_the_nightly_training_uses_the_latest_finished_runs_settings(planted_shop):
    # An older run, a failed one and a running one do not count.
    finished_run({**TUNED, "factors": 4})
    latest = finished_run(TUNED)
    TuningRun.objects.create(status=TuningStatus.FAILED, best_params={**TUNED, "factors": 2})
    TuningRun.objects.create(status=TuningStatus.RUNNING)

    train_recommender()

    version = ModelVersion.objects.get()
    assert version.tuning_run == latest
    assert {k: version.params[k] for k in TUNED} == TUNED
    # The guard still decides for another family.
    assert version.status == VersionStatus.LIVE, version.note
    assert (version.directory / "item_factors.npy").exists()


def test_without_a_tuning_run_or_with_tuning_off_the_settings_own_values_train(planted_shop):
    config = RecommenderSettings.load()
    assert recommender_params() == (config.params(), None)

    finished_run(TUNED)
    RecommenderSettings.objects.filter(pk=config.pk).update(use_tuned=False)
    recommender_settings_changed()
    version = recommender_train(params=None)

    assert version.tuning_run is None
    assert version.params["family"] == "als"
    assert version.params["factors"] == config.factors


def test_the_command_trains_with_the_tuned_settings_and_its_overrides_win(planted_shop):
    run = finished_run(TUNED)
    out = io.StringIO()

    call_command("train_recommender", "--factors", "6", stdout=out)

    version = ModelVersion.objects.get()
    assert version.tuning_run == run
    assert version.params["family"] == "bpr" and version.params["factors"] == 6
    assert f"tuning run #{run.pk}" in out.getvalue()


def test_the_weekly_task_does_not_search_again_right_after_a_search(planted_shop):
    first = tune_recommender()
    second = tune_recommender()

    assert first is not None and second is None
    assert TuningRun.objects.count() == 1


def test_while_a_search_is_under_way_the_command_says_so_and_the_task_does_nothing(planted_shop):
    with tuning._tuning_lock():
        with pytest.raises(CommandError, match="already under way"):
            call_command("tune_recommender", "--trials", "1", stdout=io.StringIO())
        assert tune_recommender() is None
    assert not TuningRun.objects.exists()


def test_the_command_prints_validation_and_test_figures(planted_shop):
    out = io.StringIO()

    call_command("tune_recommender", "--trials", "2", "--families", "als", stdout=out)

    text = out.getvalue()
    run = TuningRun.objects.get()
    assert f"tuning run #{run.pk}: finished" in text
    assert "validation NDCG@10" in text and "test       NDCG@10" in text
    assert TuningTrial.objects.filter(run=run).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trials", "0"], "--trials must be between 1 and"),
        (["--trials", "100000"], "--trials must be between 1 and"),
        (["--families", "als,svd"], "unknown model family svd"),
        (["--families", ","], "unknown model family (none given)"),
        (["--budget", "-5"], "--budget must be 0"),
    ],
)
def test_bad_command_arguments_get_a_clear_message_and_record_nothing(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("tune_recommender", *args, stdout=io.StringIO())
    assert not TuningRun.objects.exists()


def test_a_run_that_died_is_marked_failed_by_the_next(planted_shop):
    dead = TuningRun.objects.create(status=TuningStatus.RUNNING)

    recommender_tune(trials=1, families=["als"])

    dead.refresh_from_db()
    assert dead.status == TuningStatus.FAILED and "did not finish" in dead.note


@pytest.fixture
def recorded_run():
    run = finished_run(TUNED, families=["als", "bpr"], interactions=1080, seconds=12.5)
    TuningTrial.objects.create(
        run=run, number=0, family="als", params={**TUNED, "family": "als"}, ndcg=0.2512,
        baseline=0.05, users=100, seconds=1.2,
    )  # fmt: skip
    TuningTrial.objects.create(
        run=run, number=1, family="bpr", params=TUNED, ndcg=0.31, baseline=0.05, users=100,
        seconds=3.4,
    )  # fmt: skip
    return run


def test_the_operator_sees_the_runs_with_their_figures_and_trials(admin_client, recorded_run):
    listing = admin_client.get(reverse("admin:recommendations_tuningrun_changelist"))
    page = admin_client.get(
        reverse("admin:recommendations_tuningrun_change", args=[recorded_run.pk])
    )

    assert listing.status_code == 200 and page.status_code == 200
    html = listing.content.decode()
    assert "0.3100 (6.20x)" in html and "0.2900 (4.83x)" in html and "2/2" in html
    detail = page.content.decode()
    assert "0.2512" in detail and "bpr" in detail
    # Read-only: nothing to save, add or delete.
    assert 'name="_save"' not in detail
    assert admin_client.get(reverse("admin:recommendations_tuningrun_add")).status_code == 403


def test_merchant_staff_do_not_see_the_tuning_runs(client, recorded_run):
    client.force_login(StaffFactory())

    listing = client.get(reverse("admin:recommendations_tuningrun_changelist"))
    page = client.get(reverse("admin:recommendations_tuningrun_change", args=[recorded_run.pk]))

    assert listing.status_code in (302, 403)
    assert page.status_code in (302, 403)
    index = client.get(reverse("admin:index")).content.decode()
    assert "tuningrun" not in index


def test_a_model_version_shows_the_tuning_run_it_was_trained_with(admin_client, recorded_run):
    version = ModelVersion.objects.create(
        status=VersionStatus.REJECTED,
        params=TUNED,
        tuning_run=recorded_run,
        metrics={"als": {"ndcg@10": 0.2, "users": 5}, "popularity": {"ndcg@10": 0.1, "users": 5}},
    )

    html = admin_client.get(
        reverse("admin:recommendations_modelversion_change", args=[version.pk])
    ).content.decode()

    assert str(recorded_run) in html
    assert "BPR: " in html
    listing = admin_client.get(reverse("admin:recommendations_modelversion_changelist"))
    assert '<td class="field-family">bpr</td>' in listing.content.decode()


def test_a_version_of_another_family_serves_lists_neighbours_and_changed_histories(planted_shop):
    # Given a live BPR version trained with the tuned settings
    finished_run(TUNED)
    version = recommender_train()
    assert version.is_live and version.params["family"] == "bpr", version.note
    group_of = {p.pk: g for g, products in enumerate(planted_shop) for p in products}
    live = selectors.live_version()

    # A shopper it learnt gets their stored list, of their own group's products
    shopper = Interaction.objects.order_by("id").first().user
    own = group_of[Interaction.objects.filter(user=shopper).first().product_id]
    stored = selectors.personal_ids(user=shopper, version=live)
    assert stored and sum(group_of[p] == own for p in stored[:3]) >= 2

    # Products get learnt neighbours of their group (the first two: the lists then let in
    # another category, and here a group is a category)
    neighbours = ProductNeighbours.objects.filter(version=version, source="als")
    assert neighbours.exists()
    same = [group_of[p] == group_of[n.product_id] for n in neighbours for p in n.similar[:2]]
    assert sum(same) >= 0.8 * len(same)

    # A new shopper's history is folded in against the learnt item factors
    newcomer = UserFactory()
    for product in planted_shop[2][:3]:
        Interaction.objects.create(
            user=newcomer, product=product, kind=InteractionKind.PURCHASE, created_at=timezone.now()
        )
    ids = selectors.personal_ids(user=newcomer, version=selectors.live_version())
    assert ids and sum(group_of[p] == 2 for p in ids[:5]) >= 4


def test_merchant_staff_see_which_run_tuned_a_version_without_a_link_they_cannot_open(
    client, admin_client, recorded_run
):
    version = ModelVersion.objects.create(
        status=VersionStatus.REJECTED,
        params=TUNED,
        tuning_run=recorded_run,
        metrics={"als": {"ndcg@10": 0.2, "users": 5}, "popularity": {"ndcg@10": 0.1, "users": 5}},
    )
    page = reverse("admin:recommendations_modelversion_change", args=[version.pk])
    run_url = reverse("admin:recommendations_tuningrun_change", args=[recorded_run.pk])
    client.force_login(StaffFactory())

    staff_html = client.get(page).content.decode()
    operator_html = admin_client.get(page).content.decode()

    assert str(recorded_run) in staff_html and run_url not in staff_html
    assert client.get(run_url).status_code in (302, 403)
    assert f'href="{run_url}"' in operator_html


def test_an_item_item_version_serves_lists_neighbours_changed_histories_and_explanations(
    planted_shop,
):
    # Given a live item-item (cosine) version trained with the tuned settings
    finished_run({"family": "item_cosine", "knn": 20, "weighting": "none"})
    version = recommender_train()
    assert version.is_live and version.params["family"] == "item_cosine", version.note
    assert version.metrics["als"]["ndcg@10"] > version.metrics["popularity"]["ndcg@10"]
    group_of = {p.pk: g for g, products in enumerate(planted_shop) for p in products}
    live = selectors.live_version()

    # A shopper it learnt gets their stored list, of their own group's products
    shopper = Interaction.objects.order_by("id").first().user
    own = group_of[Interaction.objects.filter(user=shopper).first().product_id]
    stored = selectors.personal_ids(user=shopper, version=live)
    assert stored and sum(group_of[p] == own for p in stored[:3]) >= 2
    # ... and the same from what the model stored of them
    loaded = selectors.loaded_model(live)
    assert isinstance(loaded.model, als.ItemItem)
    again = als.stored_user_top(loaded, shopper.pk, n=10)
    assert sum(group_of[p] == own for p in again[:5]) >= 4

    # Products get neighbours of their group from the item-item similarity
    neighbours = ProductNeighbours.objects.filter(version=version, source="als")
    same = [group_of[p] == group_of[n.product_id] for n in neighbours for p in n.similar[:2]]
    assert same and sum(same) >= 0.8 * len(same)

    # A new shopper's history is scored against the similarity, no factors needed
    newcomer = UserFactory()
    for product in planted_shop[2][:3]:
        Interaction.objects.create(
            user=newcomer, product=product, kind=InteractionKind.PURCHASE, created_at=timezone.now()
        )
    ids = selectors.personal_ids(user=newcomer, version=selectors.live_version())
    assert ids and sum(group_of[p] == 2 for p in ids[:5]) >= 4
    assert not {p.pk for p in planted_shop[2][:3]} & set(ids)

    # Each pick is explained by the newcomer's own products
    from recommendations.selectors.explain import explain_for_user

    _slot, explained = explain_for_user(user=newcomer)
    bought = {p.name for p in planted_shop[2][:3]}
    assert explained and all({name for name, _s in e.because} <= bought for e in explained)
    assert any(e.because for e in explained)

    # No item factors to re-rank by the session with: a list keeps its own order
    from recommendations.selectors.slots import serving_state, session_ordered

    Interaction.objects.create(
        session_key="browsing", product=planted_shop[1][0], kind=InteractionKind.VIEW,
        created_at=timezone.now(),
    )  # fmt: skip
    cache.clear()
    state = serving_state(user=None, session_key="browsing")
    assert state.seen.session(now=time.time())
    order = [p.pk for p in planted_shop[3][:4]] + [p.pk for p in planted_shop[1][1:4]]
    assert session_ordered(state, order) == order
