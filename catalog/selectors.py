"""Reads for the storefront. Each returns plain data for one page in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

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


# --- Product cards ------------------------------------------------------------------------------
def product_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Products with what a card shows: brand and first image (two queries in all)."""
    return queryset.select_related("brand").prefetch_related(
        Prefetch(
            "images",
            queryset=ProductImage.objects.order_by("position", "id"),
            to_attr="image_list",
        )
    )


def featured_products(*, limit: int = 12) -> list[Product]:
    qs = Product.objects.filter(is_active=True, is_featured=True).order_by("-sales_count", "-id")
    return list(product_cards(qs)[:limit])


def best_sellers(*, limit: int = 8) -> list[Product]:
    qs = Product.objects.filter(is_active=True).order_by("-sales_count", "-id")
    return list(product_cards(qs)[:limit])


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
    price_floor: Decimal | None = None
    price_ceiling: Decimal | None = None


def category_listing(*, tree: CategoryTree, category: Category, params: ListingParams) -> Listing:
    """One page of a category (and its subcategories), filtered and sorted, with brand facets.

    Queries: brand counts, brand names, price range, page count, the page, its images: the same
    six whatever the page size.
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
    counts = dict(
        filtered.exclude(brand=None)
        .values_list("brand_id")
        .annotate(n=Count("*"))  # not Count("id"): that would read the table, not the index
        .order_by("-n", "brand_id")
        .values_list("brand_id", "n")[:30]
    )
    selected = set(params.brands)
    brands = sorted(
        (
            BrandFacet(b.slug, b.name, counts[b.id], b.slug in selected)
            for b in Brand.objects.filter(pk__in=counts).only("slug", "name")
        ),
        key=lambda f: (-f.count, f.name),
    )
    if selected:
        filtered = filtered.filter(brand__slug__in=selected)

    bounds = base.aggregate(lo=Min("price"), hi=Max("price"))
    ordered = product_cards(filtered.order_by(*SORTS.get(params.sort, SORTS[DEFAULT_SORT])))
    page = Paginator(ordered, settings.SHOP_PRODUCTS_PER_PAGE).get_page(params.page)
    return Listing(page=page, brands=brands, price_floor=bounds["lo"], price_ceiling=bounds["hi"])


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
