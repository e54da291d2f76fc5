"""Replenishment plans, and the only code that writes them: `replenishment_plan_request`
checks what was asked and queues the computation (the worker runs
`replenishment_plan_make` with its progress), `replenishment_plan_make` forecasts each
variant's demand, applies the reorder rule and solves the purchasing programme (maths:
insights/replenishment/), and `replenishment_plan_accept` turns the chosen quantities into
purchase orders through logistics' services, once."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from logistics.models import PurchaseOrder, PurchaseOrderStatus, Warehouse

from .. import locks
from ..models import JobKind, ReplenishmentLine, ReplenishmentPlan, ReplenishmentPlanStatus
from ..replenishment import forecast as fc
from ..replenishment import lp
from ..selectors import replenishment as selectors

if TYPE_CHECKING:
    from accounts.models import Merchant, User

    from ..models import InsightJob

CENT = Decimal("0.01")
HISTORY_WEEKS = 8
DEFAULT_SERVICE_LEVEL = Decimal("0.95")
DEFAULT_HORIZON_DAYS = 28
DEFAULT_REVIEW_DAYS = 7
MAX_BUDGET = Decimal("9999999999.99")
PROGRESS_EVERY = 200


class ReplenishmentError(DomainError):
    """A plan that cannot be made or accepted; the message says why."""


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def replenishment_params_check(
    *, budget, service_level, horizon_days: int
) -> tuple[Decimal, Decimal, int]:
    """The inputs of a plan as numbers, or ReplenishmentError saying what is wrong."""
    try:
        budget = Decimal(str(budget))
    except (InvalidOperation, ValueError):
        raise ReplenishmentError(_("The budget must be an amount of money.")) from None
    if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
        raise ReplenishmentError(_("The budget cannot be negative."))
    try:
        service_level = Decimal(str(service_level))
    except (InvalidOperation, ValueError):
        raise ReplenishmentError(_("The service level is a share such as 0.95.")) from None
    if not service_level.is_finite() or not Decimal("0.5") <= service_level <= Decimal("0.999"):
        raise ReplenishmentError(_("The service level must be between 0.5 and 0.999."))
    if not 7 <= int(horizon_days) <= 365:
        raise ReplenishmentError(_("The horizon must be between 7 and 365 days."))
    return budget.quantize(CENT), service_level, int(horizon_days)


def replenishment_plan_request(
    *,
    warehouse: Warehouse,
    merchant: Merchant | None,
    budget,
    service_level=DEFAULT_SERVICE_LEVEL,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    user: User | None,
) -> InsightJob:
    """Check the inputs and queue the plan's computation for the worker; returns its job."""
    from ..jobs import job_queue
    from ..tasks.replenishment import plan_replenishment

    budget, service_level, horizon_days = replenishment_params_check(
        budget=budget, service_level=service_level, horizon_days=horizon_days
    )
    return job_queue(
        kind=JobKind.REPLENISHMENT,
        task=plan_replenishment,
        merchant=merchant,
        user=user,
        params={
            "warehouse_id": warehouse.pk,
            "warehouse": warehouse.code,
            "budget": str(budget),
            "service_level": str(service_level),
            "horizon_days": horizon_days,
        },
    )


def _repair(items: list[lp.Item], chosen: dict[int, int], *, budget: Decimal, room, costs):
    """Exact money: drop cases of the least rewarding items while the Decimal cost exceeds the
    budget (the solver works in floating point) or the units exceed the room."""
    by_key = {item.key: item for item in items}

    def cost() -> Decimal:
        return sum((costs[k] * q for k, q in chosen.items()), Decimal("0"))

    while chosen and (cost() > budget or (room is not None and sum(chosen.values()) > room)):
        worst = min(chosen, key=lambda k: by_key[k].unit_margin / max(by_key[k].unit_cost, 1e-9))
        chosen[worst] -= max(1, by_key[worst].case_pack)
        if chosen[worst] <= 0:
            del chosen[worst]
    return chosen


def replenishment_plan_make(
    *,
    warehouse: Warehouse,
    merchant: Merchant | None,
    budget,
    service_level=DEFAULT_SERVICE_LEVEL,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    review_days: int = DEFAULT_REVIEW_DAYS,
    actor: User | None = None,
    progress: Callable[..., None] | None = None,
    today: dt.date | None = None,
) -> ReplenishmentPlan:
    """Plan the warehouse's reorders of `merchant`'s variants (every merchant's when None):
    forecast each stocked variant's demand from the last HISTORY_WEEKS weeks, apply the reorder
    rule at `service_level`, choose quantities maximising expected margin within `budget` and
    the warehouse's room, and compare with the greedy reorder. Writes the plan and its lines."""
    budget, service_level, horizon_days = replenishment_params_check(
        budget=budget, service_level=service_level, horizon_days=horizon_days
    )
    report = progress or (lambda *args, **kwargs: None)
    today = today or timezone.localdate()
    end = today - dt.timedelta(days=1)
    start = end - dt.timedelta(days=HISTORY_WEEKS * 7 - 1)
    merchant_id = merchant.pk if merchant is not None else None
    report(0, 1, "reading demand")
    demand = selectors.daily_demand(
        warehouse_id=warehouse.pk, start=start, end=end, merchant_id=merchant_id
    )
    # Only what sold here or is on order can need a reorder; the rest is never read.
    on_order = logistics_selectors.on_order_by_variant(warehouse_id=warehouse.pk)
    candidates = selectors.plan_candidates(
        warehouse_id=warehouse.pk,
        merchant_id=merchant_id,
        variant_ids=set(demand) | {v for v, units in on_order.items() if units > 0},
    )
    total = len(candidates) + 2
    room = selectors.warehouse_room(warehouse=warehouse)
    level = float(service_level)
    rows, items = [], []
    for done, candidate in enumerate(candidates, start=1):
        history = demand.get(candidate.variant_id)
        if history is None and candidate.on_order == 0:
            if done % PROGRESS_EVERY == 0:
                report(done, total, "forecasting")
            continue  # never sold here and nothing coming: nothing to plan
        forecast = fc.forecast_demand(
            history or [0.0] * (HISTORY_WEEKS * 7), last_weekday=end.weekday(), weeks=HISTORY_WEEKS
        )
        advice = fc.reorder_advice(
            forecast,
            available=candidate.available,
            on_order=candidate.on_order,
            lead_time_days=candidate.lead_time_days,
            review_days=review_days,
            service_level=level,
            case_pack=candidate.case_pack,
        )
        over_horizon = forecast.over(horizon_days)
        if forecast.velocity <= 0 and candidate.on_order == 0:
            if done % PROGRESS_EVERY == 0:
                report(done, total, "forecasting")
            continue  # sells nothing here: nothing to plan
        item = lp.Item(
            key=candidate.variant_id,
            unit_cost=float(candidate.unit_cost),
            unit_margin=float(candidate.unit_price - candidate.unit_cost),
            demand=over_horizon,
            sigma=forecast.sigma * math.sqrt(horizon_days),
            position=advice.position,
            case_pack=candidate.case_pack,
            suggested=advice.suggested,
            urgency=advice.position / forecast.velocity if forecast.velocity > 0 else math.inf,
        )
        # An order that cannot arrive within the horizon sells nothing in it.
        if candidate.lead_time_days >= horizon_days:
            item = lp.Item(**{**item.__dict__, "demand": 0.0, "sigma": 0.0})
        items.append(item)
        rows.append((candidate, forecast, advice, over_horizon))
        if done % PROGRESS_EVERY == 0:
            report(done, total, "forecasting")
    report(len(candidates), total, "solving")
    started = time.perf_counter()
    solution = lp.optimal_plan(items, budget=float(budget), room=room)
    greedy = lp.greedy_plan(items, budget=float(budget), room=room)
    seconds = time.perf_counter() - started
    costs = {candidate.variant_id: candidate.unit_cost for candidate, *_ in rows}
    chosen = _repair(items, dict(solution.quantities), budget=budget, room=room, costs=costs)
    greedy_chosen = greedy.quantities
    by_key = {item.key: item for item in items}
    report(len(candidates) + 1, total, "saving")
    with transaction.atomic():
        plan = ReplenishmentPlan.objects.create(
            merchant=merchant,
            warehouse=warehouse,
            budget=budget,
            service_level=service_level,
            horizon_days=horizon_days,
            review_days=review_days,
            objective=_money(lp.total_margin(items, chosen)),
            greedy_objective=_money(lp.total_margin(items, greedy_chosen)),
            cost=sum((costs[k] * q for k, q in chosen.items()), Decimal("0.00")),
            greedy_cost=sum((costs[k] * q for k, q in greedy_chosen.items()), Decimal("0.00")),
            units=sum(chosen.values()),
            room=room,
            solver_status=solution.status[:80],
            solve_seconds=round(seconds, 3),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ReplenishmentLine.objects.bulk_create(
            ReplenishmentLine(
                plan=plan,
                variant_id=candidate.variant_id,
                merchant_id=candidate.merchant_id,
                sku=candidate.sku,
                available=candidate.available,
                on_order=candidate.on_order,
                velocity=round(forecast.velocity, 3),
                trend=round(forecast.trend * 7, 3),
                forecast=round(over_horizon, 2),
                safety_stock=round(advice.safety_stock, 2),
                reorder_point=round(advice.reorder_point, 2),
                lead_time_days=candidate.lead_time_days,
                suggested=advice.suggested,
                chosen=chosen.get(candidate.variant_id, 0),
                unit_cost=candidate.unit_cost,
                cost_estimated=candidate.cost_estimated,
                unit_price=candidate.unit_price,
                expected_margin=_money(
                    lp.expected_margin(
                        by_key[candidate.variant_id], chosen.get(candidate.variant_id, 0)
                    )
                ),
            )
            for candidate, forecast, advice, over_horizon in rows
        )
    report(total, total, "done")
    return plan


@transaction.atomic
def replenishment_plan_accept(
    *, plan: ReplenishmentPlan, actor: User | None
) -> tuple[list[PurchaseOrder], int]:
    """Order what the plan chose: one purchase order per merchant of its lines (already
    ordered from the supplier), each line an expected receipt due after its lead time. Accepting
    again makes nothing new and returns the same orders. Returns (orders, how many are new)."""
    plan = locks.lock_replenishment_plan(plan.pk)
    lines = list(plan.lines.filter(chosen__gt=0).select_related("merchant").order_by("variant_id"))
    if not lines:
        raise ReplenishmentError(_("This plan orders nothing, so there is nothing to accept."))
    by_merchant = defaultdict(list)
    for line in lines:
        by_merchant[line.merchant].append(line)
    today = timezone.localdate()
    orders, created_count = [], 0
    for merchant, merchant_lines in sorted(by_merchant.items(), key=lambda item: item[0].pk):
        order, created = logistics_services.purchase_order_create(
            merchant=merchant,
            warehouse=plan.warehouse,
            lines=[
                logistics_services.PurchaseLine(
                    variant_id=line.variant_id,
                    quantity=line.chosen,
                    unit_cost=line.unit_cost,
                    expected_on=today + dt.timedelta(days=line.lead_time_days),
                )
                for line in merchant_lines
            ],
            actor=actor,
            reference=f"replenishment-plan:{plan.pk}:{merchant.pk}",
            status=PurchaseOrderStatus.ORDERED,
        )
        orders.append(order)
        created_count += created
    if plan.status != ReplenishmentPlanStatus.ACCEPTED:
        plan.status = ReplenishmentPlanStatus.ACCEPTED
        plan.accepted_by = actor if getattr(actor, "is_authenticated", False) else None
        plan.accepted_at = timezone.now()
        plan.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    return orders, created_count
