"""Route plans in the shop: which shipments a day's plan takes, that the saved plan keeps the
vans' capacity and the shoppers' slots and has every shipment once, what it says about the ones
it cannot serve, re-planning, the command's errors, the task and the admin page with its map."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from logistics import services
from logistics.models import (
    Carrier,
    RoutePlan,
    RoutePlanStatus,
    RouteStop,
    Shipment,
    ShipmentStatus,
    UnservedReason,
)
from logistics.tasks import plan_routes, plan_routes_today
from tests.accounts.factories import MerchantFactory, StaffFactory, UserFactory
from tests.logistics.factories import WarehouseFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 4)
CENTRE = (31.2304, 121.4737)
numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _quick_solver(settings):
    settings.ROUTES_TIME_LIMIT = 0.3


@pytest.fixture
def warehouse():
    return WarehouseFactory(
        code="sh-1", latitude=Decimal("31.200000"), longitude=Decimal("121.450000")
    )


@pytest.fixture
def vans():
    return Carrier.objects.create(code="own-vans", name="Own vans", is_local=True)


@pytest.fixture
def courier():
    return Carrier.objects.create(code="courier", name="Courier")


@pytest.fixture
def order():
    return place_order((variant_in_stock(), 1))


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def shipment(order, warehouse, carrier, *, km=(1.0, 1.0), grams=2000, slot=None, **fields):
    """A parcel `km` (north, east) of the city centre; `slot` (from, to) as datetimes."""
    north, east = km
    values = {
        "number": f"SH{next(numbers):06d}",
        "order": order,
        "merchant": order.lines.first().merchant if order.lines.exists() else MerchantFactory(),
        "warehouse": warehouse,
        "carrier": carrier,
        "status": ShipmentStatus.PACKING,
        "weight_grams": grams,
        "destination_latitude": CENTRE[0] + north / 111.32,
        "destination_longitude": CENTRE[1] + east / 95.2,
        "promised_date": DAY,
        "window_start": slot[0] if slot else None,
        "window_end": slot[1] if slot else None,
        **fields,
    }
    return Shipment.objects.create(**values)


def create(warehouse, **kwargs):
    given = {"warehouse": warehouse, "date": DAY, "vehicles": 2, "capacity": Decimal("20")}
    return services.route_plan_create(**{**given, **kwargs})


def test_the_plan_takes_the_days_local_deliveries_from_the_warehouse_only(
    warehouse, vans, courier, order
):
    wanted = {
        shipment(order, warehouse, vans).pk,
        shipment(order, warehouse, vans, status=ShipmentStatus.SHIPPED).pk,
        # A slot that day, whatever was promised.
        shipment(order, warehouse, vans, promised_date=None, slot=(at(10), at(12))).pk,
    }
    shipment(order, warehouse, courier)  # not the shop's vans
    shipment(order, WarehouseFactory(code="other"), vans)  # another warehouse
    shipment(order, warehouse, vans, status=ShipmentStatus.DELIVERED)  # already there
    shipment(order, warehouse, vans, promised_date=DAY + dt.timedelta(days=1))  # tomorrow
    shipment(order, warehouse, vans, slot=(at(10, day=DAY + dt.timedelta(days=1)), at(12)))

    plan = create(warehouse)

    assert set(plan.stops.values_list("shipment_id", flat=True)) == wanted


def test_the_saved_plan_keeps_capacity_and_slots_and_has_each_shipment_once(warehouse, vans, order):
    slots = [(at(9), at(11)), (at(14), at(16)), None]
    given = [
        shipment(order, warehouse, vans, km=(i % 5 - 2, i // 5 - 2), grams=3000 + 500 * (i % 4),
                 slot=slots[i % 3])
        for i in range(18)
    ]  # fmt: skip

    plan = create(warehouse, vehicles=4, capacity="20")

    stops = list(plan.stops.select_related("shipment"))
    assert sorted(stop.shipment_id for stop in stops) == sorted(s.pk for s in given)
    assert all(stop.vehicle is not None for stop in stops)
    for van in plan.vehicle_routes.all():
        on_board = [stop for stop in stops if stop.vehicle == van.number]
        assert [stop.sequence for stop in on_board] == list(range(1, len(on_board) + 1))
        assert sum(stop.shipment.weight_grams for stop in on_board) == van.load_grams <= 20_000
        assert on_board[-1].load_after_grams == 0
    for stop in stops:
        if stop.shipment.window_start:
            assert stop.shipment.window_start <= stop.arrival <= stop.shipment.window_end
    assert plan.total_distance_m == sum(v.distance_m for v in plan.vehicle_routes.all()) > 0
    assert plan.status == RoutePlanStatus.DRAFT


def test_shipments_that_cannot_be_served_are_recorded_with_why(warehouse, vans, order):
    served = shipment(order, warehouse, vans)
    # 60 km out, to be there by 08:10: no van leaving at 08:00 can.
    too_far = shipment(order, warehouse, vans, km=(60, 0), slot=(at(8), at(8, 10)))
    nowhere = shipment(order, warehouse, vans, destination_latitude=None)

    plan = create(warehouse)

    reasons = dict(plan.stops.values_list("shipment_id", "unserved_reason"))
    assert reasons == {
        served.pk: "",
        too_far.pk: UnservedReason.UNREACHABLE,
        nowhere.pk: UnservedReason.NO_LOCATION,
    }
    assert RouteStop.objects.get(plan=plan, shipment=too_far).vehicle is None


def test_a_parcel_heavier_than_a_van_is_refused_by_its_number(warehouse, vans, order):
    shipment(order, warehouse, vans)
    heavy = shipment(order, warehouse, vans, grams=25_000)

    with pytest.raises(services.RoutePlanError, match=heavy.number):
        create(warehouse, capacity="20")
    assert not RoutePlan.objects.exists()


def test_a_warehouse_without_coordinates_is_refused(vans, order):
    warehouse = WarehouseFactory(code="nowhere")
    shipment(order, warehouse, vans)

    with pytest.raises(services.RoutePlanError, match="no coordinates"):
        create(warehouse)


def test_replanning_the_day_replaces_its_draft_and_keeps_the_confirmed_plan(warehouse, vans, order):
    shipment(order, warehouse, vans)
    first = create(warehouse)
    services.route_plan_confirm(plan=first, actor=None)
    draft = create(warehouse)

    again = create(warehouse, vehicles=1)

    plans = dict(RoutePlan.objects.values_list("pk", "status"))
    assert plans == {first.pk: RoutePlanStatus.CONFIRMED, again.pk: RoutePlanStatus.DRAFT}
    assert draft.pk not in plans


def test_confirming_a_draft_supersedes_the_days_confirmed_plan(warehouse, vans, order):
    shipment(order, warehouse, vans)
    first = create(warehouse)
    services.route_plan_confirm(plan=first, actor=None)
    second = create(warehouse)

    services.route_plan_confirm(plan=second, actor=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RoutePlanStatus.SUPERSEDED, RoutePlanStatus.CONFIRMED)
    with pytest.raises(services.RoutePlanError):
        services.route_plan_confirm(plan=first, actor=None)


# -- manage.py plan_routes


def run(*args) -> str:
    out = io.StringIO()
    call_command("plan_routes", *args, stdout=out)
    return out.getvalue()


def test_the_command_plans_the_day(warehouse, vans, order):
    parcel = shipment(order, warehouse, vans)

    output = run("--warehouse", "sh-1", "--date", DAY.isoformat(), "--vehicles", "2",
                 "--capacity", "20", "--time-limit", "0.2")  # fmt: skip

    plan = RoutePlan.objects.get()
    assert f"Route plan #{plan.pk}" in output
    assert reverse("admin:logistics_routeplan_change", args=[plan.pk]) in output
    assert plan.stops.get().shipment == parcel
    assert plan.capacity_grams == 20_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--warehouse", "nope"], "Unknown warehouse: nope"),
        (["--date", "2026-13-01"], "Not a date: 2026-13-01"),
        (["--capacity", "heavy"], "Not a capacity in kg: heavy"),
        (["--capacity", "-1"], "Not a capacity in kg: -1"),
        (["--vehicles", "0"], "between 1 and"),
        (["--date", "2026-12-25"], "No local deliveries from sh-1 on 2026-12-25"),
    ],
)
def test_the_command_says_what_is_wrong(warehouse, vans, order, args, message):
    shipment(order, warehouse, vans)
    given = {"--warehouse": "sh-1", "--date": DAY.isoformat(), "--vehicles": "2",
             "--capacity": "20"}  # fmt: skip
    given.update(dict(zip(args[::2], args[1::2], strict=True)))

    with pytest.raises(CommandError, match=message):
        run(*itertools.chain.from_iterable(given.items()))
    assert not RoutePlan.objects.exists()


# -- the tasks


def test_the_task_replaces_the_days_draft(warehouse, vans, order):
    shipment(order, warehouse, vans)

    first = plan_routes(warehouse.pk, DAY.isoformat(), 2, "20")
    second = plan_routes(warehouse.pk, DAY.isoformat(), 2, "20")

    assert first != second
    assert list(RoutePlan.objects.values_list("pk", flat=True)) == [second]


def test_the_task_returns_quietly_when_there_is_nothing_to_plan(warehouse):
    assert plan_routes(warehouse.pk, DAY.isoformat(), 2, "20") is None
    assert plan_routes(999_999, DAY.isoformat(), 2, "20") is None
    assert not RoutePlan.objects.exists()


def test_the_morning_task_plans_today_where_nothing_is_confirmed(settings, vans, order):
    settings.ROUTES_DAILY_VEHICLES, settings.ROUTES_DAILY_CAPACITY_KG = 3, 50
    today = timezone.localdate()
    busy = WarehouseFactory(code="busy", latitude=31.2, longitude=121.45)
    done = WarehouseFactory(code="done", latitude=31.1, longitude=121.4)
    WarehouseFactory(code="idle", latitude=31.3, longitude=121.5)
    for warehouse in (busy, done):
        shipment(order, warehouse, vans, promised_date=today)
    services.route_plan_confirm(
        plan=create(done, date=today), actor=None
    )  # already confirmed: left alone

    assert plan_routes_today() == 1

    draft = RoutePlan.objects.get(status=RoutePlanStatus.DRAFT)
    assert (draft.warehouse, draft.date, draft.vehicles, draft.capacity_grams) == (
        busy,
        today,
        3,
        50_000,
    )


def test_the_morning_plan_is_off_unless_configured(settings):
    assert "logistics-plan-routes-today" not in settings.CELERY_BEAT_SCHEDULE


# -- admin


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def plan(warehouse, vans, order):
    for i in range(6):
        shipment(order, warehouse, vans, km=(i, -i), slot=(at(9), at(12)) if i % 2 else None)
    shipment(order, warehouse, vans, km=(60, 0), slot=(at(8), at(8, 10)))
    return create(warehouse)


def test_the_plan_page_shows_each_vans_stops_and_the_map(client, operator, plan):
    response = client.get(reverse("admin:logistics_routeplan_change", args=[plan.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    map_url = reverse("admin:logistics_routeplan_map", args=[plan.pk])
    assert f'src="{map_url}"' in page
    vans = plan.vehicle_routes.count()
    assert page.count('data-testid="route-van"') == vans
    for stop in plan.stops.filter(vehicle__isnull=False).select_related("shipment"):
        assert stop.shipment.number in page
    assert "Its delivery slot cannot be met from this warehouse" in page
    assert "style=" not in page.split('id="content"')[1]

    svg = client.get(map_url)
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    body = svg.content.decode()
    assert body.count("<polyline") == vans
    assert body.count("<circle") == plan.stops.filter(vehicle__isnull=False).count()
    assert body.count('class="unserved"') == 1


def test_the_plan_list_and_confirming_from_it(client, operator, plan):
    url = reverse("admin:logistics_routeplan_changelist")
    assert client.get(url).status_code == 200

    response = client.post(url, {"action": "confirm_plans", "_selected_action": [plan.pk]})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.confirmed_by) == (RoutePlanStatus.CONFIRMED, operator)


def test_the_plan_list_costs_the_same_queries_however_many_plans(
    client, operator, plan, django_assert_max_num_queries
):
    url = reverse("admin:logistics_routeplan_changelist")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    services.route_plan_confirm(plan=plan, actor=None)
    for _ in range(3):  # each confirmed in turn, superseding the one before
        services.route_plan_confirm(plan=create(plan.warehouse), actor=None)
    assert RoutePlan.objects.count() == 4

    with django_assert_max_num_queries(len(one)):
        assert client.get(url).status_code == 200


def test_merchant_staff_do_not_see_route_plans(client, plan):
    client.force_login(StaffFactory())

    assert client.get(reverse("admin:logistics_routeplan_changelist")).status_code == 403
    change = client.get(reverse("admin:logistics_routeplan_change", args=[plan.pk]))
    assert change.status_code in (302, 403, 404)
    assert client.get(reverse("admin:logistics_routeplan_map", args=[plan.pk])).status_code in (
        403,
        404,
    )
