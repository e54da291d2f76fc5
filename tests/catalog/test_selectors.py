"""Card reads: the by-id fast path gives the same cards as the ORM listing path, the card's
picture is one a shopper can buy, and the brand directory kept in each process follows catalog
changes."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from catalog.caching import bump_catalog_version
from catalog.models import Product
from catalog.selectors import (
    ProductCard,
    best_sellers,
    brand_directory,
    card_list,
    cards_by_id,
    product_cards,
    product_page,
)
from catalog.services import product_availability_refresh
from logistics.models import Stock
from tests.catalog.factories import (
    BrandFactory,
    ProductFactory,
    ProductImageFactory,
    ReviewFactory,
    VariantFactory,
)
from tests.logistics.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def card_fields(product):
    return (
        product.pk,
        product.category_id,
        product.name,
        product.slug,
        product.price,
        product.in_stock,
        product.rating_count,
        product.card_href,
        product.card_url,
        product.card_brand.name if product.card_brand else None,
    )


def test_cards_by_id_match_the_listing_cards_and_leave_out_inactive_products(make_product):
    shown = [make_product(prices=(Decimal(p),), images=1) for p in ("12.50", "99.00", "7.00")]
    hidden = make_product(is_active=False)
    bare = make_product(stock=0)  # no image, sold out: still a card

    ids = [shown[2].pk, hidden.pk, shown[0].pk, bare.pk, shown[1].pk, shown[0].pk]
    fast = {p.pk: card_fields(p) for p in cards_by_id(ids)}
    listing = card_list(product_cards(Product.objects.filter(pk__in=ids, is_active=True)))

    assert fast == {p.pk: card_fields(p) for p in listing}
    assert set(fast) == {p.pk for p in [*shown, bare]}
    assert fast[shown[0].pk][4] == Decimal("12.50")
    assert fast[shown[0].pk][8]  # the image's URL
    assert fast[bare.pk][5] is False and fast[bare.pk][8] == ""


def test_cards_by_id_works_for_any_number_of_ids_and_in_chinese(make_product):
    products = [make_product(name_en=f"Lamp {i}", name_zh_hans=f"台灯 {i}") for i in range(5)]
    for count in (1, 2, 5):
        assert {p.pk for p in cards_by_id(p.pk for p in products[:count])} == {
            p.pk for p in products[:count]
        }
    assert cards_by_id([]) == []
    assert cards_by_id([10**9]) == []

    with translation.override("zh-hans"):
        names = {p.name for p in cards_by_id([products[0].pk])}
    assert names == {"台灯 0"}


def test_the_brand_directory_follows_a_catalog_change():
    brand = BrandFactory(name="Old Name")
    assert brand_directory()[brand.pk].name == "Old Name"

    brand.name = "New Name"
    brand.save()
    bump_catalog_version()

    assert brand_directory()[brand.pk].name == "New Name"


def card_picture(product: Product) -> tuple[str, str, str]:
    """The product's card picture as the listing, the home slots and the by-id path read it."""
    [listed] = card_list(product_cards(Product.objects.filter(pk=product.pk)))
    [by_id] = cards_by_id([product.pk])
    [home] = [card for card in best_sellers(limit=50) if card.pk == product.pk]
    return listed.card_url, by_id.card_url, home.card_url


def stock_changed(product: Product) -> None:
    """What the stock services run once a stock change commits (a test's never does)."""
    product_availability_refresh(product_ids=[product.pk])


def test_a_card_shows_a_picture_of_a_variant_that_can_be_bought():
    warehouse = WarehouseFactory()
    product = ProductFactory()
    black = VariantFactory(product=product, position=0, attributes={"colour": "black"})
    white = VariantFactory(product=product, position=1, attributes={"colour": "white"})
    black_stock = StockFactory(variant=black, warehouse=warehouse, quantity=0)
    StockFactory(variant=white, warehouse=warehouse, quantity=3)
    stock_changed(product)
    black_picture = ProductImageFactory(product=product, variant=black, position=0)
    white_picture = ProductImageFactory(product=product, variant=white, position=1)
    main_picture = ProductImageFactory(product=product, position=2)

    def url(image) -> str:
        return default_storage.url(image.image.name)

    # The first variant is sold out: the card leads with the white one, which is in stock.
    assert card_picture(product) == (url(white_picture),) * 3

    # Back in stock, the first variant leads again.
    black_stock.quantity = 2
    black_stock.save()
    stock_changed(product)
    assert card_picture(product) == (url(black_picture),) * 3

    # Nothing in stock: the product's own picture, not a sold-out variant's.
    Stock.objects.filter(variant__product=product).update(quantity=0)
    stock_changed(product)
    assert card_picture(product) == (url(main_picture),) * 3

    # Only variants' pictures, all sold out: still a picture, the first one.
    main_picture.delete()
    assert card_picture(product) == (url(black_picture),) * 3


def test_a_picture_added_changed_or_removed_shows_on_the_card_at_once():
    product = ProductFactory()
    StockFactory(variant=VariantFactory(product=product), warehouse=WarehouseFactory(), quantity=1)
    stock_changed(product)
    assert card_picture(product) == ("",) * 3

    first = ProductImageFactory(product=product, position=1)
    assert card_picture(product) == (default_storage.url(first.image.name),) * 3

    second = ProductImageFactory(product=product, position=0)
    assert card_picture(product) == (default_storage.url(second.image.name),) * 3

    second.position = 2
    second.save()
    assert card_picture(product) == (default_storage.url(first.image.name),) * 3

    first.delete()
    second.delete()
    assert card_picture(product) == ("",) * 3


def test_the_card_picture_reads_nothing_but_the_product_row():
    product = ProductFactory()
    ProductImageFactory(product=product)
    sql = str(product_cards(Product.objects.filter(pk=product.pk)).query)

    assert "catalog_productimage" not in sql
    assert Product.objects.get(pk=product.pk).card_image


def test_cards_are_plain_rows_named_in_the_current_language_with_its_fallbacks(
    make_product, django_assert_num_queries
):
    both = make_product(name_en="Desk Lamp", name_zh_hans="台灯", is_featured=True)
    english_only = make_product(name_en="Kettle", name_zh_hans="", is_featured=True)
    ids = [both.pk, english_only.pk]

    with translation.override("zh-hans"):
        paths = {
            "by id": cards_by_id(ids),
            "listing": card_list(product_cards(Product.objects.filter(pk__in=ids))),
            "home": [c for c in best_sellers(limit=50) if c.pk in ids],
        }
    for cards in paths.values():
        assert all(isinstance(card, ProductCard) for card in cards)
        assert {card.pk: card.name for card in cards} == {
            both.pk: "台灯",
            english_only.pk: "Kettle",
        }
        with django_assert_num_queries(0):  # nothing deferred left to load
            [(c.category_id, c.card_href, c.card_brand, c.highlight_name) for c in cards]
    assert {c.pk: c.name for c in cards_by_id(ids)} == {
        both.pk: "Desk Lamp",
        english_only.pk: "Kettle",
    }
    with pytest.raises(AttributeError):
        _ = paths["by id"][0].description  # only what a card shows


def test_page_links_keep_the_filters_and_sort_and_name_the_page_after_the_first():
    from catalog.selectors import ListingParams

    plain = ListingParams()
    assert [plain.query_for_page(n) for n in (1, 2, 1)] == ["?", "?page=2", "?"]
    narrowed = ListingParams(
        sort="price_asc", price_min=Decimal("10.50"), brands=("a b", "c"), in_stock=True
    )
    rest = "sort=price_asc&price_min=10.50&brand=a+b&brand=c&in_stock=1"
    assert [narrowed.query_for_page(n) for n in (3, 1, 12)] == [
        f"?{rest}&page=3",
        f"?{rest}",
        f"?{rest}&page=12",
    ]
    assert narrowed == ListingParams(
        sort="price_asc", price_min=Decimal("10.50"), brands=("a b", "c"), in_stock=True
    )


def test_the_product_page_reads_reviews_only_for_a_product_with_published_ones(
    make_product, django_assert_num_queries
):
    unreviewed, reviewed, hidden = make_product(), make_product(), make_product()
    ReviewFactory(product=reviewed, rating=4)
    ReviewFactory(product=hidden, rating=2, is_published=False)
    product_page(slug=unreviewed.slug)  # the brand directory read, kept by the process

    with django_assert_num_queries(3):  # product (with its histogram), variants, images
        page = product_page(slug=unreviewed.slug)
    assert page.reviews == [] and all(count == 0 for _s, count, _p in page.rating_histogram)
    with django_assert_num_queries(3):
        assert product_page(slug=hidden.slug).reviews == []

    with django_assert_num_queries(4):
        page = product_page(slug=reviewed.slug)
    assert [r.rating for r in page.reviews] == [4]
    assert (4, 1, 100) in page.rating_histogram
