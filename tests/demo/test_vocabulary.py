# ruff: noqa: RUF001 -- the Chinese text uses Chinese punctuation on purpose
"""The demo's word lists, read from demo/data/: the same seed names the same products as when the
lists were Python literals (the values below were taken from that version)."""

import random

from demo import vocabulary


def test_the_word_lists_hold_every_category_kind_brand_and_place():
    assert len(vocabulary.TOPS) == 8
    assert len(vocabulary.leaves()) == 31
    assert sum(len(leaf.kinds) for _top, leaf in vocabulary.leaves()) == 188
    assert len(vocabulary.BRANDS) == 40
    assert len(vocabulary.MERCHANTS) == 4
    assert len(vocabulary.WAREHOUSES) == 3
    assert len(vocabulary.CITIES) == 26


def test_the_same_seed_names_and_describes_the_same_products():
    rng = random.Random(42)
    made = []
    for top, leaf in vocabulary.leaves()[::9]:
        words = vocabulary.choose_words(rng, top, leaf, "Northpeak")
        name = vocabulary.product_name(words)
        description = vocabulary.product_description(words, name)
        made.append((name.en, name.zh, description.en[:60], description.zh[:30]))

    assert made == [
        (
            "Northpeak Oversized Oxford Cotton Button-Down Shirt",
            "Northpeak 宽松牛津纺衬衫",
            "The Northpeak Oversized Oxford Cotton Button-Down Shirt is a",
            "Northpeak 宽松牛津纺衬衫，百搭的日常单品。肩部加固",
        ),
        (
            "Northpeak Open-Ear Bone Conduction Headphones Pro",
            "Northpeak 开放式骨传导耳机 Pro",
            "With the Northpeak Open-Ear Bone Conduction Headphones Pro, ",
            "Northpeak 开放式骨传导耳机 Pro，把旗舰级体验带",
        ),
        (
            "Northpeak Ultra-Fine Eyebrow Pencil",
            "Northpeak 极细眉笔",
            "Light, fast-absorbing and kind to skin: the Northpeak Ultra-",
            "轻盈好吸收，温和不刺激：Northpeak 极细眉笔。小巧外",
        ),
        (
            "Northpeak Premium Wildflower Honey",
            "Northpeak 特级百花蜜",
            "The Northpeak Premium Wildflower Honey is a small everyday p",
            "Northpeak 特级百花蜜，日常里的小确幸。配料表简单干",
        ),
    ]


def test_a_kind_without_its_own_price_takes_the_kind_price_list_and_else_its_leafs():
    kinds = {
        kind.term.en: (kind, leaf) for _top, leaf in vocabulary.leaves() for kind in leaf.kinds
    }

    tent, _leaf = kinds["Tent"]
    assert tent.price == vocabulary.KIND_PRICES["Tent"] == (299, 2999)
    tee, leaf = kinds["T-Shirt"]
    assert tee.price is None
    words = vocabulary.ProductWords(vocabulary.TOPS[0], leaf, tee, "Kestrel", None, None)
    assert words.price_range == leaf.price == (39, 399)


def test_each_data_file_is_read_once():
    vocabulary.load.cache_clear()
    vocabulary.load("catalog")
    vocabulary.load("catalog")

    assert vocabulary.load.cache_info().misses == 1
    assert vocabulary.load.cache_info().hits == 1


def test_every_demo_place_is_a_district_of_the_region_table():
    from accounts import regions

    for city in vocabulary.CITIES:
        for district in city.districts:
            assert regions.resolve(city.province, city.city, district).code
    for warehouse in vocabulary.WAREHOUSES:
        assert regions.resolve(warehouse.province, warehouse.city, warehouse.district).code
