"""search/chinese.py (plain functions) and the stored dictionary (search/dictionary.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from search import analysis, chinese, dictionary
from search.backends.base import SearchQuery
from search.models import SearchDictionary, SearchDocument
from search.services import database_backend


def test_a_dictionary_word_is_kept_whole_by_queries_and_found_inside_by_documents():
    segmenter = chinese.Segmenter(["蓝牙耳机", "瑜伽垫"])

    assert segmenter.query_words("蓝牙耳机降噪") == ["蓝牙耳机", "降噪"]
    assert segmenter.index_words("蓝牙耳机") == ["蓝牙", "耳机", "蓝牙耳机"]
    assert chinese.Segmenter().query_words("瑜伽垫") == ["瑜伽", "垫"]


def test_a_text_is_always_split_the_same_way():
    segmenter = chinese.Segmenter()

    # HMM off: an unknown pair of characters is never guessed to be a word.
    assert segmenter.query_words("筋膜枪") == segmenter.query_words("筋膜枪")
    assert segmenter.query_words("筋膜枪") == ["筋膜", "枪"]


def test_pinyin_keys_have_no_tones_and_initials_one_letter_a_syllable():
    assert chinese.pinyin_key("蓝牙") == "lanya"
    assert chinese.pinyin_key("瑜伽垫") == "yujiadian"
    assert chinese.pinyin_key("瑜珈垫") == chinese.pinyin_key("瑜伽垫")
    assert chinese.initials_key("蓝牙耳机") == "lyej"


def test_head_nouns_are_the_last_words_many_names_end_with():
    names = [
        "Corefit 防滑天然橡胶瑜伽垫",
        "Corefit 加厚瑜伽垫",
        "Zenflex 旅行瑜伽垫",
        "Relaxo 迷你筋膜枪",
        "Relaxo 按摩筋膜枪",
        "Pulse 筋膜枪 Pro",
        "Northpeak 双人帐篷",
        "Northpeak 四人帐篷",
    ]

    assert chinese.head_nouns(names, chinese.Segmenter()) == {"瑜伽垫", "筋膜枪"}


def test_category_names_are_split_where_they_join_two_names():
    assert chinese.name_words(["T恤与上衣", "凉鞋拖鞋", "Running"]) == {"上衣", "凉鞋拖鞋"}


def test_the_dictionary_holds_the_glossary_and_the_catalog_words():
    words = chinese.dictionary_words(
        categories=["筋膜枪"],
        brands=["Auralis 声学"],
        products=["A 按摩球", "B 按摩球", "C 按摩球"],
    )

    assert {"筋膜枪", "声学", "按摩球", "瑜伽垫", "洗面奶"} <= set(words)
    assert words == sorted(words)


def test_a_segmenter_is_built_once_per_dictionary_version():
    segmenters = chinese.SegmenterCache()
    loads = []

    def load(words):
        def words_of_version():
            loads.append(words)
            return words

        return words_of_version

    first = segmenters.get("v1", load(["筋膜枪"]))
    again = segmenters.get("v1", load(["never loaded"]))
    second = segmenters.get("v2", load(["按摩球"]))

    assert first is again
    assert loads == [["筋膜枪"], ["按摩球"]]
    assert second.query_words("筋膜枪") == ["筋膜", "枪"]
    assert second.query_words("按摩球") == ["按摩球"]
    assert segmenters.get("", load(["x"])) is chinese.default_segmenter()


@pytest.mark.django_db
def test_a_rebuild_stores_the_dictionary_and_indexing_splits_with_it(shop):
    shop.category("massage", "Massage Guns", "筋膜枪")
    gun = shop.product("Massage Gun", zh="Relaxo 筋膜枪", category="massage")
    before = analysis.index_text("Relaxo 筋膜枪", segmenter=dictionary.current_segmenter())

    database_backend().rebuild()

    stored = SearchDictionary.objects.get()
    assert "筋膜枪" in stored.words.split()
    assert "筋膜枪" not in before.split()
    assert "筋膜枪" in SearchDocument.objects.get(pk=gun.pk).name_text.split()


@pytest.mark.django_db
def test_index_products_after_a_rebuild_uses_the_stored_dictionary(shop):
    shop.category("massage", "Massage Guns", "筋膜枪")
    shop.product("Massage Gun", zh="Relaxo 筋膜枪", category="massage")
    backend = database_backend()
    backend.rebuild()
    later = shop.product("Mini Massage Gun", zh="Relaxo 迷你筋膜枪", category="misc")

    backend.index_products([later.pk])

    assert "筋膜枪" in SearchDocument.objects.get(pk=later.pk).name_text.split()


@pytest.mark.django_db
def test_a_search_reads_with_the_dictionary_once_the_rebuild_commits(
    shop, django_capture_on_commit_callbacks
):
    shop.category("massage", "Massage Guns", "筋膜枪")
    gun = shop.product("Massage Gun", zh="Relaxo 筋膜枪", category="massage")
    cache.set(dictionary.VERSION_KEY, "")  # what a search before the rebuild read
    backend = database_backend()

    with django_capture_on_commit_callbacks(execute=True):
        backend.rebuild()

    assert dictionary.current_segmenter().query_words("筋膜枪") == ["筋膜枪"]
    result = backend.search(SearchQuery(text="筋膜枪", language="zh-hans"))
    assert [h.product_id for h in result.hits] == [gun.pk]
