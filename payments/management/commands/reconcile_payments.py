"""Ask Alipay about payments still pending (their notify never arrived) and settle or close them,
record the refund of paid orders cancelled without one, and submit again refunds left pending.
The beat task payments.reconcile runs the same every 5 minutes."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from payments.refunds import refunds_reconcile
from payments.services import payments_reconcile


class Command(BaseCommand):
    help = (
        "Query Alipay about payments pending longer than --older-than minutes and apply it; "
        "record the refund of paid orders cancelled that long ago without one; submit again "
        "refunds pending that long."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.PAYMENTS_RECONCILE_AFTER_MINUTES,
            metavar="MINUTES",
            help="Only payments pending at least this long (default %(default)s).",
        )

    def handle(self, *args, older_than: int, **options):
        counts = payments_reconcile(older_than=timedelta(minutes=older_than))
        counts.update(refunds_reconcile(older_than=timedelta(minutes=older_than)))
        summary = ", ".join(f"{outcome}: {n}" for outcome, n in sorted(counts.items()))
        self.stdout.write(summary or "No pending payments to reconcile.")
