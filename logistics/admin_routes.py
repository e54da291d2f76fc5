"""Delivery route plans in admin: the list, and each plan's page with every van's stops in order
(arrival, slot, parcel, load left, distance) and the plan drawn as an SVG map (served by this
admin as an image, so the strict Content-Security-Policy needs nothing extra).

Operators only (superusers): a plan is warehouse-level operations data holding every merchant's
shipments of the day, so merchant staff do not see it whatever permissions they hold. Plans are
made by `manage.py plan_routes` or the logistics.plan_routes task; here they are read, confirmed
(the day's plan the vans drive) or deleted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SuperuserOnlyAdmin, is_superuser

from . import services
from .models import RoutePlan, RouteStop
from .routing.svg import PALETTE, MapRoute, route_map_svg


@admin.register(RoutePlan)
class RoutePlanAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "date",
        "warehouse",
        "status",
        "vans",
        "served",
        "unserved",
        "distance_km",
        "solver",
        "created_at",
        "created_by",
    )
    list_filter = ("status", "warehouse")
    list_select_related = ("warehouse", "created_by")
    date_hierarchy = "date"
    fields = (
        "warehouse",
        "date",
        "status",
        "vehicles",
        "capacity_kg",
        "distance_km",
        "solver",
        "time_limit_seconds",
        "solve_seconds",
        "created_at",
        "created_by",
        "confirmed_at",
        "confirmed_by",
    )
    readonly_fields = fields
    actions = ("confirm_plans",)
    change_form_template = "admin/logistics/routeplan/change_form.html"

    class Media:
        css = {"all": ("css/admin_routes.css",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                served_count=Count("stops", filter=Q(stops__vehicle__isnull=False), distinct=True),
                unserved_count=Count("stops", filter=Q(stops__vehicle__isnull=True), distinct=True),
                vans_count=Count("vehicle_routes", distinct=True),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("vans used"), ordering="vans_count")
    def vans(self, plan: RoutePlan) -> str:
        return f"{plan.vans_count} / {plan.vehicles}"

    @admin.display(description=_("planned"), ordering="served_count")
    def served(self, plan: RoutePlan) -> int:
        return plan.served_count

    @admin.display(description=_("not planned"), ordering="unserved_count")
    def unserved(self, plan: RoutePlan) -> int:
        return plan.unserved_count

    @admin.display(description=_("distance (km)"), ordering="total_distance_m")
    def distance_km(self, plan: RoutePlan) -> str:
        return f"{plan.total_distance_km:.1f}"

    @admin.display(description=_("capacity per van (kg)"))
    def capacity_kg(self, plan: RoutePlan) -> str:
        return f"{plan.capacity_kg:g}"

    @admin.action(description=_("Confirm the selected draft plans"))
    def confirm_plans(self, request, queryset):
        if not is_superuser(request):
            raise PermissionDenied
        confirmed = 0
        for plan in queryset.order_by("pk"):
            try:
                services.route_plan_confirm(plan=plan, actor=request.user)
            except services.RoutePlanError as error:
                self.message_user(request, f"{plan}: {error}", messages.WARNING)
            else:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                gettext("%(count)s plan(s) confirmed.") % {"count": confirmed},
                messages.SUCCESS,
            )

    # -- the plan's page and its map

    def get_urls(self):
        return [
            path(
                "<path:object_id>/map.svg",
                self.admin_site.admin_view(self.map_view),
                name="logistics_routeplan_map",
            ),
            *super().get_urls(),
        ]

    def _plan_or_404(self, request, object_id) -> RoutePlan:
        plan = self.get_object(request, object_id)
        if plan is None:
            raise Http404(gettext("No such route plan."))
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        return plan

    @staticmethod
    def _stops(plan: RoutePlan) -> list[RouteStop]:
        # In the model's order: each van's stops in sequence, then those not planned.
        return list(RouteStop.objects.filter(plan=plan).select_related("shipment"))

    def map_view(self, request, object_id):
        plan = self._plan_or_404(request, object_id)
        svg = plan_map_svg(plan, self._stops(plan))
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, max-age=60"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        plan = self.get_object(request, object_id)
        if plan is not None and self.has_view_permission(request, plan):
            extra_context.update(plan_page_context(plan, self._stops(plan)))
            extra_context["map_url"] = reverse("admin:logistics_routeplan_map", args=[plan.pk])
        return super().change_view(request, object_id, form_url, extra_context)


def _local_time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def _slot(stop: RouteStop) -> str:
    shipment = stop.shipment
    if shipment.window_start is None:
        return ""
    return f"{_local_time(shipment.window_start)}-{_local_time(shipment.window_end)}"


def plan_page_context(plan: RoutePlan, stops: list[RouteStop]) -> dict:
    """Each van's stops in order with its totals, and the shipments not planned."""
    by_vehicle = defaultdict(list)
    for stop in stops:
        if stop.vehicle is not None:
            by_vehicle[stop.vehicle].append(
                {
                    "sequence": stop.sequence,
                    "number": stop.shipment.number,
                    "arrival": _local_time(stop.arrival),
                    "slot": _slot(stop),
                    "weight_kg": f"{stop.shipment.weight_grams / 1000:.1f}",
                    "load_after_kg": f"{(stop.load_after_grams or 0) / 1000:.1f}",
                    "leg_km": f"{(stop.leg_distance_m or 0) / 1000:.1f}",
                }
            )
    vans = [
        {
            "number": vehicle.number,
            "colour": (vehicle.number - 1) % len(PALETTE) + 1,
            "stops": by_vehicle.get(vehicle.number, []),
            "load_kg": f"{vehicle.load_grams / 1000:.1f}",
            "distance_km": f"{vehicle.distance_m / 1000:.1f}",
            "departs": _local_time(vehicle.departs_at),
            "returns": _local_time(vehicle.returns_at),
        }
        for vehicle in plan.vehicle_routes.all()
    ]
    unserved = [
        {
            "number": stop.shipment.number,
            "slot": _slot(stop),
            "weight_kg": f"{stop.shipment.weight_grams / 1000:.1f}",
            "reason": stop.get_unserved_reason_display(),
        }
        for stop in stops
        if stop.vehicle is None
    ]
    return {"route_vans": vans, "route_unserved": unserved}


def plan_map_svg(plan: RoutePlan, stops: list[RouteStop]) -> str:
    warehouse = plan.warehouse
    depot = (float(warehouse.latitude or 0), float(warehouse.longitude or 0))
    points = defaultdict(list)
    unserved = []
    for stop in stops:
        shipment = stop.shipment
        if shipment.destination_latitude is None or shipment.destination_longitude is None:
            continue
        point = (shipment.destination_latitude, shipment.destination_longitude)
        if stop.vehicle is None:
            unserved.append(point)
        else:
            points[stop.vehicle].append(point)
    routes = [
        MapRoute(label=gettext("Van %(number)s") % {"number": number}, points=points[number])
        for number in sorted(points)
    ]
    return route_map_svg(
        depot=depot,
        routes=routes,
        unserved=unserved,
        title=gettext("Routes from %(warehouse)s on %(date)s")
        % {"warehouse": warehouse.name, "date": plan.date.isoformat()},
        depot_label=str(warehouse),
        unserved_label=gettext("Not planned"),
    )
