"""manage.py seed_demo: fill the database with a bilingual demo shop (see the demo app)."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Product
from demo import conversations, generate, shop_pages
from search import services as search_services
from support import training as support_training


class Command(BaseCommand):
    help = (
        "Generate a demo shop: categories, brands, merchants, warehouses, products with variants, "
        "stock and pictures, shoppers, and a year of orders, reviews and interactions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same data (42).")
        parser.add_argument(
            "--size",
            choices=sorted(generate.SIZES),
            default="small",
            help="small: 2,000 products (for `make run`); large: 100,000 (for benchmarks).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the catalog already has products.",
        )
        parser.add_argument(
            "--flush", action="store_true", help="Delete the demo data (and the catalog) first."
        )
        # Overrides of the size presets, for tests and experiments.
        for name in ("products", "users", "orders", "interactions", "images-per-leaf"):
            parser.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)
        parser.add_argument(
            "--no-copy", action="store_true", help=argparse.SUPPRESS
        )  # bulk_create even on PostgreSQL
        parser.add_argument(
            "--no-train", action="store_true", help=argparse.SUPPRESS
        )  # load the assistant's examples and FAQ without training it (tests)

    def handle(self, *args, **options):
        if options["if_empty"] and not options["flush"]:
            existing = Product.objects.count()
            if existing:
                self.stdout.write(
                    f"The catalog already has {existing:,} products: nothing to seed "
                    "(use --flush to replace it)."
                )
                self._assistant(train=not options["no_train"])
                shop_pages.pages_seed(report=self.stdout.write)
                return
        preset = generate.SIZES[options["size"]]
        seed_options = preset.with_overrides(
            seed=options["seed"],
            products=options["products"],
            users=options["users"],
            orders=options["orders"],
            interactions=options["interactions"],
            images_per_leaf=options["images_per_leaf"],
            copy=False if options["no_copy"] else None,
        )
        if options["flush"]:
            generate.demo_flush(report=self.stdout.write)
        elif generate.demo_data_present():
            raise CommandError(
                "The database already has a catalog or demo shoppers. "
                "Run with --flush to replace them, or --if-empty to keep them."
            )
        self.stdout.write(
            f"Seeding the {options['size']} demo shop (seed {seed_options.seed}: "
            f"{seed_options.products:,} products, {seed_options.users:,} shoppers, "
            f"{seed_options.orders:,} orders, {seed_options.interactions:,} interactions)..."
        )
        try:
            result = generate.demo_seed(options=seed_options, report=self.stdout.write)
        except generate.DemoDataExists as exc:
            raise CommandError(
                f"{exc} Run with --flush to replace them, or --if-empty to keep them."
            ) from exc

        # The seeder writes in bulk, without the signals that queue index refreshes.
        indexed = search_services.search_index_rebuild()
        self.stdout.write(
            "  Search index: " + ", ".join(f"{n:,} products ({b})" for b, n in indexed.items())
        )
        self._assistant(train=not options["no_train"])
        shop_pages.pages_seed(report=self.stdout.write)
        if not options["no_train"]:
            conversations.conversations_seed(report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo shop ready in {result.seconds:.1f} s."))
        timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.stages)
        self.stdout.write(f"  Stages: {timings}")
        self.stdout.write(f"  Storefront: {generate.STOREFRONT_URL}")
        self.stdout.write(
            f"  Admin:      {generate.STOREFRONT_URL}/admin/  "
            f"{generate.ADMIN_EMAIL} / {generate.ADMIN_PASSWORD}"
        )
        self.stdout.write("  Merchant staff (admin, their own merchant's catalog and orders):")
        for merchant, email in result.staff_logins:
            self.stdout.write(f"    {merchant}: {email} / {generate.STAFF_PASSWORD}")
        self.stdout.write(
            f"  Shoppers: {generate.SHOPPER_EMAIL.format(n=1)} ... "
            f"{generate.SHOPPER_EMAIL.format(n=seed_options.users)} / {generate.SHOPPER_PASSWORD}"
        )

    def _assistant(self, *, train: bool) -> None:
        """The support assistant's shipped FAQ and training examples (what is missing), and a
        trained classifier (unless the live one was trained on these examples already), so
        `make run` serves an assistant that understands, on a new database or an old one."""
        faq = support_training.faq_load_shipped()
        examples = support_training.examples_load_shipped()["created"]
        line = f"  Support assistant: {faq} FAQ entries, {examples} training examples"
        if train:
            version = support_training.classifier_train(report=lambda _line: None)
            scores = version.metrics["cross_validated"]
            line += (
                f", classifier {version} trained in {version.seconds:.1f} s (cross-validated "
                f"macro-F1 en {scores['en']['macro_f1']:.2f}, "
                f"zh-hans {scores['zh-hans']['macro_f1']:.2f})"
            )
        self.stdout.write(line)
