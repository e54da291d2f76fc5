"""Searches written the way shoppers type, on every backend (the `backend` fixture): words of the
shop's synonym list (the shipped default, loaded by migration 0010, or rules added here), the
tiers that rank the shopper's own words above synonyms and descriptions, and honest answers when
no product has every word."""

from __future__ import annotations

import pytest

from search.backends.base import SearchQuery
from search.models import Synonym
from tests.search.conftest import index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_synonyms")]


def ids(result) -> list[int]:
    return [hit.product_id for hit in result.hits]


def search(backend, text="", **kwargs):
    return backend.search(SearchQuery(text=text, **kwargs))


# --- Synonyms -------------------------------------------------------------------------------------
def test_a_british_word_finds_the_american_one(backend, shop):
    sneakers = shop.product("Low-Top Sneakers", zh="低帮板鞋")
    index(backend, sneakers, shop.product("Cotton T-Shirt", zh="纯棉T恤"))

    assert ids(search(backend, "trainers")) == [sneakers.pk]


def test_a_word_of_the_list_is_not_taken_for_a_typo(backend, shop):
    sneakers = shop.product("Low-Top Sneakers")
    index(backend, sneakers, shop.product("Bike Trailers"))

    result = search(backend, "trainers")

    assert result.did_you_mean is None
    assert ids(result) == [sneakers.pk]


def test_pants_find_trousers_and_a_jumper_finds_a_sweater(backend, shop):
    trousers = shop.product("Cargo Trousers", zh="工装裤")
    sweater = shop.product("Crewneck Sweater", zh="圆领毛衣")
    index(backend, trousers, sweater, shop.product("Canvas Tote Bag"))

    assert ids(search(backend, "pants")) == [trousers.pk]
    assert ids(search(backend, "jumper")) == [sweater.pk]


def test_a_word_of_the_list_is_not_stemmed_into_another(backend, shop):
    """ "comforter" is not "comfort": it finds the duvet, not the shoes built for comfort."""
    duvet = shop.product("Silk Duvet", zh="蚕丝被子")
    shoes = shop.product("Road Running Shoes", description="Built for comfort from the first step.")
    index(backend, duvet, shoes)

    assert ids(search(backend, "comforter")) == [duvet.pk]


def test_two_words_of_the_list_are_one_term_not_a_typo(backend, shop):
    """ "cell phone" finds smartphones (one-way), never "well" for a misspelt "cell"."""
    phone = shop.product("5G Smartphone", zh="5G智能手机")
    pump = shop.product("Garden Well Pump", zh="花园水泵")
    index(backend, phone, pump)

    result = search(backend, "cell phone")

    assert ids(result) == [phone.pk]
    assert result.did_you_mean is None


def test_a_chinese_word_finds_its_synonyms_above_a_description_mentioning_it(backend, shop):
    shoes = shop.product("Low-Top Sneakers", zh="低帮板鞋", description_zh="百搭休闲。")
    joggers = shop.product("Joggers", zh="束脚运动裤", description_zh="配运动鞋。休闲舒适。")
    index(backend, joggers, shoes)

    found = ids(search(backend, "运动鞋", language="zh-hans"))

    assert found[0] == shoes.pk


def test_a_charging_cable_is_not_a_power_bank(backend, shop):
    cable = shop.product("Charging Cable", zh="数据线")
    bank = shop.product("Power Bank", zh="充电宝", description_zh="支持快速充电。")
    index(backend, cable, bank)

    assert ids(search(backend, "充电线", language="zh-hans")) == [cable.pk]


def test_a_face_cleanser_is_not_jeans_of_washed_fabric(backend, shop):
    cleanser = shop.product("Face Cleanser", zh="氨基酸洁面乳")
    jeans = shop.product("Slim Jeans", zh="修身牛仔裤", description_zh="水洗面料。柔软舒适。")
    index(backend, cleanser, jeans)

    assert ids(search(backend, "洗面奶", language="zh-hans")) == [cleanser.pk]


def test_the_shoppers_own_word_in_the_name_ranks_above_a_synonym(backend, shop):
    """Even a far more popular, better rated product found through a synonym comes second."""
    sneakers = shop.product("Court Sneakers")
    trainers = shop.product("Retro Trainers", sales=5000, rating="5")
    index(backend, trainers, sneakers)

    assert ids(search(backend, "sneakers")) == [sneakers.pk, trainers.pk]


def test_a_word_in_the_description_only_never_outranks_one_in_the_attributes(backend, shop):
    """Not even when the description says it again and again, and the product sells better,
    is better rated and in stock."""
    described = shop.product(
        "Travel Pillow",
        description="Teal. Teal cover, teal piping, teal tassels: pairs with a teal blanket.",
        sales=5000,
        rating="5",
    )
    coloured = shop.product("Throw Blanket", attributes={"colour": "teal"}, stock=0)
    index(backend, described, coloured)

    assert ids(search(backend, "teal")) == [coloured.pk, described.pk]


def test_more_of_the_words_in_the_name_rank_higher(backend, shop):
    """Neither has every word in its name: the one with more of them there comes first, even
    sold out and against a best seller."""
    headphones = shop.product(
        "Noise Cancelling Headphones", description="With bluetooth 5.3.", stock=0
    )
    speaker = shop.product(
        "Bluetooth Speaker",
        description="Pair with noise cancelling headphones, noise cancelling earbuds.",
        sales=5000,
        rating="5",
    )
    index(backend, speaker, headphones)

    found = ids(search(backend, "bluetooth noise cancelling headphones"))

    assert found == [headphones.pk, speaker.pk]


def test_a_one_way_rule_finds_its_targets_not_the_other_way_round(backend, shop):
    Synonym.objects.create(kind=Synonym.Kind.ONE_WAY, terms="mtb", targets="mountain bike")
    bike = shop.product("Mountain Bike")
    gloves = shop.product("MTB Gloves")
    index(backend, bike, gloves)

    assert set(ids(search(backend, "mtb"))) == {bike.pk, gloves.pk}
    assert ids(search(backend, "mountain bike")) == [bike.pk]


def test_a_rule_added_in_admin_applies_to_the_next_search(backend, shop):
    marbles = shop.product("Glass Marbles")
    index(backend, marbles)
    assert search(backend, "zorbs").total == 0

    Synonym.objects.create(terms="zorbs, marbles")

    assert ids(search(backend, "zorbs")) == [marbles.pk]


def test_an_inactive_rule_is_not_applied(backend, shop):
    Synonym.objects.create(terms="zorbs, marbles", is_active=False)
    index(backend, shop.product("Glass Marbles"))

    assert search(backend, "zorbs").total == 0


# --- Honest partial matches -----------------------------------------------------------------------
def test_a_word_found_nowhere_is_left_out_and_reported(backend, shop):
    shoes = shop.product("Road Running Shoes", zh="公路跑鞋")
    socks = shop.product("Running Socks", zh="跑步袜")
    index(backend, shoes, socks)

    result = search(backend, "running shoes qzxv")

    assert ids(result) == [shoes.pk]
    assert result.dropped == ["qzxv"]
    assert result.instead is None


def test_a_term_of_two_words_is_kept_before_a_word_of_one(backend, shop):
    shoes = shop.product("Road Running Shoes")
    index(backend, shoes, shop.product("Marathon Socks"))

    result = search(backend, "running shoes marathon")

    assert ids(result) == [shoes.pk]
    assert result.dropped == ["marathon"]


def test_words_matching_only_a_description_are_left_out_for_a_match_by_name(backend, shop):
    """ "500" is found next to the other words only in a description: left out too."""
    shoes = shop.product("Road Running Shoes")
    socks = shop.product("Running Socks", description="Wear with running shoes. Box of 500.")
    index(backend, shoes, socks)

    result = search(backend, "running shoes qzxv 500")

    assert ids(result)[0] == shoes.pk
    assert result.dropped == ["qzxv", "500"]


def test_a_brand_is_a_match_worth_showing(backend, shop):
    shop.category("audio", "Audio", "音频")
    earbuds = shop.product("Wireless Earbuds", brand="Auralis", category="audio")
    index(backend, earbuds, shop.product("Desk Lamp"))

    by_brand = search(backend, "auralis qzxv")
    by_brand_and_name = search(backend, "auralis earbuds qzxv")

    assert ids(by_brand) == [earbuds.pk]
    assert by_brand.dropped == ["qzxv"]
    assert ids(by_brand_and_name) == [earbuds.pk]


def test_without_a_product_having_every_word_the_last_word_is_kept(backend, shop):
    pillow = shop.product("Latex Pillow", description="Breathable and cool.")
    duvet = shop.product("Silk Duvet", description="Light and warm.")
    index(backend, pillow, duvet, shop.product("Tea Towel"))

    result = search(backend, "silk pillow")

    assert ids(result) == [pillow.pk]
    assert result.dropped == ["silk"]


def test_every_word_found_together_drops_nothing(backend, shop):
    pillow = shop.product("Latex Pillow")
    index(backend, pillow)

    result = search(backend, "latex pillow")

    assert ids(result) == [pillow.pk]
    assert result.dropped == []


def test_what_is_left_matching_only_a_category_name_shows_nothing(backend, shop):
    """ "dog food": no dog anywhere, and "food" only in the category "Food & Drink"."""
    shop.category("food-drink", "Food & Drink", "食品饮料")
    index(backend, shop.product("Jasmine Rice", zh="香米", category="food-drink"))

    result = search(backend, "dog food")

    assert result.total == 0
    assert result.hits == []
    assert result.instead == "food"
    assert result.dropped == []
    assert result.related


def test_what_is_left_matching_only_descriptions_shows_nothing(backend, shop):
    """ "electric guitar": no guitar, and "electric" only where a pan mentions electric hobs."""
    pan = shop.product("Frying Pan", description="Works on gas and electric hobs.")
    index(backend, pan)

    result = search(backend, "electric guitar")

    assert result.total == 0
    assert result.instead == "electric"


def test_no_word_found_anywhere_shows_nothing_and_offers_no_instead(backend, shop):
    index(backend, shop.product("Frying Pan"))

    result = search(backend, "qzxv wqpz")

    assert result.total == 0
    assert result.instead is None
    assert result.dropped == []


def test_words_are_left_out_within_the_filters(backend, shop):
    shop.category("shoes", "Shoes", "鞋靴")
    shop.category("clothing", "Clothing", "服装")
    shoes = shop.product("Road Running Shoes", category="shoes")
    tights = shop.product("Running Tights", category="clothing")
    index(backend, shoes, tights)

    result = search(backend, "running tights", categories=("shoes",))

    assert ids(result) == [shoes.pk]
    assert result.dropped == ["tights"]


def test_what_is_left_being_only_a_typo_guess_shows_nothing(shop):
    """ "lawn mower": no lawn anywhere, and "mower" is only one letter from "power" (the
    database backends' typo correction): a guess is offered, never shown as matches."""
    from search.services import database_backend

    backend = database_backend()
    index(backend, shop.product("Power Bank", zh="充电宝"))

    result = search(backend, "lawn mower")

    assert result.total == 0
    assert result.hits == []
    assert result.instead == "mower"
