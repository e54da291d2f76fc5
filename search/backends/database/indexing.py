"""Indexing of the database backends: documents built from the catalog, their vocabulary, the
index state (version, top popularity), full rebuilds and the stale products after bulk changes."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation

from catalog.attributes import value_label
from catalog.models import Category, Product, ProductVariant
from recommendations.models import Interaction, InteractionKind

from ... import analysis, chinese, ranking
from ...dictionary import current_segmenter, search_dictionary_rebuild
from ...models import (
    FrequentStem,
    SearchDocument,
    SearchTerm,
)
from .sql import (
    CATALOG_STEM,
    CHUNK,
    DOC,
    FACET,
    FREQUENT,
    POSTING,
    PRICE_STEPS_STEM,
    PRICE_STEPS_WORDS,
    STATE,
    TERM,
    IndexState,
    in_list,
)

logger = logging.getLogger(__name__)


class IndexingMixin:
    """Writing and rebuilding the index (part of DatabaseBackend)."""

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in product_ids})
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            docs = self._build(chunk)
            with transaction.atomic(), connection.cursor() as cursor:
                self._lock_state(cursor)
                # The frequent stems' counts lose the old documents and gain the new ones.
                kept = dict(FrequentStem.objects.values_list("stem", "words"))
                frequent = set(kept)
                catalog = CATALOG_STEM in frequent
                steps = kept.get(PRICE_STEPS_STEM) == PRICE_STEPS_WORDS
                counts: Counter[tuple] = Counter()
                counts.subtract(self._stem_counts(cursor, chunk, catalog=catalog, steps=steps))
                self._delete_postings(cursor, chunk)
                self.delete_fulltext(cursor, chunk)
                SearchDocument.objects.filter(product_id__in=chunk).delete()
                SearchDocument.objects.bulk_create(docs)
                self.write_fulltext(cursor, docs)
                self._add_terms(cursor, docs)
                self._write_postings(
                    cursor,
                    [(s, d.product_id) for d in docs for s in doc_stems(d) if s in frequent],
                )
                counts.update(self._stem_counts(cursor, chunk, catalog=catalog, steps=steps))
                self._add_stem_counts(cursor, counts)
                self._record_top_popularity(cursor)

    def rebuild(self) -> int:
        """Everything in one transaction: searches keep reading the old index until it commits.
        The Chinese dictionary is chosen again from the catalog first (every document is split
        with it). The stems held by SEARCH_FREQUENT_STEM_SHARE of the documents become the
        frequent ones, with their postings and facet counts, until the next rebuild."""
        ids = list(
            Product.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        counts: Counter[str] = Counter()
        chinese_counts: Counter[str] = Counter()
        stem_docs: Counter[str] = Counter()
        doc_stems: list[tuple[int, frozenset[str]]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            self._lock_state(cursor)
            search_dictionary_rebuild()
            for table in (FACET, POSTING, FREQUENT):
                cursor.execute(f"DELETE FROM {table}")
            self.delete_fulltext(cursor, None)
            SearchDocument.objects.all().delete()
            for start in range(0, len(ids), CHUNK):
                docs = self._build(ids[start : start + CHUNK])
                SearchDocument.objects.bulk_create(docs)
                self.write_fulltext(cursor, docs)
                for doc in docs:
                    chinese_counts.update(doc_chinese_words(doc))
                    words = doc_words(doc)
                    counts.update(words)
                    stems = frozenset(analysis.stem(w) for w in words)
                    stem_docs.update(stems)
                    doc_stems.append((doc.product_id, stems))
            self.delete_terms(cursor)
            SearchTerm.objects.all().delete()
            terms = SearchTerm.objects.bulk_create(
                [
                    *(
                        SearchTerm(term=w, stem=analysis.stem(w), doc_count=n)
                        for w, n in sorted(counts.items())
                    ),
                    *(chinese_term(w, n) for w, n in sorted(chinese_counts.items())),
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
                    FrequentStem(stem=PRICE_STEPS_STEM, words=PRICE_STEPS_WORDS),
                    *(FrequentStem(stem=stem, words=" ".join(w)) for stem, w in groups.items()),
                ],
                batch_size=2000,
            )
            self._write_postings(
                cursor,
                [(s, doc_id) for doc_id, stems in doc_stems for s in stems if s in frequent],
            )
            sql, params = self._stem_counts_sql(None, catalog=True, steps=True)
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
        categories = category_names()
        segmenter = current_segmenter(fresh=True)
        now = timezone.now()
        docs = []
        for p in products:
            values = sorted(attributes.get(p["id"], ()))
            with translation.override("zh-hans"):
                values_zh = [value_label(v) for v in values]
            view_count = views.get(p["id"], 0)
            popularity = ranking.popularity(sales_count=p["sales_count"], view_count=view_count)
            category = categories.get(p["category_id"], ())
            brand = p["brand__name"] or ""
            # The bigrams of what names the product, matched only when a word is in no document.
            fallback = analysis.fallback_text(p["name_zh_hans"], brand, *category, *values_zh)
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
                    name_text=analysis.index_text(
                        p["name_en"], p["name_zh_hans"], segmenter=segmenter
                    ),
                    brand_text=analysis.index_text(brand, segmenter=segmenter),
                    category_text=analysis.index_text(*category, segmenter=segmenter),
                    attrs_text=analysis.index_text(*values, *values_zh, segmenter=segmenter),
                    description_text=" ".join(
                        t
                        for t in (
                            analysis.index_text(
                                p["description_en"], p["description_zh_hans"], segmenter=segmenter
                            ),
                            fallback,
                        )
                        if t
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
        chinese_counts: Counter[str] = Counter()
        for doc in docs:
            counts.update(doc_words(doc))
            chinese_counts.update(doc_chinese_words(doc))
        if not counts and not chinese_counts:
            return
        known = set(
            SearchTerm.objects.filter(term__in=[*counts, *chinese_counts]).values_list(
                "term", flat=True
            )
        )
        new = [
            SearchTerm(term=w, stem=analysis.stem(w), doc_count=n)
            for w, n in sorted(counts.items())
            if w not in known
        ]
        new += [chinese_term(w, n) for w, n in sorted(chinese_counts.items()) if w not in known]
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
            in_stems, params = in_list("p.stem", [f.stem for f in grown])
            cursor.execute(
                f"UPDATE {POSTING} p SET text_score = {self.posting_score_sql} "
                f"FROM {DOC} d, {FREQUENT} f "
                f"WHERE d.product_id = p.product_id AND f.stem = p.stem AND {in_stems}",
                params,
            )


def category_names() -> dict[int, tuple[str, ...]]:
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


def doc_stems(doc: SearchDocument) -> frozenset[str]:
    return frozenset(analysis.stem(w) for w in doc_words(doc))


def doc_words(doc: SearchDocument) -> set[str]:
    return analysis.vocabulary_words(_doc_text(doc))


def doc_chinese_words(doc: SearchDocument) -> set[str]:
    """The Chinese words of the document (not its fallback bigrams)."""
    return analysis.chinese_words(_doc_text(doc))


def _doc_text(doc: SearchDocument) -> str:
    return " ".join(
        (doc.name_text, doc.brand_text, doc.category_text, doc.attrs_text, doc.description_text)
    )


def chinese_term(word: str, doc_count: int) -> SearchTerm:
    """A Chinese word of the vocabulary with its pinyin (words of two or more characters: one
    syllable reads as too many things) and its initials (three or more: "ly" would be noise)."""
    return SearchTerm(
        term=word,
        stem=word,
        doc_count=doc_count,
        pinyin=chinese.pinyin_key(word)[:255] if len(word) > 1 else "",
        initials=chinese.initials_key(word)[:64] if len(word) > 2 else "",
    )
