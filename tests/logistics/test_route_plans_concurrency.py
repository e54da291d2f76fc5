"""Two plannings of the same day at once (the command and the task, or a task delivered twice)
on PostgreSQL with real threads: both finish, and the day keeps exactly one draft, one whole
plan (its stops all its own)."""

import threading
from decimal import Decimal

import pytest

from logistics import services
from logistics.models import Carrier, RoutePlan, RouteStop, RouteVehicle
from logistics.services import routes
from tests.logistics.factories import WarehouseFactory
from tests.logistics.test_route_plans import DAY, shipment
from tests.orders.factories import place_order, variant_in_stock
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_plannings_of_one_day_at_once_leave_one_whole_draft(monkeypatch):
    warehouse = WarehouseFactory(code="sh-1", latitude=Decimal("31.2"), longitude=Decimal("121.45"))
    vans = Carrier.objects.create(code="own-vans", name="Own vans", is_local=True)
    order = place_order((variant_in_stock(), 1))
    for i in range(8):
        shipment(order, warehouse, vans, km=(i, 1))
    # Both threads have removed the day's draft (there is none yet) before either inserts its
    # plan, so the inserts meet; only the first attempt of each waits.
    both_deleted = threading.Barrier(2)
    waited = threading.local()
    insert = routes._plan_insert

    def insert_when_both_deleted(**kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            both_deleted.wait(30)
        return insert(**kwargs)

    monkeypatch.setattr(routes, "_plan_insert", insert_when_both_deleted)

    results = run_together(
        2,
        lambda i: services.route_plan_create(
            warehouse=warehouse, date=DAY, vehicles=1 + i, capacity="50", time_limit=0.3
        ),
    )

    assert all(isinstance(result, RoutePlan) for result in results), results
    draft = RoutePlan.objects.get()
    assert draft.pk in {result.pk for result in results}
    assert RouteStop.objects.filter(plan=draft).count() == RouteStop.objects.count() == 8
    assert RouteVehicle.objects.exclude(plan=draft).count() == 0
