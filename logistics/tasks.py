"""Celery tasks of logistics: thin wrappers around services, taking ids."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import notifications, services
from .models import RoutePlan, RoutePlanStatus, Stock, Warehouse

logger = logging.getLogger(__name__)


# --- Delivery route plans -----------------------------------------------------------------------


@shared_task(name="logistics.plan_routes", ignore_result=True, acks_late=True)
def plan_routes(
    warehouse_id: int,
    date: str,
    vehicles: int,
    capacity_kg: str,
    actor_id: int | None = None,
    time_limit: float | None = None,
) -> int | None:
    """Plan a day's routes from one warehouse (date "YYYY-MM-DD", capacity in kg as text).
    Idempotent: running it again replaces the day's draft plan, and a retry or a duplicate
    delivery leaves one draft. Returns the plan's id, or None when there is nothing to plan."""
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        logger.warning("warehouse %s is gone; routes of %s not planned", warehouse_id, date)
        return None
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        plan = services.route_plan_create(
            warehouse=warehouse,
            date=dt.date.fromisoformat(date),
            vehicles=vehicles,
            capacity=capacity_kg,
            actor=actor,
            time_limit=time_limit,
        )
    except services.RoutePlanError as error:
        logger.info("routes of %s on %s not planned: %s", warehouse.code, date, error)
        return None
    logger.info("planned routes of %s on %s: plan %s", warehouse.code, date, plan.pk)
    return plan.pk


@shared_task(name="logistics.plan_routes_today", ignore_result=True, acks_late=True)
def plan_routes_today() -> int:
    """Periodic (morning, only when ROUTES_DAILY_AT is set): a draft plan of today's local
    deliveries for every active warehouse with coordinates and no confirmed plan of the day,
    with ROUTES_DAILY_VEHICLES vans of ROUTES_DAILY_CAPACITY_KG kg. Returns how many planned."""
    today = timezone.localdate()
    confirmed = RoutePlan.objects.filter(date=today, status=RoutePlanStatus.CONFIRMED)
    warehouses = (
        Warehouse.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False)
        .exclude(pk__in=confirmed.values("warehouse_id"))
        .order_by("pk")
    )
    planned = 0
    for warehouse in warehouses:
        if not services.routes.route_shipments_for_day(warehouse=warehouse, date=today).exists():
            continue
        planned += (
            plan_routes(
                warehouse.pk,
                today.isoformat(),
                settings.ROUTES_DAILY_VEHICLES,
                str(settings.ROUTES_DAILY_CAPACITY_KG),
            )
            is not None
        )
    return planned


@shared_task(name="logistics.send_low_stock_alert", ignore_result=True, acks_late=True)
def send_low_stock_alert(stock_id: int) -> int:
    """Email a stock row's staff that it went low, once per crossing: a retry, a duplicate or a
    row that is no longer low sends nothing. Returns how many emails were sent."""
    since = services.low_stock_alert_claim(stock_id=stock_id)
    if since is None:
        logger.info("stock %s: not low, or its crossing was alerted already", stock_id)
        return 0
    stock = (
        Stock.objects.select_related("variant__product", "warehouse").filter(pk=stock_id).first()
    )
    if stock is None:
        return 0
    threshold = stock.threshold_with(stock.warehouse.low_stock_threshold)
    try:
        return notifications.send_low_stock_email(stock=stock, threshold=threshold)
    except Exception:
        services.low_stock_alert_release(stock_id=stock_id, since=since)
        raise


# --- Tracking: the simulated carrier ------------------------------------------------------------


@shared_task(name="logistics.simulate_carrier", ignore_result=True, acks_late=True)
def simulate_carrier() -> int:
    """Periodic (every 5 minutes): the simulated carrier reports every stage whose time has come
    (logistics.carrier_sim). Idempotent: a stage reported twice is recorded once."""
    from . import carrier_sim

    steps = carrier_sim.carrier_sim_run(steps=None, due_only=True)
    if steps:
        logger.info("simulated carrier reported %s tracking events", len(steps))
    return len(steps)
