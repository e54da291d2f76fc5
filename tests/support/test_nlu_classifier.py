# ruff: noqa: RUF001  (Chinese and full-width text on purpose)
"""The intent classifier (support.nlu, no database): trained on the shipped examples, it reads
sentences it has never seen, doubts gibberish, and survives a round trip through bytes."""

import pytest

from support.nlu.classifier import IntentClassifier
from support.nlu.evaluation import choose_threshold, cross_validated, examples_read
from support.training import SHIPPED_TRAIN


@pytest.fixture(scope="module")
def shipped():
    examples = examples_read(SHIPPED_TRAIN)
    return IntentClassifier(threshold=0.3).fit(
        [e.text for e in examples], [e.intent for e in examples]
    )


# Written for this test: in neither the training nor the test file.
UNSEEN = [
    ("hey, anybody on the chat right now?", "greeting"),
    ("could you tell me whether order 5RT8WQ2M4K6Z has been sent out", "order_status"),
    ("the parcel tracking is frozen, where is my box", "track_shipment"),
    ("please cancel my order, I picked the wrong colour", "cancel_order"),
    ("the toaster I got is broken, I want my money back", "refund_request"),
    ("I typed my street wrong, please change my delivery address", "change_address"),
    ("how much is delivery to Qingdao", "shipping_info"),
    ("I forgot my password and cannot sign in", "account_help"),
    ("I need to speak with a human agent", "human_handoff"),
    ("亲，我的订单9PD3M7XW2K4R发货了没有", "order_status"),
    ("包裹怎么还没送到啊，物流到哪了", "track_shipment"),
    ("帮我把这个订单取消掉吧", "cancel_order"),
    ("鞋子开胶了，我要退款", "refund_request"),
    ("收货地址写错了，能帮我改一下吗", "change_address"),
    ("支付宝付款一直失败怎么办", "payment_issue"),
    ("找人工客服", "human_handoff"),
]


@pytest.mark.parametrize(("text", "intent"), UNSEEN)
def test_reads_sentences_it_was_not_trained_on(shipped, text, intent):
    reading = shipped.predict(text)
    assert reading.intent == intent, reading.ranked
    assert not reading.unsure


@pytest.mark.parametrize("text", ["ggjjkk hhqq", "vvbn mmkk"])
def test_gibberish_falls_below_the_threshold(shipped, text):
    reading = shipped.predict(text)
    assert reading.unsure
    assert reading.confidence < shipped.threshold


@pytest.mark.parametrize("text", ["ƒ∂ßå", "Привет как дела", "😀😀😀", "???", "!!"])
def test_a_message_without_letters_of_either_language_is_unsure(shipped, text):
    assert shipped.predict(text).unsure


@pytest.mark.parametrize("text", ["qxzv bplmk wrrt", "zzzzzz", "asdf asdf", "lol", "???"])
def test_keyboard_mashing_is_never_read_as_something_to_act_on(shipped, text):
    reading = shipped.predict(text)
    assert reading.unsure or reading.intent == "out_of_scope", reading.ranked


def test_a_reading_ranks_the_best_three_intents_with_probabilities(shipped):
    reading = shipped.predict("where is my parcel")
    assert len(reading.ranked) == 3
    assert reading.ranked[0] == (reading.intent, reading.confidence)
    probabilities = [p for _, p in reading.ranked]
    assert probabilities == sorted(probabilities, reverse=True)


def test_dumps_and_loads_give_the_same_readings_and_threshold(shipped):
    again = IntentClassifier.loads(shipped.dumps())
    assert again.threshold == shipped.threshold
    for text, _ in UNSEEN:
        assert again.predict(text) == shipped.predict(text)


def test_loads_refuses_bytes_that_are_not_a_model():
    import pickle

    with pytest.raises(ValueError, match="not a model"):
        IntentClassifier.loads(pickle.dumps({"something": "else"}))


def test_fitting_needs_two_intents():
    with pytest.raises(ValueError, match="two intents"):
        IntentClassifier().fit(["hi", "hello"], ["greeting", "greeting"])


def test_the_threshold_doubts_about_one_right_reading_in_twenty():
    examples = [e for e in examples_read(SHIPPED_TRAIN) if e.lang == "en"]
    texts, labels = [e.text for e in examples], [e.intent for e in examples]
    predicted, probabilities, classes = cross_validated(IntentClassifier, texts, labels, folds=3)
    threshold = choose_threshold(probabilities, classes, labels)
    best = probabilities.max(axis=1)
    right = [p == t for p, t in zip(predicted, labels, strict=True)]
    doubted_right = sum(1 for b, r in zip(best, right, strict=True) if r and b < threshold)
    assert 0 < threshold < 1
    assert doubted_right / sum(right) == pytest.approx(0.05, abs=0.01)
