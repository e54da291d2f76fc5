"""Places named in English (pinyin) in a delivery question."""

import pytest

from accounts import regions
from support.nlu.addresses import place_named


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("how much is delivery to Shanghai", "上海市", "上海市"),
        ("do you ship to Xinjiang?", "新疆维吾尔自治区", None),
        ("when would it arrive in Chengdu", "四川省", "成都市"),
        ("shipping to Xi'an", "陕西省", "西安市"),
        ("ship to Inner Mongolia", "内蒙古自治区", None),
        ("to Shenzhen please", "广东省", "深圳市"),
        ("Do you ship to Lhasa?", "西藏自治区", "拉萨市"),
        ("delivery to Urumqi", "新疆维吾尔自治区", "乌鲁木齐市"),
        ("and to Kashgar?", "新疆维吾尔自治区", None),
    ],
)
def test_a_province_or_city_in_pinyin_is_found(text, province, city):
    code = place_named(text)
    assert regions.province_of(code).name == province
    if city is not None:
        assert regions.city(code[:4] + "00").name == city


@pytest.mark.parametrize(
    "text",
    [
        "any warm hats for winter?",
        "delivery to Fuzhou",  # 福州 (Fujian) or 抚州 (Jiangxi): asked, not guessed
        "hello there",
    ],
)
def test_no_place_or_an_ambiguous_one_names_none(text):
    assert place_named(text) == ""
