"""Import a shop's interaction history from a CSV or JSON-lines file (format:
docs/recommendations-import.md)."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Merchant
from recommendations.als.importfile import KINDS, guess_format
from recommendations.services.importing import FileFormatError, interactions_import


class _Counted:
    """The file's lines, decoded, counting the bytes read (for the progress percentage)."""

    def __init__(self, handle, encoding: str):
        self.handle = handle
        self.encoding = encoding
        self.bytes = 0

    def __iter__(self):
        for raw in self.handle:
            self.bytes += len(raw)
            yield raw.decode(self.encoding).rstrip("\r\n")


class Command(BaseCommand):
    help = (
        "Import interactions (views, cart additions, purchases, reviews, search clicks) from a "
        "CSV or JSON-lines file, matching shoppers and products by id, email, SKU or external id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .jsonl file")
        parser.add_argument("--format", choices=("csv", "jsonl"), help="default: from the name")
        parser.add_argument(
            "--source", default="import", help="the platform the external ids come from"
        )
        parser.add_argument("--dry-run", action="store_true", help="match and count, write nothing")
        parser.add_argument(
            "--create-shoppers",
            action="store_true",
            help="create inactive shoppers for unknown external ids and emails",
        )
        parser.add_argument(
            "--create-products",
            action="store_true",
            help="create inactive products for unknown external product ids (needs --merchant)",
        )
        parser.add_argument("--merchant", help="slug or id of the merchant created products go to")
        parser.add_argument(
            "--default-kind", choices=KINDS, default="", help="the kind of rows that give none"
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args, **options):
        path = options["file"]
        fmt = options["format"] or guess_format(path)
        if fmt is None:
            raise CommandError(f"Cannot tell the format of {path}: give --format csv or jsonl.")
        if not os.path.isfile(path):
            raise CommandError(f"No such file: {path}")
        merchant = None
        if options["merchant"]:
            key = options["merchant"]
            lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
            merchant = Merchant.objects.filter(**lookup).first()
            if merchant is None:
                raise CommandError(f"No merchant with slug or id {key!r}.")
        if options["create_products"] and merchant is None:
            raise CommandError("--create-products needs --merchant (who sells the new products).")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        size = os.path.getsize(path) or 1
        started = time.monotonic()

        with open(path, "rb") as handle:
            lines = _Counted(handle, options["encoding"])

            def progress(report):
                seconds = time.monotonic() - started
                self.stdout.write(
                    f"  {lines.bytes * 100 // size:3d}%  {report.rows:,} rows, "
                    f"{report.imported:,} new, {seconds:.1f} s"
                )

            try:
                report = interactions_import(
                    lines=lines,
                    fmt=fmt,
                    source=options["source"],
                    dry_run=options["dry_run"],
                    create_shoppers=options["create_shoppers"],
                    create_products=options["create_products"],
                    merchant=merchant,
                    default_kind=options["default_kind"],
                    batch_size=options["batch_size"],
                    progress=progress,
                )
            except FileFormatError as error:
                raise CommandError(
                    f"{path} is not a {fmt} file this command reads ({error}): the first line "
                    "must name a shopper column (user_id, email or user_external_id) and a "
                    "product column (product_id, sku or product_external_id)."
                ) from None
            except UnicodeDecodeError as error:
                raise CommandError(f"{path} is not {options['encoding']} text: {error}") from None
        if report.dry_run:
            self.stdout.write("dry run: nothing was written")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"took {time.monotonic() - started:.1f} s")
