"""Chinese as shoppers type it, on every backend (the `backend` fixture): words matched as words,
homophone typos, pinyin and initials, and bigrams only as a fallback."""

from __future__ import annotations

import pytest

from search.backends.base import SearchQuery
from search.services import database_backend
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


def ids(result) -> list[int]:
    return [hit.product_id for hit in result.hits]


def search(backend, text: str):
    return backend.search(SearchQuery(text=text, language="zh-hans"))


def test_winter_coats_come_before_warm_boots(backend, shop):
    shop.category("coats", "Jackets & Coats", "外套")
    shop.category("boots", "Boots", "靴子")
    coat = shop.product(
        "Goose Down Puffer Jacket", zh="Northpeak 鹅绒羽绒服", category="coats",
        description_zh="轻盈保暖, 冬天穿也很舒适。",
    )  # fmt: skip
    boots = shop.product(
        "Insulated Snow Boots", zh="Northpeak 保暖雪地靴", category="boots",
        description_zh="冬天户外必备。",
    )  # fmt: skip
    index(backend, coat, boots)

    found = ids(search(backend, "冬天穿的保暖外套"))

    assert found[0] == coat.pk
    assert boots.pk not in found[:1]


def test_bluetooth_earbuds_with_noise_cancelling_come_before_speakers(backend, shop):
    # One category for both, whose name holds 耳机: the product must be named by it.
    shop.category("audio", "Headphones & Speakers", "耳机音响")
    earbuds = shop.product(
        "Wireless Earbuds", zh="Auralis 真无线耳机", category="audio",
        description_zh="蓝牙5.3连接, 主动降噪。",
    )  # fmt: skip
    speaker = shop.product(
        "Bluetooth Speaker", zh="Auralis 蓝牙音箱", category="audio",
        description_zh="防水便携, 降噪通话。", sales=500,
    )  # fmt: skip
    index(backend, earbuds, speaker)

    found = ids(search(backend, "蓝牙耳机 降噪"))

    assert found[0] == earbuds.pk
    assert found.index(earbuds.pk) < (found.index(speaker.pk) if speaker.pk in found else 99)


@pytest.fixture
def outdoor(shop):
    shop.category("fitness", "Yoga & Fitness", "瑜伽健身")
    shop.category("camping", "Camping & Hiking", "露营徒步")
    shop.category("audio", "Headphones & Speakers", "耳机音响")
    return {
        "mat": shop.product("Corefit Yoga Mat", zh="Corefit 防滑瑜伽垫", category="fitness"),
        "tent": shop.product("Two-Person Tent", zh="Northpeak 双人帐篷", category="camping"),
        "earbuds": shop.product("Bluetooth Earbuds", zh="Auralis 蓝牙耳机", category="audio"),
        "speaker": shop.product("Bluetooth Speaker", zh="Auralis 蓝牙音箱", category="audio"),
    }


@pytest.mark.parametrize(
    ("typed", "meant", "product"),
    [("瑜珈垫", "瑜伽垫", "mat"), ("帐蓬", "帐篷", "tent")],
)
def test_a_homophone_typo_finds_the_word_with_did_you_mean(backend, outdoor, typed, meant, product):
    index(backend, *outdoor.values())

    result = search(backend, typed)

    assert ids(result) == [outdoor[product].pk]
    assert result.did_you_mean == meant


@pytest.mark.parametrize(
    ("typed", "meant", "product"),
    [
        ("yujiadian", "瑜伽垫", "mat"),
        ("zhangpeng", "帐篷", "tent"),
        ("lanya erji", "蓝牙耳机", "earbuds"),
        ("lyej", "蓝牙耳机", "earbuds"),
    ],
)
def test_pinyin_and_initials_find_the_chinese_words(backend, outdoor, typed, meant, product):
    index(backend, *outdoor.values())

    result = search(backend, typed)

    assert ids(result) == [outdoor[product].pk]
    assert result.did_you_mean == meant


def test_pinyin_words_are_read_one_by_one_when_not_together(backend, outdoor):
    index(backend, *outdoor.values())

    result = search(backend, "shuangren zhangpeng")

    assert ids(result) == [outdoor["tent"].pk]
    assert result.did_you_mean == "双人 帐篷"


def test_a_real_word_is_never_taken_for_pinyin(backend, shop):
    earbuds = shop.product("Bluetooth Earbuds", zh="Auralis 蓝牙耳机", brand="Auralis")
    speaker = shop.product("Desk Speaker", zh="Lanya 桌面音箱", brand="Lanya")
    index(backend, earbuds, speaker)

    result = search(backend, "lanya")  # a brand of the shop, also the pinyin of 蓝牙

    assert ids(result) == [speaker.pk]
    assert result.did_you_mean is None


def test_a_word_in_no_document_finds_its_bigrams_as_a_weak_match(backend, outdoor, shop):
    jeans = shop.product("Washed Jeans", zh="水洗面料牛仔裤")
    index(backend, jeans, *outdoor.values())

    alone = search(backend, "洗面")
    mixed = search(backend, "帐篷 洗面")

    assert ids(alone) == [jeans.pk]
    # No product has both: the word matched only by its bigrams is the one left out.
    assert ids(mixed) == [outdoor["tent"].pk]
    assert mixed.dropped == ["洗面"]


def test_a_word_matches_as_a_word_not_across_word_boundaries(backend, shop):
    cleanser = shop.product("Gentle Face Cleanser", zh="温和洗面奶")
    jeans = shop.product("Washed Jeans", zh="水洗面料牛仔裤")
    index(backend, cleanser, jeans)

    assert ids(search(backend, "洗面奶")) == [cleanser.pk]
    assert ids(search(backend, "洗面")) == [cleanser.pk]


@pytest.mark.parametrize(
    "text",
    [
        "的",
        "x洗面",
        "瑜" * 300,
        "yujiadian" * 20,
        " ".join(["lanya"] * 30),
        '"瑜珈垫" 帐蓬 lyej 5g',
        "🙂 帐蓬",
    ],
)
def test_odd_chinese_and_pinyin_input_never_fails(backend, outdoor, text):
    index(backend, *outdoor.values())

    result = search(backend, text)

    assert set(ids(result)) <= {p.pk for p in outdoor.values()}
    assert isinstance(backend.autocomplete(text, language="zh-hans"), list)


def test_full_width_pinyin_is_read_like_half_width(backend, outdoor):
    index(backend, *outdoor.values())

    assert ids(search(backend, "ｙｕｊｉａｄｉａｎ")) == [outdoor["mat"].pk]  # noqa: RUF001


def test_an_exact_pinyin_reading_wins_over_a_latin_typo_correction(backend, shop):
    mat = shop.product("Cork Yoga Mat", zh="软木瑜伽垫", brand="Plainware")
    sleeve = shop.product("Compression Sleeve", zh="压缩腿套", brand="Yujin")
    index(backend, mat, sleeve)

    result = search(backend, "yujia")  # one edit from the brand "yujin"

    assert ids(result) == [mat.pk]
    assert result.did_you_mean == "瑜伽"


def test_database_autocomplete_finds_the_chinese_word_being_typed(shop):
    backend = database_backend()
    earbuds = shop.product("Wireless Earbuds", zh="Auralis 无线耳机")
    index(backend, earbuds, shop.product("Wireless Mouse", zh="Auralis 无线鼠标"))

    suggestions = backend.autocomplete("无线耳", language="zh-hans")

    assert [s.label for s in suggestions if s.kind == "product"] == ["Auralis 无线耳机"]


def test_only_the_shops_own_words_are_read_from_pinyin(backend, shop):
    """ "women" spells 我们 in pinyin, a word of descriptions, not of the shop's dictionary: it is
    left out as a word no product has, never searched as 我们."""
    mat = shop.product("Yoga Mat", zh="瑜伽垫", description_zh="我们的瑜伽垫")
    index(backend, mat)

    result = search(backend, "yoga mat women")

    assert ids(result) == [mat.pk]
    assert result.did_you_mean is None
    assert result.dropped == ["women"]
