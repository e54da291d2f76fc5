"""The filters of the database backends: the facets' (category, brand, price band, rating,
stock), each a condition on the document's columns kept apart for the disjunctive counts, and
the price range and colours read from the words, which narrow the matches themselves."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from catalog.attributes import SWATCHES
from catalog.selectors import brand_directory, category_tree

from ... import analysis
from ...dictionary import current_segmenter
from ...selectors import synonym_table
from ..base import PRICE_BANDS, SearchQuery
from .sql import COLUMNS, DOC, in_list


class FiltersMixin:
    """Filters of a search (part of DatabaseBackend, whose backends give `colour_sql` and
    `true_sql`)."""

    def _filters(self, query: SearchQuery, tree, brands) -> dict[str, tuple[str, list]]:
        filters: dict[str, tuple[str, list]] = {}
        if query.categories:
            ids: set[int] = set()
            for slug in query.categories:
                node = tree.by_slug.get(slug)
                if node is not None:
                    ids.update(tree.descendant_ids(node))
            filters["category"] = in_list("category_id", sorted(ids))
        if query.brands:
            by_slug = {b.slug: b.id for b in brands.values()}
            ids = sorted(by_slug[s] for s in query.brands if s in by_slug)
            filters["brand"] = in_list("brand_id", ids)
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

    def _restriction(self, query: SearchQuery) -> tuple[str, list] | None:
        """The filters that are no facet (the price range and colours read from the words):
        they narrow the matches themselves, so every count too. (SQL over `d`, params)."""
        parts: list[str] = []
        params: list = []
        if query.price_min is not None:
            parts.append("d.price >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            parts.append("d.price <= %s")
            params.append(query.price_max)
        if query.colours:
            colours = [c for c in query.colours if c in SWATCHES]
            sql, colour_params = self.colour_sql(colours) if colours else ("1 = 0", [])
            parts.append(sql)
            params.extend(colour_params)
        return (" AND ".join(parts), params) if parts else None

    def price_at_share(self, query: SearchQuery, share: float) -> Decimal | None:
        """One statement over the matches (see SearchBackend.price_at_share); when nothing
        matches every word as typed, the searches themselves, which respell and leave words
        out."""
        parsed = synonym_table().expand(analysis.parse(query.text, current_segmenter()))
        plan = self._resolve(parsed)
        restrict = self._restriction(query)
        if plan.parsed.empty:
            source = f"SELECT {COLUMNS} FROM {DOC} d"
            params = []
            if restrict is not None:
                source += f" WHERE {restrict[0]}"
                params = list(restrict[1])
        else:
            source, params = self.match_source(plan.parsed, rank=False, restrict=restrict)
        filters = self._filters(query, category_tree(), brand_directory())
        where = " AND ".join(sql for sql, _ in filters.values())
        where_params = [p for _, ps in filters.values() for p in ps]
        # The first position at or past total * share: ceil(total * share), at least 1.
        sql = (
            "SELECT price FROM (SELECT s.price, ROW_NUMBER() OVER (ORDER BY s.price, "
            f"s.product_id) AS pos, COUNT(*) OVER () AS n FROM ({source}) s"
            f"{' WHERE ' + where if where else ''}) x "
            "WHERE pos >= n * %s AND pos - 1 < n * %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(self.statement_prefix + sql, [*params, *where_params, share, share])
            row = cursor.fetchone()
        if row is None:
            return super().price_at_share(query, share)
        return Decimal(str(row[0])).quantize(Decimal("0.01"))
