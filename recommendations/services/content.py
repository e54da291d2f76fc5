"""What content-based neighbours are computed from: every active product's category, stock and
words (name, brand, price band, attribute values)."""

from __future__ import annotations

import itertools
import logging
import re

import numpy as np
from django.db import connection

from catalog.models import Product, ProductVariant

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)


def content_inputs():
    """Active products (best sellers first within each category): ids, categories, whether in
    stock, and their words: the name, the brand, the price band within the category and the
    variants' attribute values. Two plain queries (no model instances for 100,000 products)."""
    table = Product._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # Floats and lower-case names from the database: no Decimal or str.lower() per row;
            # sorted here rather than there (a sort of every product spills to disk there).
            "SELECT id, category_id, brand_id, CAST(price AS REAL), in_stock, sales_count, "
            f"lower(name_en) FROM {table} WHERE is_active"
        )
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool), []
    ids, groups, brands, prices, stocked, sales, names = zip(*rows, strict=True)
    ids = np.array(ids, dtype=np.int64)
    groups = np.array(groups, dtype=np.int64)
    # Best sellers first within each category (newest first among equals).
    order = np.lexsort((-ids, -np.array(sales, dtype=np.int64), groups))
    ids, groups = ids[order], groups[order]
    prices = np.array(prices, dtype=np.float64)[order]
    stocked = np.array(stocked, dtype=bool)[order]
    pick = order.tolist()
    brands = [brands[i] for i in pick]
    names = [names[i] for i in pick]
    # Price band: the product's third of its category's prices (rows come grouped by category).
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    bands = np.empty(len(ids), dtype=object)
    for start, end in itertools.pairwise(bounds):
        low, high = np.quantile(prices[start:end], [1 / 3, 2 / 3])
        chunk = prices[start:end]
        bands[start:end] = np.where(
            chunk <= low, "band:budget", np.where(chunk >= high, "band:premium", "band:mid")
        )
    find_words = _WORD.findall
    attributes = _attribute_tokens()
    tokens = [
        [*(find_words(name) if name else ()), f"brand:{brand}", band, *attributes.get(pk, ())]
        for pk, name, brand, band in zip(ids.tolist(), names, brands, bands.tolist(), strict=True)
    ]
    return ids, groups, stocked, tokens


def _attribute_tokens() -> dict[int, set[str]]:
    """Each product's attribute values over its active variants, as "option:value" words
    ("colour:red", "material:wool"): products alike in their options are alike in content.
    Joined per product by the database (decoding 280,000 variants' JSON here took seconds)."""
    table = ProductVariant._meta.db_table
    if connection.vendor == "postgresql":
        pairs, joined = "jsonb_each_text(v.attributes) a(key, value)", "string_agg({}, chr(31))"
    else:
        pairs, joined = "json_each(v.attributes) a", "group_concat({}, char(31))"
    word = joined.format("a.key || ':' || lower(a.value)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.product_id, {word} FROM {table} v, {pairs} WHERE v.is_active "
            "GROUP BY v.product_id"
        )
        return {product_id: set(words.split("\x1f")) for product_id, words in cursor.fetchall()}
