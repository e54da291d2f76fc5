"""What the two database backends share: building documents from the catalog, resolving query
words against the vocabulary (other forms of a word, typos), filters, disjunctive facets,
ranking, highlights and autocomplete. Each backend (sqlite.py, postgres.py) supplies only its
full-text match and its typo candidate lookup, and may rank in two passes (`rescore_sql`: a
cheaper text score for every match, the final one for the best `rescore_candidates`).

The words are first expanded by the shop's synonym list (search/synonyms.py): a word of the list
matches in its own forms, or through a synonym in the name, brand, category or attributes.
Matches are ranked by tier first (`match_source`): per word, the shopper's own word in the name,
brand, category or attributes counts most, a synonym of it there less, the description nothing.
When no product has every word, words are left out (search/partial.py) and reported in
`SearchResult.dropped`; when what is left finds no product by its name, brand or attributes,
nothing is shown and the words left are offered instead (`_narrowed`).

One search is one SQL statement after the words are resolved. Every facet's disjunctive counts
come from one GROUP BY over the matches by (category, brand, price band, rating floor, stock),
integer columns only, turned into counts in Python (`_count_facets`). Only the matches that pass
the filters are ranked, and only when the sort is by relevance. Without filters, the matches are
read once (a materialised CTE) for both the page and the counts; with filters, the page is read
from the filtered matches and the counts from the unranked ones. A search without words counts
over the whole catalog (kept by the index writes since the last rebuild, see below; before one,
cached under the index version, SearchIndexState, bumped with every index write), and its page is
read from a covering index.

A common word would still visit every matching row (a sixth of the catalog for "black"). So the
stems held by SEARCH_FREQUENT_STEM_SHARE of the documents at a rebuild are frequent
(FrequentStem): every index write keeps, in its transaction, their postings (StemPosting: which
documents hold a word of the stem, with the first-pass text score where the backend's can be
stored, PostgreSQL's) and their GROUP BY counts (StemFacetCount) exact. A query that is one
frequent stem (a word, its other forms, or a typo's correction: all words of one stem, and so
exactly the documents holding the stem) takes its counts from there, and without filters, by
relevance, its candidates from an index-only scan of the postings. The whole catalog's counts (a
search without words) are kept the same way, under CATALOG_STEM.

A price range or colours read from the words (SearchQuery.price_min/price_max/colours) are no
facet: they narrow the matches themselves (`restrict` of match_source), so every count too, and
neither a stem's kept counts nor the cache hold for them. Without words, a price range takes the
kept counts of the price steps inside it (postings.py), and the first pages come from the most
popular products in the range when they decide them (browse.py, one statement more).
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils import timezone, translation

from catalog.selectors import brand_directory, category_tree

from ... import analysis, ranking
from ...analysis import Clause, ParsedQuery
from ...dictionary import current_segmenter
from ...highlight import Matcher, highlight, snippet
from ...models import (
    SearchDocument,
    SearchQueryLog,
    SearchSettings,
)
from ...selectors import synonym_table
from ..base import (
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from .autocomplete import AutocompleteMixin
from .browse import PopularPageMixin
from .facet_counts import FacetCountsMixin
from .filters import FiltersMixin
from .indexing import IndexingMixin
from .postings import FrequentStemsMixin
from .sql import (
    CATALOG_STEM,
    COLUMNS,
    COMBOS_KEY,
    COMBOS_SECONDS,
    DOC,
    FACET,
    ORDERS,
    POSTING,
    IndexState,
    Plan,
)
from .typos import QueryPlanningMixin

logger = logging.getLogger(__name__)


class DatabaseBackend(
    IndexingMixin,
    FrequentStemsMixin,
    QueryPlanningMixin,
    FiltersMixin,
    FacetCountsMixin,
    AutocompleteMixin,
    PopularPageMixin,
    SearchBackend,
):
    """Base of the SQLite and PostgreSQL backends."""

    @abstractmethod
    def match_source(
        self,
        parsed: ParsedQuery,
        *,
        fields: str = "all",
        rank: bool = True,
        restrict: tuple[str, list] | None = None,
    ):
        """(SQL selecting the matching documents' COLUMNS (aliased `d`) plus `text_score` and
        `tier`, params). `rank=False`: neither is computed (0). The tier, the first sort key of
        relevance, adds up per word: 2 for the shopper's own word in the name, brand, category
        or attributes, 1 for a synonym of it there, 0 for a word found only in the
        description. `fields="strong"`: only
        matches in the name, brand or attributes count (see `_narrowed`); `"head"`: in the
        name, brand, category or attributes; `"name"`: in the name, brand or category
        (autocomplete). `restrict`: (SQL condition over `d`, params) every match must also
        meet."""

    @abstractmethod
    def colour_sql(self, colours: Sequence[str]) -> tuple[str, list]:
        """(SQL condition over the document `d`, params): it has a variant of one of these
        colours (catalog.attributes keys), matched in its attributes only."""

    @abstractmethod
    def typo_candidates(self, cursor, word: str) -> list[tuple[str, int]]:
        """(vocabulary word, document count) pairs that may be what `word` was meant to be."""

    def typo_candidates_many(self, cursor, words: list[str]) -> dict[str, list[tuple[str, int]]]:
        """typo_candidates of several words (a backend may look them up in one round trip)."""
        return {word: self.typo_candidates(cursor, word) for word in words}

    def write_fulltext(self, cursor, docs: list[SearchDocument]) -> None:
        """Index these documents' text (their rows are already written)."""

    def delete_fulltext(self, cursor, product_ids: Sequence[int] | None) -> None:
        """Drop these products' text from the index (None: everything)."""

    def write_terms(self, cursor, terms: list[tuple[int, str]]) -> None:
        """Index new vocabulary words for typo lookup (id, word)."""

    def delete_terms(self, cursor) -> None:
        """Drop the whole vocabulary's typo lookup."""

    def rescore_sql(self, parsed: ParsedQuery, *, fields: str = "all"):
        """(SQL of the final text score of the candidate row aliased `n`, params), for a backend
        whose `match_source` text score is a cheaper first pass; None: it is already final."""
        return None

    # How many of the best matches by the first-pass score get their final text score.
    rescore_candidates = 0

    # SQL of a frequent stem's posting's text score: exactly the first-pass text score
    # `match_source` gives the document `d` for a query of the stem's words `f.words` (space
    # separated); None: the backend's score cannot be stored (it changes with other documents),
    # so a search for a frequent stem still ranks every match.
    posting_score_sql: str | None = None

    floor_rating_sql = "CAST(rating_avg AS INTEGER)"

    true_sql = "1"

    # Sent with a search statement, in the same round trip (e.g. planner settings).
    statement_prefix = ""

    def prepare_connection(self) -> None:
        """Per-connection settings a backend wants before it searches (once per connection)."""

    def ping(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {DOC} LIMIT 1")
            cursor.fetchall()
        return True

    def search(self, query: SearchQuery) -> SearchResult:
        self.prepare_connection()
        weights = SearchSettings.load().weights()
        parsed = analysis.parse(query.text, current_segmenter())
        if parsed.clauses:  # the synonym list is built only for a search with words
            parsed = synonym_table().expand(parsed)
        plan = self._resolve(parsed)
        tree = category_tree()
        brands = brand_directory()
        filters = self._filters(query, tree, brands)
        state = self.index_state()
        rows = self._run(plan, query, filters, weights, state)
        if rows["total"] == 0 and len(plan.parsed.clauses) > 1:
            # Every word may be known and still be a typo of another ("yoga matt").
            rows = self._respelled(plan, query, filters, weights, state) or rows
        dropped: list[str] = []
        instead = None
        if rows["total"] == 0 and len(plan.parsed.clauses) > 1:
            narrowed = self._narrowed(plan, filters)
            if narrowed is not None:
                kept, strong = narrowed
                # Only words taken for typos of others are left ("lawn mower": "mower" read as
                # "power"): a guess, offered, never shown as matches.
                strong = strong and not all(
                    c.corrected and c.corrected != c.word for c in kept.parsed.clauses
                )
                if strong:
                    dropped = [c.word for c in plan.parsed.clauses if c not in kept.parsed.clauses]
                    plan = kept
                    rows = self._run(plan, query, filters, weights, state)
                else:
                    instead = " ".join(c.word for c in kept.parsed.clauses)
        total = rows["total"]
        hits = self._hits(rows["hits"], plan.parsed, query.language)
        with translation.override(query.language):
            facets = self._facets(rows, query, tree, brands)
            related = self._related(plan.parsed, query) if total == 0 else []
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            did_you_mean=plan.did_you_mean,
            related=related,
            dropped=dropped,
            instead=instead,
            backend=self.name,
        )

    def _run(
        self,
        plan: Plan,
        query: SearchQuery,
        filters,
        weights,
        state: IndexState,
    ) -> dict:
        """One statement: the page of hits (and, unless cached, the facet combinations); then
        the total and each facet's counts."""
        relevance = query.sort not in ORDERS or query.sort == "relevance"
        order = ORDERS.get(query.sort, ORDERS["relevance"])
        where_parts = [(sql, params) for sql, params in filters.values()]
        where = " WHERE " + " AND ".join(s for s, _ in where_parts) if where_parts else ""
        where_params = [p for _, ps in where_parts for p in ps]
        per_page = max(1, query.per_page)
        offset = (max(1, query.page) - 1) * per_page
        if relevance:
            score = self._score_sql()
            score_params = self._score_params(weights, state)
        else:
            score, score_params = "0.0", []

        rescore = None
        if relevance and not plan.parsed.empty:
            rescore = self.rescore_sql(plan.parsed)

        def page(source: str) -> str:
            # The page is cut first (a top-N sort), then numbered in the same order.
            if rescore is not None:
                return self._rescored_page(source, where, score, rescore[0])
            return (
                "SELECT 'h' AS kind, product_id AS a, NULL AS b, NULL AS c, NULL AS e, "
                f"ROW_NUMBER() OVER (ORDER BY {order}) AS f, score AS n FROM ("
                f"SELECT s.*, {score} AS score FROM ({source}) s{where} "
                f"ORDER BY {order} LIMIT %s OFFSET %s) p"
            )

        def page_params(source_params: list) -> list:
            if rescore is not None:
                candidates = max(self.rescore_candidates, offset + per_page)
                return [
                    *score_params, *rescore[1], *score_params, *source_params, *where_params,
                    candidates, per_page, offset,
                ]  # fmt: skip
            return [*score_params, *source_params, *where_params, per_page, offset]

        def combos(source: str) -> str:
            return (
                f"SELECT 'c', {self._combo_columns()}, COUNT(*) FROM ({source}) s "
                "GROUP BY 2, 3, 4, 5, 6"
            )

        # The precomputed counts of a frequent stem (params: the stem).
        stored_counts = (
            "SELECT 'c', category_id, NULLIF(brand_id, 0), price_band, rating_floor, in_stock, n "
            f"FROM {FACET} WHERE stem = %s"
        )
        restrict = self._restriction(query)
        cached, cache_key, early = None, None, None
        if plan.parsed.empty and restrict is not None:
            # Counted over the restricted catalog, a price range alone mostly from kept counts.
            source = (
                f"SELECT {COLUMNS}, 1.0 AS text_score, 0 AS tier FROM {DOC} d WHERE {restrict[0]}"
            )
            counts, counts_params = self._restricted_counts(query, restrict, combos)
            sql = f"{page(source)} UNION ALL {counts}"
            params = [*page_params(restrict[1]), *counts_params]
            if relevance:  # the page from the most popular, when they decide it (browse.py)
                early = self._popular_page(query, restrict, filters, weights, state)
            if early:
                sql, params = counts, counts_params
        elif plan.parsed.empty:
            # Counts over the whole catalog, the same for every search without words: cached
            # until the index changes, and read when it has from those the index writes keep
            # (see CATALOG_STEM; an index not rebuilt since they are kept counts every document).
            cache_key = COMBOS_KEY.format(backend=self.name, version=state.version)
            cached = cache.get(cache_key)
            source = f"SELECT {COLUMNS}, 1.0 AS text_score, 0 AS tier FROM {DOC} d"
            sql, params = page(source), page_params([])
            if cached is None and self._catalog_counts_kept():
                sql += f" UNION ALL {stored_counts}"
                params.append(CATALOG_STEM)
            elif cached is None:
                sql += " UNION ALL " + combos(f"SELECT {COLUMNS} FROM {DOC} d")
        elif restrict is None and (frequent := self._frequent_stem(plan.parsed)) is not None:
            # A frequent stem: the counts are precomputed, and without filters, sorted by
            # relevance, its postings hold the first ranking pass (any other sort reads every
            # match for its page). A word of the synonym list adds the documents found only
            # through its synonyms, counted apart (no posting holds them); its page reads every
            # match, as the postings' scores are not those of a query with the synonyms.
            clause = plan.parsed.clauses[0]
            counts, counts_params = stored_counts, [frequent.stem]
            if clause.synonyms:
                only, only_params = self._synonyms_only(clause, frequent.stem)
                counts += f" UNION ALL {combos(only)}"
                counts_params += only_params
            # The postings' text scores hold for a query of exactly the stem's words.
            scored = set(clause.alternatives) == set(frequent.words.split())
            scored = scored and not clause.synonyms
            if rescore is not None and not filters and self.posting_score_sql and scored:
                # The first-pass score reads only the name, brand, category and attributes:
                # above 0 exactly where the stem is there (tier 2, see match_source).
                postings = (
                    "SELECT product_id, popularity_log, rating_avg, in_stock, text_score, "
                    f"CASE WHEN text_score > 0 THEN 2 ELSE 0 END AS tier FROM {POSTING} "
                    "WHERE stem = %s"
                )
                sql = f"{page(postings)} UNION ALL {counts}"
                params = [*page_params([frequent.stem]), *counts_params]
            else:
                ranked, ranked_params = self.match_source(plan.parsed, rank=relevance)
                sql = f"{page(ranked)} UNION ALL {counts}"
                params = [*page_params(ranked_params), *counts_params]
        elif not filters:
            # The matches are read once for the page and the counts.
            source, source_params = self.match_source(
                plan.parsed, rank=relevance, restrict=restrict
            )
            sql = (
                f"WITH m AS MATERIALIZED ({source}) {page('SELECT * FROM m')} "
                f"UNION ALL {combos('SELECT * FROM m')}"
            )
            params = [*source_params, *page_params([])]
        else:
            # Only the matches passing the filters are ranked; the counts need every match.
            ranked, ranked_params = self.match_source(
                plan.parsed, rank=relevance, restrict=restrict
            )
            unranked, unranked_params = self.match_source(
                plan.parsed, rank=False, restrict=restrict
            )
            sql = f"{page(ranked)} UNION ALL {combos(unranked)}"
            params = [*page_params(ranked_params), *unranked_params]
        hits, rows = list(early or []), []
        with connection.cursor() as cursor:
            cursor.execute(self.statement_prefix + sql, params)
            for kind, a, b, c, e, f, n in cursor.fetchall():
                if kind == "h":
                    hits.append((int(f), int(a), float(n)))
                else:
                    rows.append(
                        (int(a), None if b is None else int(b), int(c), int(e), int(f), int(n))
                    )
        if cached is not None:
            rows = cached
        elif cache_key is not None:
            cache.set(cache_key, rows, COMBOS_SECONDS)
        hits.sort()
        return {"hits": hits, **self._count_facets(rows, query, filters)}

    def _synonyms_only(self, clause: Clause, stem: str) -> tuple[str, list]:
        """(SQL of the documents a one-word query of a frequent stem finds only through the
        word's synonyms (in the name, brand, category or attributes), with the columns of
        `match_source` unranked, params)."""
        synonyms = replace(clause.synonyms[0], synonyms=clause.synonyms[1:])
        source, params = self.match_source(
            ParsedQuery(clauses=[synonyms]), fields="head", rank=False
        )
        sql = (
            f"SELECT * FROM ({source}) d WHERE NOT EXISTS (SELECT 1 FROM {POSTING} p "
            "WHERE p.stem = %s AND p.product_id = d.product_id)"
        )
        return sql, [*params, stem]

    def _rescored_page(self, source: str, where: str, score: str, rescore: str) -> str:
        """The page of a two-pass ranking (params: score, rescore, score, source, filters,
        candidates, page size, offset). The best matches by the blend of the first-pass text
        score are the candidates; the first `rescore_candidates` of them are ordered by the blend
        of their final text score, any further ones (deep pages) by the first pass."""
        limit = int(self.rescore_candidates)
        order = (
            f"CASE WHEN first_pos <= {limit} THEN 0 ELSE 1 END, "
            f"CASE WHEN first_pos <= {limit} THEN tier END DESC, "
            f"CASE WHEN first_pos <= {limit} THEN score END DESC, first_pos, product_id DESC"
        )
        first = "tier DESC, first_score DESC, product_id DESC"
        candidates = (
            f"SELECT c.*, ROW_NUMBER() OVER (ORDER BY {first}) AS first_pos FROM ("
            f"SELECT s.*, {score} AS first_score FROM ({source}) s{where} "
            f"ORDER BY {first} LIMIT %s) c"
        )
        rescored = (
            "SELECT n.product_id, n.first_pos, n.tier, n.popularity_log, n.rating_avg, "
            f"n.in_stock, {rescore} AS text_score FROM ({candidates}) n"
        )
        return (
            "SELECT 'h' AS kind, product_id AS a, NULL AS b, NULL AS c, NULL AS e, "
            f"ROW_NUMBER() OVER (ORDER BY {order}) AS f, score AS n FROM ("
            "SELECT * FROM ("
            f"SELECT r.product_id, r.first_pos, r.tier, {score} AS score FROM ({rescored}) r) x "
            f"ORDER BY {order} LIMIT %s OFFSET %s) p"
        )

    def _score_sql(self) -> str:
        """The blend of ranking.py over a row with `text_score` (params: _score_params)."""
        return (
            "text_score * (1.0 + %s * popularity_log / %s"
            " + %s * CAST(rating_avg AS DOUBLE PRECISION) / 5.0)"
            f" * (CASE WHEN in_stock = {self.true_sql} THEN 1.0 ELSE %s END)"
        )

    def _score_params(self, weights, state: IndexState) -> list:
        return [
            weights.popularity_weight,
            ranking.max_popularity_log(state.max_popularity),
            weights.rating_weight,
            weights.out_of_stock_factor,
        ]

    def _hits(self, rows, parsed: ParsedQuery, language: str) -> list[Hit]:
        ids = [product_id for _pos, product_id, _score in rows]
        if not ids:
            return []
        zh = language.startswith("zh")
        texts = {
            d["product_id"]: d
            for d in SearchDocument.objects.filter(product_id__in=ids).values(
                "product_id", "name_en", "name_zh_hans", "description_en", "description_zh_hans"
            )
        }
        matcher = Matcher(parsed)
        hits = []
        for _pos, product_id, score in rows:
            doc = texts.get(product_id, {})
            name = (doc.get("name_zh_hans") if zh else doc.get("name_en")) or doc.get("name_en")
            description = (
                doc.get("description_zh_hans") if zh else doc.get("description_en")
            ) or doc.get("description_en")
            highlights = {}
            if parsed.clauses:
                marked = highlight(name or "", matcher)
                if marked:
                    highlights["name"] = marked
                marked = snippet(description or "", matcher)
                if marked:
                    highlights["description"] = marked
            hits.append(Hit(product_id=product_id, score=score, highlights=highlights))
        return hits

    def _related(self, parsed: ParsedQuery, query: SearchQuery) -> list[str]:
        """When nothing matched: searches other shoppers ran successfully that share a word,
        then the top categories."""
        related: list[str] = []
        words = [c.word for c in parsed.clauses if not c.is_phrase and len(c.word) >= 3]
        if words:
            since = timezone.now() - timedelta(days=90)
            logs = SearchQueryLog.objects.filter(created_at__gte=since, result_count__gt=0)
            for word in words[:3]:
                for text in (
                    logs.filter(query__contains=word)
                    .exclude(query=parsed.text)
                    .values("query")
                    .annotate(n=Count("id"))
                    .order_by("-n", "query")
                    .values_list("query", flat=True)[:5]
                ):
                    if text not in related:
                        related.append(text)
        for root in category_tree().roots:
            if len(related) >= 6:
                break
            related.append(root.name)
        return related[:6]
