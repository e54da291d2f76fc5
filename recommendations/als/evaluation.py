"""Evaluation: ranking metrics of the ALS model on a time-based holdout, next to a most-popular
baseline. No Django."""

from __future__ import annotations

import logging

import numpy as np
from scipy.sparse import csr_matrix

from .data import Params
from .neighbours import top_for_users

log = logging.getLogger(__name__)


def ranking_metrics(recommended: np.ndarray, test: csr_matrix, users: np.ndarray, k: int) -> dict:
    """precision@k, recall@k, MAP@k and NDCG@k over `users` (binary relevance: the held-out
    products), and catalog coverage (share of products recommended to anyone)."""
    n = len(users)
    recs = np.asarray(recommended, dtype=np.int64)[:, :k].reshape(n, k)
    if n == 0:
        hits = np.zeros((0, k))
        relevant = np.zeros(0)
    else:
        rows = test[users].tocsr()
        relevant = np.diff(rows.indptr).astype(np.float64)
        valid = recs >= 0
        looked_up = rows[np.repeat(np.arange(n), k), np.where(valid, recs, 0).ravel()]
        hits = (np.asarray(looked_up).reshape(n, k) > 0) & valid
        hits = hits.astype(np.float64)
    has = relevant > 0
    n_hits = hits.sum(axis=1)
    safe = np.where(has, relevant, 1.0)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discount)[np.minimum(safe, k).astype(np.int64) - 1]
    precision_at = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
    average_precision = (precision_at * hits).sum(axis=1) / np.minimum(safe, k)
    ndcg = (hits * discount).sum(axis=1) / ideal
    total = max(n, 1)
    shown = recs
    return {
        f"precision@{k}": float((n_hits / k)[has].sum() / total),
        f"recall@{k}": float((n_hits / safe)[has].sum() / total),
        f"map@{k}": float(average_precision[has].sum() / total),
        f"ndcg@{k}": float(ndcg[has].sum() / total),
        "coverage": len(np.unique(shown[shown >= 0])) / max(test.shape[1], 1),
        "users": n,
    }


def popularity_ranking(train: csr_matrix) -> np.ndarray:
    """Products by distinct shoppers in `train`, most first."""
    support = np.bincount(train.indices, minlength=train.shape[1])
    return np.argsort(-support, kind="stable")


def popular_for_users(
    train: csr_matrix, users: np.ndarray, k: int, ranking: np.ndarray | None = None,
    batch: int = 2048,
) -> np.ndarray:  # fmt: skip
    """The most-popular baseline: the top products each user has not touched in `train`."""
    ranking = popularity_ranking(train) if ranking is None else ranking
    out = np.full((len(users), k), -1, dtype=np.int64)
    counts = np.diff(train.indptr)[users]
    head = ranking[: k + int(counts.max(initial=0))]
    take = min(k, len(head))
    by_column = train[:, head].tocsr() if len(users) else None
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        seen = by_column[chunk].toarray() > 0
        # Unseen first, each in popularity order: the first k of them.
        order = np.argsort(seen, axis=1, kind="stable")[:, :take]
        picks = np.where(np.take_along_axis(seen, order, axis=1), -1, head[order])
        out[start : start + len(chunk), :take] = picks
    return out


def evaluation_users(test: csr_matrix, params: Params) -> np.ndarray:
    users = np.flatnonzero(np.diff(test.indptr))
    if len(users) > params.eval_users:
        rng = np.random.default_rng(params.random_state)
        users = np.sort(rng.choice(users, params.eval_users, replace=False))
    return users


def evaluate(model, train_weighted: csr_matrix, test: csr_matrix, params: Params) -> dict:
    """ALS and the most-popular baseline on the same users, same held-out products, same k.
    ALS ranks the products serving may show (those with `min_support` shoppers in the train
    split), as the precomputed lists do."""
    users = evaluation_users(test, params)
    k = params.k
    if len(users) == 0:
        empty = ranking_metrics(np.zeros((0, k), dtype=np.int64), test, users, k)
        return {"als": empty, "popularity": empty}
    support = np.bincount(train_weighted.indices, minlength=train_weighted.shape[1])
    candidates = np.flatnonzero(support >= params.min_support)
    ids = top_for_users(model, train_weighted, users, n=k, candidates=candidates)
    return {
        "als": ranking_metrics(ids, test, users, k),
        "popularity": ranking_metrics(popular_for_users(train_weighted, users, k), test, users, k),
    }
