"""Plan a day's local delivery routes from one warehouse and save them as the day's draft plan
(re-planning replaces the draft). The plan is shown in admin, map included."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from logistics import services
from logistics.models import Warehouse


class Command(BaseCommand):
    help = (
        "Plan the local delivery routes of --date from --warehouse for --vehicles vans of "
        "--capacity kg each, and save them as the day's draft route plan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", required=True, metavar="CODE")
        parser.add_argument("--date", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--vehicles", required=True, type=int, metavar="N")
        parser.add_argument("--capacity", required=True, metavar="KG", help="Per van, in kg.")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            metavar="SECONDS",
            help="How long the solver may search (default: settings ROUTES_TIME_LIMIT).",
        )
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        warehouse = Warehouse.objects.filter(code=options["warehouse"]).first()
        if warehouse is None:
            raise CommandError(_("Unknown warehouse: %(code)s.") % {"code": options["warehouse"]})
        try:
            date = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                _("Not a date: %(date)s (expected YYYY-MM-DD).") % {"date": options["date"]}
            ) from None
        try:
            capacity = Decimal(options["capacity"])
        except InvalidOperation:
            capacity = Decimal(0)
        if not capacity.is_finite() or capacity <= 0:
            raise CommandError(
                _("Not a capacity in kg: %(capacity)s.") % {"capacity": options["capacity"]}
            )
        if options["time_limit"] is not None and options["time_limit"] <= 0:
            raise CommandError(_("The time limit must be a positive number of seconds."))
        try:
            plan = services.route_plan_create(
                warehouse=warehouse,
                date=date,
                vehicles=options["vehicles"],
                capacity=capacity,
                actor=None,
                time_limit=options["time_limit"],
                seed=options["seed"],
            )
        except services.RoutePlanError as error:
            raise CommandError(str(error)) from None
        self._report(plan)

    def _report(self, plan) -> None:
        vehicles = list(plan.vehicle_routes.all())
        unserved = list(plan.stops.filter(vehicle__isnull=True).select_related("shipment"))
        self.stdout.write(
            f"Route plan #{plan.pk}: {warehouse_line(plan)}, {len(vehicles)} of {plan.vehicles} "
            f"vans, {plan.total_distance_km:.1f} km, solved in {plan.solve_seconds:.1f} s "
            f"({plan.solver})."
        )
        for vehicle in vehicles:
            self.stdout.write(
                f"  van {vehicle.number}: {vehicle.stops} stops, {vehicle.load_grams / 1000:.1f} "
                f"kg, {vehicle.distance_m / 1000:.1f} km"
            )
        for stop in unserved:
            self.stdout.write(
                f"  not planned: {stop.shipment.number} ({stop.get_unserved_reason_display()})"
            )
        url = reverse("admin:logistics_routeplan_change", args=[plan.pk])
        self.stdout.write(f"In admin: {url}")


def warehouse_line(plan) -> str:
    return f"{plan.warehouse.code} on {plan.date.isoformat()}"
