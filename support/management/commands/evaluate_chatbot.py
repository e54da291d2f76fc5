"""manage.py evaluate_chatbot --file F.jsonl: the live classifier's scores on a labelled file."""

from django.core.management.base import BaseCommand, CommandError

from support.classifier import live_classifier
from support.nlu.evaluation import ExampleFileError, examples_read, scores_by_language
from support.training import SHIPPED_TEST


class Command(BaseCommand):
    help = (
        'Read lines {"text": ..., "intent": ..., "lang": "en"|"zh-hans"} and print the live '
        "classifier's accuracy and macro-F1 (overall and per language), per-intent precision, "
        "recall and F1, and the most confused pairs. Default: the shipped test set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SHIPPED_TEST), help="A JSON-lines file.")
        parser.add_argument("--confused", type=int, default=10, help="How many pairs to list.")

    def handle(self, *args, **options):
        try:
            examples = examples_read(options["file"])
        except ExampleFileError as error:
            raise CommandError(str(error)) from error
        version_id, classifier = live_classifier()
        predicted = classifier.predict_many([e.text for e in examples])
        overall, by_language = scores_by_language(examples, predicted)
        write = self.stdout.write
        model = f"version {version_id}" if version_id else "shipped examples (no live version)"
        write(f"{options['file']}: {overall.count} examples, classifier: {model}")
        write(f"accuracy  {overall.accuracy:.4f}")
        write(f"macro-F1  {overall.macro_f1:.4f}")
        for lang, scores in by_language.items():
            write(
                f"  {lang:<8} accuracy {scores.accuracy:.4f}  macro-F1 {scores.macro_f1:.4f}"
                f"  ({scores.count} examples)"
            )
        write("")
        write(f"{'intent':<18}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}")
        for intent, (precision, recall, f1, support) in overall.per_intent.items():
            write(f"{intent:<18}{precision:>10.3f}{recall:>10.3f}{f1:>10.3f}{support:>9}")
        write("")
        mistakes = overall.confused[: options["confused"]]
        write("most confused (true -> predicted: count)" if mistakes else "no mistakes")
        for truth, guess, count in mistakes:
            write(f"  {truth} -> {guess}: {count}")
