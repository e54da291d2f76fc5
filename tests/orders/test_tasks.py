"""The expiry of unpaid orders as operations run it: a periodic task on the beat schedule, carried
out by a real Celery worker against the test database."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from logistics.models import Stock
from orders.models import Order, OrderEventType
from orders.models import OrderStatus as S
from orders.tasks import cancel_expired_unpaid
from shop.celery import app
from tests.orders.factories import place_order, variant_in_stock
from tests.worker import wait_for


def test_the_expiry_task_runs_every_minute_on_the_beat_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    entries = [entry for entry in schedule if entry["task"] == cancel_expired_unpaid.name]

    assert cancel_expired_unpaid.name == "orders.cancel_expired_unpaid"
    assert cancel_expired_unpaid.name in app.tasks
    assert [entry["schedule"] for entry in entries] == [60.0]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_cancels_an_expired_order_and_releases_its_stock(live_worker):
    variant = variant_in_stock(price="30.00", quantity=5)
    order = place_order((variant, 2))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Stock.objects.get(variant=variant).allocated == 2

    cancel_expired_unpaid.delay()

    wait_for(lambda: Order.objects.get(pk=order.pk).status == S.CANCELLED, live_worker)
    assert Stock.objects.get(variant=variant).allocated == 0
    assert order.events.filter(to_status=S.CANCELLED, type=OrderEventType.EXPIRED).count() == 1
    assert any("orders.cancel_expired_unpaid" in line for line in live_worker.lines)
