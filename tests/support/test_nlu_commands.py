"""manage.py train_chatbot, evaluate_chatbot and chatbot_classify."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from support.models import ClassifierVersion, FaqEntry, TrainingExample

pytestmark = pytest.mark.django_db

EXAMPLES = {
    "greeting": ["hello", "hi there", "good morning", "hey you", "hiya friend", "hello again"],
    "cancel_order": ["cancel my order", "please cancel it", "stop the order", "cancel that",
                     "I want to cancel", "cancel the purchase"],
}  # fmt: skip


@pytest.fixture
def trained(django_capture_on_commit_callbacks):
    TrainingExample.objects.bulk_create(
        TrainingExample(text=text, intent=intent, language="en")
        for intent, texts in EXAMPLES.items()
        for text in texts
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("train_chatbot", "--no-shipped", stdout=StringIO())
    return ClassifierVersion.objects.get(is_live=True)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_train_chatbot_prints_the_scores_and_time_and_publishes(django_capture_on_commit_callbacks):
    TrainingExample.objects.bulk_create(
        TrainingExample(text=text, intent=intent, language="en")
        for intent, texts in EXAMPLES.items()
        for text in texts
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = run("train_chatbot", "--no-shipped")
    version = ClassifierVersion.objects.get(is_live=True)
    f1 = version.metrics["cross_validated"]["en"]["macro_f1"]
    assert f"macro-F1 {f1:.3f}" in out
    assert f"trained in {version.seconds:.1f} s" in out
    assert "12 examples" in out
    assert not FaqEntry.objects.exists()  # --no-shipped loads nothing


def test_train_chatbot_with_too_few_examples_is_a_clear_error():
    TrainingExample.objects.create(text="hello", intent="greeting", language="en")
    with pytest.raises(CommandError, match="at least two intents"):
        run("train_chatbot", "--no-shipped")


def test_evaluate_chatbot_prints_accuracy_f1_per_language_per_intent_and_confusions(
    trained, tmp_path
):
    rows = [
        {"text": "hello friend", "intent": "greeting", "lang": "en"},
        {"text": "cancel it please", "intent": "cancel_order", "lang": "en"},
        {"text": "cancel my order now", "intent": "cancel_order"},  # lang detected
        {"text": "good morning, cancel", "intent": "greeting", "lang": "en_US"},
    ]
    path = tmp_path / "held-out.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    out = run("evaluate_chatbot", "--file", str(path))
    from support.classifier import live_classifier

    predicted = live_classifier()[1].predict_many([r["text"] for r in rows])
    right = sum(p == r["intent"] for p, r in zip(predicted, rows, strict=True))
    assert f"accuracy  {right / 4:.4f}" in out
    assert re.search(r"macro-F1  \d\.\d{4}", out)
    assert re.search(r"en\s+accuracy \d\.\d{4}\s+macro-F1 \d\.\d{4}\s+\(4 examples\)", out)
    assert re.search(r"^greeting\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+2$", out, re.M)
    assert re.search(r"^cancel_order\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+2$", out, re.M)
    assert ("most confused" in out) == (right < 4)
    assert f"version {trained.pk}" in out


def test_evaluate_chatbot_reads_the_shipped_test_set_by_default(trained):
    out = run("evaluate_chatbot")
    assert "test.jsonl: 480 examples" in out
    assert "zh-hans" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "hi", "intent": "greeting"}\nnot json\n', "line 2: not JSON"),
        ('{"text": "hi", "intent": "smalltalk"}\n', "line 1: unknown intent 'smalltalk'"),
        ('{"intent": "greeting"}\n', "line 1: no text"),
        ('{"text": "hi", "intent": "greeting", "lang": "fr"}\n', "line 1: unknown language"),
        ('["hi", "greeting"]\n', "line 1: not a JSON object"),
        ("\n\n", "no examples"),
    ],
)
def test_evaluate_chatbot_names_the_bad_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        run("evaluate_chatbot", "--file", str(path))


def test_evaluate_chatbot_with_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("evaluate_chatbot", "--file", str(tmp_path / "missing.jsonl"))


def test_chatbot_classify_prints_intent_confidence_unsure_and_top_three(trained):
    out = run("chatbot_classify", "please cancel my order")
    from support.classifier import classify

    prediction = classify("please cancel my order")
    assert "intent:     cancel_order" in out
    assert f"confidence: {prediction.confidence:.3f}" in out
    assert f"unsure:     {'yes' if prediction.unsure else 'no'}" in out
    assert out.count(" 0.") >= 2  # the top intents with their probabilities
    assert f"version {trained.pk}" in out


def test_chatbot_classify_without_a_live_version_uses_the_shipped_examples():
    out = run("chatbot_classify", "我的订单到哪了")
    assert "language:   zh-hans" in out
    assert "intent:     track_shipment" in out
    assert "shipped examples" in out
