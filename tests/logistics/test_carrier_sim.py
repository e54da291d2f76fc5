"""The simulated carrier: realistic journeys, reported as signed events through the webhook's
service, at most once each, never dated in the future."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import regions
from logistics import carrier_sim, tasks
from logistics.models import ShipmentEventType as T
from logistics.models import ShipmentStatus as S
from tests.logistics.factories import WarehouseFactory, shipped_shipment

pytestmark = pytest.mark.django_db


def city(province: str, name: str) -> regions.Region:
    found = carrier_sim._city_named(province, name)
    assert found is not None
    return found


def carrier_events(shipment):
    return list(shipment.events.exclude(external_id="").order_by("occurred_at", "id"))


def test_a_long_trip_goes_through_provincial_capitals_between_origin_and_destination():
    shanghai, chengdu = city("上海市", "上海市"), city("四川省", "成都市")
    capitals = {c.code for c in carrier_sim._capitals()}
    direct = carrier_sim._km(shanghai, chengdu)

    for seed in range(20):
        hubs = carrier_sim.route_hubs(shanghai, chengdu, random.Random(seed))

        assert 1 <= len(hubs) <= 3
        assert all(hub.code in capitals for hub in hubs)
        assert all(carrier_sim._km(shanghai, hub) < direct for hub in hubs)
        out = [carrier_sim._km(shanghai, hub) for hub in hubs]
        assert out == sorted(out)  # in travel order


def test_a_short_trip_goes_through_a_city_on_the_way():
    shanghai, hangzhou = city("上海市", "上海市"), city("浙江省", "杭州市")

    hubs = carrier_sim.route_hubs(shanghai, hangzhou, random.Random(1))

    assert len(hubs) == 1
    detour = carrier_sim._km(shanghai, hubs[0]) + carrier_sim._km(hubs[0], hangzhou)
    assert detour - carrier_sim._km(shanghai, hangzhou) <= carrier_sim.DETOUR_MIN_KM


def test_the_journey_ends_out_for_delivery_then_delivered_at_the_destination():
    shanghai, wuhan = city("上海市", "上海市"), city("湖北省", "武汉市")

    stages = carrier_sim.journey(shanghai, wuhan, rng=random.Random(3), exception_rate=0)

    assert stages[0].status == "picked_up" and stages[0].city == "上海市"
    assert [s.status for s in stages[-3:]] == ["arrived", "out_for_delivery", "delivered"]
    assert {s.city for s in stages[-3:]} == {"武汉市"}
    assert all(s.status == "in_transit" for s in stages[1:-3])


def test_the_simulator_delivers_a_shipment_through_signed_webhook_events():
    shipment = shipped_shipment()

    steps = carrier_sim.carrier_sim_run(until=S.DELIVERED, steps=None, exception_rate=0)

    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
    events = carrier_events(shipment)
    assert next(e.type for e in events) == T.PICKED_UP
    assert [e.type for e in events][-2:] == [T.OUT_FOR_DELIVERY, T.DELIVERED]
    assert T.IN_TRANSIT in {e.type for e in events}
    assert events[0].city == "上海市" and events[-1].city == "杭州市"
    # Recorded by the webhook's service, with the carrier's own event ids.
    assert all(e.params.get("carrier_status") for e in events)
    assert [e.external_id for e in events] == [
        f"sim-{shipment.number}-{i}" for i in range(1, len(events) + 1)
    ]
    assert [str(s.result.outcome) for s in steps] == ["applied"] * len(steps)
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    assert max(times) <= timezone.now()


def test_running_the_simulator_again_reports_nothing_new():
    shipment = shipped_shipment()
    carrier_sim.carrier_sim_run(until=S.DELIVERED, steps=None, exception_rate=0)
    count = shipment.events.count()

    again = carrier_sim.carrier_sim_run(steps=None, exception_rate=0)

    assert again == []
    assert shipment.events.count() == count


def test_one_step_at_a_time():
    shipment = shipped_shipment()

    carrier_sim.carrier_sim_run(steps=1, exception_rate=0)
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    assert [e.type for e in carrier_events(shipment)] == [T.PICKED_UP]

    carrier_sim.carrier_sim_run(steps=1, exception_rate=0)
    assert len(carrier_events(shipment)) == 2


def test_due_only_reports_stages_hours_apart_as_they_fall_due():
    shipped = timezone.now() - timedelta(days=6)
    shipment = shipped_shipment(shipped_at=shipped)

    carrier_sim.carrier_sim_run(steps=None, due_only=True, exception_rate=0)

    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
    times = [shipped] + [e.occurred_at for e in carrier_events(shipment)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= timedelta(hours=1) for gap in gaps)
    out = next(e for e in carrier_events(shipment) if e.type == T.OUT_FOR_DELIVERY)
    assert 8 <= timezone.localtime(out.occurred_at).hour <= 9  # the morning round


def test_due_only_waits_for_a_stage_that_is_not_due():
    shipment = shipped_shipment(shipped_at=timezone.now() - timedelta(minutes=5))

    assert carrier_sim.carrier_sim_run(steps=None, due_only=True, exception_rate=0) == []
    shipment.refresh_from_db()
    assert shipment.status == S.SHIPPED


def test_a_failed_attempt_is_followed_by_another_round_then_delivery():
    shipment = shipped_shipment()

    carrier_sim.carrier_sim_run(until=S.DELIVERED, steps=None, exception_rate=1.0)

    types = [e.type for e in carrier_events(shipment)]
    assert types[-4:] == [T.OUT_FOR_DELIVERY, T.EXCEPTION, T.OUT_FOR_DELIVERY, T.DELIVERED]
    problem = next(e for e in carrier_events(shipment) if e.type == T.EXCEPTION)
    assert problem.params["reason"] in {"recipient_absent", "address_problem"}
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED


def test_the_same_seed_plans_the_same_journey(settings):
    settings.CARRIER_SIM_SEED = "demo"
    first = shipped_shipment(tracking_number="A1")
    second = shipped_shipment(tracking_number="A2")
    second.number = first.number  # what the plan depends on: the number and the seed

    assert carrier_sim.journey(
        *carrier_sim._ends(first), rng=carrier_sim._rng(first), exception_rate=0.5
    ) == carrier_sim.journey(
        *carrier_sim._ends(second), rng=carrier_sim._rng(second), exception_rate=0.5
    )


def test_shipments_of_real_carriers_are_left_alone():
    from tests.logistics.factories import CarrierFactory

    shipment = shipped_shipment(carrier=CarrierFactory(code="sf", name="SF Express"))

    assert carrier_sim.carrier_sim_run(steps=None) == []
    shipment.refresh_from_db()
    assert shipment.status == S.SHIPPED


def test_a_warehouse_found_by_its_coordinates_when_its_city_is_not_in_the_table():
    warehouse = WarehouseFactory(
        code="odd", city="Pudong", province="Shanghai", latitude=31.2, longitude=121.5
    )
    shipment = shipped_shipment(warehouse=warehouse)

    origin, destination = carrier_sim._ends(shipment)

    assert (origin.name, destination.name) == ("上海市", "杭州市")


def test_the_command_delivers_one_shipment(settings):
    from io import StringIO

    settings.CARRIER_SIM_EXCEPTION_RATE = 0
    shipment = shipped_shipment()
    other = shipped_shipment(tracking_number="OTHER1")
    out = StringIO()

    call_command(
        "simulate_carrier", "--shipment", shipment.number, "--until", "delivered", stdout=out
    )

    shipment.refresh_from_db()
    other.refresh_from_db()
    assert shipment.status == S.DELIVERED
    assert other.status == S.SHIPPED
    assert f"{shipment.number}: delivered 杭州市" in out.getvalue()


def test_the_command_refuses_an_unknown_shipment():
    with pytest.raises(CommandError, match="No shipment"):
        call_command("simulate_carrier", "--shipment", "NOPE")


def test_the_beat_task_reports_what_is_due(settings):
    settings.CARRIER_SIM_EXCEPTION_RATE = 0
    shipment = shipped_shipment(shipped_at=timezone.now() - timedelta(days=6))

    assert tasks.simulate_carrier.delay() is not None

    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
