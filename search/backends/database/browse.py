"""The first pages of a search without words narrowed by a price range or colours ("under 200"),
sorted by relevance, without ranking every product in the range.

Without words every product's text score is the same, so relevance is the blend of ranking.py:
(1 + a · popularity_log + b · rating / 5) · (1 when in stock, else the out-of-stock factor). The
most popular products in the range are read first, by the index on popularity_log; a product
further down cannot score above (1 + a · p + max(b, 0)) · max(1, factor), p the lowest
popularity read. When the last product the page needs scores above that bound, the page is
exactly the one ranking the whole range gives (the threshold algorithm); otherwise, and for deep
pages, the whole range is ranked as before."""

from __future__ import annotations

from django.db import connection

from ... import ranking
from ..base import SearchQuery
from .sql import DOC

# How many of the most popular products in the range are read.
POPULAR_CANDIDATES = 240


class PopularPageMixin:
    """(part of DatabaseBackend)"""

    popular_candidates = POPULAR_CANDIDATES

    def _popular_page(
        self, query: SearchQuery, restrict: tuple[str, list], filters, weights, state
    ) -> list[tuple[int, int, float]] | None:
        """The page's hits as (position, product id, score), or None when the most popular
        products cannot decide it."""
        per_page = max(1, query.per_page)
        offset = (max(1, query.page) - 1) * per_page
        wanted = offset + per_page
        top = ranking.max_popularity_log(state.max_popularity)
        if wanted > self.popular_candidates or weights.popularity_weight <= 0 or top <= 0:
            return None
        conditions = [restrict[0], *(sql for sql, _ in filters.values())]
        params = [*restrict[1], *(p for _, ps in filters.values() for p in ps)]
        sql = (
            f"SELECT product_id, popularity_log, {self._score_sql()} AS score FROM ("
            "SELECT d.product_id, d.popularity_log, d.rating_avg, d.in_stock, 1.0 AS text_score "
            f"FROM {DOC} d WHERE {' AND '.join(conditions)} "
            "ORDER BY d.popularity_log DESC LIMIT %s) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                self.statement_prefix + sql,
                [*self._score_params(weights, state), *params, self.popular_candidates],
            )
            rows = [(int(i), float(p), float(s)) for i, p, s in cursor.fetchall()]
        rows.sort(key=lambda row: (-row[2], -row[0]))
        if len(rows) == self.popular_candidates:  # more may follow: are they all below?
            lowest = min(popularity for _id, popularity, _score in rows)
            bound = (
                1.0 + weights.popularity_weight * lowest / top + max(weights.rating_weight, 0.0)
            ) * max(1.0, weights.out_of_stock_factor)
            if len(rows) < wanted or rows[wanted - 1][2] <= bound * (1 + 1e-9):
                return None
        return [
            (position, product_id, score)
            for position, (product_id, _popularity, score) in enumerate(
                rows[offset:wanted], start=1
            )
        ]
