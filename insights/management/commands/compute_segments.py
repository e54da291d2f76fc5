"""Compute customers' RFM segments and lifetime value.

Without --csv: from the shop's sold order lines, for the whole shop and every merchant (or one
merchant with --merchant), stored as the profiles and segment tables shown in admin.

With --csv: from an external purchase log (customer id, date, amount), nothing stored: prints the
segment table and the lifetime model's holdout error, and writes each customer's result to --out.
"""

import csv
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Merchant
from insights.models import Segment
from insights.segments import purchase_log, rfm
from insights.segments.analysis import analyse
from insights.segments.services import segments_compute

SEGMENT_NAMES = dict(Segment.choices)


class Command(BaseCommand):
    help = (
        "Compute RFM segments and 90-day lifetime value, from the shop's orders (stored, shown "
        "in admin) or from an external purchase log given with --csv (printed, and written to "
        "--out)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--merchant", metavar="SLUG", help="Only this merchant's lines.")
        parser.add_argument("--csv", metavar="FILE", help="An external purchase log to segment.")
        parser.add_argument(
            "--csv-format",
            choices=purchase_log.FORMATS,
            default="auto",
            help="csv: delimited with a header; cdnow: whitespace-separated columns like the "
            "CDNOW log; auto (default): decided from the first line.",
        )
        parser.add_argument("--date-format", metavar="FORMAT", help="e.g. %%d/%%m/%%Y")
        parser.add_argument("--customer-column", metavar="NAME")
        parser.add_argument("--date-column", metavar="NAME")
        parser.add_argument("--amount-column", metavar="NAME")
        parser.add_argument("--out", metavar="FILE", help="Per-customer results (CSV).")
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="The observation date (default: today; with --csv the log's last date).",
        )
        parser.add_argument(
            "--holdout-days",
            type=int,
            default=90,
            metavar="N",
            help="Days kept out to check the lifetime model (default 90).",
        )
        parser.add_argument(
            "--no-lifetime", action="store_true", help="RFM only (CSV mode): skip the model."
        )

    def handle(self, *args, **options):
        if options["holdout_days"] < 1:
            raise CommandError(_("--holdout-days must be at least 1."))
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    _("Not a date: %(date)s (expected YYYY-MM-DD).") % {"date": options["as_of"]}
                ) from None
        if options["csv"]:
            if options["merchant"]:
                raise CommandError(_("--merchant applies to the shop's orders, not to --csv."))
            return self._from_log(options, as_of)
        if options["out"]:
            raise CommandError(_("--out is written only with --csv."))
        return self._from_shop(options, as_of)

    # --- progress ---------------------------------------------------------------------------

    def _progress(self, label: str):
        started = time.perf_counter()

        def report(done, total=None, step=""):
            where = f"{done}/{total}" if total else str(done)
            self.stderr.write(
                f"[{time.perf_counter() - started:7.2f}s] {label} {where} {step}".rstrip()
            )

        return report

    # --- the shop's orders ------------------------------------------------------------------

    def _from_shop(self, options, as_of):
        merchant = None
        if options["merchant"]:
            merchant = Merchant.objects.filter(slug=options["merchant"]).first()
            if merchant is None:
                raise CommandError(_("Unknown merchant: %(slug)s.") % {"slug": options["merchant"]})
        started = time.perf_counter()
        runs = segments_compute(
            merchant=merchant,
            today=as_of,
            holdout_days=options["holdout_days"],
            progress=self._progress(_("segments")),
        )
        for run in runs:
            scope = run.merchant.name if run.merchant_id else _("whole shop")
            self.stdout.write(
                f"{scope}: {run.customers} {_('customers')}, {_('revenue')} {run.revenue}, "
                f"{run.seconds:.2f}s"
            )
            if run.holdout:
                self.stdout.write(
                    "  "
                    + _("holdout MAE %(mae)s (baseline %(baseline)s) over %(days)s days")
                    % {
                        "mae": run.holdout["mae"],
                        "baseline": run.holdout["baseline_mae"],
                        "days": run.holdout["days"],
                    }
                )
            if run.lifetime_error:
                self.stdout.write("  " + run.lifetime_error.get("message", ""))
        self.stdout.write(
            _("%(runs)s segment tables computed in %(seconds).2fs.")
            % {"runs": len(runs), "seconds": time.perf_counter() - started}
        )

    # --- an external log ----------------------------------------------------------------------

    def _from_log(self, options, as_of):
        path = options["csv"]
        started = time.perf_counter()
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                purchases = purchase_log.read_purchases(
                    handle,
                    fmt=options["csv_format"],
                    date_format=options["date_format"],
                    customer_column=options["customer_column"],
                    date_column=options["date_column"],
                    amount_column=options["amount_column"],
                )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": path}) from None
        except purchase_log.PurchaseLogError as error:
            raise CommandError(f"{path}: {error}") from None
        read_seconds = time.perf_counter() - started
        days = rfm.daily_purchases(purchases)
        observed_at = as_of or max(purchase.day for purchase in purchases)
        self.stderr.write(
            _("Read %(purchases)s purchases of %(customers)s customers in %(seconds).2fs.")
            % {"purchases": len(purchases), "customers": len(days), "seconds": read_seconds}
        )
        analysis = analyse(
            days,
            observed_at=observed_at,
            holdout_days=options["holdout_days"],
            lifetime_model=not options["no_lifetime"],
            progress=self._progress(_("segments")),
        )
        self._print_table(analysis)
        self._print_model(analysis, options)
        if options["out"]:
            self._write_out(options["out"], analysis)
        self.stdout.write(_("Done in %(seconds).2fs.") % {"seconds": time.perf_counter() - started})

    def _print_table(self, analysis):
        self.stdout.write(
            _("Segments as of %(date)s: %(customers)s customers, revenue %(revenue)s")
            % {
                "date": analysis.observed_at.isoformat(),
                "customers": len(analysis.customers),
                "revenue": analysis.revenue,
            }
        )
        names = [
            _("segment"), _("size"), _("share"), _("revenue"),
            _("recency"), _("frequency"), _("monetary"),
        ]  # fmt: skip
        widths = [-22, 7, 7, 13, 8, 9, 10]
        header = " ".join(
            f"{name!s:<{-width}}" if width < 0 else f"{name!s:>{width}}"
            for name, width in zip(names, widths, strict=True)
        )
        self.stdout.write(header)
        for row in analysis.table:
            self.stdout.write(
                f"{SEGMENT_NAMES[row.segment]!s:<22} {row.size:>7} {row.share:>7.1%} "
                f"{row.revenue:>13} {row.avg_recency:>8.1f} {row.avg_frequency:>9.2f} "
                f"{row.avg_monetary:>10}"
            )

    def _print_model(self, analysis, options):
        if options["no_lifetime"]:
            return
        if analysis.holdout is not None:
            h = analysis.holdout
            self.stdout.write(
                _(
                    "Lifetime model holdout (calibration to %(end)s, %(days)s days held out, "
                    "%(customers)s customers): actual %(actual)s purchases, predicted "
                    "%(predicted).0f, baseline %(baseline).0f; MAE per customer %(mae).4f, "
                    "baseline MAE %(baseline_mae).4f."
                )
                % {
                    "end": h.calibration_end.isoformat(),
                    "days": h.holdout_days,
                    "customers": h.customers,
                    "actual": h.actual_purchases,
                    "predicted": h.predicted_purchases,
                    "baseline": h.baseline_purchases,
                    "mae": h.mae,
                    "baseline_mae": h.baseline_mae,
                }
            )
        elif analysis.holdout_error:
            self.stdout.write(
                _("No holdout check: %(why)s") % {"why": analysis.holdout_error["message"]}
            )
        if analysis.lifetime_error:
            self.stdout.write(
                _("No lifetime model: %(why)s") % {"why": analysis.lifetime_error["message"]}
            )
        else:
            purchases = sum(c.predicted_purchases or 0 for c in analysis.customers)
            value = sum(c.predicted_value or 0 for c in analysis.customers)
            self.stdout.write(
                _("Next 90 days: %(purchases).0f purchases predicted, worth %(value)s.")
                % {"purchases": purchases, "value": value}
            )
            if analysis.value_message:
                self.stdout.write(analysis.value_message)

    def _write_out(self, path, analysis):
        columns = [
            "customer_id",
            "first_purchase",
            "last_purchase",
            "recency_days",
            "frequency",
            "monetary",
            "r",
            "f",
            "m",
            "segment",
            "predicted_purchases_90d",
            "predicted_value_90d",
            "probability_alive",
        ]
        try:
            handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        with handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for result in analysis.customers:
                c = result.rfm
                writer.writerow(
                    [
                        c.customer,
                        c.first_purchase.isoformat(),
                        c.last_purchase.isoformat(),
                        c.recency_days,
                        c.frequency,
                        c.monetary,
                        c.r_score,
                        c.f_score,
                        c.m_score,
                        c.segment,
                        ""
                        if result.predicted_purchases is None
                        else f"{result.predicted_purchases:.4f}",
                        "" if result.predicted_value is None else result.predicted_value,
                        ""
                        if result.probability_alive is None
                        else f"{result.probability_alive:.4f}",
                    ]
                )
        self.stderr.write(
            _("Wrote %(count)s customers to %(file)s.")
            % {"count": len(analysis.customers), "file": path}
        )
