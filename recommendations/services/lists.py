"""The precomputed lists a training run stores for serving (a shopper's top products, a product's
similar and also-bought ones): built with array operations, written to their tables in bulk."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection

from .. import als
from ..models import (
    ProductNeighbours,
    UserRecommendation,
)

log = logging.getLogger(__name__)


def _csv(ids: np.ndarray) -> list[str]:
    """Each row's ids (-1 pads at the end) as "1,2,3": every id converted to text once, the rows
    assembled by numpy (a table lookup, then each row's cells read as one string)."""
    n, width = ids.shape
    if n == 0 or width == 0:
        return [""] * n
    top = max(int(ids.max()), 0)
    # Index -1 (a pad) picks the last entry: nothing.
    cell = len(str(top)) + 1
    table = np.array([f"{i}," for i in range(top + 1)] + [""], dtype=f"U{cell}")
    cells = np.ascontiguousarray(table[ids])
    rows = cells.view(f"U{cell * width}").ravel().tolist()
    return [row.replace("\x00", "").rstrip(",") for row in rows]


@dataclass
class ServingLists:
    """The precomputed lists, each as comma-separated ids (what both the tables and the cache
    store, written without a list object per row)."""

    user_ids: list[int]
    user_top: list[str]
    products: list[int]
    similar: list[str]
    also_bought: list[str]
    sources: list[str]


def _lookup(table: np.ndarray, ids: np.ndarray, missing) -> np.ndarray:
    return np.where(ids >= 0, table[np.maximum(ids, 0)], missing)


def serving_lists(
    *,
    trained: als.Trained,
    content_products: np.ndarray,
    content: np.ndarray,
    product_ids: np.ndarray,
    categories: np.ndarray,
    available: np.ndarray,
    max_run: int,
) -> ServingLists:
    """What the slots show, final but for what changes before the next training: only products
    active (`product_ids`, with their `categories`) and in stock (`available`) now, a product's
    similar items not repeating what its buyers also bought, runs of one category broken up.
    Serving then only drops what went out of stock since and what the shopper bought. All rows
    at once, with array operations."""
    data = trained.data
    size = 1 + int(max(
        product_ids.max(initial=0), data.product_ids.max(initial=0),
        content_products.max(initial=0), available.max(initial=0),
    ))  # fmt: skip
    category = np.full(size, -1, dtype=np.int64)
    category[product_ids] = categories
    in_stock = np.zeros(size, dtype=bool)
    in_stock[available] = True
    # A shopper's list is diversified as it is served (it is cut by what they buy meanwhile).
    top = trained.user_top
    user_top = als.compact(top, _lookup(in_stock, top, False))

    products = np.concatenate([trained.neighbour_products, content_products])
    similar = np.vstack([trained.neighbours, content]) if len(content) else trained.neighbours
    sources = ["als"] * len(trained.neighbour_products) + ["content"] * len(content_products)
    active = category[products] >= 0  # an inactive product's page is gone
    products, similar = products[active], similar[active]
    sources = [source for source, keep in zip(sources, active.tolist(), strict=True) if keep]
    column = np.full(size, -1, dtype=np.int64)
    column[data.product_ids] = np.arange(len(data.product_ids))
    columns = column[products]
    also = np.where((columns >= 0)[:, None], trained.also_bought[np.maximum(columns, 0)], -1)
    also = als.compact(also, _lookup(in_stock, also, False) & (also != products[:, None]))
    shown_also = also[:, :6]
    repeated = (similar[:, :, None] == shown_also[:, None, :]).any(axis=2)
    keep = _lookup(in_stock, similar, False) & (similar != products[:, None]) & ~repeated
    similar = als.compact(similar, keep)
    similar = als.diversify(similar, _lookup(category, similar, -1), max_run=max_run)
    return ServingLists(
        user_ids=trained.user_rows.tolist(),
        user_top=_csv(user_top),
        products=products.tolist(),
        similar=_csv(similar),
        also_bought=_csv(also),
        sources=sources,
    )


def _copy_lines(model, columns: list[str], lines: Iterable[str]) -> None:
    """Rows already as COPY text lines (PostgreSQL)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN", buffer)


def _ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",")] if text else []


def lists_write(*, version_id: int, lists: ServingLists) -> None:
    """The precomputed lists into their tables: one COPY each on PostgreSQL."""
    if connection.vendor == "postgresql":
        _copy_lines(
            UserRecommendation,
            ["version_id", "user_id", "product_ids"],
            (f"{version_id}\t{u}\t[{top}]\n" for u, top in zip(
                lists.user_ids, lists.user_top, strict=True
            )),
        )  # fmt: skip
        _copy_lines(
            ProductNeighbours,
            ["version_id", "product_id", "similar", "also_bought", "source"],
            (f"{version_id}\t{p}\t[{similar}]\t[{also}]\t{source}\n" for p, similar, also, source
             in zip(lists.products, lists.similar, lists.also_bought, lists.sources, strict=True)),
        )  # fmt: skip
        return
    UserRecommendation.objects.bulk_create(
        [
            UserRecommendation(version_id=version_id, user_id=u, product_ids=_ids(top))
            for u, top in zip(lists.user_ids, lists.user_top, strict=True)
        ],
        batch_size=2000,
    )
    ProductNeighbours.objects.bulk_create(
        [
            ProductNeighbours(
                version_id=version_id, product_id=p, similar=_ids(similar),
                also_bought=_ids(also), source=source,
            )
            for p, similar, also, source in zip(
                lists.products, lists.similar, lists.also_bought, lists.sources, strict=True
            )
        ],
        batch_size=2000,
    )  # fmt: skip
