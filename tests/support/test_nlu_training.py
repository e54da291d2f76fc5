"""Loading the shipped examples, training and publishing classifier versions, and serving the
live one."""

import pytest

from support import classifier as served
from support.classifier import classify, live_classifier
from support.models import ClassifierVersion, ExampleSource, TrainingExample
from support.nlu.evaluation import examples_read
from support.tasks import train_classifier
from support.training import (
    SHIPPED_TRAIN,
    NotEnoughExamples,
    TrainingUnderWay,
    _training_lock,
    classifier_train,
    examples_load_shipped,
)

pytestmark = pytest.mark.django_db

# Two small sets of examples that teach different intents: which one serves shows in the labels.
FIRST = {
    "greeting": ["hello", "hi there", "good morning", "hey you", "hiya friend", "hello again"],
    "goodbye": ["bye", "goodbye now", "see you later", "bye bye", "farewell", "ciao then"],
}
SECOND = {
    "cancel_order": ["cancel my order", "please cancel it", "stop the order", "cancel that",
                     "I want to cancel", "cancel the purchase"],
    "refund_request": ["refund me", "I want a refund", "money back please", "give a refund",
                       "refund the item", "refund my order"],
}  # fmt: skip


def examples(sets: dict[str, list[str]]) -> None:
    TrainingExample.objects.all().delete()
    TrainingExample.objects.bulk_create(
        TrainingExample(text=text, intent=intent, language="en")
        for intent, texts in sets.items()
        for text in texts
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the live key in the cache) as the test goes."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_loading_shipped_examples_adds_them_once_and_leaves_staff_rows_alone():
    staff = TrainingExample.objects.create(
        text="where is my order", intent="track_shipment", language="en"
    )
    first = examples_load_shipped()
    shipped = examples_read(SHIPPED_TRAIN)
    assert first["created"] == len(shipped) - 1
    staff.refresh_from_db()
    assert (staff.intent, staff.source) == ("track_shipment", ExampleSource.STAFF)
    assert examples_load_shipped() == {"created": 0, "relabelled": 0}
    assert TrainingExample.objects.count() == len(shipped)


def test_a_shipped_row_takes_the_label_the_file_gives_it():
    examples_load_shipped()
    row = TrainingExample.objects.get(text="cancel my order", language="en")
    row.intent = "greeting"
    row.save()
    assert examples_load_shipped()["relabelled"] == 1
    row.refresh_from_db()
    assert row.intent == "cancel_order"


def test_training_records_the_run_and_makes_it_the_one_live_version(on_commit):
    examples(FIRST)
    first = on_commit(classifier_train)
    assert first.is_live
    assert first.examples == 12
    assert first.seconds > 0
    assert set(first.metrics["cross_validated"]) >= {"en", "all", "folds"}
    assert 0 < first.metrics["threshold"] < 1

    second = on_commit(classifier_train, force=True)
    assert list(ClassifierVersion.objects.filter(is_live=True)) == [second]
    first.refresh_from_db()
    assert not first.is_live


def test_training_again_on_the_same_examples_changes_nothing_until_they_change(on_commit):
    examples(FIRST)
    first = on_commit(classifier_train)
    assert on_commit(classifier_train) == first
    assert ClassifierVersion.objects.count() == 1
    row = TrainingExample.objects.first()
    row.active = False
    row.save()
    second = on_commit(classifier_train)
    assert second != first
    assert second.examples == 11
    assert list(ClassifierVersion.objects.filter(is_live=True)) == [second]


def test_examples_changed_during_a_run_are_trained_on_before_it_ends(monkeypatch, on_commit):
    from support import training

    examples(FIRST)
    real_fit = training.classifier_fit
    calls = []

    def fit_while_staff_edit(examples_, **kwargs):
        if not calls:  # staff add an example while the first run trains
            TrainingExample.objects.create(text="see ya", intent="goodbye", language="en")
        calls.append(len(examples_))
        return real_fit(examples_, **kwargs)

    monkeypatch.setattr(training, "classifier_fit", fit_while_staff_edit)
    version = on_commit(classifier_train)
    assert calls == [12, 13]
    assert version.examples == 13
    assert version.metrics["examples_state"] == training.examples_state()
    assert ClassifierVersion.objects.get(is_live=True) == version


def test_a_second_run_while_one_is_under_way_does_nothing():
    examples(FIRST)
    with _training_lock():
        with pytest.raises(TrainingUnderWay):
            classifier_train()
        assert train_classifier() is None
    assert not ClassifierVersion.objects.exists()


def test_the_task_trains_and_publishes(on_commit):
    examples(FIRST)
    version_id = on_commit(train_classifier)
    assert ClassifierVersion.objects.get(is_live=True).pk == version_id


def test_one_intent_is_not_enough_to_train():
    TrainingExample.objects.create(text="hello", intent="greeting", language="en")
    with pytest.raises(NotEnoughExamples):
        classifier_train()


def test_training_an_empty_table_loads_the_shipped_examples_first(monkeypatch, tmp_path, on_commit):
    # Two intents of the shipped file stand in for all of it, to train in a moment.
    lines = SHIPPED_TRAIN.read_text(encoding="utf-8").splitlines()
    picked = [line for line in lines if '"greeting"' in line or '"goodbye"' in line]
    short = tmp_path / "train.jsonl"
    short.write_text("\n".join(picked), encoding="utf-8")
    monkeypatch.setattr("support.training.SHIPPED_TRAIN", short)
    version = on_commit(classifier_train)
    assert version.examples == len(picked)
    assert TrainingExample.objects.filter(source=ExampleSource.SHIPPED).count() == len(picked)


def test_classify_serves_the_live_version_and_reloads_when_another_goes_live(on_commit):
    examples(FIRST)
    first = on_commit(classifier_train)
    assert live_classifier()[0] == first.pk
    assert classify("hello there").intent in FIRST

    examples(SECOND)
    second = on_commit(classifier_train)
    assert live_classifier()[0] == second.pk
    prediction = classify("please cancel my order")
    assert prediction.intent == "cancel_order"
    assert {intent for intent, _ in prediction.ranked} <= set(SECOND)


def test_with_no_live_version_classify_uses_the_shipped_examples():
    assert not ClassifierVersion.objects.exists()
    assert live_classifier()[0] == 0
    prediction = classify("我的快递到哪了")
    assert prediction.intent == "track_shipment"
    assert not prediction.unsure
    assert prediction.confidence == prediction.ranked[0][1]


def test_an_empty_message_is_out_of_scope_and_unsure():
    prediction = classify("   ")
    assert (prediction.intent, prediction.unsure) == ("out_of_scope", True)


def test_a_version_that_cannot_be_read_falls_back_to_the_shipped_examples(on_commit):
    examples(FIRST)
    version = on_commit(classifier_train)
    ClassifierVersion.objects.filter(pk=version.pk).update(model=b"not a model")
    served._served.key = None  # as a process started after the row was damaged
    assert live_classifier()[0] == 0
    assert classify("cancel my order please").intent == "cancel_order"
