"""The behaviour every search backend promises (search/backends/base.py). Each test runs against
the database's backend and against Elasticsearch (the `backend` fixture)."""

from __future__ import annotations

import pytest

from search.backends.base import SearchQuery
from tests.search.conftest import index

pytestmark = pytest.mark.django_db


def ids(result) -> list[int]:
    return [hit.product_id for hit in result.hits]


def search(backend, text="", **kwargs):
    return backend.search(SearchQuery(text=text, **kwargs))


def facet(result, name) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


# --- Matching -------------------------------------------------------------------------------------
def test_a_word_of_the_name_finds_the_product(backend, shop):
    mat = shop.product("Corefit Yoga Mat")
    other = shop.product("Steel Water Bottle")
    index(backend, mat, other)

    assert ids(search(backend, "yoga")) == [mat.pk]


def test_a_name_match_ranks_above_a_description_match(backend, shop):
    in_description = shop.product("Travel Pillow", description="Folds as small as a yoga block.")
    in_name = shop.product("Cork Yoga Block", description="Firm and light.")
    index(backend, in_description, in_name)

    assert ids(search(backend, "yoga block")) == [in_name.pk, in_description.pk]


def test_brand_category_and_attribute_values_are_searched(backend, shop):
    shop.category("audio", "Audio", "耳机音响")
    earbuds = shop.product(
        "Wireless Earbuds", brand="Auralis", category="audio", attributes={"colour": "purple"}
    )
    index(backend, earbuds, shop.product("Desk Lamp"))

    assert ids(search(backend, "auralis")) == [earbuds.pk]
    assert ids(search(backend, "audio")) == [earbuds.pk]
    assert ids(search(backend, "purple")) == [earbuds.pk]


def test_a_plural_finds_the_singular(backend, shop):
    shoe = shop.product("Leather Dress Shoe")
    index(backend, shoe)

    assert ids(search(backend, "shoes")) == [shoe.pk]


def test_a_missing_letter_is_forgiven(backend, shop):
    shoes = shop.product("Fleetfoot Road Running Shoes")
    index(backend, shoes, shop.product("Canvas Tote Bag"))

    result = search(backend, "runing shoes")

    assert ids(result) == [shoes.pk]


def test_swapped_letters_are_forgiven(backend, shop):
    case = shop.product("iPhone 15 Clear Case")
    index(backend, case, shop.product("Ceramic Mug"))

    assert ids(search(backend, "iphnoe case")) == [case.pk]


def test_a_misspelt_query_suggests_the_correct_words(backend, shop):
    headphones = shop.product("Over-Ear Headphones")
    index(backend, headphones)

    result = search(backend, "headphnoes")

    assert result.did_you_mean == "headphones"
    assert ids(result) == [headphones.pk]


def test_a_quoted_phrase_does_not_match_the_words_apart(backend, shop):
    together = shop.product("Road Running Shoes")
    apart = shop.product("Shoe Rack", description="Shoes stay tidy after running.")
    index(backend, together, apart)

    assert set(ids(search(backend, "running shoes"))) == {together.pk, apart.pk}
    assert ids(search(backend, '"running shoes"')) == [together.pk]


def test_a_two_character_chinese_word_finds_the_chinese_name(backend, shop):
    earbuds = shop.product("Wireless Earbuds", zh="Auralis 无线耳机")
    phone = shop.product("Smartphone X2", zh="Novaphone 智能手机")
    index(backend, earbuds, phone)

    result = search(backend, "耳机", language="zh-hans")

    assert ids(result) == [earbuds.pk]


def test_a_longer_chinese_query_matches_chinese_text(backend, shop):
    shoes = shop.product("Road Running Shoes", zh="Fleetfoot 公路跑步鞋")
    shorts = shop.product("Running Shorts", zh="跑步短裤")
    rice = shop.product("Jasmine Rice", zh="茉莉香米", description_zh="来自泰国的香米。")
    index(backend, shoes, shorts, rice)

    found = ids(search(backend, "跑步鞋", language="zh-hans"))
    assert found[0] == shoes.pk
    assert rice.pk not in found
    assert ids(search(backend, "泰国", language="zh-hans")) == [rice.pk]


def test_inactive_products_are_never_returned(backend, shop):
    hidden = shop.product("Prototype Camera", active=False)
    shown = shop.product("Instant Camera")
    index(backend, hidden, shown)

    assert ids(search(backend, "camera")) == [shown.pk]
    assert backend.autocomplete("prototype", language="en") == []


def test_reindexing_a_deactivated_product_removes_it(backend, shop):
    camera = shop.product("Instant Camera")
    index(backend, camera)
    camera.is_active = False
    camera.save()

    index(backend, camera)

    assert search(backend, "camera").total == 0


def test_a_renamed_product_is_found_by_its_new_name_only(backend, shop):
    lamp = shop.product("Desk Lamp", zh="台灯")
    index(backend, lamp)
    lamp.name_en = "Reading Light"
    lamp.save()

    index(backend, lamp)

    assert ids(search(backend, "reading light")) == [lamp.pk]
    assert search(backend, "lamp").total == 0


def test_rebuild_indexes_every_active_product(backend, shop):
    products = [shop.product(f"Notebook {n}") for n in range(3)]
    shop.product("Notebook hidden", active=False)

    count = backend.rebuild()

    assert count == 3
    assert set(ids(search(backend, "notebook"))) == {p.pk for p in products}


# --- Ranking --------------------------------------------------------------------------------------
def test_an_out_of_stock_product_ranks_below_an_equal_one_in_stock(backend, shop):
    sold_out = shop.product("Trail Backpack", stock=0)
    in_stock = shop.product("Trail Backpack", stock=5)
    index(backend, sold_out, in_stock)

    assert ids(search(backend, "backpack")) == [in_stock.pk, sold_out.pk]


def test_popularity_lifts_an_equal_text_match(backend, shop):
    quiet = shop.product("Ceramic Teapot", sales=0)
    popular = shop.product("Ceramic Teapot", sales=500)
    index(backend, quiet, popular)

    assert ids(search(backend, "teapot")) == [popular.pk, quiet.pk]


def test_a_good_rating_lifts_an_equal_text_match(backend, shop):
    unrated = shop.product("Bamboo Cutting Board", rating="0")
    liked = shop.product("Bamboo Cutting Board", rating="4.8")
    index(backend, unrated, liked)

    assert ids(search(backend, "cutting board")) == [liked.pk, unrated.pk]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["cheap", "middle", "dear"]),
        ("price_desc", ["dear", "middle", "cheap"]),
        ("newest", ["middle", "dear", "cheap"]),
        ("best_selling", ["dear", "cheap", "middle"]),
        ("rating", ["cheap", "middle", "dear"]),
    ],
)
def test_sort_orders(backend, shop, sort, expected):
    made = {
        "cheap": shop.product("Mug cheap", price="10", age_days=30, sales=5, rating="4.5"),
        "middle": shop.product("Mug middle", price="50", age_days=1, sales=1, rating="3.0"),
        "dear": shop.product("Mug dear", price="90", age_days=10, sales=9, rating="2.0"),
    }
    index(backend, *made.values())

    result = search(backend, "mug", sort=sort)

    assert ids(result) == [made[name].pk for name in expected]


def test_pages_split_the_hits_and_the_total_counts_them_all(backend, shop):
    products = [shop.product(f"Pencil {n}", price=str(10 + n)) for n in range(5)]
    index(backend, *products)

    first = search(backend, "pencil", sort="price_asc", per_page=2, page=1)
    third = search(backend, "pencil", sort="price_asc", per_page=2, page=3)

    assert first.total == third.total == 5
    assert ids(first) == [products[0].pk, products[1].pk]
    assert ids(third) == [products[4].pk]


# --- Facets ---------------------------------------------------------------------------------------
def test_a_facet_count_equals_the_number_of_hits_with_that_value(backend, shop):
    made = [
        shop.product("Linen Shirt", brand="Loom", price="80"),
        shop.product("Oxford Shirt", brand="Loom", price="150"),
        shop.product("Flannel Shirt", brand="Kestrel", price="120"),
        shop.product("Linen Trousers", brand="Kestrel", price="200"),
    ]
    index(backend, *made)

    everything = search(backend, "shirt", per_page=50)
    brands = facet(everything, "brand")
    prices = facet(everything, "price")

    assert everything.total == 3
    for slug, count in brands.items():
        assert search(backend, "shirt", brands=(slug,)).total == count
    assert brands == {"loom": 2, "kestrel": 1}
    assert prices == {"0-100": 1, "100-300": 2}


def test_a_filter_and_a_facet_combine(backend, shop):
    index(
        backend,
        shop.product("Linen Shirt", brand="Loom", price="80"),
        shop.product("Oxford Shirt", brand="Loom", price="150"),
        shop.product("Flannel Shirt", brand="Kestrel", price="120"),
    )

    result = search(backend, "shirt", brands=("loom",), price_bands=("100-300",))

    assert result.total == 1
    # The price facet counts Loom's shirts; the brand facet counts shirts in the price band.
    assert facet(result, "price") == {"0-100": 1, "100-300": 1}
    assert facet(result, "brand") == {"loom": 1, "kestrel": 1}


def test_facets_are_disjunctive_within_and_conjunctive_across(backend, shop):
    index(
        backend,
        shop.product("Linen Shirt", brand="Loom", stock=0),
        shop.product("Oxford Shirt", brand="Kestrel"),
        shop.product("Flannel Shirt", brand="Aster"),
    )

    result = search(backend, "shirt", brands=("loom", "kestrel"), in_stock=True)

    assert result.total == 1
    selected = {v.value for v in result.facets["brand"] if v.selected}
    assert selected == {"loom", "kestrel"}
    # Choosing brands does not hide the others' counts; a chosen one stays listed at 0.
    assert facet(result, "brand") == {"loom": 0, "kestrel": 1, "aster": 1}
    assert facet(result, "in_stock") == {"1": 1}


def test_a_category_includes_its_descendants(backend, shop):
    shop.category("electronics", "Electronics", "数码电子")
    shop.category("phones", "Phones", "手机", parent="electronics")
    shop.category("audio", "Audio", "耳机音响", parent="electronics")
    phone = shop.product("Black Smartphone", category="phones")
    speaker = shop.product("Black Speaker", category="audio")
    shirt = shop.product("Black Shirt", category="clothing")
    index(backend, phone, speaker, shirt)

    result = search(backend, "black", categories=("electronics",))

    assert set(ids(result)) == {phone.pk, speaker.pk}
    counts = facet(result, "category")
    assert counts["electronics"] == 2
    assert counts["phones"] == 1


def test_rating_and_stock_facets(backend, shop):
    index(
        backend,
        shop.product("Wool Socks", rating="4.6"),
        shop.product("Cotton Socks", rating="3.2", stock=0),
        shop.product("Silk Socks", rating="0"),
    )

    result = search(backend, "socks", min_rating=3)

    assert result.total == 2
    # "At least n stars", counted without the rating filter itself.
    assert facet(result, "rating") == {"4": 1, "3": 2, "2": 2, "1": 2}
    assert facet(result, "in_stock") == {"1": 1}


def test_filters_without_words_browse_the_catalog(backend, shop):
    shop.category("audio", "Audio", "耳机音响")
    speaker = shop.product("Bookshelf Speaker", category="audio")
    index(backend, speaker, shop.product("Tea Towel"))

    assert ids(search(backend, "", categories=("audio",))) == [speaker.pk]


# --- Presentation ---------------------------------------------------------------------------------
def test_matched_words_are_highlighted_and_the_rest_escaped(backend, shop):
    lamp = shop.product("Desk <Lamp> & Light", description="A lamp for late reading.")
    index(backend, lamp)

    hit = search(backend, "lamp").hits[0]

    assert "<mark>Lamp</mark>" in hit.highlights["name"]
    assert "&lt;" in hit.highlights["name"] and "&amp;" in hit.highlights["name"]
    assert "<mark>lamp</mark>" in hit.highlights["description"]


def test_a_typo_that_is_another_word_still_finds_what_was_meant(backend, shop):
    """Each word is known ("matt" is a form of "matte") but no product has them together: the
    nearest spelling that finds products is taken ("yoga mat"), not products with either."""
    mat = shop.product("Cork Yoga Mat")
    index(
        backend,
        mat,
        shop.product("Matte Lipstick"),
        shop.product("Yoga Block"),
        shop.product("Bath Mat"),
    )

    result = search(backend, "yoga matt")

    assert [h.product_id for h in result.hits] == [mat.pk]


def test_a_word_found_nowhere_does_not_hide_what_the_other_words_find(backend, shop):
    """No product has every word, and one word matches nothing at all: the products having the
    other words are shown, as when no product has every word for any other reason."""
    knife = shop.product("Chef Knife")
    index(backend, knife, shop.product("Garden Hose"))

    result = search(backend, "zzqqx knife")

    assert [h.product_id for h in result.hits] == [knife.pk]
    assert result.total == 1


def test_nothing_found_gives_related_suggestions(backend, shop):
    shop.category("kitchen", "Kitchen", "厨房")
    index(backend, shop.product("Chef Knife", category="kitchen"))

    result = search(backend, "zzzqqq")

    assert result.total == 0
    assert result.hits == []
    assert result.related


@pytest.mark.parametrize(
    "text",
    [
        '" ( ) * ~ : \\ / [ ] { } ^ !',
        "'; DROP TABLE catalog_product; --",
        "1' OR '1'='1",
        "lamp AND (NOT",
        "name:lamp^3 ~2 \\",
        "x" * 5000,
        "灯" * 300,
    ],
)
def test_query_syntax_and_odd_input_never_raise(backend, shop, text):
    index(backend, shop.product("Desk Lamp"))

    result = search(backend, text)

    assert result.total >= 0
    assert isinstance(backend.autocomplete(text, language="en"), list)


# --- Autocomplete ---------------------------------------------------------------------------------
def test_autocomplete_offers_products_categories_and_brands(backend, shop):
    shop.category("running-shoes", "Running Shoes", "跑鞋")
    shoes = shop.product("Road Runner Shoes", brand="Runwell", category="running-shoes")
    index(backend, shoes, shop.product("Tea Towel"))

    suggestions = backend.autocomplete("run", language="en")

    kinds = {(s.kind, s.label) for s in suggestions}
    assert ("product", "Road Runner Shoes") in kinds
    assert ("category", "Running Shoes") in kinds
    assert ("brand", "Runwell") in kinds
    product = next(s for s in suggestions if s.kind == "product")
    assert product.url == shoes.get_absolute_url()


def test_autocomplete_offers_only_categories_and_brands_that_lead_somewhere(backend, shop):
    shop.category("running", "Running", "跑步")
    # Made before the shoes' category, so an unfiltered list would show them first.
    shop.category("running-hats", "Running Hats", "跑步帽", parent="running")
    shop.category("running-socks", "Running Socks", "跑步袜", parent="running")
    shop.category("running-shoes", "Running Shoes", "跑鞋", parent="running")
    shop.brand("Runright")  # no products at all
    shoes = shop.product("Trail Shoes", brand="Runwell", category="running-shoes")
    socks = shop.product("Ankle Socks", brand="Runfast", category="running-socks", active=False)
    index(backend, shoes, socks)

    suggestions = backend.autocomplete("run", language="en")

    # The parent has an active product below it; the socks' category and brand only have an
    # inactive one, the hats' category and Runright none: they would lead to an empty page.
    assert sorted(s.label for s in suggestions if s.kind == "category") == [
        "Running",
        "Running Shoes",
    ]
    assert [s.label for s in suggestions if s.kind == "brand"] == ["Runwell"]


def test_autocomplete_tolerates_a_typo(backend, shop):
    headphones = shop.product("Over-Ear Headphones")
    index(backend, headphones)

    suggestions = backend.autocomplete("headphnoes", language="en")

    assert [s.label for s in suggestions if s.kind == "product"] == ["Over-Ear Headphones"]


def test_autocomplete_speaks_the_shoppers_language(backend, shop):
    earbuds = shop.product("Wireless Earbuds", zh="无线耳机")
    index(backend, earbuds)

    suggestions = backend.autocomplete("耳机", language="zh-hans")

    assert [s.label for s in suggestions if s.kind == "product"] == ["无线耳机"]
    assert suggestions[0].url.startswith("/zh-hans/")
