"""The embedded default: SQLite FTS5.

`search_fts` (unicode61 over the analysed tokens, so Chinese words, marked fallback bigrams and
Latin words are whole tokens) holds each document's name, brand, category, attributes and
description, ranked by BM25 with the name weighted highest. `search_term_trigram` (FTS5's
trigram tokenizer over the vocabulary) finds the words sharing three-letter sequences with a
misspelt one; edit distance then picks the correction (see DatabaseBackend._correct). Both tables
are created by migration 0002.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from .. import analysis
from ..analysis import ParsedQuery, trigrams
from ..facets import colour_lookalikes
from ..models import SearchDocument
from .database.backend import DatabaseBackend
from .database.sql import COLUMNS as DOC_COLUMNS
from .database.sql import DOC, HEAD_COLUMNS, fts_clause, fts_own_clause

# BM25 weights of the FTS5 columns: name, brand, category, attrs, description.
COLUMN_WEIGHTS = (10.0, 5.0, 4.0, 2.0, 1.0)
COLUMNS = ("name", "brand", "category", "attrs", "description")
# The columns a search limited to some fields reads (see DatabaseBackend.match_source).
FIELD_COLUMNS = {
    "name": "{name brand}",
    "head": HEAD_COLUMNS,
    "strong": "{name brand attrs}",
}


# Read the database through memory-mapped I/O: a search touches thousands of pages of the
# documents and the full-text index, and copying each one in by a system call took about half
# of its time at 100,000 products. Virtual address space only; the OS page cache is shared.
MMAP_BYTES = 1 << 30


class SqliteBackend(DatabaseBackend):
    name = "sqlite"
    floor_rating_sql = "CAST(rating_avg AS INTEGER)"
    true_sql = "1"

    def prepare_connection(self) -> None:
        connection.ensure_connection()
        raw = id(connection.connection)
        if getattr(connection, "_search_prepared", None) != raw:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            connection._search_prepared = raw

    def match_source(
        self,
        parsed: ParsedQuery,
        *,
        fields: str = "all",
        rank: bool = True,
        restrict: tuple[str, list] | None = None,
    ):
        expression = " AND ".join(fts_clause(c) for c in parsed.clauses)
        if fields in FIELD_COLUMNS:
            expression = f"{FIELD_COLUMNS[fields]} : ({expression})"
        weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
        text_score = f"-bm25(search_fts, {weights})" if rank else "0.0"
        tier, tier_params = self._tier(parsed) if rank else ("0", [])
        sql = (
            f"SELECT {DOC_COLUMNS}, {text_score} AS text_score, {tier} AS tier "
            f"FROM search_fts JOIN {DOC} d ON d.product_id = search_fts.rowid "
            "WHERE search_fts MATCH %s"
        )
        if restrict is None:
            return sql, [*tier_params, expression]
        return f"{sql} AND {restrict[0]}", [*tier_params, expression, *restrict[1]]

    @staticmethod
    def _tier(parsed: ParsedQuery) -> tuple[str, list]:
        """(SQL of the match's tier, params): per word, 2 with the shopper's own word in the
        name, brand, category or attributes, 1 with a synonym of it there, 0 in the description
        only. Each is one more full-text lookup, read once for all the matches."""
        lookup = "d.product_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
        parts, params = [], []
        for clause in parsed.clauses:
            sql = f"WHEN {lookup} THEN 2 "
            params.append(f"{HEAD_COLUMNS} : {fts_own_clause(clause)}")
            if clause.synonyms:
                sql += f"WHEN {lookup} THEN 1 "
                params.append(f"{HEAD_COLUMNS} : {fts_clause(clause)}")
            parts.append(f"CASE {sql}ELSE 0 END")
        return " + ".join(parts) or "0", params

    def colour_sql(self, colours: Sequence[str]) -> tuple[str, list]:
        options = []
        for colour in colours:
            word = " ".join(analysis.words(colour))
            lookalikes = [" ".join(analysis.words(v)) for v in colour_lookalikes(colour)]
            options.append(f'("{word}"' + "".join(f' NOT "{v}"' for v in lookalikes) + ")")
        expression = "{attrs} : (" + " OR ".join(options) + ")"
        return (
            "d.product_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            [expression],
        )

    def typo_candidates(self, cursor, word: str) -> list[tuple[str, int]]:
        candidates: list[tuple[str, int]] = []
        grams = trigrams(word)
        if grams:
            expression = " OR ".join(f'"{g}"' for g in grams)
            cursor.execute(
                "SELECT t.term, t.doc_count FROM search_term_trigram g "
                "JOIN search_searchterm t ON t.id = g.rowid "
                "WHERE search_term_trigram MATCH %s AND length(t.term) BETWEEN %s AND %s "
                "ORDER BY g.rank LIMIT 200",
                [expression, len(word) - 2, len(word) + 2],
            )
            candidates.extend(cursor.fetchall())
        # A short word with two letters swapped may share no trigram with the right one
        # ("poels" / "poles"): also words of about its length starting with its first letter.
        cursor.execute(
            "SELECT term, doc_count FROM search_searchterm WHERE term >= %s AND term < %s "
            "AND length(term) BETWEEN %s AND %s LIMIT 500",
            [word[0], word[0] + "\uffff", len(word) - 2, len(word) + 2],
        )
        candidates.extend(cursor.fetchall())
        return candidates

    def write_fulltext(self, cursor, docs: list[SearchDocument]) -> None:
        if docs:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, name, brand, category, attrs, description) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.product_id, d.name_text, d.brand_text, d.category_text, d.attrs_text,
                        d.description_text,
                    )
                    for d in docs
                ],
            )  # fmt: skip

    def delete_fulltext(self, cursor, product_ids: Sequence[int] | None) -> None:
        if product_ids is None:
            cursor.execute("DELETE FROM search_fts")
            return
        ids = list(product_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM search_fts WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk
            )

    def write_terms(self, cursor, terms: list[tuple[int, str]]) -> None:
        if terms:
            cursor.executemany(
                "INSERT INTO search_term_trigram (rowid, term) VALUES (%s, %s)", terms
            )

    def delete_terms(self, cursor) -> None:
        cursor.execute("DELETE FROM search_term_trigram")
