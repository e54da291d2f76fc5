"""What the two database backends share: building documents from the catalog, resolving query
words against the vocabulary (other forms of a word, typos), filters, disjunctive facets,
ranking, highlights and autocomplete. Each backend (sqlite.py, postgres.py) supplies only its
full-text match and its typo candidate lookup, and may rank in two passes (`rescore_sql`: a
cheaper text score for every match, the final one for the best `rescore_candidates`).

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
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rapidfuzz.distance import OSA

from catalog.attributes import value_label
from catalog.models import Category, Product, ProductVariant
from catalog.selectors import brand_directory, category_tree
from recommendations.models import Interaction, InteractionKind

from .. import analysis, ranking
from ..analysis import Clause, ParsedQuery
from ..highlight import Matcher, highlight, snippet
from ..models import (
    FrequentStem,
    SearchDocument,
    SearchIndexState,
    SearchQueryLog,
    SearchSettings,
    SearchTerm,
    StemFacetCount,
    StemPosting,
)
from .base import (
    PRICE_BANDS,
    RATING_LEVELS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
    Suggestion,
)

logger = logging.getLogger(__name__)

DOC = SearchDocument._meta.db_table
TERM = SearchTerm._meta.db_table
STATE = SearchIndexState._meta.db_table
FREQUENT = FrequentStem._meta.db_table
POSTING = StemPosting._meta.db_table
FACET = StemFacetCount._meta.db_table
CHUNK = 1000
# The whole catalog's facet counts (those of a search without words) are kept like a frequent
# stem's, under this stem, which no word has; its FrequentStem row says they are kept.
CATALOG_STEM = ""
# Rows per INSERT of postings or facet counts (well under SQLite's limit of bound parameters).
WRITE_BATCH = 2000
# Other spellings tried for a search whose words are all known but found together nowhere.
RESPELL_TRIES = 3
COMBOS_KEY = "search:db:{backend}:combos:{version}"
STOCKED_KEY = "search:db:{backend}:stocked:{version}"
COMBOS_SECONDS = 3600
# The columns a search reads from a matching document besides its text.
COLUMNS = (
    "d.product_id, d.category_id, d.brand_id, d.price, d.rating_avg, d.rating_count, "
    "d.sales_count, d.created_at, d.in_stock, d.popularity_log"
)
BAND_KEYS = tuple(PRICE_BANDS)

ORDERS = {
    "relevance": "score DESC, product_id DESC",
    "price_asc": "price ASC, product_id ASC",
    "price_desc": "price DESC, product_id DESC",
    "newest": "created_at DESC, product_id DESC",
    "best_selling": "sales_count DESC, product_id DESC",
    "rating": "rating_avg DESC, rating_count DESC, product_id DESC",
}


@dataclass(frozen=True)
class IndexState:
    version: int
    max_popularity: float


@dataclass
class Plan:
    """A query resolved against the vocabulary."""

    parsed: ParsedQuery
    did_you_mean: str | None = None


class DatabaseBackend(SearchBackend):
    """Base of the SQLite and PostgreSQL backends."""

    # --- what a backend supplies ------------------------------------------------------------
    @abstractmethod
    def match_source(
        self, parsed: ParsedQuery, *, any_clause: bool, fields: str = "all", rank: bool = True
    ):
        """(SQL selecting the matching documents' COLUMNS (aliased `d`) plus `text_score`,
        params). `rank=False`: the text score is not computed (0)."""

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

    def rescore_sql(self, parsed: ParsedQuery, *, any_clause: bool, fields: str = "all"):
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

    # --- SearchBackend ----------------------------------------------------------------------
    def ping(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {DOC} LIMIT 1")
            cursor.fetchall()
        return True

    def search(self, query: SearchQuery) -> SearchResult:
        self.prepare_connection()
        weights = SearchSettings.load().weights()
        parsed = analysis.parse(query.text)
        plan = self._resolve(parsed)
        tree = category_tree()
        brands = brand_directory()
        filters = self._filters(query, tree, brands)
        state = self.index_state()
        rows = self._run(plan, query, filters, weights, state, any_clause=False)
        total = rows["total"]
        if total == 0 and len(plan.parsed.clauses) > 1:
            # Every word may be known and still be a typo of another ("yoga matt").
            rows = self._respelled(plan, query, filters, weights, state) or rows
            total = rows["total"]
        long_cjk = any(c.is_cjk and len(c.word) > 2 for c in plan.parsed.clauses)
        if total == 0 and (len(plan.parsed.clauses) > 1 or long_cjk):
            # No product has every word (one may be found nowhere at all): rank those having
            # some of them.
            rows = self._run(plan, query, filters, weights, state, any_clause=True)
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
            backend=self.name,
        )

    def autocomplete(self, text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        parsed = analysis.parse(text)
        if parsed.empty:
            return []
        self.prepare_connection()
        weights = SearchSettings.load().weights()
        last = parsed.clauses[-1]
        resolved = self._resolve(ParsedQuery(clauses=parsed.clauses[:-1], text=parsed.text))
        clauses = list(resolved.parsed.clauses)
        if not last.is_phrase and not last.is_cjk:
            # The word being typed: anything it begins, and what it may be a misspelling of.
            typed = self._resolve(ParsedQuery(clauses=[Clause(word=last.word)]), fix_typos=True)
            clause = typed.parsed.clauses[0]
            clause.prefix = last.word
            clauses.append(clause)
        else:
            clauses.append(last)
        plan = ParsedQuery(clauses=clauses, text=parsed.text)
        product_limit = max(1, limit - 3)
        with translation.override(language):
            products = self._autocomplete_products(plan, weights, product_limit)
            categories = self._autocomplete_categories(parsed, resolved)
            brands = self._autocomplete_brands(parsed)
        suggestions = products[: limit - min(3, len(categories) + len(brands))]
        suggestions += categories[:2] + brands[:2]
        return suggestions[:limit]

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in product_ids})
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            docs = self._build(chunk)
            with transaction.atomic(), connection.cursor() as cursor:
                self._lock_state(cursor)
                # The frequent stems' counts lose the old documents and gain the new ones.
                frequent = set(FrequentStem.objects.values_list("stem", flat=True))
                catalog = CATALOG_STEM in frequent
                counts: Counter[tuple] = Counter()
                counts.subtract(self._stem_counts(cursor, chunk, catalog=catalog))
                self._delete_postings(cursor, chunk)
                self.delete_fulltext(cursor, chunk)
                SearchDocument.objects.filter(product_id__in=chunk).delete()
                SearchDocument.objects.bulk_create(docs)
                self.write_fulltext(cursor, docs)
                self._add_terms(cursor, docs)
                self._write_postings(
                    cursor,
                    [(s, d.product_id) for d in docs for s in _doc_stems(d) if s in frequent],
                )
                counts.update(self._stem_counts(cursor, chunk, catalog=catalog))
                self._add_stem_counts(cursor, counts)
                self._record_top_popularity(cursor)

    def rebuild(self) -> int:
        """Everything in one transaction: searches keep reading the old index until it commits.
        The stems held by SEARCH_FREQUENT_STEM_SHARE of the documents become the frequent ones,
        with their postings and facet counts, until the next rebuild."""
        ids = list(
            Product.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        counts: Counter[str] = Counter()
        stem_docs: Counter[str] = Counter()
        doc_stems: list[tuple[int, frozenset[str]]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            self._lock_state(cursor)
            for table in (FACET, POSTING, FREQUENT):
                cursor.execute(f"DELETE FROM {table}")
            self.delete_fulltext(cursor, None)
            SearchDocument.objects.all().delete()
            for start in range(0, len(ids), CHUNK):
                docs = self._build(ids[start : start + CHUNK])
                SearchDocument.objects.bulk_create(docs)
                self.write_fulltext(cursor, docs)
                for doc in docs:
                    words = _doc_words(doc)
                    counts.update(words)
                    stems = frozenset(analysis.stem(w) for w in words)
                    stem_docs.update(stems)
                    doc_stems.append((doc.product_id, stems))
            self.delete_terms(cursor)
            SearchTerm.objects.all().delete()
            terms = SearchTerm.objects.bulk_create(
                [
                    SearchTerm(term=w, stem=analysis.stem(w), doc_count=n)
                    for w, n in sorted(counts.items())
                ],
                batch_size=2000,
            )
            if terms and terms[0].pk is None:  # backends that return no ids on bulk insert
                terms = list(SearchTerm.objects.all())
            self.write_terms(cursor, [(t.pk, t.term) for t in terms])
            minimum = settings.SEARCH_FREQUENT_STEM_SHARE * len(doc_stems)
            frequent = {stem for stem, n in stem_docs.items() if n >= minimum}
            groups: dict[str, list[str]] = {}
            for word in sorted(counts):
                stem = analysis.stem(word)
                if stem in frequent:
                    groups.setdefault(stem, []).append(word)
            FrequentStem.objects.bulk_create(
                [
                    FrequentStem(stem=CATALOG_STEM, words=""),
                    *(FrequentStem(stem=stem, words=" ".join(w)) for stem, w in groups.items()),
                ],
                batch_size=2000,
            )
            self._write_postings(
                cursor,
                [(s, doc_id) for doc_id, stems in doc_stems for s in stems if s in frequent],
            )
            sql, params = self._stem_counts_sql(None, catalog=True)
            cursor.execute(
                f"INSERT INTO {FACET} (stem, category_id, brand_id, price_band, rating_floor, "
                f"in_stock, n) {sql} ORDER BY 1",
                params,
            )
            self._record_top_popularity(cursor)
        self.analyze()
        logger.info("search index rebuilt (%s): %s products", self.name, len(ids))
        return len(ids)

    def analyze(self) -> None:
        """Fresh planner statistics after a rebuild (outside a transaction, also the visibility
        map that index-only scans need)."""
        with connection.cursor() as cursor:
            for table in (DOC, TERM, FREQUENT, POSTING, FACET):
                cursor.execute(f"ANALYZE {table}")

    # --- the index version ----------------------------------------------------------------------
    def index_state(self) -> IndexState:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, max_popularity FROM {STATE} WHERE id = 1")
            row = cursor.fetchone()
            if row is None:  # not written yet (or the table was flushed)
                cursor.execute(f"SELECT popularity FROM {DOC} ORDER BY popularity_log DESC LIMIT 1")
                top = cursor.fetchone()
                return IndexState(0, float(top[0]) if top else 0.0)
        return IndexState(int(row[0]), float(row[1]))

    def _lock_state(self, cursor) -> None:
        """A new index version, first thing in the transaction that writes the index: the row
        lock makes concurrent writers take turns, so one never re-inserts a document another
        has just written (each deletes, then inserts)."""
        update = f"UPDATE {STATE} SET version = version + 1, updated_at = %s WHERE id = 1"
        now = timezone.now()
        cursor.execute(update, [now])
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO {STATE} (id, version, max_popularity, updated_at) "
                "VALUES (1, 0, 0, %s) ON CONFLICT (id) DO NOTHING",
                [now],
            )
            cursor.execute(update, [now])

    def _record_top_popularity(self, cursor) -> None:
        """The ranking's denominator, once the documents are written."""
        cursor.execute(f"SELECT popularity FROM {DOC} ORDER BY popularity_log DESC LIMIT 1")
        row = cursor.fetchone()
        cursor.execute(
            f"UPDATE {STATE} SET max_popularity = %s WHERE id = 1", [float(row[0]) if row else 0.0]
        )

    # --- extra, for the index refresh task ----------------------------------------------------
    def stale_product_ids(self) -> list[int]:
        """Products whose document no longer shows their price, stats, stock or visibility."""
        product = Product._meta.db_table
        sql = f"""
            SELECT p.id FROM {product} p LEFT JOIN {DOC} d ON d.product_id = p.id
            WHERE (p.is_active AND d.product_id IS NULL)
               OR (d.product_id IS NOT NULL AND (
                    NOT p.is_active OR p.price <> d.price OR p.rating_avg <> d.rating_avg
                    OR p.rating_count <> d.rating_count OR p.sales_count <> d.sales_count
                    OR p.in_stock <> d.in_stock))
        """
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]

    def document_count(self) -> int:
        return SearchDocument.objects.count()

    # --- documents ----------------------------------------------------------------------------
    def _build(self, ids: Sequence[int]) -> list[SearchDocument]:
        products = list(
            Product.objects.filter(pk__in=ids, is_active=True).values(
                "id", "slug", "name_en", "name_zh_hans", "description_en", "description_zh_hans",
                "category_id", "brand_id", "brand__name", "price", "rating_avg", "rating_count",
                "sales_count", "in_stock", "created_at",
            )
        )  # fmt: skip
        if not products:
            return []
        found = [p["id"] for p in products]
        attributes: dict[int, set[str]] = {}
        for product_id, attrs in ProductVariant.objects.filter(
            product_id__in=found, is_active=True
        ).values_list("product_id", "attributes"):
            values = attributes.setdefault(product_id, set())
            if isinstance(attrs, dict):  # merchants may have typed anything into the JSON
                values.update(str(v) for v in attrs.values() if not isinstance(v, dict | list))
        views = dict(
            Interaction.objects.filter(product_id__in=found, kind=InteractionKind.VIEW)
            .values("product_id")
            .annotate(n=Count("id"))
            .values_list("product_id", "n")
        )
        categories = _category_names()
        now = timezone.now()
        docs = []
        for p in products:
            values = sorted(attributes.get(p["id"], ()))
            with translation.override("zh-hans"):
                values_zh = [value_label(v) for v in values]
            view_count = views.get(p["id"], 0)
            popularity = ranking.popularity(sales_count=p["sales_count"], view_count=view_count)
            docs.append(
                SearchDocument(
                    product_id=p["id"],
                    category_id=p["category_id"],
                    brand_id=p["brand_id"],
                    slug=p["slug"],
                    name_en=p["name_en"] or "",
                    name_zh_hans=p["name_zh_hans"] or "",
                    description_en=p["description_en"] or "",
                    description_zh_hans=p["description_zh_hans"] or "",
                    name_text=analysis.index_text(p["name_en"], p["name_zh_hans"]),
                    brand_text=analysis.index_text(p["brand__name"] or ""),
                    category_text=analysis.index_text(*categories.get(p["category_id"], ())),
                    attrs_text=analysis.index_text(*values, *values_zh),
                    description_text=analysis.index_text(
                        p["description_en"], p["description_zh_hans"]
                    ),
                    price=p["price"],
                    rating_avg=p["rating_avg"],
                    rating_count=p["rating_count"],
                    sales_count=p["sales_count"],
                    view_count=view_count,
                    popularity=popularity,
                    popularity_log=ranking.popularity_log(popularity),
                    in_stock=p["in_stock"],
                    created_at=p["created_at"],
                    indexed_at=now,
                )
            )
        return docs

    def _add_terms(self, cursor, docs: list[SearchDocument]) -> None:
        """New words of these documents join the vocabulary (counts are exact after a rebuild).
        A new word of a frequent stem joins its words, and the stem's postings are scored again
        for them (the text score depends on how many words the query has)."""
        counts: Counter[str] = Counter()
        for doc in docs:
            counts.update(_doc_words(doc))
        if not counts:
            return
        known = set(SearchTerm.objects.filter(term__in=counts).values_list("term", flat=True))
        new = [
            SearchTerm(term=w, stem=analysis.stem(w), doc_count=n)
            for w, n in sorted(counts.items())
            if w not in known
        ]
        if not new:
            return
        SearchTerm.objects.bulk_create(new, ignore_conflicts=True)
        rows = SearchTerm.objects.filter(term__in=[t.term for t in new]).values_list("pk", "term")
        self.write_terms(cursor, list(rows))
        grown = list(FrequentStem.objects.filter(stem__in={t.stem for t in new}))
        for frequent in grown:
            words = set(frequent.words.split()) | {t.term for t in new if t.stem == frequent.stem}
            frequent.words = " ".join(sorted(words))
        FrequentStem.objects.bulk_update(grown, ["words"])
        if grown and self.posting_score_sql is not None:
            in_stems, params = _in_list("p.stem", [f.stem for f in grown])
            cursor.execute(
                f"UPDATE {POSTING} p SET text_score = {self.posting_score_sql} "
                f"FROM {DOC} d, {FREQUENT} f "
                f"WHERE d.product_id = p.product_id AND f.stem = p.stem AND {in_stems}",
                params,
            )

    # --- frequent stems -------------------------------------------------------------------------
    def _delete_postings(self, cursor, product_ids: Sequence[int]) -> None:
        """Before these products' documents are rewritten (their counts already taken)."""
        in_ids, params = _in_list("product_id", list(product_ids))
        cursor.execute(f"DELETE FROM {POSTING} WHERE {in_ids}", params)

    def _write_postings(self, cursor, postings: list[tuple[str, int]]) -> None:
        """(stem, product id) pairs of written documents, with their ranking inputs."""
        score = self.posting_score_sql or "NULL"
        for start in range(0, len(postings), WRITE_BATCH):
            batch = postings[start : start + WRITE_BATCH]
            # The documents by id too: the planner cannot tell how few rows `v` holds.
            in_ids, id_params = _in_list("d.product_id", sorted({i for _s, i in batch}))
            cursor.execute(
                f"WITH v (stem, product_id) AS (VALUES {', '.join(['(%s, %s)'] * len(batch))}) "
                f"INSERT INTO {POSTING} "
                "(product_id, stem, text_score, popularity_log, rating_avg, in_stock) "
                f"SELECT d.product_id, f.stem, {score}, d.popularity_log, d.rating_avg, d.in_stock "
                f"FROM v JOIN {DOC} d ON d.product_id = v.product_id "
                f"JOIN {FREQUENT} f ON f.stem = v.stem WHERE {in_ids}",
                [*(value for pair in batch for value in pair), *id_params],
            )

    def _combo_columns(self) -> str:
        """What facet counts group a document by (category, brand, price band, rating floor,
        stock), over a row with the document's columns: one definition for a search's counts and
        the frequent stems' precomputed ones, so both always agree."""
        band = (
            "CASE "
            + " ".join(
                f"WHEN price < {high} THEN {i}"
                for i, (_low, high) in enumerate(PRICE_BANDS.values())
                if high is not None
            )
            + f" ELSE {len(BAND_KEYS) - 1} END"
        )
        stock = f"CASE WHEN in_stock = {self.true_sql} THEN 1 ELSE 0 END"
        return f"category_id, brand_id, {band}, {self.floor_rating_sql}, {stock}"

    def _stem_counts_sql(
        self, product_ids: Sequence[int] | None, *, catalog: bool
    ) -> tuple[str, list]:
        """(SQL of the facet counts of these documents' frequent stems, by stem and combination
        (brand 0 for none), and with `catalog` of the documents themselves under CATALOG_STEM;
        None: of every document, params)."""
        where, params, doc_where, doc_params = "", [], "", []
        if product_ids is not None:
            # Both sides by id, or the planner reads every document to join a few.
            in_postings, params = _in_list("p.product_id", list(product_ids))
            in_docs, doc_params = _in_list("d.product_id", list(product_ids))
            where = f" WHERE {in_postings} AND {in_docs}"
            doc_where = f" WHERE {in_docs}"
            params = [*params, *doc_params]
        columns = "d.category_id, COALESCE(d.brand_id, 0) AS brand_id, d.price, d.rating_avg, "
        sql = (
            f"SELECT stem, {self._combo_columns()}, COUNT(*) FROM ("
            f"SELECT p.stem, {columns}d.in_stock FROM {POSTING} p "
            f"JOIN {DOC} d ON d.product_id = p.product_id{where}) s GROUP BY 1, 2, 3, 4, 5, 6"
        )
        if catalog:
            sql += (
                f" UNION ALL SELECT '{CATALOG_STEM}', {self._combo_columns()}, COUNT(*) FROM ("
                f"SELECT {columns}d.in_stock FROM {DOC} d{doc_where}) c GROUP BY 2, 3, 4, 5, 6"
            )
            params = [*params, *doc_params]
        return sql, params

    def _stem_counts(self, cursor, product_ids: Sequence[int], *, catalog: bool) -> Counter[tuple]:
        sql, params = self._stem_counts_sql(product_ids, catalog=catalog)
        cursor.execute(sql, params)
        return Counter({tuple(row[:6]): row[6] for row in cursor.fetchall()})

    def _add_stem_counts(self, cursor, changes: Counter[tuple]) -> None:
        """Add these changes to the precomputed counts (upsert); drop the combinations left at
        zero."""
        rows = [(*key, n) for key, n in changes.items() if n]
        if not rows:
            return
        for start in range(0, len(rows), WRITE_BATCH // 4):
            batch = rows[start : start + WRITE_BATCH // 4]
            cursor.execute(
                f"INSERT INTO {FACET} "
                "(stem, category_id, brand_id, price_band, rating_floor, in_stock, n) "
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(batch))} "
                "ON CONFLICT (stem, category_id, brand_id, price_band, rating_floor, in_stock) "
                f"DO UPDATE SET n = {FACET}.n + excluded.n",
                [value for row in batch for value in row],
            )
        cursor.execute(f"DELETE FROM {FACET} WHERE n = 0")

    # --- resolving words ----------------------------------------------------------------------
    def _resolve(self, parsed: ParsedQuery, *, fix_typos: bool = True) -> Plan:
        """Give each word its vocabulary forms; take a word found nowhere for the closest
        vocabulary word (a typo), or failing that for the beginning of longer words."""
        latin = [c for c in parsed.clauses if not c.is_phrase and not c.is_cjk and len(c.word) > 1]
        if not latin:
            return Plan(parsed=parsed)
        by_stem: dict[str, set[str]] = {}
        stems = {analysis.stem(c.word) for c in latin}
        for term, stem in SearchTerm.objects.filter(stem__in=stems).values_list("term", "stem"):
            by_stem.setdefault(stem, set()).add(term)
        changed = False
        with connection.cursor() as cursor:
            unknown = []
            for clause in latin:
                forms = by_stem.get(analysis.stem(clause.word), set())
                if forms:
                    clause.alternatives = tuple(sorted(forms | {clause.word}))
                elif clause.word.isdigit():
                    clause.alternatives = (clause.word,)
                else:
                    unknown.append(clause)
            corrections = self._correct(cursor, [c.word for c in unknown]) if fix_typos else {}
            # Every correction's other forms, in one query.
            correction_forms: dict[str, set[str]] = {}
            if corrections:
                stems = {analysis.stem(w) for w in corrections.values()}
                for term, stem in SearchTerm.objects.filter(stem__in=stems).values_list(
                    "term", "stem"
                ):
                    correction_forms.setdefault(stem, set()).add(term)
            for clause in unknown:
                correction = corrections.get(clause.word)
                if correction:
                    clause.corrected = correction
                    forms = correction_forms.get(analysis.stem(correction), set())
                    clause.alternatives = tuple(sorted(forms | {correction}))
                    changed = True
                elif len(clause.word) >= 3 and self._has_prefix(cursor, clause.word):
                    clause.prefix = clause.word
                    clause.alternatives = ()
                else:
                    clause.alternatives = (clause.word,)  # found nowhere
        did_you_mean = None
        if changed:
            did_you_mean = " ".join(c.corrected if c.corrected else c.word for c in parsed.clauses)
        return Plan(parsed=parsed, did_you_mean=did_you_mean)

    def _respelled(self, plan: Plan, query: SearchQuery, filters, weights, state) -> dict | None:
        """When no product has every word although each is in the vocabulary, one of them may
        be a typo that happens to be a word ("matt" for "mat"): each word's nearest other
        vocabulary words (the fewest edits, then the most documents; at most RESPELL_TRIES
        tried) are tried in its place, one word at a time, and the first that finds products is
        kept, as a "did you mean". The rows found, or None (the plan is left as it was)."""
        clauses = [
            c for c in plan.parsed.clauses
            if not c.is_phrase and not c.is_cjk and not c.prefix and not c.corrected
            and analysis.max_typo_distance(c.word)
        ]  # fmt: skip
        if not clauses:
            return None
        with connection.cursor() as cursor:
            found = self.typo_candidates_many(cursor, [c.word for c in clauses])
        options = []
        for position, clause in enumerate(clauses):
            allowed = analysis.max_typo_distance(clause.word)
            for term, doc_count in found[clause.word]:
                if term in clause.alternatives:
                    continue
                distance = OSA.distance(clause.word, term, score_cutoff=allowed)
                if distance <= allowed:
                    options.append((distance, -doc_count, term, position))
        for _distance, _count, term, position in sorted(options)[:RESPELL_TRIES]:
            clause = clauses[position]
            before = clause.alternatives
            forms = SearchTerm.objects.filter(stem=analysis.stem(term)).values_list(
                "term", flat=True
            )
            clause.alternatives = tuple(sorted({*forms, term}))
            rows = self._run(plan, query, filters, weights, state, any_clause=False)
            if rows["total"]:
                clause.corrected = term
                plan.did_you_mean = " ".join(
                    c.corrected if c.corrected else c.word for c in plan.parsed.clauses
                )
                return rows
            clause.alternatives = before
        return None

    def _correct(self, cursor, words: list[str]) -> dict[str, str]:
        """word -> the vocabulary word it was most likely meant to be, for the words that have
        one: the fewest edits, then the most documents."""
        allowed = {w: analysis.max_typo_distance(w) for w in words}
        wanted = [w for w, n in allowed.items() if n]
        if not wanted:
            return {}
        corrections = {}
        for word, candidates in self.typo_candidates_many(cursor, wanted).items():
            best: tuple[int, int, str] | None = None
            for term, doc_count in candidates:
                distance = OSA.distance(word, term, score_cutoff=allowed[word])
                if distance > allowed[word]:
                    continue
                key = (distance, -doc_count, term)
                if best is None or key < best:
                    best = key
            if best:
                corrections[word] = best[2]
        return corrections

    def _has_prefix(self, cursor, word: str) -> bool:
        cursor.execute(
            f"SELECT 1 FROM {TERM} WHERE term >= %s AND term < %s LIMIT 1", [word, word + "\uffff"]
        )
        return cursor.fetchone() is not None

    # --- filters and the statement ------------------------------------------------------------
    def _filters(self, query: SearchQuery, tree, brands) -> dict[str, tuple[str, list]]:
        filters: dict[str, tuple[str, list]] = {}
        if query.categories:
            ids: set[int] = set()
            for slug in query.categories:
                node = tree.by_slug.get(slug)
                if node is not None:
                    ids.update(tree.descendant_ids(node))
            filters["category"] = _in_list("category_id", sorted(ids))
        if query.brands:
            by_slug = {b.slug: b.id for b in brands.values()}
            ids = sorted(by_slug[s] for s in query.brands if s in by_slug)
            filters["brand"] = _in_list("brand_id", ids)
        if query.price_bands:
            parts, params = [], []
            for key in query.price_bands:
                if key not in PRICE_BANDS:
                    continue
                low, high = PRICE_BANDS[key]
                if high is None:
                    parts.append("price >= %s")
                    params.append(low)
                else:
                    parts.append("(price >= %s AND price < %s)")
                    params.extend([low, high])
            filters["price"] = ("(" + " OR ".join(parts) + ")" if parts else "1 = 0", params)
        if query.min_rating is not None:
            filters["rating"] = ("rating_avg >= %s", [Decimal(query.min_rating)])
        if query.in_stock:
            filters["in_stock"] = (f"in_stock = {self.true_sql}", [])
        return filters

    def _run(
        self,
        plan: Plan,
        query: SearchQuery,
        filters,
        weights,
        state: IndexState,
        *,
        any_clause: bool,
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
            rescore = self.rescore_sql(plan.parsed, any_clause=any_clause)

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
        cached, cache_key = None, None
        if plan.parsed.empty:
            # Counts over the whole catalog, the same for every search without words: cached
            # until the index changes, and read when it has from those the index writes keep
            # (see CATALOG_STEM; an index not rebuilt since they are kept counts every document).
            cache_key = COMBOS_KEY.format(backend=self.name, version=state.version)
            cached = cache.get(cache_key)
            source = f"SELECT {COLUMNS}, 1.0 AS text_score FROM {DOC} d"
            sql, params = page(source), page_params([])
            if cached is None and self._catalog_counts_kept():
                sql += f" UNION ALL {stored_counts}"
                params.append(CATALOG_STEM)
            elif cached is None:
                sql += " UNION ALL " + combos(f"SELECT {COLUMNS} FROM {DOC} d")
        elif (frequent := self._frequent_stem(plan.parsed, any_clause=any_clause)) is not None:
            # A frequent stem: the counts are precomputed, and without filters, sorted by
            # relevance, its postings hold the first ranking pass (any other sort reads every
            # match for its page).
            # The postings' text scores hold for a query of exactly the stem's words.
            scored = set(plan.parsed.clauses[0].alternatives) == set(frequent.words.split())
            if rescore is not None and not filters and self.posting_score_sql and scored:
                postings = (
                    "SELECT product_id, popularity_log, rating_avg, in_stock, text_score "
                    f"FROM {POSTING} WHERE stem = %s"
                )
                sql = f"{page(postings)} UNION ALL {stored_counts}"
                params = [*page_params([frequent.stem]), frequent.stem]
            else:
                ranked, ranked_params = self.match_source(
                    plan.parsed, any_clause=any_clause, rank=relevance
                )
                sql = f"{page(ranked)} UNION ALL {stored_counts}"
                params = [*page_params(ranked_params), frequent.stem]
        elif not filters:
            # The matches are read once for the page and the counts.
            source, source_params = self.match_source(
                plan.parsed, any_clause=any_clause, rank=relevance
            )
            sql = (
                f"WITH m AS MATERIALIZED ({source}) {page('SELECT * FROM m')} "
                f"UNION ALL {combos('SELECT * FROM m')}"
            )
            params = [*source_params, *page_params([])]
        else:
            # Only the matches passing the filters are ranked; the counts need every match.
            ranked, ranked_params = self.match_source(
                plan.parsed, any_clause=any_clause, rank=relevance
            )
            unranked, unranked_params = self.match_source(
                plan.parsed, any_clause=any_clause, rank=False
            )
            sql = f"{page(ranked)} UNION ALL {combos(unranked)}"
            params = [*page_params(ranked_params), *unranked_params]
        hits, rows = [], []
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

    def _catalog_counts_kept(self) -> bool:
        """Whether index writes keep the whole catalog's facet counts (every rebuild starts
        them; an index only ever written product by product has none)."""
        return FrequentStem.objects.filter(stem=CATALOG_STEM).exists()

    def _frequent_stem(self, parsed: ParsedQuery, *, any_clause: bool) -> FrequentStem | None:
        """The frequent stem a one-word query stands for: its words (the word's other forms, or
        a typo's correction and its forms) all have that stem, so the documents matching it are
        exactly those holding a word of the stem (their postings). None: not such a query."""
        if any_clause or len(parsed.clauses) != 1:
            return None
        clause = parsed.clauses[0]
        if clause.is_phrase or clause.is_cjk or clause.prefix or not clause.alternatives:
            return None
        stems = {analysis.stem(word) for word in clause.alternatives}
        if len(stems) != 1:
            return None
        return FrequentStem.objects.filter(stem=stems.pop()).first()

    def _rescored_page(self, source: str, where: str, score: str, rescore: str) -> str:
        """The page of a two-pass ranking (params: score, rescore, score, source, filters,
        candidates, page size, offset). The best matches by the blend of the first-pass text
        score are the candidates; the first `rescore_candidates` of them are ordered by the blend
        of their final text score, any further ones (deep pages) by the first pass."""
        limit = int(self.rescore_candidates)
        order = (
            f"CASE WHEN first_pos <= {limit} THEN 0 ELSE 1 END, "
            f"CASE WHEN first_pos <= {limit} THEN score END DESC, first_pos, product_id DESC"
        )
        candidates = (
            "SELECT c.*, ROW_NUMBER() OVER (ORDER BY first_score DESC, product_id DESC)"
            f" AS first_pos FROM (SELECT s.*, {score} AS first_score FROM ({source}) s{where}"
            " ORDER BY first_score DESC, product_id DESC LIMIT %s) c"
        )
        rescored = (
            "SELECT n.product_id, n.first_pos, n.popularity_log, n.rating_avg, n.in_stock, "
            f"{rescore} AS text_score FROM ({candidates}) n"
        )
        return (
            "SELECT 'h' AS kind, product_id AS a, NULL AS b, NULL AS c, NULL AS e, "
            f"ROW_NUMBER() OVER (ORDER BY {order}) AS f, score AS n FROM ("
            "SELECT * FROM ("
            f"SELECT r.product_id, r.first_pos, {score} AS score FROM ({rescored}) r) x "
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

    def _count_facets(self, combos, query: SearchQuery, filters) -> dict:
        """The total and each facet's counts, a facet counting with every filter but its own:
        a combination failing no filter counts everywhere, one failing exactly one filter
        counts only in that filter's facet."""
        category_ids = set(filters["category"][1]) if "category" in filters else set()
        brand_ids = set(filters["brand"][1]) if "brand" in filters else set()
        bands = {BAND_KEYS.index(k) for k in query.price_bands if k in PRICE_BANDS}
        min_rating = query.min_rating or 0
        checks = []
        if "category" in filters:
            checks.append(("category", lambda c: c[0] in category_ids))
        if "brand" in filters:
            checks.append(("brand", lambda c: c[1] in brand_ids))
        if "price" in filters:
            checks.append(("price", lambda c: c[2] in bands))
        if "rating" in filters:
            checks.append(("rating", lambda c: c[3] >= min_rating))
        if "in_stock" in filters:
            checks.append(("in_stock", lambda c: c[4] == 1))
        names = ("category", "brand", "price", "rating", "in_stock")
        facets: dict[str, dict[str, int]] = {name: {} for name in names}
        total = 0
        for combo in combos:
            failed = None
            for name, check in checks:
                if not check(combo):
                    if failed is not None:
                        break
                    failed = name
            else:
                category, brand, band, floor, stock, n = combo
                values = (
                    str(category),
                    None if brand is None else str(brand),
                    BAND_KEYS[band],
                    str(floor),
                    str(stock),
                )
                if failed is None:
                    total += n
                for name, value in zip(names, values, strict=True):
                    if value is not None and failed in (None, name):
                        facets[name][value] = facets[name].get(value, 0) + n
        return {"total": total, "facets": facets}

    # --- results ------------------------------------------------------------------------------
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

    def _facets(self, rows, query: SearchQuery, tree, brands) -> dict[str, list[FacetValue]]:
        counts = rows["facets"]
        # Category counts roll up to every ancestor (a product sits in one leaf).
        by_category: Counter[int] = Counter()
        for value, n in counts["category"].items():
            node = tree.by_id.get(int(value))
            while node is not None:
                by_category[node.id] += n
                node = tree.by_id.get(node.parent_id) if node.parent_id else None
        categories = []
        stack = list(reversed(tree.roots))
        while stack:
            node = stack.pop()
            if by_category[node.id] or node.slug in query.categories:
                categories.append(
                    FacetValue(
                        value=node.slug,
                        label=node.name,
                        count=by_category[node.id],
                        selected=node.slug in query.categories,
                    )
                )
            stack.extend(reversed(node.child_nodes))
        brand_values = []
        for value, n in counts["brand"].items():
            brand = brands.get(int(value))
            if brand is not None:
                brand_values.append(
                    FacetValue(brand.slug, brand.name, n, brand.slug in query.brands)
                )
        by_slug = {b.slug: b for b in brands.values()}
        for slug in query.brands:
            if slug in by_slug and not any(v.value == slug for v in brand_values):
                brand_values.append(FacetValue(slug, by_slug[slug].name, 0, True))
        brand_values.sort(key=lambda v: (-v.count, v.label.lower()))
        prices = [
            FacetValue(
                key, price_band_label(key), counts["price"].get(key, 0), key in query.price_bands
            )
            for key in PRICE_BANDS
            if counts["price"].get(key, 0) or key in query.price_bands
        ]
        floors = {int(k): n for k, n in counts["rating"].items()}
        ratings = []
        for level in RATING_LEVELS:
            n = sum(c for floor, c in floors.items() if floor >= level)
            if n or query.min_rating == level:
                ratings.append(
                    FacetValue(
                        str(level),
                        _("%(stars)s★ & up") % {"stars": level},
                        n,
                        query.min_rating == level,
                    )
                )
        in_stock_count = counts["in_stock"].get("1", 0)
        stock = [FacetValue("1", _("In stock"), in_stock_count, query.in_stock)]
        return {
            "category": categories,
            "brand": brand_values,
            "price": prices,
            "rating": ratings,
            "in_stock": stock,
        }

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

    # --- autocomplete -------------------------------------------------------------------------
    def _autocomplete_products(self, plan: ParsedQuery, weights, limit: int) -> list[Suggestion]:
        sql, params = self.match_source(plan, any_clause=False, fields="name")
        score = self._score_sql()
        score_params = self._score_params(weights, self.index_state())
        rescore = self.rescore_sql(plan, any_clause=False, fields="name")
        if rescore is None:
            sql = (
                f"SELECT product_id FROM ({sql}) m ORDER BY {score} DESC, product_id DESC LIMIT %s"
            )
            params = [*params, *score_params, limit]
        else:
            sql = f"SELECT a FROM ({self._rescored_page(sql, '', score, rescore[0])}) h ORDER BY f"
            params = [
                *score_params, *rescore[1], *score_params, *params,
                max(self.rescore_candidates, limit), limit, 0,
            ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(f"{self.statement_prefix}{sql}", params)
            ids = [row[0] for row in cursor.fetchall()]
        docs = {
            d.product_id: d
            for d in SearchDocument.objects.filter(product_id__in=ids).only(
                "product_id", "slug", "name_en", "name_zh_hans"
            )
        }
        zh = (translation.get_language() or "").startswith("zh")
        href = reverse("catalog:product", args=["-"])[:-2]
        suggestions = []
        for product_id in ids:
            doc = docs.get(product_id)
            if doc is not None:
                label = (doc.name_zh_hans if zh else doc.name_en) or doc.name_en
                suggestions.append(Suggestion("product", label, f"{href}{doc.slug}/"))
        return suggestions

    def _stocked(self) -> tuple[frozenset[int], frozenset[int]]:
        """Categories and brands of the indexed (active) products, cached under the index
        version: autocomplete offers nothing that leads to an empty page."""
        key = STOCKED_KEY.format(backend=self.name, version=self.index_state().version)
        cached = cache.get(key)
        if cached is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT DISTINCT category_id FROM {DOC}")
                categories = frozenset(row[0] for row in cursor.fetchall())
                cursor.execute(f"SELECT DISTINCT brand_id FROM {DOC} WHERE brand_id IS NOT NULL")
                brands = frozenset(row[0] for row in cursor.fetchall())
            cached = (categories, brands)
            cache.set(key, cached, COMBOS_SECONDS)
        return cached

    def _autocomplete_categories(self, parsed: ParsedQuery, resolved: Plan) -> list[Suggestion]:
        typed = [c.word for c in parsed.clauses]
        found = []
        tree = category_tree()
        categories, _brands = self._stocked()
        # A category is offered when it or one of its sub-categories has an indexed product.
        offered = set()
        for category_id in categories:
            node = tree.by_id.get(category_id)
            if node is not None:
                offered.update(a.id for a in (*tree.ancestors(node), node))
        for node in tree.by_id.values():
            if node.id not in offered:
                continue
            names = analysis.words(f"{node.name_en} {node.name_zh_hans or ''}")
            text = "".join(names)
            if all(
                any(n.startswith(w) for n in names) or (analysis.is_cjk(w) and w in text)
                for w in typed
            ):
                found.append(Suggestion("category", node.name, node.get_absolute_url()))
        return found

    def _autocomplete_brands(self, parsed: ParsedQuery) -> list[Suggestion]:
        typed = [c.word for c in parsed.clauses]
        found = []
        _categories, offered = self._stocked()
        for brand in brand_directory().values():
            if brand.pk not in offered:
                continue
            names = analysis.words(brand.name)
            if all(
                any(
                    n.startswith(w)
                    or (
                        analysis.max_typo_distance(w)
                        and OSA.distance(w, n[: len(w) + 1], score_cutoff=1) <= 1
                    )
                    for n in names
                )
                for w in typed
            ):
                found.append(Suggestion("brand", brand.name, brand_search_url(brand.slug)))
        found.sort(key=lambda s: s.label.lower())
        return found


def brand_search_url(slug: str) -> str:
    """Search results filtered to one brand (brands have no page of their own)."""
    return f"{reverse('search:results')}?{urlencode({'brand': slug})}"


def price_band_label(key: str) -> str:
    low, high = PRICE_BANDS[key]
    if not low:
        return _("Under ¥%(high)s") % {"high": f"{high:,.0f}"}
    if high is None:
        return _("¥%(low)s and above") % {"low": f"{low:,.0f}"}
    return _("¥%(low)s – ¥%(high)s") % {"low": f"{low:,.0f}", "high": f"{high:,.0f}"}  # noqa: RUF001


def _in_list(column: str, values: list[int]) -> tuple[str, list]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _category_names() -> dict[int, tuple[str, ...]]:
    """Each category's names and its ancestors', in both languages."""
    rows = {
        c["id"]: c for c in Category.objects.values("id", "parent_id", "name_en", "name_zh_hans")
    }
    names: dict[int, tuple[str, ...]] = {}
    for category_id in rows:
        chain, node, seen = [], rows.get(category_id), set()
        while node is not None and node["id"] not in seen:
            seen.add(node["id"])
            chain.extend([node["name_en"] or "", node["name_zh_hans"] or ""])
            node = rows.get(node["parent_id"])
        names[category_id] = tuple(chain)
    return names


def _doc_stems(doc: SearchDocument) -> frozenset[str]:
    return frozenset(analysis.stem(w) for w in _doc_words(doc))


def _doc_words(doc: SearchDocument) -> set[str]:
    return analysis.vocabulary_words(
        " ".join(
            (doc.name_text, doc.brand_text, doc.category_text, doc.attrs_text, doc.description_text)
        )
    )


def fts_clause(clause: Clause, relaxed: bool = False) -> str:
    """One clause in FTS5 query syntax (tokens are [a-z0-9] or CJK only: safe inside quotes).
    `relaxed`: a Chinese word matches any of its bigrams instead of all of them in a row."""
    if clause.phrase:
        return '"' + " ".join(clause.phrase) + '"'
    if clause.is_cjk:
        if len(clause.word) == 1:
            return f'"{clause.word}"*'
        grams = analysis.bigrams(clause.word)
        if relaxed:
            return "(" + " OR ".join(f'"{g}"' for g in grams) + ")"
        return '"' + " ".join(grams) + '"'
    options = [f'"{a}"' for a in clause.alternatives]
    if clause.prefix:
        options.append(f'"{clause.prefix}"*')
    if not options:
        options = [f'"{clause.word}"']
    return "(" + " OR ".join(options) + ")"


def tsquery_clause(
    clause: Clause, weights: str = "", relaxed: bool = False, loose: bool = False
) -> str:
    """One clause in PostgreSQL tsquery syntax; `weights` ("AB") limits it to those fields.
    `loose`: a phrase's words in any order and place (what a GIN index answers without reading
    the document's positions)."""
    followed_by = " & " if loose else " <-> "
    if clause.phrase:
        return "(" + followed_by.join(f"'{t}'{_w(weights)}" for t in clause.phrase) + ")"
    if clause.is_cjk:
        if len(clause.word) == 1:
            return f"'{clause.word}':*{weights}"
        joiner = " | " if relaxed else followed_by
        grams = analysis.bigrams(clause.word)
        return "(" + joiner.join(f"'{t}'{_w(weights)}" for t in grams) + ")"
    options = [f"'{a}'{_w(weights)}" for a in clause.alternatives]
    if clause.prefix:
        options.append(f"'{clause.prefix}':*{weights}")
    if not options:
        options = [f"'{clause.word}'{_w(weights)}"]
    return "(" + " | ".join(options) + ")"


def _w(weights: str) -> str:
    return f":{weights}" if weights else ""
