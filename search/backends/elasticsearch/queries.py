"""How a SearchQuery becomes an Elasticsearch query: the text query (English with typos, Chinese
by the segmenter's words, read against the vocabulary like the database backends' (see
search/vocabulary.py), the words of the synonym list as written or through their synonyms), the
ranking function_score around it with the tiers of `_tiered`, sorts, filters and highlights."""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from catalog.attributes import SWATCHES
from search import ranking
from search.analysis import Clause
from search.facets import colour_lookalikes

from ..base import (
    PRICE_BANDS,
    SearchQuery,
)

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


# Chinese words (the segmenter's, in whitespace-analysed fields).
CHINESE_FIELDS = [
    "name_zh_words^3",
    "category_zh_words^1.5",
    "attributes_zh_words",
    "description_zh_words",
]


# The bigrams of what names a product: matched only by a Chinese word in no document, below
# any word match, in no tier and never as a match by name, brand or attributes (as the database
# backends keep them with the description).
CHINESE_FALLBACK_FIELDS = ["name_zh_hans", "category_names_zh_hans", "attributes_zh_hans"]

FALLBACK_BOOST = 0.1


# The same without stemming: the words of the synonym list are matched as written.
PLAIN_FIELDS = [
    "name_en.plain^3",
    "name_zh_hans^3",
    "brand_name^2",
    "category_names_en.plain^1.5",
    "category_names_zh_hans^1.5",
    "attributes_en.plain",
    "attributes_zh_hans",
    "description_en.plain",
    "description_zh_hans",
]

# Where a match counts: "all" fields; the "head" (name, brand, category, attributes), where a
# match ranks above one in the description only and where synonyms are looked for; "strong"
# (name, brand, attributes), where a match shows a product is what was asked for (see
# ElasticsearchBackend._narrowed).
_OUTSIDE_SCOPE = {
    "all": (),
    "head": ("description_",),
    "strong": ("description_", "category_"),
}

# Added to the score of a match per tier (see QueriesMixin._tiered): far above any text score
# times the ranking blend, so a tier is never outranked by the one below.
TIER_BOOST = 10_000.0

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


def split_query(text: str) -> tuple[str, list[str]]:
    """The free words of a query and its quoted phrases: 'red "running shoes"' ->
    ('red', ['running shoes'])."""
    phrases = [" ".join(p.split()) for p in _QUOTED.findall(text)]
    words = _QUOTED.sub(" ", text).replace('"', " ")
    return " ".join(words.split()), [p for p in phrases if p]


def _in_scope(fields: list[str], scope: str) -> list[str]:
    """The fields of a list that count in a scope (see _OUTSIDE_SCOPE)."""
    return [f for f in fields if not f.startswith(_OUTSIDE_SCOPE[scope])]


def field_language(language: str) -> str:
    return "zh_hans" if language == "zh-hans" else "en"


def _price_range(low: Decimal, high: Decimal | None) -> dict[str, Any]:
    bounds: dict[str, Any] = {"gte": str(low)}
    if high is not None:
        bounds["lt"] = str(high)
    return {"range": {"price": bounds}}


def _colour_filter(colour: str) -> dict[str, Any]:
    """A variant of this colour: the word in the attributes, not only as part of a value that
    is no colour ("green tea")."""
    lookalikes = [{"match_phrase": {"attributes_en": value}} for value in colour_lookalikes(colour)]
    clause: dict[str, Any] = {"bool": {"must": [{"match": {"attributes_en": colour}}]}}
    if lookalikes:
        clause["bool"]["must_not"] = lookalikes
    return clause


class QueriesMixin:
    """Building the queries (part of ElasticsearchBackend)."""

    def _text_query(
        self, clauses: list[Clause], phrases: list[str], *, scope: str = "all", own: bool = False
    ) -> dict[str, Any]:
        """Every word must match (in any field of the `scope`, typos allowed), and every phrase.
        A word of the synonym list (a clause with synonyms) matches as written, or through one
        of its synonyms in the name, brand, category or attributes; `own`: not through them.
        Chinese words match as read against the vocabulary (see search/vocabulary.py)."""
        must: list[dict[str, Any]] = []
        free = [c for c in clauses if not c.synonyms]
        if free:
            must.append(self._words_query(free, scope))
        for clause in clauses:
            if clause.synonyms:
                options = [self._term_query(clause, scope)]
                if not own:
                    narrower = "strong" if scope == "strong" else "head"
                    options += [self._term_query(s, narrower) for s in clause.synonyms]
                must.append({"bool": {"should": options, "minimum_should_match": 1}})
        for phrase in phrases:
            must.append(
                {
                    "multi_match": {
                        "query": phrase,
                        "type": "phrase",
                        "fields": _in_scope(PHRASE_FIELDS, scope),
                    }
                }
            )
        if not must:
            return {"match_all": {}}
        return {"bool": {"must": must}}

    def _words_query(self, clauses: list[Clause], scope: str) -> dict[str, Any]:
        """Every word somewhere in the product: English with typos, or, with Chinese words in
        the query, those words and every Latin word (see _chinese_query)."""
        words = " ".join(c.word for c in clauses if not c.is_cjk)
        chinese = [c for c in clauses if c.is_cjk]
        if chinese:
            return self._chinese_query(words, chinese, scope)
        return {
            "bool": {
                "should": [
                    # Every word somewhere in the product (name, brand, category ...).
                    {
                        "multi_match": {
                            "query": words,
                            "type": "cross_fields",
                            "fields": _in_scope(ENGLISH_FIELDS, scope),
                            "operator": "and",
                            "boost": 2,
                        }
                    },
                    # Typos: one or two edits per word, swapped letters counting as one.
                    {
                        "multi_match": {
                            "query": words,
                            "type": "best_fields",
                            "fields": _in_scope(FUZZY_FIELDS, scope),
                            "operator": "and",
                            "fuzziness": "AUTO",
                            "fuzzy_transpositions": True,
                        }
                    },
                ],
                "minimum_should_match": 1,
            }
        }

    @staticmethod
    def _term_query(clause: Clause, scope: str) -> dict[str, Any]:
        """A term of the synonym list as written: a word in its own forms ("duvet", "duvets"),
        several words each so (or, for a synonym, next to each other), Chinese by its bigrams
        in a row."""
        fields = _in_scope(PLAIN_FIELDS, scope)
        if clause.parts:
            return {"bool": {"must": [QueriesMixin._term_query(p, scope) for p in clause.parts]}}
        if clause.phrase or clause.is_cjk:
            return {"multi_match": {"query": clause.word, "type": "phrase", "fields": fields}}
        forms = clause.alternatives or (clause.word,)
        return {
            "bool": {
                "should": [
                    {"multi_match": {"query": form, "type": "best_fields", "fields": fields}}
                    for form in forms
                ],
                "minimum_should_match": 1,
            }
        }

    @staticmethod
    def _chinese_query(latin: str, chinese: list[Clause], scope: str) -> dict[str, Any]:
        """Chinese words: every one must match as a word (the name-only ones in the name), or,
        one in no document, by its bigrams in the product's names (weighted least, and only in
        the scope of all fields); every Latin word (a brand, "5G") must match too, so
        "Novaphone 手机" does not match every phone. Latin-only queries are left to the English
        fields: Chinese text repeats brand names, which would otherwise match a query on brand
        names alone."""
        words = [c.alternatives[0] for c in chinese if c.alternatives and not c.name_only]
        names = [c.alternatives[0] for c in chinese if c.alternatives and c.name_only]
        fallback = [c.word for c in chinese if not c.alternatives]
        must: list[dict[str, Any]] = []
        if names:
            must.append(
                {
                    "match": {
                        "name_zh_words": {"query": " ".join(names), "operator": "and", "boost": 3}
                    }
                }
            )
        if words:
            must.append(
                {
                    "multi_match": {
                        "query": " ".join(words),
                        "type": "cross_fields",
                        "fields": _in_scope(CHINESE_FIELDS, scope),
                        "operator": "and",
                    }
                }
            )
        if fallback and scope != "all":
            must.append({"match_none": {}})
        elif fallback:
            must += [
                {
                    "multi_match": {
                        "query": word,
                        "type": "phrase",
                        "fields": CHINESE_FALLBACK_FIELDS,
                        "boost": FALLBACK_BOOST,
                    }
                }
                for word in fallback
            ]
        if latin:
            must.append(
                {
                    "multi_match": {
                        "query": latin,
                        "type": "cross_fields",
                        "fields": _in_scope([*CHINESE_FIELDS, "brand_name^2", "name_en^3"], scope),
                        "operator": "and",
                    }
                }
            )
        return {"bool": {"must": must, "boost": 2}}

    def _tiered(
        self, text_query: dict[str, Any], clauses: list[Clause], phrases: list[str]
    ) -> dict[str, Any]:
        """The text query with each match's tier added to its score (as the database backends
        order by it): per word, twice TIER_BOOST for the shopper's own word in the name, brand,
        category or attributes, once for a synonym of it there, none in the description only."""
        tiers = []
        for clause in clauses:
            own = self._text_query([clause], [], scope="head", own=True)
            tiers.append({"constant_score": {"filter": own, "boost": 2 * TIER_BOOST}})
            if clause.synonyms:
                head = self._text_query([clause], [], scope="head")
                synonym = {"bool": {"must": [head], "must_not": [own]}}
                tiers.append({"constant_score": {"filter": synonym, "boost": TIER_BOOST}})
        for phrase in phrases:
            own = self._text_query([], [phrase], scope="head")
            tiers.append({"constant_score": {"filter": own, "boost": 2 * TIER_BOOST}})
        if not tiers:
            return text_query
        return {"bool": {"must": [text_query], "should": tiers}}

    def _scored(
        self,
        text_query: dict[str, Any],
        query: SearchQuery,
        clauses: list[Clause],
        phrases: list[str],
    ) -> dict[str, Any]:
        """The text query ranked as `search.ranking` blends it, by tier first (see _tiered)."""
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
        return self._tiered(scored, clauses, phrases)

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
    def _restricted(scored: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
        """The filters that are no facet (the price range and colours read from the words)
        narrow the query itself, so every aggregation too."""
        restrictions: list[dict[str, Any]] = []
        if query.price_min is not None or query.price_max is not None:
            bounds = {}
            if query.price_min is not None:
                bounds["gte"] = str(query.price_min)
            if query.price_max is not None:
                bounds["lte"] = str(query.price_max)
            restrictions.append({"range": {"price": bounds}})
        if query.colours:
            known = [_colour_filter(c) for c in query.colours if c in SWATCHES]
            restrictions.append(
                {"bool": {"should": known, "minimum_should_match": 1}}
                if known
                else {"bool": {"must_not": [{"match_all": {}}]}}
            )
        if not restrictions:
            return scored
        return {"bool": {"must": scored, "filter": restrictions}}

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
