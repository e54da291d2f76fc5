"""Reading Elasticsearch's answers: facets from the aggregations, highlights, did-you-mean,
related searches and autocomplete suggestions."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ...facets import brand_search_url, price_band_label
from ..base import (
    PRICE_BANDS,
    RATING_LEVELS,
    FacetValue,
    SearchQuery,
    Suggestion,
)
from .queries import CHINESE_FIELDS, FUZZY_FIELDS, MAX_RELATED, field_language

logger = logging.getLogger(__name__)


class ResultsMixin:
    """Reading the answers (part of ElasticsearchBackend)."""

    @staticmethod
    def _hit_highlights(highlight: dict[str, list[str]], language: str) -> dict[str, str]:
        own, other = (
            field_language(language),
            "en" if field_language(language) == "zh_hans" else "zh_hans",
        )
        result = {}
        for field in ("name", "description"):
            fragments = highlight.get(f"{field}_{own}") or highlight.get(f"{field}_{other}")
            if fragments:
                result[field] = " … ".join(fragments)
        return result

    @staticmethod
    def _facet_aggs(filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """One filtered aggregation per facet: the query (implicitly) and every filter but the
        facet's own, so values within a facet stay selectable together."""

        def others(facet: str) -> dict[str, Any]:
            rest = [f for name, f in filters.items() if name != facet]
            return {"bool": {"filter": rest}} if rest else {"match_all": {}}

        return {
            "category": {
                "filter": others("category"),
                "aggs": {"values": {"terms": {"field": "category_path", "size": 100}}},
            },
            "brand": {
                "filter": others("brand"),
                "aggs": {"values": {"terms": {"field": "brand_slug", "size": 100}}},
            },
            "price": {
                "filter": others("price"),
                "aggs": {
                    "values": {
                        "range": {
                            "field": "price",
                            "keyed": True,
                            "ranges": [
                                {
                                    "key": key,
                                    "from": float(low),
                                    **({"to": float(high)} if high is not None else {}),
                                }
                                for key, (low, high) in PRICE_BANDS.items()
                            ],
                        }
                    }
                },
            },
            "rating": {
                "filter": others("rating"),
                "aggs": {
                    "values": {
                        "filters": {
                            "filters": {
                                str(n): {"range": {"rating_avg": {"gte": n}}} for n in RATING_LEVELS
                            }
                        }
                    }
                },
            },
            "in_stock": {
                "filter": others("in_stock"),
                "aggs": {"values": {"filter": {"term": {"in_stock": True}}}},
            },
        }

    def _facets(self, aggs: dict[str, Any], query: SearchQuery) -> dict[str, list[FacetValue]]:
        from catalog.models import Brand
        from catalog.selectors import category_tree

        def buckets(facet: str) -> Any:
            return aggs.get(facet, {}).get("values", {})

        category_counts = {b["key"]: b["doc_count"] for b in buckets("category").get("buckets", [])}
        brand_counts = {b["key"]: b["doc_count"] for b in buckets("brand").get("buckets", [])}
        selected_categories = set(query.categories)
        selected_brands = set(query.brands)
        with translation.override(query.language):
            # The category tree's order (each parent before its children), as the database
            # backends list them; counts include descendants through category_path.
            tree = category_tree()
            category_values = []
            stack = list(reversed(tree.roots))
            while stack:
                node = stack.pop()
                if node.slug in category_counts or node.slug in selected_categories:
                    category_values.append(
                        FacetValue(
                            value=node.slug,
                            label=node.name,
                            count=category_counts.get(node.slug, 0),
                            selected=node.slug in selected_categories,
                        )
                    )
                stack.extend(reversed(node.child_nodes))
            brands = Brand.objects.filter(slug__in=set(brand_counts) | selected_brands)
            brand_values = [
                FacetValue(
                    value=b.slug,
                    label=b.name,
                    count=brand_counts.get(b.slug, 0),
                    selected=b.slug in selected_brands,
                )
                for b in brands
            ]
            brand_values.sort(key=lambda v: (-v.count, v.label.lower()))

            price_buckets = buckets("price").get("buckets", {})
            price_values = [
                FacetValue(
                    value=key,
                    label=price_band_label(key),
                    count=int(price_buckets.get(key, {}).get("doc_count", 0)),
                    selected=key in query.price_bands,
                )
                for key in PRICE_BANDS
            ]
            rating_buckets = buckets("rating").get("buckets", {})
            rating_values = [
                FacetValue(
                    value=str(n),
                    label=_("%(stars)s★ & up") % {"stars": n},
                    count=int(rating_buckets.get(str(n), {}).get("doc_count", 0)),
                    selected=query.min_rating == n,
                )
                for n in RATING_LEVELS
            ]
            in_stock_values = [
                FacetValue(
                    value="1",
                    label=_("In stock"),
                    count=int(buckets("in_stock").get("doc_count", 0)),
                    selected=query.in_stock,
                )
            ]
        return {
            "category": [v for v in category_values if v.count or v.selected],
            "brand": [v for v in brand_values if v.count or v.selected],
            "price": [v for v in price_values if v.count or v.selected],
            "rating": [v for v in rating_values if v.count or v.selected],
            "in_stock": [v for v in in_stock_values if v.count or v.selected],
        }

    @staticmethod
    def _did_you_mean(
        words: str, phrases: list[str], suggest: dict[str, Any], listed: set[str]
    ) -> str | None:
        """The words with each unknown one replaced by the closest word the shop uses; the
        `listed` words (of the synonym list) are never taken for typos."""
        corrected, changed = words, False
        for entry in sorted(suggest.get("spelling", []), key=lambda e: -e["offset"]):
            options = entry.get("options") or []
            if not options or entry["text"].lower() in listed:
                continue
            start, end = entry["offset"], entry["offset"] + entry["length"]
            replacement = options[0]["text"]
            if corrected[start:end].lower() != replacement.lower():
                corrected = corrected[:start] + replacement + corrected[end:]
                changed = True
        if not changed:
            return None
        return " ".join([corrected, *(f'"{p}"' for p in phrases)])

    def _related(self, text: str, language: str) -> list[str]:
        """Searches worth trying when nothing matched: the categories and brands of products
        that share any word with the query, typos allowed."""
        lang = field_language(language)
        with self._unavailable_on_error():
            response = self.client.search(
                index=self.index,
                size=0,
                query={
                    "multi_match": {
                        "query": text,
                        "fields": [*FUZZY_FIELDS, *CHINESE_FIELDS],
                        "fuzziness": "AUTO",
                    }
                },
                aggs={
                    "categories": {"terms": {"field": "category_slug", "size": 3}},
                    "brands": {"terms": {"field": "brand_name.raw", "size": 2}},
                },
            )
        from catalog.models import Category
        from catalog.selectors import category_tree

        slugs = [b["key"] for b in response["aggregations"]["categories"]["buckets"]]
        names = dict(Category.objects.filter(slug__in=slugs).values_list("slug", f"name_{lang}"))
        fallback = dict(Category.objects.filter(slug__in=slugs).values_list("slug", "name_en"))
        related = [names.get(s) or fallback.get(s) or "" for s in slugs]
        related += [b["key"] for b in response["aggregations"]["brands"]["buckets"]]
        # Then the top of the catalog, so a shopper who found nothing always has somewhere to go.
        with translation.override(language):
            related += [root.name for root in category_tree().roots]
        related = [r for r in dict.fromkeys(related) if r and r.lower() != text.lower()]
        return related[:MAX_RELATED]

    @staticmethod
    def _suggestions(options: Any, lang: str, limit: int) -> list[Suggestion]:
        """Categories and brands come from indexed (active) products, so only those with
        something to show are offered; a category is also left out once it is deactivated
        (its page is gone) even before its products are indexed again."""
        from catalog.selectors import category_tree

        active = category_tree().by_slug
        categories: list[Suggestion] = []
        for option in options("categories"):
            for category in option["_source"].get("categories", []):
                names = {category.get("name_en"), category.get("name_zh_hans")}
                if option["text"] not in names:
                    continue
                node = active.get(category["slug"])
                if node is not None and all(s.label != option["text"] for s in categories):
                    categories.append(
                        Suggestion(
                            kind="category",
                            label=option["text"],
                            url=node.get_absolute_url(),
                        )
                    )
                break
        brands = [
            Suggestion(
                kind="brand",
                label=option["text"],
                url=brand_search_url(option["_source"].get("brand_slug") or ""),
            )
            for option in options("brands")
        ]
        room = max(limit - len(categories) - len(brands), min(limit, 3))
        products = []
        for option in options("products")[:room]:
            source = option["_source"]
            label = source.get(f"name_{lang}") or source.get("name_en") or option["text"]
            products.append(
                Suggestion(
                    kind="product",
                    label=label,
                    url=reverse("catalog:product", args=[source["slug"]]),
                )
            )
        return [*products, *categories, *brands][:limit]
