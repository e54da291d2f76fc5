"""manage.py chatbot_classify "text": what the live classifier reads in one message."""

from django.core.management.base import BaseCommand, CommandError

from support.classifier import classify, live_classifier
from support.nlu.language import detect_language


class Command(BaseCommand):
    help = "Print the intent the live classifier reads in a message, its confidence and the top 3."

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="+", help="The message (quote it).")

    def handle(self, *args, **options):
        text = " ".join(options["text"]).strip()
        if not text:
            raise CommandError("Give a message to classify.")
        version_id, _ = live_classifier()
        prediction = classify(text)
        self.stdout.write(f"text:       {text}")
        self.stdout.write(f"language:   {detect_language(text)}")
        self.stdout.write(f"intent:     {prediction.intent}")
        self.stdout.write(f"confidence: {prediction.confidence:.3f}")
        self.stdout.write(f"unsure:     {'yes' if prediction.unsure else 'no'}")
        self.stdout.write(
            "top 3:      "
            + ", ".join(f"{intent} {probability:.3f}" for intent, probability in prediction.ranked)
        )
        model = f"version {version_id}" if version_id else "shipped examples (no live version)"
        self.stdout.write(f"model:      {model}")
