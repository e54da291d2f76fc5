"""Search the recommender's settings on a validation split now (the weekly task does the same);
the nightly training run uses the best ones from then on."""

import os

from django.core.management.base import BaseCommand, CommandError

from recommendations import als
from recommendations.services.tuning import (
    DEFAULT_BUDGET_SECONDS,
    DEFAULT_TRIALS,
    TuningUnderWay,
    recommender_tune,
)

# implicit warns that a multi-threaded BLAS slows its own threads down.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

MAX_TRIALS = 500


class Command(BaseCommand):
    help = (
        "Search the recommender's model family, factors, regularisation, alpha, learning rate, "
        "iterations, weighting and half-life on a validation split, score the best on the test "
        "split, and record the run (the nightly training uses its settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--trials",
            type=int,
            default=DEFAULT_TRIALS,
            help=f"settings to try, the current ones first (default {DEFAULT_TRIALS})",
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=DEFAULT_BUDGET_SECONDS,
            help="seconds after which no new trial starts (default %(default)s; 0: no limit)",
        )
        parser.add_argument(
            "--families",
            default=",".join(als.FAMILIES),
            help=f"comma-separated model families to try, of {', '.join(als.FAMILIES)} "
            "(default: all)",
        )

    def handle(self, *args, **options):
        trials = options["trials"]
        if not 1 <= trials <= MAX_TRIALS:
            raise CommandError(f"--trials must be between 1 and {MAX_TRIALS} (got {trials}).")
        budget = options["budget"]
        if budget < 0:
            raise CommandError(
                f"--budget must be 0 (no limit) or a number of seconds (got {budget})."
            )
        families = [f.strip() for f in options["families"].split(",") if f.strip()]
        unknown = [f for f in families if f not in als.FAMILIES]
        if not families or unknown:
            raise CommandError(
                f"--families: unknown model family {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(als.FAMILIES)}."
            )
        try:
            run = recommender_tune(
                trials=trials,
                families=families,
                budget_seconds=budget or None,
                report=lambda line: self.stdout.write(f"  {line}"),
            )
        except TuningUnderWay as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"tuning run #{run.pk}: {run.status} in {run.seconds:.1f} s")
        self.stdout.write(f"  best settings  {run.best_params}")
        for split, ours, base in (
            ("validation", run.validation_ndcg, run.validation_baseline),
            ("test", run.test_ndcg, run.test_baseline),
        ):
            ratio = f"{ours / base:.2f}x" if base else "-"
            self.stdout.write(
                f"  {split:<10} NDCG@10 {ours:.4f}  most popular {base:.4f}  ({ratio})"
            )
        if run.note:
            self.stdout.write(f"  note: {run.note}")
