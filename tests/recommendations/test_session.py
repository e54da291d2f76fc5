"""The session re-rank: the home, product and cart slots put first what is like the products
viewed in the current session (item factors of the live model), for signed-in shoppers and
anonymous sessions alike, without a query more; and nothing else changes: no session, no model
or the setting at 0 keep the lists' own order, and what a list leaves out stays out."""

import time
from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from recommendations import selectors
from recommendations.als.session import (
    SESSION_GAP,
    recency_weights,
    rerank,
    session_run,
    session_similarity,
)
from recommendations.history import History
from recommendations.models import (
    Interaction,
    InteractionKind,
    ProductNeighbours,
    RecommenderSettings,
    UserRecommendation,
)
from recommendations.services.serving import recommender_settings_changed
from tests.accounts.factories import UserFactory

from .factors import live_model

pytestmark = pytest.mark.django_db


def view(*, product, user=None, session_key="", ago: timedelta = timedelta(minutes=1)):
    Interaction.objects.create(
        user=user,
        session_key=session_key,
        product=product,
        kind=InteractionKind.VIEW,
        created_at=timezone.now() - ago,
    )
    cache.clear()  # the cached history is rebuilt from the table


def shown(products) -> list[int]:
    return [p.pk for p in products]


# The maths


def test_a_session_is_the_run_of_views_without_a_long_gap_ending_now():
    now = 10_000.0
    times = [now - 60, now - 600, now - 1200, now - 1200 - SESSION_GAP - 1, now - 5000]

    assert session_run(times, now=now) == 3
    assert session_run([now - SESSION_GAP - 1], now=now) == 0  # over: not the current session
    assert session_run([], now=now) == 0


def test_the_re_rank_puts_first_what_points_the_way_of_the_session_newest_views_first():
    factors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    # Viewed 2 (just now) and 0 (before): the newest view counts most.
    similarity = session_similarity(factors, [2, 0], recency_weights(2), [0, 1, 3, -1])

    assert similarity[2] > similarity[1] and similarity[2] > similarity[0]
    assert similarity[3] == 0  # a product the model does not know
    assert rerank([10, 11, 13, 14], similarity, strength=1.0) == [10, 13, 11, 14]
    assert rerank([10, 11, 13, 14], similarity, strength=0.0) == [10, 11, 13, 14]


def test_the_history_keeps_when_each_product_was_viewed_newest_first():
    history = History()
    history.view(1, 100.0)
    history.view(2, 200.0)
    history.view(1, 300.0)

    assert history.viewed == [1, 2]
    assert history.viewed_at == (300.0, 200.0)
    assert history.session(now=300.0 + 60) == [1, 2]
    assert history.session(now=300.0 + SESSION_GAP + 1) == []


def test_a_history_cached_before_the_times_were_kept_has_no_session():
    history = History(viewed=[3, 4])  # as unpickled from an older cache entry

    history.view(5, time.time())

    assert history.viewed == [5, 3, 4]
    assert history.session(now=time.time()) == []


# The slots


def test_home_slot_moves_up_what_is_like_the_products_viewed_in_this_session(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    shopper = UserFactory()
    UserRecommendation.objects.create(
        version=version, user=shopper, product_ids=shown([*shoes, *socks[:3]])
    )
    before = selectors.for_you(user=shopper, session_key=None, limit=4)
    assert shown(before.products) == shown(shoes)

    view(user=shopper, product=socks[3])
    after = selectors.for_you(user=shopper, session_key=None, limit=4)

    assert after.personal
    assert shown(after.products) == [*shown(socks[:3]), shoes[0].pk]


def test_without_a_session_or_with_the_setting_at_zero_the_order_is_the_lists_own(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    shopper = UserFactory()
    order = shown([socks[0], shoes[0], socks[1], shoes[1], socks[2], shoes[2]])
    UserRecommendation.objects.create(version=version, user=shopper, product_ids=order)
    # Views of an earlier session (hours ago) are history, not the current session.
    view(user=shopper, product=socks[3], ago=timedelta(hours=3))

    assert shown(selectors.for_you(user=shopper, session_key=None, limit=6).products) == order

    view(user=shopper, product=shoes[3])
    settings = RecommenderSettings.load()
    settings.session_strength = 0
    settings.save()
    recommender_settings_changed()
    assert shown(selectors.for_you(user=shopper, session_key=None, limit=6).products) == order


def test_without_the_model_files_the_slots_fall_back_to_the_lists_order(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    (version.directory / "item_factors.npy").unlink()
    shopper = UserFactory()
    order = shown([*shoes, *socks[:3]])
    UserRecommendation.objects.create(version=version, user=shopper, product_ids=order)
    view(user=shopper, product=socks[3])

    assert shown(selectors.for_you(user=shopper, session_key=None, limit=7).products) == order


def test_what_the_shopper_bought_or_rated_badly_never_comes_back_with_the_session(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    shopper = UserFactory()
    UserRecommendation.objects.create(
        version=version, user=shopper, product_ids=shown([*shoes, *socks[:3]])
    )
    ProductNeighbours.objects.create(
        version=version,
        product_id=shoes[0].pk,
        also_bought=[],
        similar=shown([*shoes[1:], *socks]),
        source="als",
    )
    Interaction.objects.create(user=shopper, product=socks[0], kind=InteractionKind.PURCHASE)
    Interaction.objects.create(user=shopper, product=socks[1], kind=InteractionKind.REVIEW, value=1)
    view(user=shopper, product=socks[3])

    home = shown(selectors.for_you(user=shopper, session_key=None, limit=6).products)
    cart = shown(selectors.complete_purchase(product_ids=[shoes[0].pk], user=shopper))

    assert home[0] == socks[2].pk
    assert cart[:2] == shown([socks[2], socks[3]])
    assert socks[0].pk not in home + cart and socks[1].pk not in home + cart


def test_an_anonymous_session_re_ranks_what_is_trending(client, clusters):
    shoes, socks = clusters
    live_model(shoes, socks)
    client.get("/")  # a page that starts a session
    session = client.session
    session["seen"] = True
    session.save()
    key = session.session_key
    assert shown(selectors.for_you(user=None, session_key=key, limit=4).products) == shown(shoes)

    view(session_key=key, product=socks[2])
    slot = selectors.for_you(user=None, session_key=key, limit=4)

    assert not slot.personal
    assert set(shown(slot.products)) == set(shown(socks))


def test_the_product_page_similar_items_follow_the_session(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    similar = shown([*shoes[1:], *socks])
    ProductNeighbours.objects.create(
        version=version, product_id=shoes[0].pk, also_bought=[], similar=similar, source="als"
    )
    assert shown(selectors.product_slots(product_id=shoes[0].pk, limit=3).similar) == similar[:3]

    view(session_key="s" * 32, product=socks[3])
    slots = selectors.product_slots(product_id=shoes[0].pk, session_key="s" * 32, limit=3)

    assert shown(slots.similar) == shown(socks[:3])


def test_the_cart_suggestions_follow_the_session(clusters):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    ProductNeighbours.objects.create(
        version=version,
        product_id=shoes[0].pk,
        also_bought=[],
        similar=shown([*shoes[1:], *socks]),
        source="als",
    )
    alone = selectors.complete_purchase(product_ids=[shoes[0].pk], user=None, limit=3)
    assert shown(alone) == shown(shoes[1:])

    view(session_key="c" * 32, product=socks[0])
    cart = selectors.complete_purchase(
        product_ids=[shoes[0].pk], user=None, session_key="c" * 32, limit=3
    )

    assert shown(cart) == shown(socks[:3])


def test_the_re_rank_costs_no_query(clusters, django_assert_num_queries):
    shoes, socks = clusters
    version = live_model(shoes, socks)
    shopper, other = UserFactory(), UserFactory()
    for user in (shopper, other):
        UserRecommendation.objects.create(
            version=version, user=user, product_ids=shown([*shoes, *socks[:3]])
        )
    view(user=shopper, product=socks[3])
    for user in (shopper, other):  # the caches warm: history, list, settings, live version
        selectors.for_you(user=user, session_key=None, limit=4)

    with django_assert_num_queries(1):  # the cards (not cached in tests)
        without = selectors.for_you(user=other, session_key=None, limit=4)
    with django_assert_num_queries(1):
        with_session = selectors.for_you(user=shopper, session_key=None, limit=4)

    assert shown(without.products) == shown(shoes)
    assert shown(with_session.products)[0] == socks[0].pk
