"""manage.py train_chatbot: load the shipped examples, train the intent classifier, publish it."""

from django.core.management.base import BaseCommand, CommandError

from support.training import (
    NotEnoughExamples,
    TrainingUnderWay,
    classifier_train,
    examples_load_shipped,
    faq_load_shipped,
)


class Command(BaseCommand):
    help = (
        "Load the shipped training examples and FAQ (adding what is missing, never changing what "
        "staff wrote), train the assistant's intent classifier on the active examples and make "
        "it live. Prints the cross-validated scores per language and the training time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-shipped",
            action="store_true",
            help="Train on the examples in the database only, without loading the shipped ones.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Train even if the live version was trained on the same examples.",
        )

    def handle(self, *args, **options):
        if not options["no_shipped"]:
            loaded = examples_load_shipped()
            self.stdout.write(
                f"Shipped examples: {loaded['created']} added, {loaded['relabelled']} relabelled."
            )
            self.stdout.write(f"Shipped FAQ entries: {faq_load_shipped()} added.")
        try:
            version = classifier_train(report=self.stdout.write, force=options["force"])
        except (TrainingUnderWay, NotEnoughExamples) as error:
            raise CommandError(str(error)) from error
        metrics = version.metrics
        self.stdout.write(
            self.style.SUCCESS(
                f"Classifier {version} live: {version.examples} examples, trained in "
                f"{version.seconds:.1f} s, threshold {metrics['threshold']:.3f}."
            )
        )
