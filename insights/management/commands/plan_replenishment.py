"""Plan one warehouse's reorders (one merchant's variants with --merchant, else every
merchant's), print the plan and the programme's expected margin against the greedy reorder's,
and with --accept order it (purchase orders with their expected receipts, once)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Merchant
from insights.services import replenishment as services
from logistics.models import Warehouse


class Command(BaseCommand):
    help = (
        "Plan the reorders of --warehouse within --budget: demand forecast, safety stock, "
        "reorder point and the quantities maximising expected margin; --accept orders them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", required=True, metavar="CODE")
        parser.add_argument("--merchant", metavar="SLUG", help="Only this merchant's variants.")
        parser.add_argument("--budget", required=True, metavar="AMOUNT")
        parser.add_argument("--service-level", default="0.95", metavar="SHARE")
        parser.add_argument(
            "--horizon-days", type=int, default=services.DEFAULT_HORIZON_DAYS, metavar="DAYS"
        )
        parser.add_argument("--accept", action="store_true", help="Order what the plan chose.")
        parser.add_argument("--all", action="store_true", help="List lines that order nothing.")

    def handle(self, *args, **options):
        warehouse = Warehouse.objects.filter(code=options["warehouse"]).first()
        if warehouse is None:
            raise CommandError(_("Unknown warehouse: %(code)s.") % {"code": options["warehouse"]})
        merchant = None
        if options["merchant"]:
            merchant = Merchant.objects.filter(slug=options["merchant"]).first()
            if merchant is None:
                raise CommandError(_("Unknown merchant: %(slug)s.") % {"slug": options["merchant"]})
        try:
            plan = services.replenishment_plan_make(
                warehouse=warehouse,
                merchant=merchant,
                budget=options["budget"],
                service_level=options["service_level"],
                horizon_days=options["horizon_days"],
            )
        except services.ReplenishmentError as error:
            raise CommandError(str(error)) from None
        self._report(plan, every=options["all"])
        if options["accept"]:
            try:
                orders, _created = services.replenishment_plan_accept(plan=plan, actor=None)
            except services.ReplenishmentError as error:
                raise CommandError(str(error)) from None
            for order in orders:
                self.stdout.write(
                    f"Purchase order {order.number}: {order.merchant.slug}, "
                    f"{order.total_cost} ({order.get_status_display()})"
                )

    def _report(self, plan, *, every: bool) -> None:
        scope = plan.merchant.slug if plan.merchant else "all merchants"
        room = "no limit" if plan.room is None else f"{plan.room} units"
        self.stdout.write(
            f"Replenishment plan #{plan.pk}: {plan.warehouse.code}, {scope}, budget "
            f"{plan.budget}, service level {plan.service_level}, horizon {plan.horizon_days} "
            f"days, room {room}"
        )
        header = (
            f"{'SKU':<20} {'avail':>6} {'order':>6} {'/day':>7} {'trend/wk':>8} "
            f"{'forecast':>8} {'safety':>7} {'ROP':>7} {'suggest':>7} {'LP':>6} "
            f"{'cost':>9} {'margin':>10}"
        )
        self.stdout.write(header)
        lines = (
            plan.lines.all()
            if every
            else plan.lines.filter(suggested__gt=0) | (plan.lines.filter(chosen__gt=0))
        )
        for line in lines.order_by("-chosen", "-suggested", "sku"):
            cost = f"{line.unit_cost}{'*' if line.cost_estimated else ''}"
            self.stdout.write(
                f"{line.sku[:20]:<20} {line.available:>6} {line.on_order:>6} "
                f"{line.velocity:>7.2f} {line.trend:>8.2f} {line.forecast:>8.1f} "
                f"{line.safety_stock:>7.1f} {line.reorder_point:>7.1f} {line.suggested:>7} "
                f"{line.chosen:>6} {cost:>9} {line.expected_margin:>10}"
            )
        self.stdout.write(
            f"Lines: {plan.lines.count()} selling; LP orders {plan.units} units for "
            f"{plan.cost}, expected margin {plan.objective}; greedy reorder: cost "
            f"{plan.greedy_cost}, expected margin {plan.greedy_objective} (LP - greedy: "
            f"{plan.uplift}); solver: {plan.solver_status}, {plan.solve_seconds:.2f} s"
        )
        self.stdout.write("(* cost estimated: no supply terms)")
