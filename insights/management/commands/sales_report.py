"""manage.py sales_report --from 2026-11-01 --to 2026-11-30 [--merchant SLUG] [--by day|product|
category] [--format table|csv|xlsx] [--output FILE]: sales, refunds and net per day (or per
product or category), for one merchant or the whole shop (insights.selectors.reports)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from insights.reports import FORMATS, as_csv, as_table, as_xlsx
from insights.selectors.reports import GROUPINGS, ReportError, merchant_for_slug, sales_report


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date: {value!r} (use YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Sales, refunds and net per day, product or category, for a merchant or the shop."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--merchant", help="a merchant's slug (default: the whole shop)")
        parser.add_argument("--by", choices=GROUPINGS, default="day")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", help="write to this file (needed for xlsx)")
        parser.add_argument("--language", default="en", help="language of the headings")

    def handle(self, *args, **options):
        start, end = _day(options["start"]), _day(options["end"])
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and not output:
            raise CommandError("An Excel report needs --output FILE.xlsx.")
        with translation.override(options["language"]):
            try:
                merchant = merchant_for_slug(options["merchant"]) if options["merchant"] else None
                report = sales_report(start=start, end=end, merchant=merchant, by=options["by"])
            except ReportError as error:
                raise CommandError(str(error)) from error
            if fmt == "xlsx":
                content: str | bytes = as_xlsx(report)
            elif fmt == "csv":
                content = as_csv(report)
            else:
                content = as_table(report)
        if output:
            mode = "wb" if isinstance(content, bytes) else "w"
            try:
                with open(output, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
                    f.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}") from error
            self.stderr.write(f"Wrote {output} ({len(report.rows)} rows).")
        else:
            self.stdout.write(content, ending="")
