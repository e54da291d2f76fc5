"""Reads for the storefront. Each returns plain data for one page in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.urls import reverse

from logistics.models import Stock

from .caching import catalog_version
from .models import Brand, Category, Product, ProductImage, ProductVariant, Review

SORTS: dict[str, tuple[str, ...]] = {
    "popular": ("-sales_count", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "newest": ("-created_at", "-id"),
    "rating": ("-rating_avg", "-rating_count", "-id"),
}
DEFAULT_SORT = "popular"


# --- Category tree ------------------------------------------------------------------------------
@dataclass
class CategoryTree:
    roots: list[Category]
    by_id: dict[int, Category]
    by_slug: dict[str, Category]

    def descendant_ids(self, category: Category) -> list[int]:
        ids, stack = [], [category]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.child_nodes)
        return ids

    def ancestors(self, category: Category) -> list[Category]:
        chain, node = [], category
        while node.parent_id is not None and node.parent_id in self.by_id:
            node = self.by_id[node.parent_id]
            chain.append(node)
        return list(reversed(chain))


def category_tree() -> CategoryTree:
    """Active categories as a tree; one query, cached until the catalog changes."""
    key = f"catalog:tree:{catalog_version()}"
    categories = cache.get(key)
    if categories is None:
        categories = list(Category.objects.filter(is_active=True).order_by("position", "id"))
        cache.set(key, categories, 3600)
    by_id = {c.id: c for c in categories}
    for c in categories:
        c.child_nodes = []
    roots = []
    for c in categories:
        parent = by_id.get(c.parent_id) if c.parent_id else None
        (parent.child_nodes if parent else roots).append(c)
    return CategoryTree(roots=roots, by_id=by_id, by_slug={c.slug: c for c in categories})


# --- Brands -------------------------------------------------------------------------------------
def brand_directory() -> dict[int, Brand]:
    """Every brand by id; one query, cached until the catalog changes (brands are few)."""
    key = f"catalog:brands:{catalog_version()}"
    brands = cache.get(key)
    if brands is None:
        brands = {b.id: b for b in Brand.objects.only("id", "name", "slug")}
        cache.set(key, brands, 3600)
    return brands


# --- Product cards ------------------------------------------------------------------------------
CARD_FIELDS = ("id", "slug", "name", "price", "rating_avg", "rating_count", "in_stock", "brand_id")


def product_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Products with only what a card shows, the first image's card size folded into the same
    query (its original while the sizes are not generated yet)."""
    first_image = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .order_by("position", "id")
        .values(name=Coalesce(NullIf(F("card"), Value("")), F("image"), output_field=CharField()))[
            :1
        ]
    )
    return queryset.only(*CARD_FIELDS).annotate(card_image=Subquery(first_image))


def card_list(queryset: QuerySet[Product]) -> list[Product]:
    """Evaluate a product_cards() queryset, attaching each card's image URL and brand."""
    products = list(queryset)
    brands = brand_directory()
    # reverse() once, not once per card: it is among the dearest calls on a listing page.
    href = reverse("catalog:product", args=["-"])[:-2]
    for product in products:
        product.card_href = f"{href}{product.slug}/"
        product.card_url = default_storage.url(product.card_image) if product.card_image else ""
        product.card_brand = brands.get(product.brand_id)
    return products


def featured_products(*, limit: int = 12) -> list[Product]:
    qs = Product.objects.filter(is_active=True, is_featured=True).order_by("-sales_count", "-id")
    return card_list(product_cards(qs)[:limit])


def best_sellers(*, limit: int = 8) -> list[Product]:
    qs = Product.objects.filter(is_active=True).order_by("-sales_count", "-id")
    return card_list(product_cards(qs)[:limit])


# --- Category listing ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ListingParams:
    page: int = 1
    sort: str = DEFAULT_SORT
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    brands: tuple[str, ...] = ()
    in_stock: bool = False

    def cache_parts(self) -> tuple:
        return (self.page, self.sort, self.price_min, self.price_max, self.brands, self.in_stock)

    def query_for_page(self, page: int) -> str:
        """The query string that reproduces these parameters on another page."""
        pairs: list[tuple[str, object]] = []
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.price_min is not None:
            pairs.append(("price_min", self.price_min))
        if self.price_max is not None:
            pairs.append(("price_max", self.price_max))
        pairs.extend(("brand", b) for b in self.brands)
        if self.in_stock:
            pairs.append(("in_stock", 1))
        if page > 1:
            pairs.append(("page", page))
        return "?" + urlencode(pairs)


@dataclass
class BrandFacet:
    slug: str
    name: str
    count: int
    selected: bool


@dataclass
class Listing:
    page: Page
    brands: list[BrandFacet] = field(default_factory=list)


def category_listing(*, tree: CategoryTree, category: Category, params: ListingParams) -> Listing:
    """One page of a category (and its subcategories), filtered and sorted, with brand facets.

    Queries: brand counts, the page count and the page itself (with its images): the same three
    whatever the page size.
    """
    base = Product.objects.filter(is_active=True, category_id__in=tree.descendant_ids(category))
    filtered = base
    if params.price_min is not None:
        filtered = filtered.filter(price__gte=params.price_min)
    if params.price_max is not None:
        filtered = filtered.filter(price__lte=params.price_max)
    if params.in_stock:
        filtered = filtered.filter(in_stock=True)

    # Brand counts ignore the brand filter itself, so a shopper can widen the choice.
    # Counted by brand id alone (an index-only scan), names looked up for the top 30 after.
    counts = (
        filtered.exclude(brand=None)
        .values_list("brand_id")
        .annotate(n=Count("*"))  # not Count("id"): that would read the table, not the index
        .order_by("-n", "brand_id")
        .values_list("brand_id", "n")[:30]
    )
    directory = brand_directory()
    selected = set(params.brands)
    brands = sorted(
        (
            BrandFacet(b.slug, b.name, n, b.slug in selected)
            for b, n in ((directory.get(brand_id), n) for brand_id, n in counts)
            if b is not None
        ),
        key=lambda f: (-f.count, f.name),
    )
    if selected:
        ids = [b.id for b in directory.values() if b.slug in selected]
        filtered = filtered.filter(brand_id__in=ids)

    ordered = product_cards(filtered.order_by(*SORTS.get(params.sort, SORTS[DEFAULT_SORT])))
    page = Paginator(ordered, settings.SHOP_PRODUCTS_PER_PAGE).get_page(params.page)
    page.object_list = card_list(page.object_list)
    return Listing(page=page, brands=brands)


# --- Product page -------------------------------------------------------------------------------
@dataclass
class ProductPage:
    product: Product
    variants: list[ProductVariant]
    images: list[ProductImage]
    reviews: list[Review]
    rating_histogram: list[tuple[int, int, int]]  # (stars, count, percent)
    selected: ProductVariant | None


def _available_subquery() -> Subquery:
    return Subquery(
        Stock.objects.filter(variant=OuterRef("pk"))
        .values("variant")
        .annotate(total=Sum(F("quantity") - F("allocated")))
        .values("total"),
        output_field=IntegerField(),
    )


def product_page(*, slug: str, variant_id: int | None = None) -> ProductPage:
    """The product with its variants (and stock available across warehouses), images, latest
    reviews and the rating histogram. Raises Http404 for unknown or inactive products."""
    product = (
        Product.objects.select_related("brand", "category", "merchant")
        .filter(slug=slug, is_active=True)
        .first()
    )
    if product is None:
        raise Http404("No such product")
    variants = list(
        ProductVariant.objects.filter(product=product, is_active=True)
        .annotate(available=Coalesce(_available_subquery(), Value(0)))
        .order_by("position", "id")
    )
    images = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
    reviews = list(
        Review.objects.filter(product=product, is_published=True)
        .select_related("user")
        .order_by("-created_at", "-id")[:10]
    )
    counts = dict(
        Review.objects.filter(product=product, is_published=True)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    total = sum(counts.values()) or 1
    histogram = [
        (s, counts.get(s, 0), round(100 * counts.get(s, 0) / total)) for s in range(5, 0, -1)
    ]
    selected = next((v for v in variants if v.id == variant_id), None)
    if selected is None:
        selected = next((v for v in variants if v.available > 0), variants[0] if variants else None)
    return ProductPage(product, variants, images, reviews, histogram, selected)
