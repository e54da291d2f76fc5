"""With a shared Redis cache (services mode) the funnel's product views are not written in the
request: they go to a Redis list with their session, decided at once from the visitor's state in
the cache, and the `insights.flush_views` task drains the list into the table in bulk. The
embedded mode writes them after the response, as before; sessions come out the same either way."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.funnel.markov import SESSION_GAP
from insights.models import EventKind, ShopperEvent
from insights.services import funnel
from insights.services.funnel import (
    BUFFER_KEY,
    STATE_KEY,
    STATE_SECONDS,
    _micros,
    shopper_events_record,
    shopper_view_note,
    shopper_views_flush_buffer,
    shopper_views_flush_pending,
    visitor_session_starts,
)
from insights.tasks import flush_views
from recommendations.store import redis_client, shared_cache
from shop.celery import app
from tests.accounts.factories import PASSWORD, UserFactory
from tests.orders.factories import variant_in_stock
from tests.orders.test_concurrency import run_together

pytestmark = pytest.mark.django_db

services_only = pytest.mark.skipif(
    not shared_cache(), reason="views are buffered only in a shared Redis cache (services pass)"
)


@pytest.fixture(autouse=True)
def _no_views_noted_before():
    """Views noted by a test that sent the signal outside a request are not this test's."""
    funnel._pending.views = []


def buffered() -> list[bytes]:
    return redis_client().lrange(cache.make_key(BUFFER_KEY), 0, -1)


def signed_in(client):
    shopper = UserFactory()
    client.force_login(shopper)
    return shopper


@services_only
def test_views_wait_in_the_buffer_until_the_flush_task_writes_them_once(client):
    product = variant_in_stock().product
    shopper = signed_in(client)

    client.get(product.get_absolute_url())
    client.get(product.get_absolute_url())

    assert not ShopperEvent.objects.exists()
    assert len(buffered()) == 2

    assert flush_views() == 2

    written = ShopperEvent.objects.order_by("created_at")
    assert [(e.visitor, e.kind, e.product_id, e.merchant_id) for e in written] == [
        (f"u{shopper.pk}", EventKind.VIEW, product.pk, product.merchant_id)
    ] * 2
    assert written[0].session_start == written[1].session_start == written[0].created_at
    assert buffered() == []
    assert flush_views() == 0
    assert ShopperEvent.objects.count() == 2


def test_a_buffered_view_a_cart_addition_and_a_flushed_view_are_one_session(client):
    variant = variant_in_stock()
    signed_in(client)

    client.get(variant.product.get_absolute_url())
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    client.get(variant.product.get_absolute_url())
    flush_views()

    events = list(ShopperEvent.objects.order_by("created_at"))
    assert [e.kind for e in events] == [EventKind.VIEW, EventKind.CART, EventKind.VIEW]
    assert {e.session_start for e in events} == {events[0].created_at}


@pytest.mark.parametrize(("minutes_ago", "same_session"), [(10, True), (40, False)])
def test_a_visitor_the_cache_does_not_know_is_placed_from_the_table(
    client, minutes_ago, same_session
):
    product = variant_in_stock().product
    shopper = signed_in(client)
    began = timezone.now() - timedelta(minutes=minutes_ago + 5)
    earlier = ShopperEvent.objects.create(
        visitor=f"u{shopper.pk}",
        session_start=began,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        kind=EventKind.CART,
        user=shopper,
        product=product,
    )

    client.get(product.get_absolute_url())
    flush_views()

    view = ShopperEvent.objects.get(kind=EventKind.VIEW)
    assert (view.session_start == earlier.session_start) is same_session
    if not same_session:
        assert view.session_start == view.created_at


def test_views_of_the_visit_before_signing_in_join_the_shopper_s_session(client):
    variant = variant_in_stock()
    shopper = UserFactory()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    client.get(variant.product.get_absolute_url())  # a visitor's view, buffered in services mode

    client.post(reverse("accounts:login"), {"username": shopper.email, "password": PASSWORD})
    client.get(variant.product.get_absolute_url())
    flush_views()

    events = ShopperEvent.objects.order_by("created_at")
    assert [(e.visitor, e.user_id, e.kind) for e in events] == [
        (f"u{shopper.pk}", shopper.pk, EventKind.CART),
        (f"u{shopper.pk}", shopper.pk, EventKind.VIEW),
        (f"u{shopper.pk}", shopper.pk, EventKind.VIEW),
    ]
    assert events.values("session_start").distinct().count() == 1


def test_signing_in_continues_the_visit_not_the_shopper_s_other_device(client):
    variant = variant_in_stock()
    shopper = UserFactory()
    # The shopper's phone a moment ago, then this browser's visit, anonymous until the login.
    shopper_events_record(
        visitor=f"u{shopper.pk}",
        rows=[{"kind": EventKind.VIEW, "user_id": shopper.pk, "product_id": variant.product_id}],
    )
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    client.post(reverse("accounts:login"), {"username": shopper.email, "password": PASSWORD})
    client.get(variant.product.get_absolute_url())
    flush_views()

    phone, cart, view = ShopperEvent.objects.order_by("created_at")
    assert cart.kind == EventKind.CART and view.kind == EventKind.VIEW
    assert view.session_start == cart.session_start != phone.session_start


@services_only
def test_the_cache_places_events_in_sessions_as_the_table_would():
    visitor = "u999"
    t0 = timezone.now()
    at = [t0 + timedelta(minutes=m) for m in (0, 10, 45, 50)]

    starts = [visitor_session_starts(visitor=visitor, times=[t])[0] for t in at]
    # An event older than the latest session's start (a very slow request) starts its own, as
    # the table's latest event would make it; the next event still continues the latest session.
    late = visitor_session_starts(visitor=visitor, times=[at[2] - timedelta(seconds=1)])
    after = visitor_session_starts(visitor=visitor, times=[at[3] + timedelta(minutes=1)])

    assert starts == [t0, t0, at[2], at[2]]
    assert late == [at[2] - timedelta(seconds=1)]
    assert after == [at[2]]
    ttl = redis_client().ttl(cache.make_key(STATE_KEY.format(visitor)))
    assert SESSION_GAP.total_seconds() < ttl <= STATE_SECONDS


def test_an_event_recorded_late_within_the_latest_sessions_span_is_in_that_session():
    """A view sent after a later event of its visitor (another worker's batch held it, or its
    request ended late) is in the session it happened in, from the cache or from the table."""
    visitor = "u998"
    t0 = timezone.now() - timedelta(minutes=20)
    for minutes in (0, 10):
        ShopperEvent.objects.create(
            visitor=visitor,
            session_start=t0,
            created_at=t0 + timedelta(minutes=minutes),
            kind=EventKind.VIEW,
        )

    [late] = visitor_session_starts(visitor=visitor, times=[t0 + timedelta(minutes=5)])
    [before] = visitor_session_starts(visitor=visitor, times=[t0 - timedelta(minutes=1)])
    [next_one] = visitor_session_starts(visitor=visitor, times=[t0 + timedelta(minutes=12)])

    assert late == t0
    assert before == t0 - timedelta(minutes=1)
    assert next_one == t0


@services_only
def test_a_batch_that_cannot_be_written_goes_back_to_the_head_of_the_buffer(client, monkeypatch):
    products = [variant_in_stock().product for _ in range(3)]
    signed_in(client)
    for product in products:
        client.get(product.get_absolute_url())
    waiting = buffered()

    def broken(*args, **kwargs):
        raise RuntimeError("the events table is locked")

    with monkeypatch.context() as patch:
        patch.setattr(ShopperEvent.objects, "bulk_create", broken)
        with pytest.raises(RuntimeError):
            shopper_views_flush_buffer(batch=2)

    assert buffered() == waiting
    assert shopper_views_flush_buffer(batch=2) == 3
    assert [e.product_id for e in ShopperEvent.objects.order_by("created_at")] == [
        p.pk for p in products
    ]


@services_only
def test_views_of_a_deleted_product_or_shopper_are_dropped_the_rest_kept():
    kept, gone = variant_in_stock().product, variant_in_stock().product
    stays, leaves = UserFactory(), UserFactory()
    for shopper, product in ((stays, kept), (stays, gone), (leaves, kept)):
        shopper_view_note(
            visitor=f"u{shopper.pk}", user_id=shopper.pk, product_id=product.pk, channel="web"
        )
    shopper_views_flush_pending()
    gone.delete()
    leaves.delete()

    assert flush_views() == 1
    assert list(ShopperEvent.objects.values_list("user_id", "product_id")) == [(stays.pk, kept.pk)]
    assert buffered() == []


@services_only
def test_a_signed_in_shopper_s_product_page_runs_no_insights_sql(client):
    product = variant_in_stock().product
    signed_in(client)
    client.get(product.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert [q["sql"] for q in queries if "insights_" in q["sql"]] == []
    assert len(buffered()) == 2


def test_a_view_that_cannot_be_recorded_never_breaks_the_page(client, monkeypatch):
    product = variant_in_stock().product
    signed_in(client)

    def unreachable(**kwargs):
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr(funnel, "visitor_session_starts", unreachable)
    response = client.get(product.get_absolute_url())
    flush_views()

    assert response.status_code == 200
    assert not ShopperEvent.objects.exists()


def test_the_beat_flushes_the_buffered_views_every_five_seconds():
    assert settings.CELERY_BEAT_SCHEDULE["insights-flush-views"] == {
        "task": "insights.flush_views",
        "schedule": 5.0,
    }
    assert "insights.flush_views" in app.tasks


@services_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_flushes_at_once_write_every_view_once():
    product = variant_in_stock().product
    shoppers = UserFactory.create_batch(3)
    for i in range(1_500):
        shopper = shoppers[i % 3]
        shopper_view_note(
            visitor=f"u{shopper.pk}", user_id=shopper.pk, product_id=product.pk, channel="web"
        )
    shopper_views_flush_pending()
    waiting = sorted((row[0], row[4]) for row in map(json.loads, buffered()))

    results = run_together(2, lambda i: shopper_views_flush_buffer(batch=100))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 1_500
    written = ShopperEvent.objects.values_list("visitor", "created_at")
    assert sorted((visitor, _micros(at)) for visitor, at in written) == waiting
    assert buffered() == []


@services_only
def test_a_view_is_buffered_with_the_recommenders_writes_and_after_a_redis_restart(client):
    """The session script goes in the pipeline the recommender's writes are sent in, once the
    response has gone (recommendations.store.send_after_response); when Redis no longer holds the
    script (restarted, flushed) the view is sent again on its own, which loads it."""
    product = variant_in_stock().product
    shopper = signed_in(client)
    client.get(product.get_absolute_url())
    redis_client(write=True).script_flush()

    client.get(product.get_absolute_url())
    flush_views()

    views = ShopperEvent.objects.filter(visitor=f"u{shopper.pk}", kind=EventKind.VIEW)
    assert views.count() == 2
    assert len({view.session_start for view in views}) == 1


@services_only
def test_writes_that_cannot_be_sent_after_the_response_never_break_the_page(
    client, monkeypatch, caplog
):
    import redis

    product = variant_in_stock().product
    signed_in(client)

    def unreachable(self, *args, **kwargs):
        raise redis.ConnectionError("Redis is gone")

    monkeypatch.setattr(redis.client.Pipeline, "execute", unreachable)
    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert "held until the response had gone" in caplog.text
