# ruff: noqa: RUF001  (Chinese and full-width text on purpose)
"""FAQ retrieval: the index (no database) and the selector over the shop's and a merchant's
entries."""

import pytest

from support.models import FaqEntry
from support.nlu.faq import FaqIndex, faq_documents, terms
from support.selectors import faq_answer
from support.training import faq_load_shipped, faq_shipped_rows


@pytest.fixture(scope="module")
def index():
    rows = [{**row, "id": n} for n, row in enumerate(faq_shipped_rows(), start=1)]
    return FaqIndex(faq_documents(rows)), {row["id"]: row for row in rows}


# Phrased unlike the entry's question and variants.
@pytest.mark.parametrize(
    ("question", "language", "entry"),
    [
        ("is there free delivery", "en", "How much does delivery cost?"),
        ("how do I get a fapiao for my company", "en", "Can I get an invoice (fapiao)?"),
        ("do you accept wechat", "en", "How can I pay?"),
        ("what time is customer service open", "en", "When can I reach customer service?"),
        ("能开发票吗", "zh-hans", "可以开发票吗？"),
        ("七天无理由退货吗", "zh-hans", "退货政策是什么？"),
        ("运费多少钱", "zh-hans", "运费怎么算？"),
        ("支持微信付款吗", "zh-hans", "支持哪些付款方式？"),
    ],
)
def test_a_question_phrased_differently_finds_its_entry(index, question, language, entry):
    faq, rows = index
    hit = faq.best(question, language=language)
    assert hit is not None
    assert rows[hit.entry_id]["question"] == entry
    assert 0 < hit.score <= 1
    assert hit.question in [entry, *rows[hit.entry_id]["variants"]]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("what's the weather tomorrow", "en"),
        ("tell me a joke about cats", "en"),
        ("who won the football match", "en"),
        ("今天天气怎么样", "zh-hans"),
        ("给我讲个笑话", "zh-hans"),
    ],
)
def test_an_unrelated_question_finds_no_entry(index, question, language):
    faq, _ = index
    assert faq.best(question, language=language) is None


def test_entries_of_another_language_are_not_answered(index):
    faq, rows = index
    hits = faq.ranked("能开发票吗", language="en")
    assert all(rows[hit.entry_id]["language"] == "en" for hit in hits)


def test_terms_drop_function_words_stem_english_and_pair_chinese_characters():
    assert terms("How do I return the shoes?") == ["return", "shoe"]
    assert "h:发票" in terms("能开发票吗")


@pytest.mark.django_db
def test_faq_answer_answers_from_the_shops_entries_and_cites_the_entry():
    faq_load_shipped()
    hit = faq_answer(question="can I pay by alipay?", language="en")
    entry = FaqEntry.objects.get(pk=hit.entry_id)
    assert entry.question == "How can I pay?"
    assert hit.answer == entry.answer
    assert faq_answer(question="what's the weather tomorrow", language="en") is None


@pytest.mark.django_db
def test_a_merchants_entry_answers_for_that_merchant_only(merchant_a, merchant_b):
    own = FaqEntry.objects.create(
        merchant=merchant_a,
        language="en",
        question="Do your sneakers come with spare laces?",
        variants="are extra shoelaces included",
        answer="Yes, every pair ships with a spare pair of laces.",
    )
    question = "do the sneakers include spare laces"
    assert (
        faq_answer(question=question, language="en", merchant_id=merchant_a.pk).entry_id == own.pk
    )
    assert faq_answer(question=question, language="en", merchant_id=merchant_b.pk) is None
    assert faq_answer(question=question, language="en") is None


@pytest.mark.django_db
def test_the_index_follows_edits_additions_and_switching_off():
    question = "can I bring my pets along to the pickup point"
    assert faq_answer(question=question, language="en") is None
    entry = FaqEntry.objects.create(
        language="en", question="Can I bring pets to the pickup point?", answer="Yes, on a lead."
    )
    assert faq_answer(question=question, language="en").answer == "Yes, on a lead."
    entry.answer = "Yes, dogs on a lead are welcome."
    entry.save()
    assert faq_answer(question=question, language="en").answer == entry.answer
    entry.active = False
    entry.save()
    assert faq_answer(question=question, language="en") is None


@pytest.mark.django_db
def test_shipped_faq_loads_once_and_never_overwrites_what_staff_edited():
    added = faq_load_shipped()
    assert added == len(faq_shipped_rows())
    entry = FaqEntry.objects.get(language="en", question="How can I pay?")
    entry.answer = "Alipay, and from next month WeChat Pay."
    entry.save()
    assert faq_load_shipped() == 0
    entry.refresh_from_db()
    assert entry.answer == "Alipay, and from next month WeChat Pay."
    assert FaqEntry.objects.filter(merchant=None).count() == added
