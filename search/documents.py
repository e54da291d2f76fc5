"""The Elasticsearch document of a product (django-elasticsearch-dsl).

One document per active product, in the index (an alias, once rebuilt) named
`{ELASTICSEARCH_INDEX_PREFIX}products`. English text is analysed with the `english` analyzer.
Chinese text is split into words before it is sent, by the same segmenter and stored dictionary
as the database index (search/chinese.py, search/dictionary.py), and indexed in `*_zh_words`
fields by whitespace (no plugin needed); its `cjk` bigrams (`*_zh_hans`) are the fallback for a
query word that is in no document as a word. Categories
are stored with their ancestors so a filter on a category includes its descendants, and completion
fields serve autocomplete of products, categories and brands from this one index.

Documents are written only by `search.backends.elasticsearch` (and `manage.py search_index`),
never by model signals: ELASTICSEARCH_DSL_AUTOSYNC is off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django_elasticsearch_dsl import Document, fields
from django_elasticsearch_dsl.registries import registry

from catalog.attributes import VALUE_NAMES
from catalog.models import Category, Product, ProductVariant
from catalog.selectors import category_tree
from recommendations.models import InteractionKind
from search import analysis, ranking
from search.chinese import Segmenter
from search.dictionary import current_segmenter

PRODUCTS_INDEX = f"{settings.ELASTICSEARCH_INDEX_PREFIX}products"

EN, ZH = "en", "zh-hans"

# Autocomplete matches from the start of an input, so a name is also entered from each later word
# ("Apple iPhone 15 case" -> "iPhone 15 case", "15 case", ...); Chinese names, which have no
# spaces, from each character. Capped so one long name cannot bloat the index.
MAX_COMPLETION_INPUTS = 12
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _text(**kwargs: Any) -> fields.TextField:
    return fields.TextField(**kwargs)


def completion_inputs(text: str) -> list[str]:
    """The phrases a completion field is entered under for `text`: the text from each word on
    (from each character for CJK text)."""
    text = " ".join(text.split())
    if not text:
        return []
    starts = [0]
    for i, char in enumerate(text):
        if i and (text[i - 1] == " " or (_CJK.match(char) and text[i - 1] != " ")):
            starts.append(i)
    inputs: list[str] = []
    for start in starts:
        suffix = text[start:].strip()
        if suffix and suffix not in inputs:
            inputs.append(suffix)
        if len(inputs) >= MAX_COMPLETION_INPUTS:
            break
    return inputs


@registry.register_document
class ProductDocument(Document):
    # Matched text. The `plain` subfields keep unstemmed words: for fuzzy matching of names, and
    # for the words of the synonym list, matched as written ("comforter" is not "comfort").
    name_en = _text(analyzer="english", fields={"plain": _text(analyzer="standard")})
    name_zh_hans = _text(analyzer="cjk")
    description_en = _text(analyzer="english", fields={"plain": _text(analyzer="standard")})
    description_zh_hans = _text(analyzer="cjk")
    brand_name = _text(analyzer="standard", fields={"raw": fields.KeywordField()})
    category_names_en = _text(
        analyzer="english", multi=True, fields={"plain": _text(analyzer="standard")}
    )
    category_names_zh_hans = _text(analyzer="cjk", multi=True)
    attributes_en = _text(
        analyzer="english", multi=True, fields={"plain": _text(analyzer="standard")}
    )
    attributes_zh_hans = _text(analyzer="cjk", multi=True)
    # The Chinese text as the segmenter's words, space separated.
    name_zh_words = _text(analyzer="whitespace")
    category_zh_words = _text(analyzer="whitespace")
    attributes_zh_words = _text(analyzer="whitespace")
    description_zh_words = _text(analyzer="whitespace")
    # The shop's vocabulary in unstemmed words, for "did you mean".
    spelling = _text(analyzer="standard")

    # Filters, facets and sorts.
    product_id = fields.IntegerField()
    slug = fields.KeywordField()
    brand_slug = fields.KeywordField()
    category_slug = fields.KeywordField()
    category_path = fields.KeywordField(multi=True)  # the category's slug and its ancestors'
    # The category path with names, read back by autocomplete (not searched).
    categories = fields.ObjectField(
        enabled=False,
        properties={
            "slug": fields.KeywordField(),
            "name_en": fields.KeywordField(),
            "name_zh_hans": fields.KeywordField(),
        },
    )
    merchant_id = fields.IntegerField()
    # Yuan with two decimals: a scaled float stores whole fen, so no binary rounding surprises.
    price = fields.ScaledFloatField(scaling_factor=100)
    rating_avg = fields.ScaledFloatField(scaling_factor=100)
    rating_count = fields.IntegerField()
    sales_count = fields.IntegerField()
    view_count = fields.IntegerField()
    popularity = fields.FloatField()  # search.ranking.popularity, for the ranking blend
    in_stock = fields.BooleanField()
    created_at = fields.DateField()

    # Autocomplete.
    suggest_en = fields.CompletionField(analyzer="standard")
    suggest_zh_hans = fields.CompletionField(analyzer="standard")
    suggest_category_en = fields.CompletionField(analyzer="standard")
    suggest_category_zh_hans = fields.CompletionField(analyzer="standard")
    suggest_brand = fields.CompletionField(analyzer="standard")

    class Index:
        name = PRODUCTS_INDEX

    class Django:
        model = Product
        queryset_pagination = 500

    def get_queryset(self) -> QuerySet[Product]:
        return (
            Product.objects.filter(is_active=True)
            .select_related("brand", "category")
            .annotate(
                view_count=Count("interactions", filter=Q(interactions__kind=InteractionKind.VIEW))
            )
            .prefetch_related(
                Prefetch(
                    "variants",
                    queryset=ProductVariant.objects.filter(is_active=True).only(
                        "id", "product_id", "attributes"
                    ),
                    to_attr="active_variants",
                )
            )
            .order_by("pk")
        )

    def should_index_object(self, obj: Product) -> bool:
        return obj.is_active

    def _category_path(self, category: Category) -> list[Category]:
        tree = getattr(self, "_tree", None)
        if tree is None:
            tree = self._tree = category_tree()
        node = tree.by_id.get(category.id, category)
        return [*tree.ancestors(node), node]

    def _segmenter(self) -> Segmenter:
        """The stored dictionary's segmenter, read once per document object (one indexing
        run)."""
        if getattr(self, "_current_segmenter", None) is None:
            self._current_segmenter = current_segmenter(fresh=True)
        return self._current_segmenter

    def prepare(self, instance: Product) -> dict[str, Any]:
        segmenter = self._segmenter()
        path = self._category_path(instance.category)
        brand = instance.brand
        values = _attribute_values(getattr(instance, "active_variants", None) or [])
        with translation.override(ZH):
            values_zh = [str(VALUE_NAMES.get(v.lower(), v)) for v in values]
        names_en = [c.name_en or c.name for c in path]
        names_zh = [c.name_zh_hans or "" for c in path]
        name_en = instance.name_en or instance.name
        name_zh = instance.name_zh_hans or ""
        view_count = getattr(instance, "view_count", 0) or 0
        popularity = ranking.popularity(sales_count=instance.sales_count, view_count=view_count)
        # Completion weights favour what sells; capped to the field's integer range.
        weight = min(int(popularity), 2**31 - 1)
        document = {
            "product_id": instance.pk,
            "name_en": name_en,
            "name_zh_hans": name_zh,
            "description_en": instance.description_en or instance.description,
            "description_zh_hans": instance.description_zh_hans or "",
            "brand_name": brand.name if brand else "",
            "category_names_en": names_en,
            "category_names_zh_hans": [n for n in names_zh if n],
            "attributes_en": values,
            "attributes_zh_hans": values_zh,
            "name_zh_words": analysis.chinese_text(name_zh, segmenter=segmenter),
            "category_zh_words": analysis.chinese_text(*names_zh, segmenter=segmenter),
            "attributes_zh_words": analysis.chinese_text(*values_zh, segmenter=segmenter),
            "description_zh_words": analysis.chinese_text(
                instance.description_zh_hans or "", segmenter=segmenter
            ),
            "spelling": " ".join([name_en, brand.name if brand else "", *names_en, *values]),
            "slug": instance.slug,
            "brand_slug": brand.slug if brand else None,
            "category_slug": instance.category.slug,
            "category_path": [c.slug for c in path],
            "categories": [
                {
                    "slug": c.slug,
                    "name_en": c.name_en or c.name,
                    "name_zh_hans": c.name_zh_hans or c.name_en or c.name,
                }
                for c in path
            ],
            "merchant_id": instance.merchant_id,
            "price": str(instance.price),  # a string: the scaled float parses it exactly
            "rating_avg": str(instance.rating_avg),
            "rating_count": instance.rating_count,
            "sales_count": instance.sales_count,
            "view_count": view_count,
            "popularity": popularity,
            "in_stock": instance.in_stock,
            "created_at": instance.created_at.isoformat(),
            # Untranslated names are offered to Chinese shoppers in English.
            "suggest_en": {"input": completion_inputs(name_en), "weight": weight},
            "suggest_zh_hans": {"input": completion_inputs(name_zh or name_en), "weight": weight},
            "suggest_category_en": {"input": names_en},
            "suggest_category_zh_hans": {
                "input": [zh or en for zh, en in zip(names_zh, names_en, strict=True)]
            },
            "suggest_brand": {"input": [brand.name] if brand else []},
        }
        # A completion field without inputs is left out rather than sent empty.
        return {
            key: value
            for key, value in document.items()
            if not (key.startswith("suggest_") and not value["input"])
        }


def _attribute_values(variants: Iterable[ProductVariant]) -> list[str]:
    values: list[str] = []
    for variant in variants:
        for value in (variant.attributes or {}).values():
            value = str(value).strip()
            if value and value not in values:
                values.append(value)
    return values
