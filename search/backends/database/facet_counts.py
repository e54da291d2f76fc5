"""Disjunctive facet counts: one GROUP BY over the matches turned into every facet's counts, and
the facet values shown."""

from __future__ import annotations

import logging
from collections import Counter

from django.utils.translation import gettext as _

from ...facets import price_band_label
from ..base import (
    PRICE_BANDS,
    RATING_LEVELS,
    FacetValue,
    SearchQuery,
)
from .sql import BAND_KEYS

logger = logging.getLogger(__name__)


class FacetCountsMixin:
    """Facet counts and values (part of DatabaseBackend)."""

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
        position = {name: i for i, name in enumerate(names)}
        # Counted by the raw values, turned into the facets' string values once at the end.
        counted: list[dict] = [{} for _ in names]
        total = 0
        for combo in combos:
            failed = None
            for name, check in checks:
                if not check(combo):
                    if failed is not None:
                        break
                    failed = name
            else:
                n = combo[5]
                if failed is None:
                    total += n
                    for i in range(5):
                        value = combo[i]
                        if value is not None:
                            counts = counted[i]
                            counts[value] = counts.get(value, 0) + n
                else:
                    i = position[failed]
                    value = combo[i]
                    if value is not None:
                        counts = counted[i]
                        counts[value] = counts.get(value, 0) + n
        facets: dict[str, dict[str, int]] = {
            name: {
                (BAND_KEYS[value] if name == "price" else str(value)): n
                for value, n in counted[i].items()
            }
            for i, name in enumerate(names)
        }
        return {"total": total, "facets": facets}

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
