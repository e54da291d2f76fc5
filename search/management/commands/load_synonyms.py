"""manage.py load_synonyms: add the rules of a synonym list file (the shipped one by default) to
the shop's synonym list, or with --replace put them in its place."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.synonyms import DEFAULT_LIST, RuleError, parse_rules


class Command(BaseCommand):
    help = (
        "Load a synonym list (one rule a line: 'a, b, c' two-way, 'a, b => c' one-way, "
        "# comments) into the shop's synonym list; the shipped list by default."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_LIST), help="The list file (UTF-8)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every rule of the shop's list first (rules added in admin too).",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            rules = parse_rules(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except RuleError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        added = services.synonyms_load(rules=rules, replace=options["replace"])
        self.stdout.write(
            self.style.SUCCESS(f"{added} synonym rules added ({len(rules)} in {path.name}).")
        )
