"""Advance the simulated carrier's shipments (logistics.carrier_sim): each stage is reported as a
signed tracking event through the carriers' webhook service. The beat task
logistics.simulate_carrier does the same every 5 minutes for the stages that are due."""

from django.core.management.base import BaseCommand, CommandError

from logistics import carrier_sim
from logistics.models import Shipment, ShipmentStatus


class Command(BaseCommand):
    help = (
        "Advance shipments of simulated carriers that are on their way by one stage (or "
        "--steps N, or --until a status), as signed tracking events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shipment", metavar="NUMBER", help="Only this shipment.")
        parser.add_argument(
            "--steps", type=int, default=None, metavar="N", help="Stages per shipment (default 1)."
        )
        parser.add_argument(
            "--until",
            choices=[s.value for s in (ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED)],
            help="Keep going until the shipment has this status.",
        )
        parser.add_argument(
            "--due",
            action="store_true",
            help="Only stages whose time has come (as the beat task does).",
        )

    def handle(self, *args, shipment=None, steps=None, until=None, due=False, **options):
        if steps is not None and steps < 1:
            raise CommandError("--steps must be at least 1.")
        if shipment:
            found = Shipment.objects.filter(number=shipment).select_related("carrier").first()
            if found is None:
                raise CommandError(f"No shipment {shipment}.")
            if found.carrier is None or not found.carrier.is_simulated:
                raise CommandError(f"Shipment {shipment} is not with a simulated carrier.")
        if steps is None and until is None and not due:
            steps = 1

        def report(step: carrier_sim.Step) -> None:
            self.stdout.write(
                f"{step.shipment_number}: {step.stage.status} {step.stage.city} "
                f"at {step.occurred_at:%Y-%m-%d %H:%M %Z} -> {step.result.outcome} "
                f"({step.result.status})"
            )

        taken = carrier_sim.carrier_sim_run(
            shipment_number=shipment, steps=steps, until=until, due_only=due, report=report
        )
        if not taken:
            self.stdout.write("No shipment of a simulated carrier had a stage to report.")
