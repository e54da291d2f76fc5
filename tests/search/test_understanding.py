"""Reading a query's price words, "cheap" and colours before it is matched (search/understanding.py:
plain Python, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from search.understanding import CHEAP, COLOUR, PRICE, read


def price(text: str) -> tuple[Decimal | None, Decimal | None]:
    reading = read(text)
    return reading.price_min, reading.price_max


@pytest.mark.parametrize(
    ("text", "low", "high", "rest"),
    [
        ("running shoes under 500", None, "500", "running shoes"),
        ("below ¥300", None, "300", ""),
        ("less than 200 yuan backpack", None, "200", "backpack"),
        ("tent up to 1,200", None, "1200", "tent"),
        ("headphones over 200", "200", None, "headphones"),
        ("200+ headphones", "200", None, "headphones"),
        ("between 100 and 200 wok", "100", "200", "wok"),
        ("wok 100-200", "100", "200", "wok"),
        ("wok 100 to 200 rmb", "100", "200", "wok"),
        ("¥100-¥200 earbuds", "100", "200", "earbuds"),
        ("earbuds 150 yuan", None, "150", "earbuds"),
        ("laptop under 5k", None, "5000", "laptop"),
    ],
)
def test_english_price_expressions(text, low, high, rest):
    reading = read(text)

    assert price(text) == (
        Decimal(low) if low else None,
        Decimal(high) if high else None,
    )
    assert reading.text == rest
    assert [p.kind for p in reading.parts] == [PRICE]


@pytest.mark.parametrize(
    ("text", "low", "high", "rest"),
    [
        ("500以下的跑鞋", None, "500", "跑鞋"),
        ("跑鞋500元以下", None, "500", "跑鞋"),
        ("500以内耳机", None, "500", "耳机"),
        ("低于500的耳机", None, "500", "耳机"),
        ("不超过300元的背包", None, "300", "背包"),
        ("300元以上的帐篷", "300", None, "帐篷"),
        ("100-200元 炒锅", "100", "200", "炒锅"),
        ("炒锅100到200元", "100", "200", "炒锅"),
        ("一百元以内的耳机", None, "100", "耳机"),
        ("三百五十元以下", None, "350", ""),
        ("两千五以下的笔记本", None, "2500", "笔记本"),
        ("１００元以下", None, "100", ""),  # full-width digits
    ],
)
def test_chinese_price_expressions(text, low, high, rest):
    reading = read(text)

    assert price(text) == (
        Decimal(low) if low else None,
        Decimal(high) if high else None,
    )
    assert reading.text == rest


@pytest.mark.parametrize(
    "text",
    [
        "X1 camera",
        "iphone 15 case",
        "size 42 shoes",
        "42",
        "size 38-42",
        "under 5 kg",
        "tent for 2 people",
        "3-4人帐篷",
        "Air Max 90",
        "500ml water bottle",
        "三天以内",
    ],
)
def test_numbers_that_are_no_price_stay_words(text):
    reading = read(text)

    assert reading.parts == ()
    assert reading.text == text


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("cheap headphones", "headphones"),
        ("budget laptop", "laptop"),
        ("affordable yoga mat", "yoga mat"),
        ("便宜的耳机", "耳机"),
        ("实惠的炒锅", "炒锅"),
        ("平价面霜", "面霜"),
    ],
)
def test_cheap_in_both_languages(text, rest):
    reading = read(text)

    assert reading.cheap
    assert reading.text == rest
    assert reading.price_max is None  # the ceiling is chosen from the matching products


@pytest.mark.parametrize(
    ("text", "colours", "rest"),
    [
        ("red running shoes", ("red",), "running shoes"),
        ("Navy Blue jacket", ("navy",), "jacket"),
        ("gray hoodie", ("grey",), "hoodie"),
        ("black and white sneakers", ("black", "white"), "and sneakers"),
        ("黑色双肩包", ("black",), "双肩包"),
        ("藏青色的外套", ("navy",), "外套"),
        ("红色 跑鞋", ("red",), "跑鞋"),
    ],
)
def test_colour_words(text, colours, rest):
    reading = read(text)

    assert reading.colours == colours
    assert reading.text == rest


@pytest.mark.parametrize(
    "text",
    ["green tea", "black tea", "white tea", "red wine", "olive oil", "orange juice", "红茶",
     "白酒", "绿茶"],
)  # fmt: skip
def test_a_colour_word_naming_a_kind_of_food_is_no_colour(text):
    assert read(text).parts == ()


@pytest.mark.parametrize(
    ("text", "rest"),
    [("black", "black"), ("红色", "红色"), ("navy blue", "navy blue"), ("red under 200", "red")],
)
def test_a_colour_qualifying_nothing_stays_a_word(text, rest):
    reading = read(text)

    assert reading.colours == ()
    assert reading.text == rest


def test_colours_can_be_left_as_words():
    assert read("red running shoes", colours=False).text == "red running shoes"


def test_each_part_knows_its_words_and_the_query_without_them():
    reading = read("Red running shoes under ¥500")

    colour, under = reading.parts
    assert (colour.kind, reading.words(colour)) == (COLOUR, "Red")
    assert (under.kind, reading.words(under)) == (PRICE, "under ¥500")
    assert reading.without(colour) == "running shoes under ¥500"
    assert reading.without(under) == "Red running shoes"


def test_a_price_and_a_colour_in_one_query():
    reading = read("running shoes under 500 in red")

    assert [p.kind for p in reading.parts] == [PRICE, COLOUR]
    assert (reading.price_max, reading.colours) == (Decimal(500), ("red",))
    assert reading.text == "running shoes in"


def test_the_tightest_of_several_prices_wins():
    reading = read("over 100 under 300 cheap tent")

    assert (reading.price_min, reading.price_max) == (Decimal(100), Decimal(300))
    assert [p.kind for p in reading.parts] == [PRICE, PRICE, CHEAP]
    assert reading.text == "tent"


@pytest.mark.parametrize("text", ["", "   ", "¥", "under", "100-", "-", "以下", "零元以下", "\x00"])
def test_odd_input_is_read_without_failing(text):
    reading = read(text)

    assert reading.price_min is None and reading.price_max is None
