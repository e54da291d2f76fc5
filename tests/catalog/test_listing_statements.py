"""The storefront's compiled reads give what the plain ORM queries give: a category listing
(merged per-category scans) the same products in the same order on every page, sort and filter;
the product page the same product, variants, images, reviews and histogram; the home slots the
buyable products first."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.utils import timezone, translation

from catalog import selectors
from catalog.models import Product, ProductVariant, Review
from catalog.selectors import SORTS, ListingParams, card_list, category_tree, product_cards
from tests.catalog.factories import BrandFactory, CategoryFactory, ReviewFactory
from tests.catalog.test_selectors import card_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree_of_products(make_product, settings):
    """A root with two children, one with two leaves, products in every node; prices, sales,
    ratings and dates with ties, some sold out, some hidden, two brands."""
    settings.SHOP_PRODUCTS_PER_PAGE = 5
    root = CategoryFactory(slug="root")
    left = CategoryFactory(parent=root, slug="left")
    right = CategoryFactory(parent=root, slug="right")
    leaves = [CategoryFactory(parent=left, slug=f"leaf-{i}") for i in range(2)]
    nodes = [root, left, right, *leaves]
    brands = [BrandFactory(slug="red"), BrandFactory(slug="blue")]
    now = timezone.now()
    for i in range(40):
        product = make_product(
            category=nodes[i % len(nodes)],
            brand=brands[i % 2],
            prices=(Decimal(10 + (i * 7) % 13),),
            stock=0 if i % 5 == 0 else 3,
            is_active=i % 11 != 3,
        )
        Product.objects.filter(pk=product.pk).update(
            sales_count=(i * 3) % 7,
            rating_avg=Decimal((i % 4) + 1),
            rating_count=i % 3,
            created_at=now - timedelta(days=i % 6),
        )
    return root


def orm_page_ids(category, params, page_number):
    tree = category_tree()
    ordered = selectors.product_listing(tree=tree, category=category, params=params)
    page = Paginator(ordered, 5).get_page(page_number)
    return [p.pk for p in page.object_list], page.paginator.count


@pytest.mark.parametrize("sort", list(SORTS))
def test_listing_pages_match_the_orm_query_on_every_sort_and_filter(tree_of_products, sort):
    tree = category_tree()
    for slug, in_stock, brands, prices, page in itertools.product(
        ("root", "left", "leaf-0"),
        (False, True),
        ((), ("red",)),
        ((None, None), (Decimal(12), Decimal(19))),
        (1, 2, 9),
    ):
        node = tree.by_slug[slug]
        params = ListingParams(
            page=page,
            sort=sort,
            in_stock=in_stock,
            brands=brands,
            price_min=prices[0],
            price_max=prices[1],
        )
        listing = selectors.category_listing(tree=tree, category=node, params=params)

        expected_ids, expected_count = orm_page_ids(node, params, page)
        assert [p.pk for p in listing.page.object_list] == expected_ids, params
        assert listing.page.paginator.count == expected_count, params


def test_listing_cards_are_the_orm_cards(tree_of_products):
    tree = category_tree()
    node = tree.by_slug["root"]
    params = ListingParams(sort="price_desc")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            listing = selectors.category_listing(tree=tree, category=node, params=params)
            ids = [p.pk for p in listing.page.object_list]
            orm = {
                p.pk: card_fields(p)
                for p in card_list(product_cards(Product.objects.filter(pk__in=ids)))
            }
            assert [card_fields(p) for p in listing.page.object_list] == [orm[i] for i in ids]


def test_the_product_page_reads_what_the_orm_reads(make_product):
    product = make_product(prices=(Decimal("12.00"), Decimal("9.00")), images=2)
    for rating in (5, 4, 4):
        ReviewFactory(product=product, rating=rating)
    ReviewFactory(product=product, rating=1, is_published=False)

    page = selectors.product_page(slug=product.slug)

    assert page.product == product
    assert page.product.brand == product.brand and page.product.merchant == product.merchant
    assert page.variants == list(
        ProductVariant.objects.filter(product=product, is_active=True).order_by("position", "id")
    )
    assert [v.available for v in page.variants] == [10, 10]
    assert page.images == list(product.images.order_by("position", "id"))
    assert page.reviews == list(
        Review.objects.filter(product=product, is_published=True).order_by("-created_at", "-id")
    )
    assert page.rating_histogram == [(5, 1, 33), (4, 2, 67), (3, 0, 0), (2, 0, 0), (1, 0, 0)]
    with translation.override("zh-hans"):
        assert selectors.product_page(slug=product.slug).product.name == product.name_zh_hans


# --- The home page's slots ----------------------------------------------------------------------
def test_best_sellers_and_featured_prefer_products_that_can_be_bought(make_product):
    sold_out = [make_product(stock=0, is_featured=True) for _ in range(2)]
    buyable = [make_product(is_featured=True) for _ in range(2)]
    hidden = make_product(is_featured=True, is_active=False)
    for n, product in enumerate([*sold_out, *buyable, hidden]):
        Product.objects.filter(pk=product.pk).update(sales_count=[90, 80, 5, 3, 99][n])

    best = [p.pk for p in selectors.best_sellers(limit=3)]
    featured = [p.pk for p in selectors.featured_products(limit=12)]

    # The sold-out best sellers come only after every buyable one, to fill the slot.
    assert best == [buyable[0].pk, buyable[1].pk, sold_out[0].pk]
    assert featured == [buyable[0].pk, buyable[1].pk, sold_out[0].pk, sold_out[1].pk]
