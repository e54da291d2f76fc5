"""The shipped training, test and FAQ files: valid, labelled with the assistant's intents, large
enough, and the test set apart from the training set."""

import json
from collections import Counter

from support.nlu.evaluation import examples_read
from support.nlu.intents import INTENTS
from support.nlu.language import detect_language
from support.nlu.text import normalise
from support.training import SHIPPED_FAQ, SHIPPED_TEST, SHIPPED_TRAIN

LANGUAGES = {"en", "zh-hans"}


def test_every_line_of_the_shipped_files_is_an_example_with_a_known_intent_and_language():
    for path in (SHIPPED_TRAIN, SHIPPED_TEST):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        rows = [json.loads(line) for line in lines]
        assert {row["intent"] for row in rows} == set(INTENTS)
        assert {row["lang"] for row in rows} == LANGUAGES
        assert all(set(row) == {"text", "intent", "lang"} for row in rows)
        # Chinese lines are written in Chinese (they may hold an order number or a brand);
        # digits alone (88, "bye bye") may be either.
        assert all(detect_language(row["text"], row["lang"]) == row["lang"] for row in rows)


def test_training_has_at_least_40_examples_per_intent_per_language_and_test_15():
    train = Counter((e.intent, e.lang) for e in examples_read(SHIPPED_TRAIN))
    test = Counter((e.intent, e.lang) for e in examples_read(SHIPPED_TEST))
    for intent in INTENTS:
        for lang in LANGUAGES:
            assert train[(intent, lang)] >= 40, (intent, lang)
            assert test[(intent, lang)] >= 15, (intent, lang)


def test_no_test_sentence_is_also_a_training_sentence_and_none_repeats():
    train = [normalise(e.text) for e in examples_read(SHIPPED_TRAIN)]
    test = [normalise(e.text) for e in examples_read(SHIPPED_TEST)]
    assert len(set(train)) == len(train)
    assert len(set(test)) == len(test)
    assert not set(train) & set(test)


def test_the_shipped_faq_has_entries_with_variants_in_both_languages():
    rows = [json.loads(line) for line in SHIPPED_FAQ.read_text(encoding="utf-8").splitlines()]
    per_language = Counter(row["language"] for row in rows)
    assert set(per_language) == LANGUAGES
    assert min(per_language.values()) >= 15
    for row in rows:
        assert row["question"].strip() and row["answer"].strip()
        assert 3 <= len(row["variants"]) <= 6, row["question"]
        assert all(detect_language(v) == row["language"] for v in row["variants"])
    assert len({(r["language"], r["question"]) for r in rows}) == len(rows)
