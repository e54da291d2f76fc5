"""The Elasticsearch backend: searching and autocomplete, each request turning transport or
server errors into SearchBackendUnavailable. See __init__.py for how matching and ranking work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl.connections import connections

from ... import analysis, partial
from ...analysis import Clause, ParsedQuery
from ...dictionary import current_segmenter
from ...selectors import synonym_table
from ...vocabulary import read_query
from ..base import (
    Hit,
    SearchBackend,
    SearchBackendUnavailable,
    SearchQuery,
    SearchResult,
    Suggestion,
)
from .indexing import IndexingMixin
from .queries import (
    _LATIN_WORD,
    MAX_RESULT_WINDOW,
    SOURCE_FIELDS,
    QueriesMixin,
    field_language,
    split_query,
)
from .results import ResultsMixin

logger = logging.getLogger(__name__)


class ElasticsearchBackend(QueriesMixin, ResultsMixin, IndexingMixin, SearchBackend):
    """Search through Elasticsearch."""

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

    def search(self, query: SearchQuery) -> SearchResult:
        words, phrases = split_query(query.text)
        parsed = (
            synonym_table().expand(analysis.parse(words, current_segmenter()))
            if words
            else ParsedQuery()
        )
        read = read_query(parsed) if words else None
        clauses = parsed.clauses
        filters = self._filters(query)
        body: dict[str, Any] = {
            "query": self._restricted(
                self._scored(self._text_query(clauses, phrases), query, clauses, phrases), query
            ),
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
        dropped: list[str] = []
        instead = None
        with self._unavailable_on_error():
            response = self.client.search(index=self.index, body=body)
            suggest = response.get("suggest", {})
            if not response["hits"]["total"]["value"] and len(clauses) > 1:
                narrowed = self._narrowed(clauses, phrases, filters)
                if narrowed is not None:
                    kept, strong = narrowed
                    if strong:
                        # The same search for the words kept, with the same filters and facets.
                        dropped = [c.word for c in clauses if c not in kept]
                        text_query = self._text_query(kept, phrases)
                        body["query"] = self._restricted(
                            self._scored(text_query, query, kept, phrases), query
                        )
                        body.pop("suggest", None)
                        response = self.client.search(index=self.index, body=body)
                    else:
                        instead = " ".join(c.word for c in kept)

        hits = [
            Hit(
                product_id=int(h["_source"]["product_id"]),
                score=float(h.get("_score") or 0.0),
                highlights=self._hit_highlights(h.get("highlight", {}), query.language),
            )
            for h in response["hits"]["hits"]
        ]
        total = int(response["hits"]["total"]["value"])
        listed = {w for c in clauses if c.synonyms for w in c.word.split()}
        did_you_mean = read or self._did_you_mean(words, phrases, suggest, listed)
        related: list[str] = []
        if total == 0 and (words or phrases):
            related = self._related(" ".join([did_you_mean or words, *phrases]), query.language)
        return SearchResult(
            hits=hits,
            total=total,
            facets=self._facets(response.get("aggregations", {}), query),
            did_you_mean=did_you_mean,
            related=related,
            dropped=dropped,
            instead=instead,
            backend=self.name,
        )

    def _narrowed(
        self, clauses: list[Clause], phrases: list[str], filters: dict[str, dict[str, Any]]
    ) -> tuple[list[Clause], bool] | None:
        """When no product has every word: the words to search for instead (see
        search/partial.py) and whether they find a product by its name, brand or attributes
        (if not, they are only offered). None: no word finds anything."""

        def exists(positions: tuple[int, ...], strong: bool) -> bool:
            kept = [clauses[i] for i in positions]
            text_query = self._text_query(kept, phrases, scope="strong" if strong else "all")
            response = self.client.search(
                index=self.index,
                size=0,
                track_total_hits=1,
                query={"bool": {"must": [text_query], "filter": list(filters.values())}},
            )
            return response["hits"]["total"]["value"] > 0

        found = partial.narrow([len(c.word.split()) for c in clauses], exists)
        if found is None:
            return None
        return [clauses[i] for i in found[0]], found[1]

    def autocomplete(self, text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        text = " ".join(text.split())
        if not text or limit <= 0:
            return []
        lang = field_language(language)

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
