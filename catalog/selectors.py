"""Reads for the storefront. Each returns plain data for one page in a fixed number of queries."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.http import Http404
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as translated_language

from common.statements import Slots, Statement, execute_keeping_plan

from .caching import catalog_version
from .images import media_url
from .models import (
    Brand,
    Category,
    CategoryFacetCount,
    Product,
    ProductImage,
    ProductVariant,
    Review,
)

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


_tree_here: tuple[int, CategoryTree] | None = None


def category_tree() -> CategoryTree:
    """Active categories as a tree; one query, cached until the catalog changes. Each process
    keeps the tree of the current catalog version, so a page reads only the version from the
    shared cache (once per request), not the pickled tree again. Callers must not change it."""
    global _tree_here
    version = catalog_version()
    here = _tree_here
    if here is not None and here[0] == version:
        return here[1]
    key = f"catalog:tree:{version}"
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
    tree = CategoryTree(roots=roots, by_id=by_id, by_slug={c.slug: c for c in categories})
    _tree_here = (version, tree)
    return tree


# --- Brands -------------------------------------------------------------------------------------
_brands_here: tuple[int, dict[int, Brand]] | None = None


def brand_directory(*, catalog: int | None = None) -> dict[int, Brand]:
    """Every brand by id; one query, cached until the catalog changes (brands are few). Each
    process also keeps the directory of the current catalog version, so a page of cards reads
    the shared cache only for the version (none when the caller has just read it: `catalog`),
    not for the brands again."""
    global _brands_here
    version = catalog or catalog_version()
    here = _brands_here
    if here is not None and here[0] == version:
        return here[1]
    key = f"catalog:brands:{version}"
    brands = cache.get(key)
    if brands is None:
        brands = {b.id: b for b in Brand.objects.only("id", "name", "slug")}
        cache.set(key, brands, 3600)
    _brands_here = (version, brands)
    return brands


# --- Product cards ------------------------------------------------------------------------------
CARD_FIELDS = ("id", "slug", "name", "price", "rating_avg", "rating_count", "in_stock", "brand_id")


def _available_stock() -> QuerySet:
    """The stock rows with units to sell of the outer picture's variant. Through the variants'
    reverse relation to them (logistics.Stock, related_name "stock"): the catalog reads stock
    without importing the app above it, as catalog.services.product_availability_refresh does."""
    stock = ProductVariant._meta.get_field("stock").related_model
    return stock.objects.filter(variant_id=OuterRef("variant_id"), quantity__gt=F("allocated"))


def card_image_expression() -> Subquery:
    """The card picture of the outer product, worked out from its pictures, variants and stock
    (what services.product_availability_refresh stores in Product.card_image): one a shopper
    can buy, the first picture of the first variant in stock that has pictures of its own (what
    the product page leads with), else the product's main picture (the first one of no
    variant), and only when there is neither, the first picture of a sold-out variant; its card
    size, or its original while the sizes are not generated yet."""
    first_image = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .annotate(
            card_rank=Case(
                When(variant_id__isnull=True, then=Value(1)),
                When(Q(variant__is_active=True) & Exists(_available_stock()), then=Value(0)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("card_rank", "variant__position", "variant_id", "position", "id")
        .values(name=Coalesce(NullIf(F("card"), Value("")), F("image"), output_field=CharField()))[
            :1
        ]
    )
    return Subquery(first_image, output_field=CharField())


def product_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Products with only what a card shows (the card picture as kept on the product: see
    card_image_expression)."""
    return queryset.only(*CARD_FIELDS, "category_id", "card_image")


class ProductCard:
    """A product as a card shows it (listing, home slots, search results, recommendations, the
    API's lists): only what the card reads, built from the card query's rows without model
    instances. `name` is in the language active when it was built (with the fallbacks of the
    product's translated name); search results set `highlight_name` / `highlight_description`
    (escaped HTML with the matched words marked)."""

    __slots__ = (
        "brand_id",
        "card_brand",
        "card_href",
        "card_image",
        "card_url",
        "category_id",
        "highlight_description",
        "highlight_name",
        "id",
        "in_stock",
        "name",
        "price",
        "rating_avg",
        "rating_count",
        "slug",
    )

    @property
    def pk(self) -> int:
        return self.id

    @property
    def highlights(self) -> dict[str, str]:
        """The search highlights set, by field: {"name": ..., "description": ...}."""
        found = (("name", self.highlight_name), ("description", self.highlight_description))
        return {field: html for field, html in found if html}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProductCard) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<ProductCard {self.id} {self.slug}>"


# The card's columns besides the name (one per language): where a row of CARD_COLUMNS has them.
_CARD_SCALARS = ("id", "slug", "price", "rating_avg", "rating_count", "in_stock", "brand_id")
_NAME_FIELDS = tuple(build_localized_fieldname("name", lang) for lang in AVAILABLE_LANGUAGES)
CARD_COLUMNS = (*_CARD_SCALARS, "category_id", "card_image", *_NAME_FIELDS)


@functools.lru_cache(maxsize=16)
def _name_order(language: str) -> tuple[str, ...]:
    """The translated name's columns in the order the model's `name` reads them for `language`
    (the language's own, then its fallbacks): the first one not empty is the name."""
    return tuple(build_localized_fieldname("name", lang) for lang in resolution_order(language))


@functools.lru_cache(maxsize=16)
def _product_href_prefix(language: str, script_prefix: str) -> str:
    # reverse() once per language, not once per card: among the dearest calls of a listing.
    return reverse("catalog:product", args=["-"])[:-2]


def product_href(slug: str) -> str:
    """The product page's URL (reverse("catalog:product", args=[slug])) in the active language,
    from a prefix reversed once per language and script prefix."""
    return f"{_product_href_prefix(get_language() or '', get_script_prefix())}{slug}/"


def cards_from_rows(
    rows: Iterable[tuple], columns: dict[str, int], *, catalog: int | None = None
) -> list[ProductCard]:
    """Cards from rows of the card query (product_cards), `columns` saying where each of
    CARD_COLUMNS is in a row, with each card's picture URL, link
    and brand (from the directory of catalog version `catalog` when the caller knows it)."""
    brands = brand_directory(catalog=catalog)
    href = _product_href_prefix(get_language() or "", get_script_prefix())
    names = [columns[f] for f in _name_order(translated_language())]
    scalars = [(name, columns[name]) for name in _CARD_SCALARS]
    category = columns["category_id"]
    image = columns["card_image"]
    cards = []
    new = ProductCard.__new__
    for row in rows:
        card = new(ProductCard)
        for name, position in scalars:
            setattr(card, name, row[position])
        card.name = next((row[i] for i in names if row[i] is not None and row[i] != ""), "")
        card.category_id = row[category]
        picture = row[image]
        card.card_image = picture
        card.card_url = media_url(picture) if picture else ""
        card.card_href = f"{href}{card.slug}/"
        card.card_brand = brands.get(card.brand_id)
        # Set for every card: a missing attribute costs the template an exception per card.
        card.highlight_name = card.highlight_description = ""
        cards.append(card)
    return cards


_ROW_COLUMNS = {column: i for i, column in enumerate(CARD_COLUMNS)}


def card_rows(queryset: QuerySet[Product]) -> QuerySet:
    """A product_cards() queryset as rows of CARD_COLUMNS: what card_list takes, for a caller
    that pages the queryset itself (the API's paginator)."""
    return queryset.values_list(*CARD_COLUMNS)


def card_list(
    queryset: QuerySet[Product] | Iterable[tuple], *, catalog: int | None = None
) -> list[ProductCard]:
    """The cards of a product_cards() queryset, read as rows (or of its card_rows(), already
    paged)."""
    if isinstance(queryset, QuerySet) and queryset._fields != CARD_COLUMNS:
        queryset = card_rows(queryset)
    return cards_from_rows(queryset, _ROW_COLUMNS, catalog=catalog)


@functools.lru_cache(maxsize=64)
def _cards_by_id_statement(count: int) -> Statement:
    """product_cards() for `count` active products by id, compiled by the ORM once per count."""
    return Statement(
        lambda slots: product_cards(
            Product.objects.filter(
                pk__in=[slots.int(f"id{i}") for i in range(count)], is_active=True
            ).order_by()
        ),
        prepared=True,
    )


def cards_by_id(ids: Iterable[int], *, catalog: int | None = None) -> list[ProductCard]:
    """The cards (with `category_id`) of the active products among `ids`, in no particular
    order. For the hot paths that fetch a handful of cards by id (search results, the
    recommendation slots): the statement is compiled once per number of ids, which takes more
    time than running it."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    rows, columns = _cards_by_id_statement(len(wanted)).rows(
        **{f"id{i}": product_id for i, product_id in enumerate(wanted)}
    )
    return cards_from_rows(rows, columns, catalog=catalog)


def _buyable_first(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Best sellers first among the products that can be bought (active and in stock), then the
    sold-out ones, only to fill the slot (product_buyable_best index)."""
    return queryset.filter(is_active=True).order_by("-in_stock", "-sales_count", "-id")


@functools.lru_cache(maxsize=16)
def _home_statement(kind: str, limit: int) -> Statement:
    if kind == "featured":
        return Statement(
            lambda slots: product_cards(_buyable_first(Product.objects.filter(is_featured=True)))[
                :limit
            ],
            prepared=True,
        )
    return Statement(
        lambda slots: product_cards(_buyable_first(Product.objects.all()))[:limit], prepared=True
    )


def featured_products(*, limit: int = 12) -> list[ProductCard]:
    """Featured products, the buyable ones first (by units sold)."""
    return cards_from_rows(*_home_statement("featured", limit).rows())


def best_sellers(*, limit: int = 8) -> list[ProductCard]:
    """The best-selling products, the buyable ones first: a sold-out product is shown only when
    there are not enough others to fill the slot."""
    return cards_from_rows(*_home_statement("best", limit).rows())


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

    @property
    def filter_count(self) -> int:
        """How many filters are on: each brand, the price range (one, whichever ends are set)
        and "in stock only"; the sort and the page are not filters."""
        price = self.price_min is not None or self.price_max is not None
        return len(self.brands) + int(price) + int(self.in_stock)

    def query_for_page(self, page: int) -> str:
        """The query string that reproduces these parameters on another page."""
        rest = self._query_without_page
        if page > 1:
            return f"?{rest}&page={page}" if rest else f"?page={page}"
        return f"?{rest}"

    @functools.cached_property
    def _query_without_page(self) -> str:
        """The parameters but the page, url-encoded once for all the page links."""
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
        return urlencode(pairs)


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


def _listing_filtered(
    *, tree: CategoryTree, category: Category | None, params: ListingParams
) -> QuerySet[Product]:
    """Active products of a category and its subcategories (every category's without one),
    filtered by price and stock, before the brand filter."""
    filtered = Product.objects.filter(is_active=True)
    if category is not None:
        filtered = filtered.filter(category_id__in=tree.descendant_ids(category))
    if params.price_min is not None:
        filtered = filtered.filter(price__gte=params.price_min)
    if params.price_max is not None:
        filtered = filtered.filter(price__lte=params.price_max)
    if params.in_stock:
        filtered = filtered.filter(in_stock=True)
    return filtered


def _with_brands(filtered: QuerySet[Product], brands: Iterable[str]) -> QuerySet[Product]:
    selected = set(brands)
    if not selected:
        return filtered
    ids = [b.id for b in brand_directory().values() if b.slug in selected]
    return filtered.filter(brand_id__in=ids)


def product_listing(
    *, tree: CategoryTree, category: Category | None, params: ListingParams
) -> QuerySet[Product]:
    """The cards (product_cards) a category listing shows, filtered and sorted like the page,
    unpaginated: the API pages it with its own page size. Evaluate a page with card_list."""
    filtered = _with_brands(
        _listing_filtered(tree=tree, category=category, params=params), params.brands
    )
    return product_cards(filtered.order_by(*SORTS.get(params.sort, SORTS[DEFAULT_SORT])))


def category_listing(*, tree: CategoryTree, category: Category, params: ListingParams) -> Listing:
    """One page of a category (and its subcategories), filtered and sorted, with brand facets.

    Queries: the brand counts (read from CategoryFacetCount, or counted over the products when a
    price range is given), from which the total comes too, and the page itself with its images:
    the same two whatever the page size and however many subcategories.
    """
    category_ids = tree.descendant_ids(category)
    directory = brand_directory()
    selected = set(params.brands)
    selected_ids = sorted(b.id for b in directory.values() if b.slug in selected)
    if params.price_min is None and params.price_max is None:
        by_brand = _kept_brand_counts(category_ids, in_stock=params.in_stock)
    else:
        # A price range cuts across the kept counts: count the products themselves.
        by_brand = dict(
            _listing_filtered(tree=tree, category=category, params=params)
            .order_by()
            .values_list("brand_id")
            .annotate(n=Count("*"))  # not Count("id"): that would read the table, not the index
            .values_list("brand_id", "n")
        )
        by_brand = {brand_id or 0: n for brand_id, n in by_brand.items() if n}

    # Brand counts ignore the brand filter itself, so a shopper can widen the choice; the top 30
    # by count are shown.
    top = sorted(((n, b) for b, n in by_brand.items() if b and n > 0), key=lambda c: (-c[0], c[1]))
    brands = sorted(
        (
            BrandFacet(b.slug, b.name, n, b.slug in selected)
            for b, n in ((directory.get(brand_id), n) for n, brand_id in top[:30])
            if b is not None
        ),
        key=lambda f: (-f.count, f.name),
    )
    if params.brands:
        total = sum(by_brand.get(brand_id, 0) for brand_id in selected_ids)
    else:
        total = sum(by_brand.values())
    source = _ListingPage(
        category_ids=category_ids, params=params, brand_ids=selected_ids, total=total
    )
    page = Paginator(source, settings.SHOP_PRODUCTS_PER_PAGE).get_page(params.page)
    return Listing(page=page, brands=brands)


FACET_TABLE = CategoryFacetCount._meta.db_table


@functools.lru_cache(maxsize=256)
def _kept_counts_statement(categories: int, in_stock: bool) -> str:
    stock = " AND in_stock = %s" if in_stock else ""
    return (
        f"SELECT brand_id, SUM(n) FROM {FACET_TABLE} "
        f"WHERE category_id IN ({', '.join(['%s'] * categories)}){stock} GROUP BY brand_id"
    )


def _kept_brand_counts(category_ids: list[int], *, in_stock: bool) -> dict[int, int]:
    """Active products of these categories by brand id (0: none), from the kept counts."""
    sql = _kept_counts_statement(len(category_ids), in_stock)
    with connection.cursor() as cursor:
        execute_keeping_plan(cursor, sql, [*category_ids, *([True] if in_stock else [])])
        return {brand_id: int(n) for brand_id, n in cursor.fetchall() if n}


# The columns each sort reads, with their direction; ties end on the id, so pages never overlap.
SORT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    key: tuple((c.lstrip("-"), "DESC" if c.startswith("-") else "ASC") for c in columns)
    for key, columns in SORTS.items()
}


@functools.lru_cache(maxsize=512)
def _listing_page_statement(
    sort: str, categories: int, in_stock: bool, price_min: bool, price_max: bool, brands: int
) -> Statement:
    """One listing page (its cards, as product_cards selects them, in order) for one shape of
    listing, compiled once. Parameters: category0.., brand0.., price_min, price_max, reach (how
    far into each category's order the page reaches), limit and offset.

    A category with subcategories is read as one ordered, limited scan per category (each on
    its (category, is_active, sort column) index), merged and cut to the page; never a walk of
    the whole catalog's order that throws away the other categories' products."""
    table = Product._meta.db_table
    order = ", ".join(f"{column} {direction}" for column, direction in SORT_COLUMNS[sort])
    columns = ", ".join(dict.fromkeys(["id", *(c for c, _d in SORT_COLUMNS[sort])]))

    def build(slots: Slots) -> QuerySet[Product]:
        params: list = []
        branches = []
        for i in range(categories):
            where = ["category_id = %s", "is_active = %s"]
            params += [slots.int(f"category{i}"), True]
            if in_stock:
                where.append("in_stock = %s")
                params.append(True)
            if price_min:
                where.append("price >= %s")
                params.append(slots.int("price_min"))
            if price_max:
                where.append("price <= %s")
                params.append(slots.int("price_max"))
            if brands:
                where.append(f"brand_id IN ({', '.join(['%s'] * brands)})")
                params += [slots.int(f"brand{j}") for j in range(brands)]
            branches.append(
                f"SELECT * FROM (SELECT {columns} FROM {table} WHERE {' AND '.join(where)} "
                f"ORDER BY {order} LIMIT %s) b{i}"
            )
            params.append(slots.int("reach"))
        ids = (
            f"SELECT id FROM ({' UNION ALL '.join(branches)}) u ORDER BY {order} LIMIT %s OFFSET %s"
        )
        params += [slots.int("limit"), slots.int("offset")]
        return product_cards(
            Product.objects.filter(pk__in=RawSQL(ids, params)).order_by(*SORTS[sort])
        )

    return Statement(build, plans_kept=True)


class _ListingPage:
    """What the Paginator pages: the listing's total (known beforehand) and, sliced, one page of
    products from the compiled statement."""

    def __init__(
        self, *, category_ids: list[int], params: ListingParams, brand_ids: list[int], total: int
    ) -> None:
        self.category_ids = category_ids
        self.params = params
        self.brand_ids = brand_ids
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[ProductCard]:
        start, stop = window.start or 0, window.stop
        if stop is None or stop <= start or (self.params.brands and not self.brand_ids):
            return []
        params = self.params
        sort = params.sort if params.sort in SORTS else DEFAULT_SORT
        statement = _listing_page_statement(
            sort,
            len(self.category_ids),
            params.in_stock,
            params.price_min is not None,
            params.price_max is not None,
            len(self.brand_ids),
        )
        values = {
            "price_min": params.price_min,
            "price_max": params.price_max,
            "reach": stop,
            "limit": stop - start,
            "offset": start,
        }
        values.update((f"category{i}", c) for i, c in enumerate(self.category_ids))
        values.update((f"brand{j}", b) for j, b in enumerate(self.brand_ids))
        return cards_from_rows(*statement.rows(**values))


def published_product_id(*, slug: str) -> int:
    """The id of the active product with this slug; Http404 for an unknown or inactive one."""
    found = Product.objects.filter(slug=slug, is_active=True).values_list("id", flat=True).first()
    if found is None:
        raise Http404("No such product")
    return found


# --- Product page -------------------------------------------------------------------------------
@dataclass
class ProductPage:
    product: Product
    variants: list[ProductVariant]
    images: list[ProductImage]
    reviews: list[Review]
    rating_histogram: list[tuple[int, int, int]]  # (stars, count, percent)
    selected: ProductVariant | None


def _available_total() -> Coalesce:
    """Units available across warehouses, through the variant's reverse relation to its stock
    rows (logistics.Stock, related_name "stock"): read without importing the app above."""
    return Coalesce(
        Sum(F("stock__quantity") - F("stock__allocated"), output_field=IntegerField()), Value(0)
    )


STARS = range(5, 0, -1)


def _published_ratings() -> Subquery:
    """How many published reviews of the product give it each number of stars, as
    {"s5": n, ..., "s1": n} (None without any): one pass over the product's reviews, in a
    subquery run once for the one product row, so the histogram comes with the product, not in
    a statement of its own."""
    return Subquery(
        Review.objects.filter(product=OuterRef("pk"), is_published=True)
        .order_by()
        .values("product")
        .annotate(
            counts=JSONObject(
                **{f"s{stars}": Count("pk", filter=Q(rating=stars)) for stars in STARS}
            )
        )
        .values("counts"),
        output_field=JSONField(),
    )


# The product page's reads, compiled once and prepared on PostgreSQL (see common.statements):
# look-ups by key, planned once.
# The brand comes from the directory kept in each process (brand_directory), the category from
# the tree: only the merchant is joined.
_PRODUCT_BY_SLUG = Statement(
    lambda slots: (
        Product.objects.select_related("merchant")
        .filter(slug=slots.str("slug"), is_active=True)
        .annotate(published_ratings=_published_ratings())[:1]
    ),
    prepared=True,
)
_PRODUCT_VARIANTS = Statement(
    lambda slots: (
        ProductVariant.objects.filter(product_id=slots.int("product"), is_active=True)
        .annotate(available=_available_total())
        .order_by("position", "id")
    ),
    prepared=True,
)
_PRODUCT_IMAGES = Statement(
    lambda slots: ProductImage.objects.filter(product_id=slots.int("product")).order_by(
        "position", "id"
    ),
    prepared=True,
)
_PRODUCT_REVIEWS = Statement(
    lambda slots: (
        Review.objects.filter(product_id=slots.int("product"), is_published=True)
        .select_related("user")
        .order_by("-created_at", "-id")[:10]
    ),
    prepared=True,
)


def product_page(*, slug: str, variant_id: int | None = None) -> ProductPage:
    """The product with its variants (and stock available across warehouses), images, latest
    reviews and the rating histogram. Raises Http404 for unknown or inactive products."""
    found = _PRODUCT_BY_SLUG.run(slug=slug)
    if not found:
        raise Http404("No such product")
    product = found[0]
    brand = brand_directory().get(product.brand_id) if product.brand_id else None
    if brand is not None:
        product.brand = brand
    variants = _PRODUCT_VARIANTS.run(product=product.pk)
    images = _PRODUCT_IMAGES.run(product=product.pk)
    ratings = product.published_ratings or {}
    counts = {stars: ratings.get(f"s{stars}", 0) for stars in STARS}
    # The histogram came with the product: a product nobody has reviewed (most of a catalog)
    # has no reviews to read.
    reviews = _PRODUCT_REVIEWS.run(product=product.pk) if any(counts.values()) else []
    for row in (*variants, *images, *reviews):
        row.product = product
    total = sum(counts.values()) or 1
    histogram = [(s, counts[s], round(100 * counts[s] / total)) for s in STARS]
    selected = next((v for v in variants if v.id == variant_id), None)
    if selected is None:
        selected = next((v for v in variants if v.available > 0), variants[0] if variants else None)
    return ProductPage(
        product, variants, _gallery(images, variants, selected), reviews, histogram, selected
    )


def _gallery(
    images: list[ProductImage], variants: list[ProductVariant], selected: ProductVariant | None
) -> list[ProductImage]:
    """The pictures in the order the page shows them: the chosen variant's own first, then those
    of the product as a whole, then the other variants' (each file once: variants of one colour
    often share a picture). Sets each variant's `picture`: its own first picture, or None."""
    own: dict[int, list[ProductImage]] = {}
    for image in images:
        if image.variant_id is not None:
            own.setdefault(image.variant_id, []).append(image)
    for variant in variants:
        variant.picture = own.get(variant.pk, [None])[0]
    chosen = own.get(selected.pk, []) if selected else []
    general = [image for image in images if image.variant_id is None]
    seen: set[str] = set()
    gallery = []
    for image in [*chosen, *general, *images]:
        if image.image.name not in seen:
            seen.add(image.image.name)
            gallery.append(image)
    return gallery


# --- Kept counts check --------------------------------------------------------------------------
@dataclass(frozen=True)
class FacetCountDrift:
    """One (category, brand, stock) combination whose kept count differs from the products."""

    category_id: int
    brand_id: int  # 0: no brand
    in_stock: bool
    kept: int
    actual: int


def category_facet_count_drift() -> list[FacetCountDrift]:
    """Recompute the active products by (category, brand, stock) from the products themselves and
    compare with CategoryFacetCount; every combination that differs (none when the triggers that
    keep it are in place)."""
    actual = {
        (c, b or 0, bool(s)): n
        for c, b, s, n in Product.objects.filter(is_active=True)
        .order_by()
        .values_list("category_id", "brand_id", "in_stock")
        .annotate(n=Count("*"))
        .values_list("category_id", "brand_id", "in_stock", "n")
    }
    kept = {
        (c, b, bool(s)): n
        for c, b, s, n in CategoryFacetCount.objects.order_by().values_list(
            "category_id", "brand_id", "in_stock", "n"
        )
    }
    return [
        FacetCountDrift(key[0], key[1], key[2], kept.get(key, 0), actual.get(key, 0))
        for key in sorted(set(actual) | set(kept))
        if kept.get(key, 0) != actual.get(key, 0)
    ]
