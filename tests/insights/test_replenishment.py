"""Replenishment plans: demand read from real orders, the plan's money and limits, accepting it
as purchase orders (once), the worker's job, the admin pages and the command, each scoped to
the merchant, and bad input answered with a message."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from insights.models import InsightJob, JobStatus, ReplenishmentPlan, ReplenishmentPlanStatus
from insights.selectors.replenishment import daily_demand
from insights.services import replenishment as services
from logistics.models import PurchaseOrder, PurchaseOrderStatus, SupplyTerms
from orders import services as order_services
from orders.models import Order
from tests.accounts.factories import StaffFactory
from tests.logistics.factories import StockFactory, WarehouseFactory
from tests.orders.factories import paid_order, place_order, variant_in_warehouses

pytestmark = pytest.mark.django_db


def backdate(order: Order, days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(created_at=when)


def selling(merchant, *, sku, price="100.00", cost="40.00", stock=5, lead=7, case=1, wh="main"):
    """A variant of `merchant` at warehouse `wh` with supply terms."""
    variant = variant_in_warehouses(merchant=merchant, sku=sku, **{wh: stock})
    variant.price = Decimal(price)
    variant.save(update_fields=["price"])
    SupplyTerms.objects.create(
        variant=variant, unit_cost=Decimal(cost), lead_time_days=lead, case_pack=case
    )
    return variant


def sell(variant, *, units: int, days_ago: int) -> Order:
    order = place_order((variant, units))
    backdate(order, days_ago)
    return order


def test_demand_is_what_was_ordered_from_the_warehouse_allocated_or_shipped_not_cancelled(
    merchant_a,
):
    variant = variant_in_warehouses(merchant=merchant_a, sku="A-1", main=100)
    held = sell(variant, units=2, days_ago=3)
    shipped = paid_order((variant, 3))
    order_services.order_ship(order=shipped, actor=None)
    backdate(shipped, 5)
    cancelled = sell(variant, units=4, days_ago=2)
    order_services.order_cancel(order=cancelled, actor=None, reason="changed my mind")
    warehouse = variant.stock.get().warehouse
    today = timezone.localdate()

    series = daily_demand(warehouse_id=warehouse.pk, start=today - dt.timedelta(days=6), end=today)

    assert held.lines.get().allocations.get().quantity == 2  # still allocated, not shipped
    assert series[variant.pk] == [0, 3.0, 0, 2.0, 0, 0, 0]  # 5 and 3 days ago; not the cancelled


def test_a_plan_from_real_orders_forecasts_and_reorders_what_sells(merchant_a):
    fast = selling(merchant_a, sku="A-FAST", stock=60)
    slow = selling(merchant_a, sku="A-SLOW", stock=60)
    for days_ago in range(1, 29):
        sell(fast, units=2, days_ago=days_ago)
    sell(slow, units=1, days_ago=10)
    warehouse = fast.stock.get().warehouse

    plan = services.replenishment_plan_make(
        warehouse=warehouse, merchant=merchant_a, budget="10000"
    )

    lines = {line.sku: line for line in plan.lines.all()}
    assert lines["A-FAST"].available == 60 - 56
    assert lines["A-FAST"].velocity > lines["A-SLOW"].velocity > 0
    assert lines["A-FAST"].suggested > 0 and lines["A-FAST"].chosen > 0
    assert lines["A-SLOW"].suggested == 0  # 59 available is far above its reorder point
    assert lines["A-FAST"].reorder_point == pytest.approx(
        lines["A-FAST"].velocity * 7 + lines["A-FAST"].safety_stock, rel=0.35
    )


def test_the_plan_spends_within_budget_and_room_and_its_money_adds_up(merchant_a):
    variants = [
        selling(merchant_a, sku=f"A-{i}", cost=str(20 + 15 * i), price=str(60 + 20 * i), stock=0)
        for i in range(4)
    ]
    for variant in variants:
        for days_ago in range(1, 15):
            sell_units = 1 + variant.pk % 3
            variant.stock.update(quantity=variant.stock.get().quantity + sell_units)
            sell(variant, units=sell_units, days_ago=days_ago)
    warehouse = variants[0].stock.get().warehouse
    warehouse.capacity_units = sum(v.stock.get().quantity for v in variants) + 40
    warehouse.save(update_fields=["capacity_units"])

    plan = services.replenishment_plan_make(
        warehouse=warehouse, merchant=merchant_a, budget=Decimal("1500.00")
    )

    lines = list(plan.lines.all())
    cost = sum((line.unit_cost * line.chosen for line in lines), Decimal("0"))
    assert isinstance(plan.cost, Decimal) and plan.cost == cost
    assert plan.cost <= Decimal("1500.00")
    assert plan.room == 40 and plan.units == sum(line.chosen for line in lines) <= 40
    assert plan.objective == sum((line.expected_margin for line in lines), Decimal("0"))
    assert plan.objective >= plan.greedy_objective


def test_a_merchants_plan_holds_only_its_own_variants(merchant_a, merchant_b):
    mine = selling(merchant_a, sku="A-MINE", stock=0)
    theirs = selling(merchant_b, sku="B-THEIRS", stock=0)
    for variant in (mine, theirs):
        variant.stock.update(quantity=20)
        sell(variant, units=3, days_ago=4)
    warehouse = mine.stock.get().warehouse

    plan = services.replenishment_plan_make(warehouse=warehouse, merchant=merchant_a, budget="500")
    shop_wide = services.replenishment_plan_make(warehouse=warehouse, merchant=None, budget="500")

    assert set(plan.lines.values_list("sku", flat=True)) == {"A-MINE"}
    assert set(shop_wide.lines.values_list("sku", flat=True)) == {"A-MINE", "B-THEIRS"}


def _plan_that_orders(merchant, *, sku="A-ORDER", lead=5):
    variant = selling(merchant, sku=sku, stock=0, lead=lead, cost="30.00")
    variant.stock.update(quantity=30)
    for days_ago in range(1, 15):
        sell(variant, units=2, days_ago=days_ago)
    warehouse = variant.stock.get().warehouse
    plan = services.replenishment_plan_make(warehouse=warehouse, merchant=merchant, budget="3000")
    assert plan.units > 0
    return plan, variant


def test_accepting_writes_a_purchase_order_with_expected_receipts_and_twice_makes_one(
    merchant_a,
):
    plan, variant = _plan_that_orders(merchant_a, lead=5)
    staff = StaffFactory(merchant=merchant_a)

    orders, created = services.replenishment_plan_accept(plan=plan, actor=staff)
    again, created_again = services.replenishment_plan_accept(plan=plan, actor=staff)

    assert created == 1 and created_again == 0
    assert [o.pk for o in again] == [o.pk for o in orders]
    assert PurchaseOrder.objects.count() == 1
    order = orders[0]
    assert order.status == PurchaseOrderStatus.ORDERED and order.merchant == merchant_a
    line = order.lines.get()
    assert line.variant == variant and line.quantity == plan.units
    assert line.expected_on == timezone.localdate() + dt.timedelta(days=5)
    assert order.total_cost == plan.cost
    plan.refresh_from_db()
    assert plan.status == ReplenishmentPlanStatus.ACCEPTED and plan.accepted_by == staff
    # What is now on order counts in the next plan's position.
    follow = services.replenishment_plan_make(
        warehouse=plan.warehouse, merchant=merchant_a, budget="3000"
    )
    assert follow.lines.get(sku="A-ORDER").on_order == plan.units


def test_a_shop_wide_plan_makes_one_purchase_order_per_merchant(merchant_a, merchant_b):
    a = selling(merchant_a, sku="A-X", stock=0)
    b = selling(merchant_b, sku="B-X", stock=0)
    for variant in (a, b):
        variant.stock.update(quantity=30)
        for days_ago in range(1, 15):
            sell(variant, units=2, days_ago=days_ago)
    plan = services.replenishment_plan_make(
        warehouse=a.stock.get().warehouse, merchant=None, budget="5000"
    )

    orders, _created = services.replenishment_plan_accept(plan=plan, actor=None)

    assert {o.merchant_id for o in orders} == {merchant_a.pk, merchant_b.pk}
    for order in orders:
        merchant = order.merchant_id
        assert {line.variant.product.merchant_id for line in order.lines.all()} == {merchant}


def test_a_plan_that_orders_nothing_cannot_be_accepted(merchant_a):
    variant = selling(merchant_a, sku="A-IDLE", stock=100)
    plan = services.replenishment_plan_make(
        warehouse=variant.stock.get().warehouse, merchant=merchant_a, budget="100"
    )
    with pytest.raises(services.ReplenishmentError):
        services.replenishment_plan_accept(plan=plan, actor=None)
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"budget": "-1"}, "cannot be negative"),
        ({"budget": "lots"}, "amount of money"),
        ({"budget": "10", "service_level": "1.5"}, "between 0.5 and 0.999"),
        ({"budget": "10", "horizon_days": 2}, "between 7 and 365"),
    ],
)
def test_bad_plan_inputs_are_refused_with_a_message(params, message):
    warehouse = WarehouseFactory()
    with pytest.raises(services.ReplenishmentError, match=message):
        services.replenishment_plan_make(warehouse=warehouse, merchant=None, **params)


def test_the_worker_computes_the_plan_and_reports_its_progress(merchant_a):
    variant = selling(merchant_a, sku="A-JOB", stock=10)
    sell(variant, units=2, days_ago=3)
    staff = StaffFactory(merchant=merchant_a)

    job = services.replenishment_plan_request(
        warehouse=variant.stock.get().warehouse, merchant=merchant_a, budget="100", user=staff
    )
    from insights.tasks.replenishment import plan_replenishment

    plan_id = plan_replenishment(job.pk)
    job.refresh_from_db()

    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.result["plan_id"] == plan_id
    plan = ReplenishmentPlan.objects.get(pk=plan_id)
    assert plan.merchant == merchant_a and plan.created_by == staff
    assert plan_replenishment(job.pk) is None  # a redelivered task plans nothing twice
    assert ReplenishmentPlan.objects.count() == 1


# --- admin ------------------------------------------------------------------------------------

PLANNING = "/admin/insights/replenishmentplan/plan/"


def test_merchant_staff_plan_their_own_variants_whatever_merchant_they_post(
    client, merchant_a, merchant_b, django_capture_on_commit_callbacks
):
    variant = selling(merchant_a, sku="A-PAGE", stock=10)
    sell(variant, units=2, days_ago=3)
    warehouse = variant.stock.get().warehouse
    staff = StaffFactory(merchant=merchant_a)
    client.force_login(staff)

    page = client.get(PLANNING)
    assert page.status_code == 200
    assert b'name="merchant"' not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PLANNING,
            {"warehouse": warehouse.pk, "merchant": merchant_b.pk, "budget": "500",
             "service_level": "0.95", "horizon_days": "28"},
        )  # fmt: skip

    assert response.status_code == 302
    job = InsightJob.objects.get()
    assert job.merchant == merchant_a and job.status == JobStatus.DONE
    plan = ReplenishmentPlan.objects.get()
    assert plan.merchant == merchant_a
    page = client.get(PLANNING)
    assert f"#{plan.pk}".encode() in page.content


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"budget": "-5"}, "The budget cannot be negative."),
        ({"budget": "5", "warehouse": "999999"}, "Choose an active warehouse."),
        ({"budget": "5", "service_level": "2"}, "between 0.5 and 0.999"),
    ],
)
def test_the_planning_form_answers_bad_input_with_a_message(client, posted, message):
    warehouse = WarehouseFactory()
    staff = StaffFactory()
    client.force_login(staff)
    data = {"warehouse": warehouse.pk, "service_level": "0.95", "horizon_days": "28", **posted}

    page = client.post(PLANNING, data)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not InsightJob.objects.exists()


def test_merchant_staff_see_and_accept_only_their_own_plans(client, merchant_a, merchant_b):
    own, _variant = _plan_that_orders(merchant_a, sku="A-OWN")
    other, _other_variant = _plan_that_orders(merchant_b, sku="B-OTHER")
    staff = StaffFactory(merchant=merchant_a)
    client.force_login(staff)

    listing = client.get("/admin/insights/replenishmentplan/")
    assert {p.pk for p in listing.context["cl"].result_list} == {own.pk}
    page = client.get(f"/admin/insights/replenishmentplan/{own.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "A-OWN" in content and "B-OTHER" not in content
    assert "<svg" in content and "<script" not in content.split("<svg", 1)[1].split("</svg>")[0]
    # The warehouse's room left would tell the other merchants' stock: not shown to staff.
    assert "Room left" not in content
    assert client.get(f"/admin/insights/replenishmentplan/{other.pk}/change/").status_code == 404
    assert client.post(f"/admin/insights/replenishmentplan/{other.pk}/accept/").status_code == 404
    # The list action on a crafted selection: another merchant's plan is not in the queryset.
    client.post(
        "/admin/insights/replenishmentplan/",
        {"action": "accept_plans", "_selected_action": [own.pk, other.pk]},
    )
    assert list(PurchaseOrder.objects.values_list("merchant_id", flat=True)) == [merchant_a.pk]
    # Planning page: B's plan is not listed either.
    assert f"#{other.pk}<" not in client.get(PLANNING).content.decode()


def test_accepting_from_the_plan_page_twice_makes_one_order(client, merchant_a):
    plan, _variant = _plan_that_orders(merchant_a)
    client.force_login(StaffFactory(merchant=merchant_a))

    first = client.post(f"/admin/insights/replenishmentplan/{plan.pk}/accept/", follow=True)
    second = client.post(f"/admin/insights/replenishmentplan/{plan.pk}/accept/", follow=True)

    assert first.status_code == second.status_code == 200
    assert PurchaseOrder.objects.count() == 1
    assert "already accepted" in second.content.decode()


def test_the_plan_page_and_list_run_a_fixed_number_of_queries(
    client, merchant_a, django_assert_max_num_queries
):
    plan, _variant = _plan_that_orders(merchant_a)
    for i in range(3):
        _plan_that_orders(merchant_a, sku=f"A-MORE-{i}")
    client.force_login(StaffFactory(merchant=merchant_a))
    with django_assert_max_num_queries(25):
        assert client.get(f"/admin/insights/replenishmentplan/{plan.pk}/change/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(PLANNING).status_code == 200


# --- the command -------------------------------------------------------------------------------


def test_the_command_prints_the_plan_and_lp_against_greedy_for_one_merchant(merchant_a, merchant_b):
    a = selling(merchant_a, sku="A-CMD", stock=0)
    b = selling(merchant_b, sku="B-CMD", stock=0)
    for variant in (a, b):
        variant.stock.update(quantity=20)
        for days_ago in range(1, 15):
            sell(variant, units=1, days_ago=days_ago)
    out = StringIO()

    call_command(
        "plan_replenishment", "--warehouse", "main", "--merchant", "alpha", "--budget", "5000",
        "--accept", stdout=out,
    )  # fmt: skip

    text = out.getvalue()
    assert "A-CMD" in text and "B-CMD" not in text
    assert "greedy reorder" in text
    plan = ReplenishmentPlan.objects.get()
    assert f"expected margin {plan.objective}" in text
    assert PurchaseOrder.objects.get().merchant == merchant_a


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--warehouse", "nowhere", "--budget", "10"], "Unknown warehouse: nowhere."),
        (["--warehouse", "main", "--budget", "-10"], "The budget cannot be negative."),
        (["--warehouse", "main", "--budget", "10", "--merchant", "nobody"], "Unknown merchant"),
    ],
)
def test_the_command_answers_bad_input_with_a_message(args, message):
    StockFactory(warehouse=WarehouseFactory(code="main"))
    with pytest.raises(CommandError, match=message):
        call_command("plan_replenishment", *args, stdout=StringIO())


def test_the_planning_page_shows_a_running_computation_and_what_it_is_doing(client, merchant_a):
    from insights.jobs import job_progress, job_started
    from insights.models import JobKind

    staff = StaffFactory(merchant=merchant_a)
    job = InsightJob.objects.create(
        kind=JobKind.REPLENISHMENT, merchant=merchant_a, params={"warehouse": "main"}
    )
    job_started(job.pk, total=10)
    job_progress(job.pk, done=4, step="forecasting")
    client.force_login(staff)

    page = client.get(PLANNING).content.decode()

    assert 'value="40"' in page and "Forecasting demand" in page
    assert 'http-equiv="refresh"' in page
