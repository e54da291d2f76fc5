"""Autocomplete of the database backends: products for the words typed so far (the last one a
prefix or a typo), and matching categories and brands."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation
from rapidfuzz.distance import OSA

from catalog.selectors import brand_directory, category_tree

from ... import analysis, vocabulary
from ...analysis import Clause, ParsedQuery
from ...dictionary import current_segmenter
from ...facets import brand_search_url
from ...models import (
    SearchDocument,
    SearchSettings,
)
from ..base import (
    Suggestion,
)
from .sql import COMBOS_SECONDS, DOC, STOCKED_KEY, Plan

logger = logging.getLogger(__name__)


class AutocompleteMixin:
    """Autocomplete (part of DatabaseBackend)."""

    def autocomplete(self, text: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        parsed = analysis.parse(text, current_segmenter())
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
        elif last.is_cjk:
            # The Chinese word being typed: the word it is, and any word it begins.
            typed_cjk = ParsedQuery(clauses=[last])
            vocabulary.resolve_chinese(typed_cjk)
            clause = typed_cjk.clauses[0]
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

    def _autocomplete_products(self, plan: ParsedQuery, weights, limit: int) -> list[Suggestion]:
        sql, params = self.match_source(plan, fields="name")
        score = self._score_sql()
        score_params = self._score_params(weights, self.index_state())
        rescore = self.rescore_sql(plan, fields="name")
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
