"""The language a reply is written in: codes, emails and one-word answers keep the
conversation's."""

import pytest

from support.nlu.language import reply_language


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("我的订单到哪了", "en", "zh-hans"),
        ("where is my order", "zh-hans", "en"),
        ("E0ZHQXZPH0JA", "zh-hans", "zh-hans"),  # an order number picked from the choices
        ("7kq3-m9xa-2d4f lin@example.com", "zh-hans", "zh-hans"),
        ("SF1234567890", "en", "en"),
        ("KQMXAPDFRTWZ", "zh-hans", "zh-hans"),  # an order number without a digit
        ("yes", "zh-hans", "zh-hans"),  # a choice button's value
        ("yes please cancel it", "zh-hans", "en"),
        ("订单 E0ZHQXZPH0JA", "en", "zh-hans"),
        ("👍", "zh-hans", "zh-hans"),
        ("https://shop.example.com/p/mug", "zh-hans", "zh-hans"),
    ],
)
def test_reply_language(text, current, expected):
    assert reply_language(text, current) == expected
