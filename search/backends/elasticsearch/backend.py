"""Search through Elasticsearch (django-elasticsearch-dsl documents, see search/documents.py).

Switched on by ELASTICSEARCH_URL. Every transport or server error becomes
`SearchBackendUnavailable`, on which `search.services` falls back to the database backend.

Text matching: every word of the query must match somewhere in the product (English fields, typos
allowed; Chinese text by its bigrams, with any Latin words in it required too). When no product
has every word, the search is asked again for products having some of them, those named by the
query's last word (the head of an English noun phrase) first.

Ranking mirrors `search.ranking` with a `function_score` around the text query:

    text_score * (1 + popularity_weight * ln(1 + popularity) / ln(1 + max_popularity)
                    + rating_weight * rating_avg / 5) * (out_of_stock_factor if out of stock)

The inner function_score sums a constant 1, `ln1p(popularity)` weighted by
popularity_weight / ln(1 + max_popularity) and `rating_avg` weighted by rating_weight / 5, and
multiplies the text score by that sum; the outer one multiplies out-of-stock products by the
factor. Elasticsearch cannot normalise by the index's maximum inside a query without scripts, so
max_popularity is read from the index with a `max` aggregation and cached for a minute: between
two reads a product that outsells the old maximum gets a popularity term a little above 1, which
only strengthens an already strong signal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl.connections import connections
from elasticsearch.helpers import bulk

from search import ranking

from .base import (
    PRICE_BANDS,
    RATING_LEVELS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchBackendUnavailable,
    SearchQuery,
    SearchResult,
    Suggestion,
)
from .database import brand_search_url, price_band_label

logger = logging.getLogger(__name__)

# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
BULK_CHUNK = 500
MAX_POPULARITY_CACHE_SECONDS = 60
MAX_RELATED = 6

# Fields searched for the words of a query, with their weights (the name weighs most).
ENGLISH_FIELDS = [
    "name_en^3",
    "brand_name^2",
    "category_names_en^1.5",
    "attributes_en",
    "description_en",
]
# Fuzzy matching runs on unstemmed names too, so "runing" reaches "running" as typed.
FUZZY_FIELDS = ["name_en.plain^3", *ENGLISH_FIELDS]
CHINESE_FIELDS = [
    "name_zh_hans^3",
    "category_names_zh_hans^1.5",
    "attributes_zh_hans",
    "description_zh_hans",
]
PHRASE_FIELDS = [
    "name_en^3",
    "name_zh_hans^3",
    "brand_name^2",
    "category_names_en^1.5",
    "category_names_zh_hans^1.5",
    "description_en",
    "description_zh_hans",
]
SOURCE_FIELDS = ["product_id"]

_QUOTED = re.compile(r'"([^"]*)"')
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def split_query(text: str) -> tuple[str, list[str]]:
    """The free words of a query and its quoted phrases: 'red "running shoes"' ->
    ('red', ['running shoes'])."""
    phrases = [" ".join(p.split()) for p in _QUOTED.findall(text)]
    words = _QUOTED.sub(" ", text).replace('"', " ")
    return " ".join(words.split()), [p for p in phrases if p]


def _relaxable(words: str) -> bool:
    """Whether a query without hits may be retried on some of its words: it has several words,
    or Chinese longer than one bigram."""
    return len(words.split()) > 1 or any(len(run) > 2 for run in _CJK_RUN.findall(words))


def _lang(language: str) -> str:
    return "zh_hans" if language == "zh-hans" else "en"


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        *,
        using: str = "default",
        url: str | None = None,
        client: Elasticsearch | None = None,
        index: str | None = None,
        refresh: bool | None = None,
    ) -> None:
        """By default the django-elasticsearch-dsl connection `using` (ELASTICSEARCH_DSL);
        `url` or `client` point it elsewhere (tests, benchmarks). `refresh` makes writes
        visible to the next search at once (ELASTICSEARCH_DSL_AUTO_REFRESH by default)."""
        from search.documents import PRODUCTS_INDEX

        if client is None:
            if url:
                options = dict(settings.ELASTICSEARCH_DSL.get(using, {}))
                options.pop("hosts", None)
                client = Elasticsearch(url, **options)
            else:
                client = connections.get_connection(using)
        self.client = client
        self.index = index or PRODUCTS_INDEX
        self.refresh = (
            getattr(settings, "ELASTICSEARCH_DSL_AUTO_REFRESH", False)
            if refresh is None
            else refresh
        )

    # --- errors ---------------------------------------------------------------------------------
    @contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        try:
            yield
        except TransportError as exc:  # connection refused, timeout, TLS ...
            raise SearchBackendUnavailable(f"Elasticsearch unreachable: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status == 400:
                logger.error("Elasticsearch rejected a search request: %s", exc)
            raise SearchBackendUnavailable(f"Elasticsearch error {exc.meta.status}") from exc

    def ping(self) -> bool:
        """Whether the index answers a search now: an empty search, sent the way searches are
        (a bare `HEAD /` can succeed on a cluster that refuses every search, or has no index)."""
        try:
            self.client.search(index=self.index, size=0, track_total_hits=False)
        except (TransportError, ApiError):
            return False
        return True

    # --- search ---------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        words, phrases = split_query(query.text)
        filters = self._filters(query)
        body: dict[str, Any] = {
            "query": self._scored(self._text_query(words, phrases), query),
            "post_filter": {"bool": {"filter": list(filters.values())}},
            "aggs": self._facet_aggs(filters),
            "sort": self._sort(query.sort),
            "track_total_hits": True,
            "_source": SOURCE_FIELDS,
        }
        offset = max(query.page - 1, 0) * query.per_page
        body["from"] = min(offset, MAX_RESULT_WINDOW)
        body["size"] = max(0, min(query.per_page, MAX_RESULT_WINDOW - offset))
        if words or phrases:
            body["highlight"] = self._highlight()
        if _LATIN_WORD.search(words):
            body["suggest"] = {
                "text": words,
                "spelling": {"term": {"field": "spelling", "suggest_mode": "missing", "size": 1}},
            }
        with self._unavailable_on_error():
            response = self.client.search(index=self.index, body=body)
            suggest = response.get("suggest", {})
            if not response["hits"]["total"]["value"] and _relaxable(words):
                # No product has every word: rank those having some of them, the more the better
                # (as the database backends do), with the same filters and facets.
                body["query"] = self._scored(self._text_query(words, phrases, relaxed=True), query)
                body.pop("suggest", None)
                response = self.client.search(index=self.index, body=body)

        hits = [
            Hit(
                product_id=int(h["_source"]["product_id"]),
                score=float(h.get("_score") or 0.0),
                highlights=self._hit_highlights(h.get("highlight", {}), query.language),
            )
            for h in response["hits"]["hits"]
        ]
        total = int(response["hits"]["total"]["value"])
        did_you_mean = self._did_you_mean(words, phrases, suggest)
        related: list[str] = []
        if total == 0 and (words or phrases):
            related = self._related(" ".join([did_you_mean or words, *phrases]), query.language)
        return SearchResult(
            hits=hits,
            total=total,
            facets=self._facets(response.get("aggregations", {}), query),
            did_you_mean=did_you_mean,
            related=related,
            backend=self.name,
        )

    def _text_query(
        self, words: str, phrases: list[str], *, relaxed: bool = False
    ) -> dict[str, Any]:
        """Every word must match (in any field, typos allowed); `relaxed`: any of them."""
        operator = "or" if relaxed else "and"
        must: list[dict[str, Any]] = []
        if words:
            must.append(
                {
                    "bool": {
                        "should": [
                            # Every word somewhere in the product (name, brand, category ...).
                            {
                                "multi_match": {
                                    "query": words,
                                    "type": "cross_fields",
                                    "fields": ENGLISH_FIELDS,
                                    "operator": operator,
                                    "boost": 2,
                                }
                            },
                            # Typos: one or two edits per word, swapped letters counting as one.
                            {
                                "multi_match": {
                                    "query": words,
                                    "type": "best_fields",
                                    "fields": FUZZY_FIELDS,
                                    "operator": operator,
                                    "fuzziness": "AUTO",
                                    "fuzzy_transpositions": True,
                                }
                            },
                            *self._chinese_query(words, relaxed=relaxed),
                            *(self._head_noun_query(words) if relaxed else []),
                        ],
                        "minimum_should_match": 1,
                    }
                }
            )
        for phrase in phrases:
            must.append(
                {"multi_match": {"query": phrase, "type": "phrase", "fields": PHRASE_FIELDS}}
            )
        if not must:
            return {"match_all": {}}
        return {"bool": {"must": must}}

    @staticmethod
    def _head_noun_query(words: str) -> list[dict[str, Any]]:
        """An English noun phrase names the thing last ("stainless steel water bottle" is a
        bottle), so among products having only some of the words, those named by the last one
        come first."""
        latin = _CJK_RUN.sub(" ", words).split()
        if not latin:
            return []
        return [
            {
                "match": {
                    "name_en": {
                        "query": latin[-1],
                        "fuzziness": "AUTO",
                        "fuzzy_transpositions": True,
                        "boost": 10,
                    }
                }
            }
        ]

    @staticmethod
    def _chinese_query(words: str, *, relaxed: bool = False) -> list[dict[str, Any]]:
        """Chinese text: most of the query's bigrams must match, and every Latin word (a brand,
        "5G") too, so "Novaphone 手机" does not match every phone. Latin-only queries are left
        to the English fields: Chinese text repeats brand names, which would otherwise match
        a query on brand names alone."""
        cjk = " ".join(_CJK_RUN.findall(words))
        if not cjk:
            return []
        must: list[dict[str, Any]] = [
            {
                "multi_match": {
                    "query": cjk,
                    "type": "best_fields",
                    "fields": CHINESE_FIELDS,
                    "minimum_should_match": "1" if relaxed else "75%",
                }
            }
        ]
        latin = " ".join(_CJK_RUN.sub(" ", words).split())
        if latin:
            must.append(
                {
                    "multi_match": {
                        "query": latin,
                        "type": "cross_fields",
                        "fields": [*CHINESE_FIELDS, "brand_name^2", "name_en^3"],
                        "operator": "or" if relaxed else "and",
                    }
                }
            )
        return [{"bool": {"should" if relaxed else "must": must, "boost": 2}}]

    def _scored(self, text_query: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
        if query.sort != "relevance":
            return text_query
        weights = self._weights()
        functions: list[dict[str, Any]] = [{"weight": 1}]
        if weights.popularity_weight > 0:
            functions.append(
                {
                    "field_value_factor": {
                        "field": "popularity",
                        "modifier": "ln1p",
                        "missing": 0,
                    },
                    "weight": weights.popularity_weight
                    / ranking.max_popularity_log(self._max_popularity()),
                }
            )
        if weights.rating_weight > 0:
            functions.append(
                {
                    "field_value_factor": {"field": "rating_avg", "missing": 0},
                    "weight": weights.rating_weight / 5,
                }
            )
        scored: dict[str, Any] = {
            "function_score": {
                "query": text_query,
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        }
        if weights.out_of_stock_factor != 1:
            scored = {
                "function_score": {
                    "query": scored,
                    "functions": [
                        {
                            "filter": {"term": {"in_stock": False}},
                            # A weight must be positive; a factor of 0 still sinks them last.
                            "weight": max(weights.out_of_stock_factor, 1e-6),
                        }
                    ],
                    "boost_mode": "multiply",
                }
            }
        return scored

    @staticmethod
    def _weights() -> ranking.Weights:
        from search.models import SearchSettings

        return SearchSettings.load().weights()

    def _max_popularity(self) -> float:
        key = self._max_popularity_key()
        value = cache.get(key)
        if value is None:
            with self._unavailable_on_error():
                response = self.client.search(
                    index=self.index,
                    size=0,
                    aggs={"max_popularity": {"max": {"field": "popularity"}}},
                )
            value = response["aggregations"]["max_popularity"]["value"] or 0
            cache.set(key, value, MAX_POPULARITY_CACHE_SECONDS)
        return float(value)

    def _max_popularity_key(self) -> str:
        return f"search:es:max-popularity:{self.index}"

    @staticmethod
    def _sort(sort: str) -> list[Any]:
        tie = {"product_id": "desc"}
        return {
            "price_asc": [{"price": "asc"}, {"product_id": "asc"}],
            "price_desc": [{"price": "desc"}, tie],
            "newest": [{"created_at": "desc"}, tie],
            "best_selling": [{"sales_count": "desc"}, tie],
            "rating": [{"rating_avg": "desc"}, {"rating_count": "desc"}, tie],
        }.get(sort, ["_score", {"popularity": "desc"}, tie])

    @staticmethod
    def _highlight() -> dict[str, Any]:
        whole = {"number_of_fragments": 0}
        snippet = {"fragment_size": 160, "number_of_fragments": 1}
        return {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",  # the product's own text is escaped; only <mark> is markup
            "require_field_match": False,
            "fields": {
                "name_en": whole,
                "name_zh_hans": whole,
                "description_en": snippet,
                "description_zh_hans": snippet,
            },
        }

    @staticmethod
    def _hit_highlights(highlight: dict[str, list[str]], language: str) -> dict[str, str]:
        own, other = _lang(language), "en" if _lang(language) == "zh_hans" else "zh_hans"
        result = {}
        for field in ("name", "description"):
            fragments = highlight.get(f"{field}_{own}") or highlight.get(f"{field}_{other}")
            if fragments:
                result[field] = " … ".join(fragments)
        return result

    # --- filters and facets ---------------------------------------------------------------------
    @staticmethod
    def _filters(query: SearchQuery) -> dict[str, dict[str, Any]]:
        filters: dict[str, dict[str, Any]] = {}
        if query.categories:
            filters["category"] = {"terms": {"category_path": list(query.categories)}}
        if query.brands:
            filters["brand"] = {"terms": {"brand_slug": list(query.brands)}}
        bands = [PRICE_BANDS[k] for k in query.price_bands if k in PRICE_BANDS]
        if bands:
            filters["price"] = {
                "bool": {"should": [_price_range(low, high) for low, high in bands]}
            }
        if query.min_rating:
            filters["rating"] = {"range": {"rating_avg": {"gte": query.min_rating}}}
        if query.in_stock:
            filters["in_stock"] = {"term": {"in_stock": True}}
        return filters

    @staticmethod
    def _facet_aggs(filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """One filtered aggregation per facet: the query (implicitly) and every filter but the
        facet's own, so values within a facet stay selectable together."""

        def others(facet: str) -> dict[str, Any]:
            rest = [f for name, f in filters.items() if name != facet]
            return {"bool": {"filter": rest}} if rest else {"match_all": {}}

        return {
            "category": {
                "filter": others("category"),
                "aggs": {"values": {"terms": {"field": "category_path", "size": 100}}},
            },
            "brand": {
                "filter": others("brand"),
                "aggs": {"values": {"terms": {"field": "brand_slug", "size": 100}}},
            },
            "price": {
                "filter": others("price"),
                "aggs": {
                    "values": {
                        "range": {
                            "field": "price",
                            "keyed": True,
                            "ranges": [
                                {
                                    "key": key,
                                    "from": float(low),
                                    **({"to": float(high)} if high is not None else {}),
                                }
                                for key, (low, high) in PRICE_BANDS.items()
                            ],
                        }
                    }
                },
            },
            "rating": {
                "filter": others("rating"),
                "aggs": {
                    "values": {
                        "filters": {
                            "filters": {
                                str(n): {"range": {"rating_avg": {"gte": n}}} for n in RATING_LEVELS
                            }
                        }
                    }
                },
            },
            "in_stock": {
                "filter": others("in_stock"),
                "aggs": {"values": {"filter": {"term": {"in_stock": True}}}},
            },
        }

    def _facets(self, aggs: dict[str, Any], query: SearchQuery) -> dict[str, list[FacetValue]]:
        from catalog.models import Brand
        from catalog.selectors import category_tree

        def buckets(facet: str) -> Any:
            return aggs.get(facet, {}).get("values", {})

        category_counts = {b["key"]: b["doc_count"] for b in buckets("category").get("buckets", [])}
        brand_counts = {b["key"]: b["doc_count"] for b in buckets("brand").get("buckets", [])}
        selected_categories = set(query.categories)
        selected_brands = set(query.brands)
        with translation.override(query.language):
            # The category tree's order (each parent before its children), as the database
            # backends list them; counts include descendants through category_path.
            tree = category_tree()
            category_values = []
            stack = list(reversed(tree.roots))
            while stack:
                node = stack.pop()
                if node.slug in category_counts or node.slug in selected_categories:
                    category_values.append(
                        FacetValue(
                            value=node.slug,
                            label=node.name,
                            count=category_counts.get(node.slug, 0),
                            selected=node.slug in selected_categories,
                        )
                    )
                stack.extend(reversed(node.child_nodes))
            brands = Brand.objects.filter(slug__in=set(brand_counts) | selected_brands)
            brand_values = [
                FacetValue(
                    value=b.slug,
                    label=b.name,
                    count=brand_counts.get(b.slug, 0),
                    selected=b.slug in selected_brands,
                )
                for b in brands
            ]
            brand_values.sort(key=lambda v: (-v.count, v.label.lower()))

            price_buckets = buckets("price").get("buckets", {})
            price_values = [
                FacetValue(
                    value=key,
                    label=price_band_label(key),
                    count=int(price_buckets.get(key, {}).get("doc_count", 0)),
                    selected=key in query.price_bands,
                )
                for key in PRICE_BANDS
            ]
            rating_buckets = buckets("rating").get("buckets", {})
            rating_values = [
                FacetValue(
                    value=str(n),
                    label=_("%(stars)s★ & up") % {"stars": n},
                    count=int(rating_buckets.get(str(n), {}).get("doc_count", 0)),
                    selected=query.min_rating == n,
                )
                for n in RATING_LEVELS
            ]
            in_stock_values = [
                FacetValue(
                    value="1",
                    label=_("In stock"),
                    count=int(buckets("in_stock").get("doc_count", 0)),
                    selected=query.in_stock,
                )
            ]
        return {
            "category": [v for v in category_values if v.count or v.selected],
            "brand": [v for v in brand_values if v.count or v.selected],
            "price": [v for v in price_values if v.count or v.selected],
            "rating": [v for v in rating_values if v.count or v.selected],
            "in_stock": [v for v in in_stock_values if v.count or v.selected],
        }

    # --- suggestions ----------------------------------------------------------------------------
    @staticmethod
    def _did_you_mean(words: str, phrases: list[str], suggest: dict[str, Any]) -> str | None:
        """The words with each unknown one replaced by the closest word the shop uses."""
        corrected, changed = words, False
        for entry in sorted(suggest.get("spelling", []), key=lambda e: -e["offset"]):
            options = entry.get("options") or []
            if not options:
                continue
            start, end = entry["offset"], entry["offset"] + entry["length"]
            replacement = options[0]["text"]
            if corrected[start:end].lower() != replacement.lower():
                corrected = corrected[:start] + replacement + corrected[end:]
                changed = True
        if not changed:
            return None
        return " ".join([corrected, *(f'"{p}"' for p in phrases)])

    def _related(self, text: str, language: str) -> list[str]:
        """Searches worth trying when nothing matched: the categories and brands of products
        that share any word with the query, typos allowed."""
        lang = _lang(language)
        with self._unavailable_on_error():
            response = self.client.search(
                index=self.index,
                size=0,
                query={
                    "multi_match": {
                        "query": text,
                        "fields": [*FUZZY_FIELDS, *CHINESE_FIELDS],
                        "fuzziness": "AUTO",
                    }
                },
                aggs={
                    "categories": {"terms": {"field": "category_slug", "size": 3}},
                    "brands": {"terms": {"field": "brand_name.raw", "size": 2}},
                },
            )
        from catalog.models import Category
        from catalog.selectors import category_tree

        slugs = [b["key"] for b in response["aggregations"]["categories"]["buckets"]]
        names = dict(Category.objects.filter(slug__in=slugs).values_list("slug", f"name_{lang}"))
        fallback = dict(Category.objects.filter(slug__in=slugs).values_list("slug", "name_en"))
        related = [names.get(s) or fallback.get(s) or "" for s in slugs]
        related += [b["key"] for b in response["aggregations"]["brands"]["buckets"]]
        # Then the top of the catalog, so a shopper who found nothing always has somewhere to go.
        with translation.override(language):
            related += [root.name for root in category_tree().roots]
        related = [r for r in dict.fromkeys(related) if r and r.lower() != text.lower()]
        return related[:MAX_RELATED]

    def autocomplete(self, text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        text = " ".join(text.split())
        if not text or limit <= 0:
            return []
        lang = _lang(language)

        def completion(field: str, size: int) -> dict[str, Any]:
            return {
                "prefix": text,
                "completion": {
                    "field": field,
                    "size": size,
                    "skip_duplicates": True,
                    "fuzzy": {"fuzziness": "AUTO"},
                },
            }

        with self._unavailable_on_error():
            response = self.client.search(
                index=self.index,
                size=0,
                _source=["slug", "name_en", "name_zh_hans", "categories", "brand_slug"],
                suggest={
                    "products": completion(f"suggest_{lang}", limit),
                    "categories": completion(f"suggest_category_{lang}", 3),
                    "brands": completion("suggest_brand", 2),
                },
            )

        def options(name: str) -> list[dict[str, Any]]:
            entries = response.get("suggest", {}).get(name, [])
            return entries[0].get("options", []) if entries else []

        with translation.override(language):  # links in the shopper's language
            return self._suggestions(options, lang, limit)

    @staticmethod
    def _suggestions(options: Any, lang: str, limit: int) -> list[Suggestion]:
        """Categories and brands come from indexed (active) products, so only those with
        something to show are offered; a category is also left out once it is deactivated
        (its page is gone) even before its products are indexed again."""
        from catalog.selectors import category_tree

        active = category_tree().by_slug
        categories: list[Suggestion] = []
        for option in options("categories"):
            for category in option["_source"].get("categories", []):
                names = {category.get("name_en"), category.get("name_zh_hans")}
                if option["text"] not in names:
                    continue
                node = active.get(category["slug"])
                if node is not None and all(s.label != option["text"] for s in categories):
                    categories.append(
                        Suggestion(
                            kind="category",
                            label=option["text"],
                            url=node.get_absolute_url(),
                        )
                    )
                break
        brands = [
            Suggestion(
                kind="brand",
                label=option["text"],
                url=brand_search_url(option["_source"].get("brand_slug") or ""),
            )
            for option in options("brands")
        ]
        room = max(limit - len(categories) - len(brands), min(limit, 3))
        products = []
        for option in options("products")[:room]:
            source = option["_source"]
            label = source.get(f"name_{lang}") or source.get("name_en") or option["text"]
            products.append(
                Suggestion(
                    kind="product",
                    label=label,
                    url=reverse("catalog:product", args=[source["slug"]]),
                )
            )
        return [*products, *categories, *brands][:limit]

    # --- indexing -------------------------------------------------------------------------------
    def ensure_index(self) -> None:
        """Create the index behind its alias if neither exists yet, so the first writes never
        meet an index Elasticsearch would create with guessed mappings."""
        with self._unavailable_on_error():
            if self.client.indices.exists(index=self.index):
                return
            self._create_index(self._timestamped_name(), alias=self.index)

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in product_ids})
        if not ids:
            return
        self.ensure_index()
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start : start + BULK_CHUNK]
            self._bulk(self.index, self._actions(self.index, chunk))
        cache.delete(self._max_popularity_key())

    def rebuild(self) -> int:
        """Build a new timestamped index, load every active product, then move the alias to it
        in one atomic step and drop the old index; searches see the old index until the move."""
        from search.documents import ProductDocument

        alias = self.index
        new_index = self._timestamped_name()
        document = ProductDocument()
        with self._unavailable_on_error():
            self._create_index(new_index)
            count = 0
            batch: list[dict[str, Any]] = []
            for product in document.get_indexing_queryset():
                batch.append(self._index_action(new_index, document, product))
                if len(batch) >= BULK_CHUNK:
                    self._bulk(new_index, batch)
                    count += len(batch)
                    batch = []
            if batch:
                self._bulk(new_index, batch)
                count += len(batch)
            self.client.indices.refresh(index=new_index)

            try:
                old_indices = list(self.client.indices.get_alias(name=alias).keys())
            except NotFoundError:
                old_indices = []
            actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
            if not old_indices and self.client.indices.exists(index=alias):
                # A plain index holds the alias's name (created by a first non-alias build).
                actions.append({"remove_index": {"index": alias}})
            actions += [{"remove": {"index": old, "alias": alias}} for old in old_indices]
            self.client.indices.update_aliases(actions=actions)
            for old in old_indices:
                self.client.indices.delete(index=old, ignore_unavailable=True)
        cache.delete(self._max_popularity_key())
        logger.info("Search index %s rebuilt as %s with %d products", alias, new_index, count)
        return count

    def _timestamped_name(self) -> str:
        return f"{self.index}-{timezone.now().strftime('%Y%m%d%H%M%S%f')}"

    def _create_index(self, name: str, *, alias: str | None = None) -> None:
        from search.documents import ProductDocument

        body = ProductDocument._index.to_dict()
        self.client.indices.create(
            index=name,
            settings=body.get("settings", {}),
            mappings=body["mappings"],
            aliases={alias: {}} if alias else None,
        )

    def _actions(self, index: str, ids: list[int]) -> list[dict[str, Any]]:
        from search.documents import ProductDocument

        document = ProductDocument()
        products = list(document.get_queryset().filter(pk__in=ids))
        found = {p.pk for p in products}
        actions = [self._index_action(index, document, p) for p in products]
        actions += [
            {"_op_type": "delete", "_index": index, "_id": str(pk)} for pk in ids if pk not in found
        ]
        return actions

    @staticmethod
    def _index_action(index: str, document: Any, product: Any) -> dict[str, Any]:
        return {
            "_op_type": "index",
            "_index": index,
            "_id": str(product.pk),
            "_source": document.prepare(product),
        }

    def _bulk(self, index: str, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        with self._unavailable_on_error():
            _, errors = bulk(
                self.client,
                actions,
                refresh="wait_for" if self.refresh else False,
                raise_on_error=False,
            )
        # Deleting a document that was never indexed is not a failure.
        errors = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if errors:
            logger.error("Elasticsearch refused documents: %s", errors[:3])
            raise SearchBackendUnavailable(f"Elasticsearch refused {len(errors)} documents")


def _price_range(low: Decimal, high: Decimal | None) -> dict[str, Any]:
    bounds: dict[str, Any] = {"gte": str(low)}
    if high is not None:
        bounds["lt"] = str(high)
    return {"range": {"price": bounds}}
