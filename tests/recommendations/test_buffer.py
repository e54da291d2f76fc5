"""With a shared Redis cache (services mode) product views are not written in the request: they
go to a Redis buffer that the `recommendations.flush_interactions` task drains into the table in
bulk, and the shopper's cached history is updated at once."""

import os
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from insights.models import EventKind, ShopperEvent
from insights.tasks import flush_views
from recommendations import selectors
from recommendations.models import Interaction, InteractionKind, VersionStatus
from recommendations.selectors.lists import stored_top
from recommendations.services.buffer import (
    BUFFER_KEY,
    interactions_flush_buffer,
    interactions_flush_pending,
)
from recommendations.services.recording import interaction_record_view
from recommendations.services.serving import (
    KEEP_RESULTS,
    model_version_cache_results,
    model_versions_prune,
)
from recommendations.store import lists_hash, redis_client
from recommendations.tasks import flush_interactions
from tests.accounts.factories import UserFactory
from tests.worker import wait_for


@pytest.fixture
def redis_cache(settings, redis_url):
    """The default cache on Redis, under a key prefix of its own (removed afterwards)."""
    prefix = f"test-buffer-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "shop.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    }
    yield settings
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def buffered() -> int:
    return redis_client().llen(cache.make_key(BUFFER_KEY))


@pytest.mark.django_db
def test_a_view_is_buffered_not_written_and_the_flush_task_inserts_it(
    client, make_product, redis_cache
):
    product = make_product()
    shopper = UserFactory()
    client.force_login(shopper)

    client.get(product.get_absolute_url())
    client.get(product.get_absolute_url() + "?src=search")

    # Nothing written in the request; the history the slots read already has the view.
    assert not Interaction.objects.exists()
    assert buffered() == 2
    assert selectors.history(user=shopper, session_key=None).viewed[0] == product.pk

    assert flush_interactions() == 2

    kinds = sorted(Interaction.objects.filter(user=shopper).values_list("kind", flat=True))
    assert kinds == [InteractionKind.SEARCH_CLICK, InteractionKind.VIEW]
    assert buffered() == 0


@pytest.mark.django_db
def test_a_view_the_history_it_changes_and_the_funnels_event_go_to_redis_in_one_round_trip(
    client, make_product, redis_cache, monkeypatch
):
    seen_before, product = make_product(), make_product()
    shopper = UserFactory()
    client.force_login(shopper)
    client.get(seen_before.get_absolute_url())  # the shopper's history is cached from here on
    pipelines, single = [], []
    execute, command = redis.client.Pipeline.execute, redis.Redis.execute_command

    def pipeline_execute(self, *args, **kwargs):
        pipelines.append([str(c[0][0]).upper() for c in self.command_stack])
        return execute(self, *args, **kwargs)

    def execute_command(self, *args, **kwargs):
        single.append(str(args[0]).upper())
        return command(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline_execute)
    monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
    client.get(product.get_absolute_url())

    assert ["RPUSH", "SET", "EVALSHA"] in pipelines
    assert "RPUSH" not in single and "EVALSHA" not in single
    assert selectors.history(user=shopper, session_key=None).viewed == [product.pk, seen_before.pk]
    assert buffered() == 2
    flush_views()
    viewed = ShopperEvent.objects.filter(visitor=f"u{shopper.pk}", kind=EventKind.VIEW)
    assert sorted(viewed.values_list("product_id", flat=True)) == sorted(
        [seen_before.pk, product.pk]
    )


@pytest.mark.django_db
def test_thousands_of_buffered_views_all_reach_the_table(make_product, redis_cache):
    products = [make_product() for _ in range(3)]
    shoppers = UserFactory.create_batch(4)
    expected = {}
    for i in range(12_345):
        shopper, product = shoppers[i % 4], products[i % 3]
        interaction_record_view(user_id=shopper.pk, session_key="", product_id=product.pk)
        expected[(shopper.pk, product.pk)] = expected.get((shopper.pk, product.pk), 0) + 1
        if i % 1000 == 999:
            interactions_flush_pending()
    interactions_flush_pending()
    assert buffered() == 12_345

    # Three batches of 5,000 at most: every view arrives once.
    assert interactions_flush_buffer(batch=5000) == 12_345

    got = {}
    for user_id, product_id in Interaction.objects.values_list("user_id", "product_id"):
        got[(user_id, product_id)] = got.get((user_id, product_id), 0) + 1
    assert got == expected
    assert buffered() == 0
    assert interactions_flush_buffer() == 0


@pytest.mark.django_db
def test_views_of_a_deleted_product_or_shopper_are_dropped_the_rest_kept(make_product, redis_cache):
    kept, gone = make_product(), make_product()
    stays, leaves = UserFactory(), UserFactory()
    for shopper, product in ((stays, kept), (stays, gone), (leaves, kept)):
        interaction_record_view(user_id=shopper.pk, session_key="", product_id=product.pk)
    interactions_flush_pending()
    gone.delete()
    leaves.delete()

    assert interactions_flush_buffer() == 1
    assert list(Interaction.objects.values_list("user_id", "product_id")) == [(stays.pk, kept.pk)]


@pytest.mark.django_db
def test_views_still_buffered_at_login_join_the_account(client, make_product, redis_cache):
    product = make_product()
    shopper = UserFactory(email="bea@example.com")
    shopper.set_password("a-good-password-1")
    shopper.save()
    client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 1})
    client.get(product.get_absolute_url())
    assert buffered() == 1

    client.post(
        reverse("accounts:login"), {"username": "bea@example.com", "password": "a-good-password-1"}
    )
    # Recently viewed already shows it, before the buffer is flushed.
    assert selectors.history(user=shopper, session_key=None).viewed == [product.pk]
    flush_interactions()

    assert not Interaction.objects.filter(user=None).exists()
    assert Interaction.objects.filter(
        user=shopper, product=product, kind=InteractionKind.VIEW
    ).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the worker shares the web's cache only on Redis"
)
def test_the_worker_drains_the_buffer(client, make_product, live_worker):
    product = make_product()
    shopper = get_user_model().objects.create_user(email="cy@example.com", password="x")
    client.force_login(shopper)
    for _ in range(3):
        client.get(product.get_absolute_url())
    assert not Interaction.objects.exists()

    flush_interactions.delay()

    wait_for(lambda: Interaction.objects.filter(user=shopper).count() == 3, live_worker)


@pytest.mark.django_db
def test_published_lists_are_served_from_redis_hashes_and_pruned_with_their_version(
    make_product, redis_cache
):
    from recommendations.models import ModelVersion, ProductNeighbours, UserRecommendation
    from tests.recommendations.test_serving import live_version_with

    products = [make_product() for _ in range(4)]
    shopper = UserFactory()
    top = [products[1].pk, products[2].pk]
    version = live_version_with(
        user=shopper,
        top=top,
        neighbours={products[0].pk: ([products[3].pk], [products[1].pk, products[2].pk])},
    )
    assert model_version_cache_results(version_id=version.pk) == 2
    # The tables are not read again: the lists come from the hashes.
    UserRecommendation.objects.all().delete()
    ProductNeighbours.objects.all().delete()

    live = selectors.live_version()
    assert stored_top(live, shopper) == top
    slots = selectors.product_slots(product_id=products[0].pk)
    assert [p.pk for p in slots.also_bought] == [products[3].pk]
    assert [p.pk for p in slots.similar] == [products[1].pk, products[2].pk]

    # Once the version is old enough to lose its results, its hashes go too.
    for _ in range(KEEP_RESULTS):
        newer = ModelVersion.objects.create(
            status=VersionStatus.REJECTED, trained_until=version.trained_until, params={}
        )
    ModelVersion.objects.filter(pk=version.pk).update(is_live=False, status=VersionStatus.RETIRED)
    model_versions_prune()
    assert not redis_client().exists(lists_hash("top", version.pk))
    assert newer.pk != version.pk


@pytest.mark.django_db
def test_a_cart_addition_keeps_buffered_views_in_the_history(
    client, make_product, redis_cache, django_capture_on_commit_callbacks
):
    viewed, added = make_product(), make_product()
    shopper = UserFactory()
    client.force_login(shopper)
    client.get(viewed.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cart:add"), {"variant": added.variants.first().pk, "quantity": 1})

    seen = selectors.history(user=shopper, session_key=None)
    assert seen.viewed == [viewed.pk]  # still only in the buffer, not in the table
    assert not Interaction.objects.filter(kind=InteractionKind.VIEW).exists()
