"""Delivery route plans: a day's round trips for the shop's own vans from one warehouse (each
van's stops in order, with when it arrives and what is left aboard), and the shipments the plan
could not fit in, with why. Written by logistics.services.routes only; drawn in admin."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class RoutePlanStatus(models.TextChoices):
    # Re-planning the day replaces it.
    DRAFT = "draft", _("Draft")
    # What the vans drive; confirming another plan of the day supersedes it.
    CONFIRMED = "confirmed", _("Confirmed")
    SUPERSEDED = "superseded", _("Superseded")


class UnservedReason(models.TextChoices):
    UNREACHABLE = "unreachable", _("Its delivery slot cannot be met from this warehouse")
    NO_ROOM = "no_room", _("No van has room or time left for it")
    NO_LOCATION = "no_location", _("Its address has no coordinates")


class RoutePlan(TimeStampedModel):
    warehouse = models.ForeignKey(
        "logistics.Warehouse",
        on_delete=models.PROTECT,
        related_name="route_plans",
        verbose_name=_("warehouse"),
    )
    date = models.DateField(_("delivery date"))
    vehicles = models.PositiveSmallIntegerField(_("vans available"))
    capacity_grams = models.PositiveIntegerField(_("capacity per van (g)"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RoutePlanStatus.choices,
        default=RoutePlanStatus.DRAFT,
    )
    solver = models.CharField(_("solver"), max_length=40)
    total_distance_m = models.PositiveIntegerField(_("total distance (m)"), default=0)
    time_limit_seconds = models.FloatField(_("time limit (s)"))
    solve_seconds = models.FloatField(_("solving time (s)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("planned by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-created_at", "-id"]
        verbose_name = _("route plan")
        verbose_name_plural = _("route plans")
        constraints = [
            # One draft and one confirmed plan per warehouse and day.
            models.UniqueConstraint(
                fields=["warehouse", "date"],
                condition=models.Q(status="draft"),
                name="routeplan_one_draft_per_day",
            ),
            models.UniqueConstraint(
                fields=["warehouse", "date"],
                condition=models.Q(status="confirmed"),
                name="routeplan_one_confirmed_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code} {self.date.isoformat()} ({self.get_status_display()})"

    @property
    def capacity_kg(self) -> float:
        return self.capacity_grams / 1000

    @property
    def total_distance_km(self) -> float:
        return self.total_distance_m / 1000


class RouteVehicle(models.Model):
    """One van's round trip in a plan: how many stops, what it leaves with, how far it drives
    (back to the warehouse included), when it leaves and is back."""

    plan = models.ForeignKey(
        RoutePlan, on_delete=models.CASCADE, related_name="vehicle_routes", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("van"))
    stops = models.PositiveSmallIntegerField(_("stops"))
    load_grams = models.PositiveIntegerField(_("load (g)"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    departs_at = models.DateTimeField(_("leaves at"))
    returns_at = models.DateTimeField(_("back at"))

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("van route")
        verbose_name_plural = _("van routes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="routevehicle_one_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number}"


class RouteStop(models.Model):
    """A shipment in a plan: on van `vehicle` at position `sequence`, or unserved (no van, and
    the reason)."""

    plan = models.ForeignKey(
        RoutePlan, on_delete=models.CASCADE, related_name="stops", verbose_name=_("plan")
    )
    vehicle = models.PositiveSmallIntegerField(_("van"), null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(_("stop"), null=True, blank=True)
    shipment = models.ForeignKey(
        "logistics.Shipment",
        on_delete=models.PROTECT,
        related_name="route_stops",
        verbose_name=_("shipment"),
    )
    arrival = models.DateTimeField(_("estimated arrival"), null=True, blank=True)
    load_after_grams = models.PositiveIntegerField(_("load after (g)"), null=True, blank=True)
    leg_distance_m = models.PositiveIntegerField(_("from the previous stop (m)"), null=True)
    unserved_reason = models.CharField(
        _("why not planned"), max_length=12, choices=UnservedReason.choices, blank=True
    )

    class Meta:
        ordering = ["plan", models.F("vehicle").asc(nulls_last=True), "sequence", "id"]
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        constraints = [
            models.UniqueConstraint(fields=["plan", "shipment"], name="routestop_once_per_plan"),
            models.UniqueConstraint(
                fields=["plan", "vehicle", "sequence"],
                condition=models.Q(vehicle__isnull=False),
                name="routestop_one_per_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.shipment_id}"
