# ruff: noqa: RUF001  (Chinese and full-width text on purpose)
"""Normalisation, tokens and the language of a message."""

from support.nlu.language import detect_language
from support.nlu.text import EMAIL, NUM, ORDERNO, han_bigrams, normalise, words


def test_full_width_forms_become_half_width_and_text_lower_case():
    assert normalise("ＷＨＥＲＥ　ｉｓ　ｍｙ　ＯＲＤＥＲ？") == "where is my order?"


def test_order_numbers_emails_and_numbers_become_placeholders():
    text = normalise("Order 7KQ3M9XA2D4F for lina.zhao@example.com, 3 items")
    assert text == f"order {ORDERNO} for {EMAIL} , {NUM} items"
    # Inside Chinese, lower case, full-width: still an order number.
    assert ORDERNO in normalise("订单７ｋｑ３ｍ９ｘａ２ｄ４ｆ到哪了")
    assert ORDERNO in normalise("订单7kq3m9xa2d4f到哪了")


def test_a_long_word_without_digits_is_not_an_order_number():
    assert normalise("Mountaineering") == "mountaineering"
    assert ORDERNO not in normalise("waterproofing")


def test_words_cut_chinese_with_jieba_and_keep_english_words_and_placeholders():
    tokens = words(normalise("亲，我的订单7KQ3M9XA2D4F怎么还没发货 iPhone 手机壳"))
    assert "订单" in tokens and "发货" in tokens
    assert ORDERNO in tokens and "iphone" in tokens
    assert "，" not in tokens


def test_han_bigrams_are_overlapping_character_pairs_of_chinese_runs_only():
    assert han_bigrams(normalise("到哪了 ok 发票")) == ["到哪", "哪了", "发票"]


def test_language_is_chinese_with_any_chinese_character_english_with_latin_only():
    assert detect_language("我的订单 7KQ3M9XA2D4F") == "zh-hans"
    assert detect_language("where is my order") == "en"
    assert detect_language("12345", default="zh-hans") == "zh-hans"
