"""manage.py rebuild_search_index: rebuild the database search index (and Elasticsearch's, when
ELASTICSEARCH_URL is set) from the catalog, without downtime."""

import time

from django.core.management.base import BaseCommand

from search import services


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the catalog: the database backend's, and Elasticsearch's "
        "when ELASTICSEARCH_URL is set (swapped in by alias, no downtime)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database index already holds documents.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and not services.search_index_is_empty():
            self.stdout.write("The search index is already built: nothing to do.")
            return
        started = time.perf_counter()
        counts = services.search_index_rebuild()
        seconds = time.perf_counter() - started
        done = ", ".join(f"{backend}: {n:,} products" for backend, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt in {seconds:.1f} s ({done})."))
