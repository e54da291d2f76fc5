"""What serving reads, computed from a trained model: a shopper's top products, item neighbours,
co-purchases, content neighbours, and the compaction and diversification of those lists. No
Django."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from .data import columns_subset
from .model import ItemItem, cpu_model, single_threaded_blas

log = logging.getLogger(__name__)


def top_for_users(
    model, filter_matrix: csr_matrix, rows: np.ndarray, *, n: int, candidates: np.ndarray,
    extra: int = 32,
) -> np.ndarray:  # fmt: skip
    """Top `n` candidate columns per user row (-1 pads), the user's `filter_matrix` products
    left out.

    implicit's top-k leaves filtered products out one user at a time in Python (a sparse row
    read per user), which costs more than the scoring here. So it is asked for `n + extra`
    products without a filter, the users' products are taken out of that for all rows at once,
    and only the rows left with fewer than `n` (users who had most of their best-scored
    products already) are ranked again with implicit's own filter: the same result."""
    from implicit.cpu.topk import topk

    out = np.full((len(rows), n), -1, dtype=np.int64)
    if len(rows) == 0 or len(candidates) == 0:
        return out
    if isinstance(model, ItemItem):
        return _item_item_top(model, filter_matrix, rows, n=n, candidates=candidates, out=out)
    model = cpu_model(model)
    items = np.ascontiguousarray(np.asarray(model.item_factors)[candidates])
    users = np.ascontiguousarray(np.asarray(model.user_factors)[rows])
    filter_rows = columns_subset(filter_matrix[rows], candidates)
    n = min(n, len(candidates))
    wanted = min(n + extra, len(candidates))
    with single_threaded_blas():
        ids, _scores = topk(items, users, wanted, num_threads=model.num_threads)
    ids = ids.astype(np.int64)
    counts = np.diff(filter_rows.indptr)
    width = len(candidates)
    # Each filtered (row, column) as one sorted key; a lookup for every pick at once.
    keys = np.repeat(np.arange(len(rows), dtype=np.int64), counts) * width + filter_rows.indices
    picks = np.arange(len(rows), dtype=np.int64)[:, None] * width + ids
    seen = np.zeros(ids.shape, dtype=bool)
    if len(keys):
        position = np.minimum(np.searchsorted(keys, picks), len(keys) - 1)
        seen = keys[position] == picks
    valid = (ids >= 0) & ~seen
    ranked = compact(ids, valid)[:, :n]
    short = np.flatnonzero((valid.sum(axis=1) < n) & (width - counts > valid.sum(axis=1)))
    if len(short):
        with single_threaded_blas():
            again, scores = topk(
                items,
                users[short],
                n,
                filter_query_items=filter_rows[short],
                num_threads=model.num_threads,
            )
        ranked[short] = np.where(np.isneginf(scores) | (scores <= -3e38), -1, again)
    out[:, : ranked.shape[1]] = np.where(ranked >= 0, candidates[np.maximum(ranked, 0)], -1)
    return out


def _item_item_top(
    model: ItemItem, filter_matrix: csr_matrix, rows: np.ndarray, *, n: int,
    candidates: np.ndarray, out: np.ndarray, cells: int = 1 << 24,
) -> np.ndarray:  # fmt: skip
    """top_for_users for an item-item model: each user's row of the matrix it was fitted on
    times the candidates' similarity columns, the filtered products and those scored 0 (no
    neighbour in the user's history) left out."""
    similarity = columns_subset(model.similarity, candidates)
    take = min(n, len(candidates))
    # Dense scores for as many users at a time as keep them to `cells` (64 MB of float32).
    batch = max(1, cells // len(candidates))
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        scores = np.asarray((model.user_items[chunk] @ similarity).toarray())
        seen = columns_subset(filter_matrix[chunk], candidates)
        scores[np.repeat(np.arange(len(chunk)), np.diff(seen.indptr)), seen.indices] = 0.0
        best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        ranked = np.take_along_axis(
            best, np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable"), 1
        )
        positive = np.take_along_axis(scores, ranked, axis=1) > 0
        out[start : start + len(chunk), :take] = np.where(positive, candidates[ranked], -1)
    return out


def _item_item_neighbours(model: ItemItem, columns: np.ndarray, *, n: int) -> np.ndarray:
    """item_neighbours for an item-item model: its own similarity, strongest first."""
    out = np.full((len(columns), n), -1, dtype=np.int64)
    near = columns_subset(model.similarity[columns], columns)
    near.setdiag(0)
    near.eliminate_zeros()
    counts = np.diff(near.indptr)
    if near.nnz == 0:
        return out
    rows = np.repeat(np.arange(near.shape[0]), counts)
    order = np.lexsort((near.indices, -near.data, rows))
    rank = np.arange(len(order)) - np.repeat(near.indptr[:-1], counts)
    keep = rank < n
    out[rows[keep], rank[keep]] = columns[near.indices[order][keep]]
    return out


def item_neighbours(model, columns: np.ndarray, *, n: int) -> np.ndarray:
    """For each of `columns`, its `n` nearest among `columns` by cosine of ALS item factors
    (an item-item model: by its similarity)."""
    from implicit.cpu.topk import topk

    out = np.full((len(columns), n), -1, dtype=np.int64)
    if len(columns) < 2:
        return out
    if isinstance(model, ItemItem):
        return _item_item_neighbours(model, columns, n=n)
    factors = np.asarray(cpu_model(model).item_factors)[columns]
    norms = np.linalg.norm(factors, axis=1)
    norms[norms == 0] = 1e-10
    unit = (factors / norms[:, None]).astype(np.float32)
    with single_threaded_blas():
        ids, _ = topk(unit, unit, min(n + 1, len(columns)), num_threads=0)
    ids = np.asarray(ids, dtype=np.int64)
    keep = (ids >= 0) & (ids != np.arange(len(columns))[:, None])
    ids = compact(ids, keep)[:, :n]
    out[:, : ids.shape[1]] = np.where(ids >= 0, columns[np.maximum(ids, 0)], -1)
    return out


def co_purchases(purchases: csr_matrix, *, n: int, min_count: int = 1) -> np.ndarray:
    """For every column, the columns most often bought by the same shoppers, most first (ties:
    the better seller first); -1 pads."""
    bought = purchases.astype(np.float32)
    together = (bought.T @ bought).tocsr()
    together.setdiag(0)
    together.data[together.data < min_count] = 0
    together.eliminate_zeros()
    support = np.asarray(bought.sum(axis=0)).ravel()
    out = np.full((together.shape[0], n), -1, dtype=np.int64)
    counts = np.diff(together.indptr)
    if together.nnz == 0:
        return out
    rows = np.repeat(np.arange(together.shape[0]), counts)
    # One sort for all: by row, then count (most first), then partner's support (most first).
    order = np.lexsort((-support[together.indices], -together.data, rows))
    rank = np.arange(len(order)) - np.repeat(together.indptr[:-1], counts)
    keep = rank < n
    out[rows[keep], rank[keep]] = together.indices[order][keep]
    return out


def content_neighbours(
    product_ids: np.ndarray,
    tokens: Sequence[Sequence[str]],
    groups: np.ndarray,
    targets: np.ndarray,
    *,
    n: int,
    pool: int = 200,
) -> np.ndarray:
    """Content-based neighbours for the `targets` (positions into product_ids), one row each
    (product ids, -1 pads): the most similar products of the same group (category) by TF-IDF
    cosine over their text and attribute tokens. Candidates are the first `pool` products of
    each group (pass them best first)."""
    from implicit.nearest_neighbours import normalize, tfidf_weight

    out = np.full((len(targets), n), -1, dtype=np.int64)
    vocabulary: dict[str, int] = {}
    lengths = np.fromiter((len(words) for words in tokens), dtype=np.int64, count=len(tokens))
    cols = np.fromiter(
        (vocabulary.setdefault(word, len(vocabulary)) for words in tokens for word in words),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    if not vocabulary or len(targets) == 0:
        return out
    rows = np.repeat(np.arange(len(product_ids)), lengths)
    features = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(product_ids), len(vocabulary)),
    )
    features.data[:] = 1.0  # a word repeated in a name counts once
    unit = normalize(tfidf_weight(features)).tocsr().astype(np.float32)
    target_row = np.full(len(product_ids), -1, dtype=np.int64)
    target_row[targets] = np.arange(len(targets))
    # Groups as contiguous runs (a stable sort), each group's candidates its first `pool`.
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    bounds = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1], True])
    for start, end in itertools.pairwise(bounds):
        members = order[start:end]
        wanted = members[target_row[members] >= 0]
        candidates = members[:pool]
        if len(wanted) == 0 or len(candidates) < 2:
            continue
        scores = (unit[wanted] @ unit[candidates].T).toarray()
        # A product is never its own neighbour.
        scores[wanted[:, None] == candidates[None, :]] = -1.0
        take = min(n, len(candidates))
        best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        best_scores = np.take_along_axis(scores, best, axis=1)
        ranked = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, ranked, axis=1)
        best_scores = np.take_along_axis(best_scores, ranked, axis=1)
        ids = np.where(best_scores > 0, product_ids[candidates][best], -1)
        out[target_row[wanted], :take] = ids
    return out


def compact(ids: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows of `ids` with only the entries `keep` marks, in their order, -1 padded at the end."""
    order = np.argsort(~keep, axis=1, kind="stable")
    kept = np.take_along_axis(keep, order, axis=1)
    return np.where(kept, np.take_along_axis(ids, order, axis=1), -1)


def diversify(ids: np.ndarray, categories: np.ndarray, *, max_run: int) -> np.ndarray:
    """Every row of `ids` (-1 pads) in its order, but with no more than `max_run` products of one
    category in a row while another category is still available in the row: one pass over the
    positions for all rows at once."""
    n, width = ids.shape
    out = np.full_like(ids, -1)
    pending = ids >= 0
    run_category = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    run_length = np.zeros(n, dtype=np.int64)
    everything = np.arange(n)
    never = np.iinfo(np.int64).min + 1
    for position in range(width):
        left = pending.any(axis=1)
        if not left.any():
            break
        blocked = np.where(run_length >= max_run, run_category, never)
        allowed = pending & (categories != blocked[:, None])
        choice = np.where(allowed.any(axis=1), allowed.argmax(axis=1), pending.argmax(axis=1))
        rows = everything[left]
        choice = choice[left]
        picked_category = categories[rows, choice]
        out[rows, position] = ids[rows, choice]
        pending[rows, choice] = False
        same = picked_category == run_category[rows]
        run_length[rows] = np.where(same, run_length[rows] + 1, 1)
        run_category[rows] = picked_category
    return out
