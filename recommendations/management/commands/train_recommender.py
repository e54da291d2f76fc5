"""Train a new recommender version now (the nightly task does the same)."""

import os

from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Interaction, ModelVersion
from recommendations.services.training import TrainingUnderWay, recommender_train
from recommendations.services.tuning import recommender_params

# implicit warns that a multi-threaded BLAS slows its own threads down.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class Command(BaseCommand):
    help = "Train a recommender model version, evaluate it, and publish it if it passes."

    def add_arguments(self, parser):
        parser.add_argument("--factors", type=int, help="override the number of factors")
        parser.add_argument("--iterations", type=int, help="override the number of iterations")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="only when no version is live yet (and there are interactions to learn from)",
        )

    def handle(self, *args, **options):
        if options["if_missing"]:
            if ModelVersion.objects.filter(is_live=True).exists():
                self.stdout.write("a recommender version is live already; not training")
                return
            if not Interaction.objects.filter(user__isnull=False).exists():
                self.stdout.write("no shopper interactions to learn from yet; not training")
                return
        overrides = {k: options[k] for k in ("factors", "iterations") if options.get(k)}
        params, tuning = recommender_params(**overrides)
        if tuning is not None:
            self.stdout.write(f"  settings of tuning run #{tuning.pk}: {tuning.best_params}")
        try:
            version = recommender_train(
                params=params,
                tuning_run=tuning,
                report=lambda line: self.stdout.write(f"  {line}"),
            )
        except TrainingUnderWay as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"version #{version.pk}: {version.status} ({version.note})")
        for stage, seconds in version.stages.items():
            self.stdout.write(f"  {stage:<12} {seconds:7.2f} s")
        self.stdout.write(f"  {'total':<12} {version.seconds:7.2f} s")
        for model in ("als", "popularity"):
            values = version.metrics.get(model, {})
            shown = ", ".join(
                f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()
            )
            self.stdout.write(f"  {model:<11} {shown}")
