"""Frequent stems: their postings and the facet counts kept exact by every index write (and the
whole catalog's counts under CATALOG_STEM), and the choice of a query that can read them."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal

from ... import analysis
from ...analysis import ParsedQuery
from ...models import (
    FrequentStem,
)
from ..base import (
    PRICE_BANDS,
    SearchQuery,
)
from .sql import (
    BAND_KEYS,
    CATALOG_STEM,
    COLUMNS,
    DOC,
    FACET,
    FREQUENT,
    POSTING,
    PRICE_STEP_STEM,
    PRICE_STEPS,
    PRICE_STEPS_STEM,
    PRICE_STEPS_WORDS,
    WRITE_BATCH,
    in_list,
)

logger = logging.getLogger(__name__)


class FrequentStemsMixin:
    """Postings and kept counts of frequent stems (part of DatabaseBackend)."""

    def _delete_postings(self, cursor, product_ids: Sequence[int]) -> None:
        """Before these products' documents are rewritten (their counts already taken)."""
        in_ids, params = in_list("product_id", list(product_ids))
        cursor.execute(f"DELETE FROM {POSTING} WHERE {in_ids}", params)

    def _write_postings(self, cursor, postings: list[tuple[str, int]]) -> None:
        """(stem, product id) pairs of written documents, with their ranking inputs."""
        score = self.posting_score_sql or "NULL"
        for start in range(0, len(postings), WRITE_BATCH):
            batch = postings[start : start + WRITE_BATCH]
            # The documents by id too: the planner cannot tell how few rows `v` holds.
            in_ids, id_params = in_list("d.product_id", sorted({i for _s, i in batch}))
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
        self, product_ids: Sequence[int] | None, *, catalog: bool, steps: bool = False
    ) -> tuple[str, list]:
        """(SQL of the facet counts of these documents' frequent stems, by stem and combination
        (brand 0 for none), with `catalog` of the documents themselves under CATALOG_STEM and
        with `steps` under their price step's stem (see PRICE_STEPS); None: of every document,
        params)."""
        where, params, doc_where, doc_params = "", [], "", []
        if product_ids is not None:
            # Both sides by id, or the planner reads every document to join a few.
            in_postings, params = in_list("p.product_id", list(product_ids))
            in_docs, doc_params = in_list("d.product_id", list(product_ids))
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
        if steps:
            step = (
                "CASE "
                + " ".join(
                    f"WHEN d.price < {bound} THEN '{PRICE_STEP_STEM}{i}'"
                    for i, bound in enumerate(PRICE_STEPS)
                )
                + f" ELSE '{PRICE_STEP_STEM}{len(PRICE_STEPS)}' END"
            )
            sql += (
                f" UNION ALL SELECT stem, {self._combo_columns()}, COUNT(*) FROM ("
                f"SELECT {step} AS stem, {columns}d.in_stock FROM {DOC} d{doc_where}) c "
                "GROUP BY 1, 2, 3, 4, 5, 6"
            )
            params = [*params, *doc_params]
        return sql, params

    def _stem_counts(
        self, cursor, product_ids: Sequence[int], *, catalog: bool, steps: bool = False
    ) -> Counter[tuple]:
        sql, params = self._stem_counts_sql(product_ids, catalog=catalog, steps=steps)
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

    def _catalog_counts_kept(self) -> bool:
        """Whether index writes keep the whole catalog's facet counts (every rebuild starts
        them; an index only ever written product by product has none)."""
        return FrequentStem.objects.filter(stem=CATALOG_STEM).exists()

    def _price_steps_kept(self) -> bool:
        """Whether index writes keep the price steps' counts, with the steps of this code."""
        return FrequentStem.objects.filter(stem=PRICE_STEPS_STEM, words=PRICE_STEPS_WORDS).exists()

    def _restricted_counts(
        self, query: SearchQuery, restrict: tuple[str, list], combos: Callable[[str], str]
    ) -> tuple[str, list]:
        """(SQL of the counts of a search without words restricted by `restrict`, params). A
        price range alone: the kept counts of the price steps wholly inside it, and the
        documents of the steps it cuts (read by the price index); else every document in it
        (`combos` of their SQL)."""
        everything = (combos(f"SELECT {COLUMNS} FROM {DOC} d WHERE {restrict[0]}"), restrict[1])
        if query.colours or not self._price_steps_kept():
            return everything
        low = query.price_min if query.price_min is not None else Decimal(0)
        high = query.price_max
        bounds = [Decimal(0), *(Decimal(b) for b in PRICE_STEPS)]
        uppers = [*bounds[1:], None]
        whole = [
            i for i, (lower, upper) in enumerate(zip(bounds, uppers, strict=True))
            if lower >= low and (high is None or (upper is not None and upper <= high))
        ]  # fmt: skip
        if not whole:
            return everything
        start, end = bounds[whole[0]], uppers[whole[-1]]
        outside, outside_params = "d.price < %s", [start]
        if end is not None:
            outside, outside_params = "(d.price < %s OR d.price >= %s)", [start, end]
        stems = [f"{PRICE_STEP_STEM}{i}" for i in whole]
        stored = (
            "SELECT 'c', category_id, NULLIF(brand_id, 0), price_band, rating_floor, in_stock, "
            f"SUM(n) FROM {FACET} WHERE stem IN ({', '.join(['%s'] * len(stems))}) "
            "GROUP BY category_id, brand_id, price_band, rating_floor, in_stock"
        )
        cut = combos(f"SELECT {COLUMNS} FROM {DOC} d WHERE {restrict[0]} AND {outside}")
        return f"{stored} UNION ALL {cut}", [*stems, *restrict[1], *outside_params]

    def _frequent_stem(self, parsed: ParsedQuery) -> FrequentStem | None:
        """The frequent stem a one-word query stands for: its words (the word's other forms, or
        a typo's correction and its forms) all have that stem, so the documents matching it are
        exactly those holding a word of the stem (their postings). A word of the synonym list,
        matched in its own forms only, stands for its stem when those are all the stem's words
        (its synonyms are then read apart, see DatabaseBackend._synonyms_only). None: not such
        a query."""
        if len(parsed.clauses) != 1:
            return None
        clause = parsed.clauses[0]
        if clause.is_phrase or clause.is_cjk or clause.prefix or not clause.alternatives:
            return None
        stems = {analysis.stem(word) for word in clause.alternatives}
        if len(stems) != 1:
            return None
        frequent = FrequentStem.objects.filter(stem=stems.pop()).first()
        if (
            frequent
            and clause.exact
            and not set(frequent.words.split()) <= set(clause.alternatives)
        ):
            return None  # the stem's other words are not this word's forms
        return frequent
