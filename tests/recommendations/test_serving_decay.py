"""Serving ages interactions from the newest one in the data, as training does, never from the
clock: a log that ended years ago serves the same lists as the same log ending today."""

from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from recommendations import als, selectors
from recommendations.models import Interaction, InteractionKind, ModelVersion
from recommendations.services.serving import model_version_publish
from recommendations.services.trending import recommender_refresh_trending
from tests.accounts.factories import UserFactory

from .factors import live_model

pytestmark = pytest.mark.django_db

YEARS = timedelta(days=3 * 365)


def recalculated_list(shoes, socks, *, shift: timedelta) -> list[int]:
    """A shopper's list recomputed from their history at serving time (their history changed
    since training), for a log that ended `shift` ago: shoes bought two years before its end,
    socks viewed the day before it, a pair put in the cart since the training."""
    end = timezone.now() - timedelta(hours=1) - shift
    trained = end + timedelta(minutes=10)
    live_model(shoes, socks, trained_until=trained, data_until=end.timestamp())
    shopper = UserFactory()
    rows = [
        *((shoe, InteractionKind.PURCHASE, end - timedelta(days=730)) for shoe in shoes[:3]),
        (socks[0], InteractionKind.VIEW, end - timedelta(days=1)),
        (socks[1], InteractionKind.CART, trained + timedelta(minutes=5)),
    ]
    for product, kind, at in rows:
        Interaction.objects.create(user=shopper, product=product, kind=kind, created_at=at)
    cache.clear()
    version = selectors.live_version()
    return selectors.personal_ids(user=shopper, version=version)


def test_a_log_ending_years_ago_serves_the_same_recalculated_list_as_one_ending_today(clusters):
    shoes, socks = clusters
    today = recalculated_list(shoes, socks, shift=timedelta(0))
    Interaction.objects.all().delete()

    years_ago = recalculated_list(shoes, socks, shift=YEARS)

    assert today[0] in {p.pk for p in socks}  # the recent socks outweigh the old shoes
    assert years_ago == today


def test_a_log_ending_years_ago_still_trends(make_product):
    shoe, boot = make_product(), make_product()
    buyer = UserFactory()
    live = model_version_publish(
        version=ModelVersion.objects.create(status="training", trained_until=timezone.now())
    )
    end = timezone.now() - YEARS
    for _ in range(3):
        Interaction.objects.create(
            user=buyer, product=shoe, kind=InteractionKind.PURCHASE, created_at=end
        )
    Interaction.objects.create(  # bought in bulk, but long before the log's last weeks
        user=buyer,
        product=boot,
        kind=InteractionKind.PURCHASE,
        value=50,
        created_at=end - timedelta(days=40),
    )

    assert recommender_refresh_trending() == 1
    live.refresh_from_db()
    assert live.trending["all"] == [shoe.pk]


def test_the_shoppers_with_a_precomputed_list_do_not_depend_on_when_the_log_ended():
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(1, 41), 8)
    products = rng.integers(1, 30, len(users))
    # each shopper active in their own day, five days after the previous one's
    stamps = 1_700_000_000.0 + users * 5 * als.DAY + rng.uniform(0, als.DAY, len(users))
    now = float(stamps.max())

    def rows(shift: float):
        events = als.Events(
            users.copy(),
            products.copy(),
            np.full(len(users), als.KIND_CODE["view"], dtype=np.int8),
            np.ones(len(users), dtype=np.int64),
            stamps - shift,
        )
        params = als.Params(factors=4, iterations=2, min_support=1)
        return als.train(events, now=now, params=params).user_rows

    today = rows(0.0)

    assert 0 < len(today) < 40  # the active window leaves some shoppers out
    assert np.array_equal(rows(3 * 365 * als.DAY), today)
