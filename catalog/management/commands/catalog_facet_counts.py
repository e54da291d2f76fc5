"""manage.py catalog_facet_counts: recount the listings' kept brand and stock counts
(CategoryFacetCount) from the products and compare; --fix rebuilds them."""

from django.core.management.base import BaseCommand, CommandError

from catalog import selectors, services


class Command(BaseCommand):
    help = (
        "Recount the category listings' kept counts from the products and report every "
        "difference (exit status 1 if any); --fix rebuilds them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild the counts from the products."
        )

    def handle(self, *args, **options):
        drift = selectors.category_facet_count_drift()
        for d in drift[:50]:
            self.stdout.write(
                f"category {d.category_id} brand {d.brand_id or '-'} "
                f"{'in stock' if d.in_stock else 'sold out'}: kept {d.kept}, actual {d.actual}"
            )
        if options["fix"]:
            held = services.category_facet_counts_rebuild()
            self.stdout.write(self.style.SUCCESS(f"Rebuilt: {held} combinations."))
            return
        if drift:
            raise CommandError(f"{len(drift)} kept counts differ from the products.")
        self.stdout.write(self.style.SUCCESS("The kept counts match the products."))
