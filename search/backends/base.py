"""The one interface every search backend implements: a query in, ranked hits + facets +
suggestions out.

Backends: `search.backends.sqlite` (FTS5, the embedded default), `search.backends.postgres`
(weighted tsvector + pg_trgm) and `search.backends.elasticsearch` (django-elasticsearch-dsl).
`search.services` picks one from the settings and falls back to the database backend when
Elasticsearch is unreachable.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from catalog.models import Product

from ..understanding import Part

SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_selling", "rating")

# Price bands offered as a facet, in yuan: key -> (low inclusive, high exclusive or None).
PRICE_BANDS: dict[str, tuple[Decimal, Decimal | None]] = {
    "0-100": (Decimal("0"), Decimal("100")),
    "100-300": (Decimal("100"), Decimal("300")),
    "300-1000": (Decimal("300"), Decimal("1000")),
    "1000-": (Decimal("1000"), None),
}

# "At least N stars" facet values.
RATING_LEVELS = (4, 3, 2, 1)

FACETS = ("category", "brand", "price", "rating", "in_stock")


class SearchBackendUnavailable(Exception):
    """The backend's server cannot be reached; the caller falls back to the database backend."""


@dataclass(frozen=True)
class SearchQuery:
    """What the shopper asked for, already validated (see `search.forms`)."""

    text: str = ""
    language: str = "en"  # "en" or "zh-hans"
    categories: tuple[str, ...] = ()  # category slugs; a category includes its descendants
    brands: tuple[str, ...] = ()  # brand slugs
    price_bands: tuple[str, ...] = ()  # keys of PRICE_BANDS
    # A price range read from the words ("under 500", "100-200元"): low inclusive, high
    # inclusive; AND-ed with the bands.
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    # Colour keys (catalog.attributes.VALUE_NAMES) read from the words ("red", "红色"): a
    # product has a variant of one of these colours.
    colours: tuple[str, ...] = ()
    min_rating: int | None = None  # one of RATING_LEVELS: average rating >= n
    in_stock: bool = False
    sort: str = "relevance"  # one of SORTS
    page: int = 1
    per_page: int = 24

    @property
    def filter_count(self) -> int:
        """How many filters narrow the words: each category, brand and price band, the rating,
        "in stock only" and a price range read from the words (one, whichever ends are set)."""
        price_range = self.price_min is not None or self.price_max is not None
        return (
            len(self.categories)
            + len(self.brands)
            + len(self.price_bands)
            + int(self.min_rating is not None)
            + int(self.in_stock)
            + int(price_range)
        )


@dataclass
class Hit:
    product_id: int
    score: float
    # field name ("name", "description") -> HTML-safe snippet, matched words wrapped in <mark>.
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class FacetValue:
    value: str  # what goes in the URL (slug, band key, "4", "1")
    label: str  # what the shopper reads, in the query's language
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    # FACETS key -> values. Facets are disjunctive: values within one facet are OR-ed, facets are
    # AND-ed, and a facet's counts apply the query and every filter except the facet's own.
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None = None  # a corrected query when the text found little or nothing
    related: list[str] = field(default_factory=list)  # related searches
    # When no product has every word: the words left out of the search whose hits are shown,
    # in the order typed (empty when every word matched).
    dropped: list[str] = field(default_factory=list)
    # When what was left after dropping words was too weak to show (total is then 0): the
    # words a shopper may search for instead, offered as a link.
    instead: str | None = None
    # What the query's words were read as (search.understanding): price range, cheap (its
    # price_max the ceiling it stood for), colours; set by search.services.search_understood.
    understood: list[Part] = field(default_factory=list)
    backend: str = ""


@dataclass
class Suggestion:
    kind: str  # "product", "category" or "brand"
    label: str
    url: str


class SearchBackend(ABC):
    name: str = ""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Ranked, filtered, faceted, paginated hits for active products only."""

    @abstractmethod
    def autocomplete(self, text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        """Products, categories and brands for a partial, possibly misspelt, query."""

    @abstractmethod
    def index_products(self, product_ids: Iterable[int]) -> None:
        """Upsert these products' documents; inactive or deleted products are removed."""

    @abstractmethod
    def rebuild(self) -> int:
        """Rebuild the whole index without downtime; returns the number of products indexed."""

    @abstractmethod
    def ping(self) -> bool:
        """Whether the backend can answer now."""

    # The deepest position a backend pages to (Elasticsearch's result window).
    max_probe_position = 10_000

    def price_at_share(self, query: SearchQuery, share: float) -> Decimal | None:
        """The price of the product at `share` of the matches of `query` sorted by price
        (position ceil(total * share), at least the first, at most `max_probe_position`); None
        when nothing matches. Here by two one-hit searches; a backend may answer in one
        statement."""
        probe = replace(query, sort="price_asc", page=1, per_page=1)
        first = self.search(probe)
        position = min(max(1, math.ceil(first.total * share)), self.max_probe_position)
        at = self.search(replace(probe, page=position)) if position > 1 else first
        if not at.hits:
            return None
        return (
            Product.objects.filter(pk=at.hits[0].product_id).values_list("price", flat=True).first()
        )
