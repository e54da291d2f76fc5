"""The recommender's maths: confidence matrix, ALS (through `implicit`), a time-based holdout
evaluation next to a most-popular baseline, item neighbours and co-purchases.

No Django here: the inputs are numpy arrays of events, so this module can be tested and
benchmarked alone. recommendations/services.py extracts the events and stores what comes out.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

# Event kinds in the order of their codes in `Events.kinds`.
KINDS = ("view", "cart", "purchase", "review", "search_click")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
DAY = 86400.0


@dataclass(frozen=True)
class Params:
    """What a training run does. Every field is stored with the model version it produced."""

    factors: int = 64
    iterations: int = 15
    # The evaluated model serves. It has not seen each user's latest interactions: with 0, every
    # user's factors are recomputed from the whole matrix in one least-squares pass over the
    # evaluated item factors (implicit's recalculate_user, half an iteration's work); with more,
    # the fit continues on the whole matrix for that many iterations (items learn the held-out
    # interactions too, at about a fifth of a fit's time for 3).
    refit_iterations: int = 0
    regularization: float = 0.05
    alpha: float = 2.0
    weighting: str = "bm25"  # "bm25", "tfidf" or "none"
    bm25_k1: float = 100.0
    bm25_b: float = 0.8
    half_life_days: float = 120.0
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "view": 1.0,
            "cart": 3.0,
            "purchase": 6.0,
            "review": 4.0,
            "search_click": 1.5,
        }
    )
    # The latest `holdout` distinct products of each user with enough history are held out.
    holdout: int = 2
    min_train_items: int = 3
    eval_users: int = 10_000
    k: int = 10
    top_n: int = 24
    neighbours: int = 12
    # Products need this many distinct shoppers to be recommended or to get ALS neighbours;
    # the rest get content neighbours (see content_neighbours).
    min_support: int = 3
    # Users with an interaction in the last `active_days` get a precomputed list.
    active_days: float = 60.0
    random_state: int = 42

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Events:
    """Interactions of signed-in shoppers: one entry per event."""

    user_ids: np.ndarray  # int64, database ids
    product_ids: np.ndarray  # int64, database ids
    kinds: np.ndarray  # int8 codes of KINDS
    values: np.ndarray  # rating for reviews, quantity for purchases, 1 otherwise
    timestamps: np.ndarray  # float64 seconds since the epoch

    def __len__(self) -> int:
        return len(self.user_ids)

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> Events:
        """From an (n, 5) integer array: user id, product id, kind code, value, epoch seconds."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
        return cls(
            rows[:, 0].copy(),
            rows[:, 1].copy(),
            rows[:, 2].astype(np.int8),
            rows[:, 3].copy(),
            rows[:, 4].astype(np.float64),
        )


def event_weights(
    kinds: np.ndarray, values: np.ndarray, ages_days: np.ndarray, params: Params
) -> np.ndarray:
    """Confidence of each event: its kind's weight, halved every `half_life_days`. A review
    counts by its rating: 1-2 stars add nothing, 5 stars the full weight."""
    table = np.array([params.weights.get(kind, 0.0) for kind in KINDS], dtype=np.float32)
    weight = table[kinds]
    review = kinds == KIND_CODE["review"]
    if review.any():
        weight[review] *= np.clip((values[review] - 2) / 3.0, 0.0, 1.0)
    decay = np.power(0.5, np.maximum(ages_days, 0.0) / params.half_life_days)
    return (weight * decay).astype(np.float32)


@dataclass
class Interactions:
    """Events folded into one confidence per (user, product), with the model's index maps."""

    user_ids: np.ndarray  # model row -> user id
    product_ids: np.ndarray  # model column -> product id
    confidence: csr_matrix  # users x products, raw confidences (before weighting)
    last_seen: csr_matrix  # users x products, latest event time (seconds since `epoch`)
    purchases: csr_matrix  # users x products, 1 where bought
    epoch: float

    @property
    def shape(self) -> tuple[int, int]:
        return self.confidence.shape

    def support(self) -> np.ndarray:
        """Distinct shoppers per product."""
        return np.bincount(self.confidence.indices, minlength=self.shape[1])


def build_interactions(events: Events, *, now: float, params: Params) -> Interactions:
    users, user_index = np.unique(events.user_ids, return_inverse=True)
    products, product_index = np.unique(events.product_ids, return_inverse=True)
    shape = (len(users), len(products))
    ages = (now - events.timestamps) / DAY
    weights = event_weights(events.kinds, events.values, ages, params)
    confidence = coo_matrix((weights, (user_index, product_index)), shape=shape).tocsr()
    confidence.sum_duplicates()
    # Latest time per pair: sort by time so that the last duplicate written wins.
    epoch = float(events.timestamps.min()) if len(events) else now
    order = np.argsort(events.timestamps, kind="stable")
    pair = user_index[order].astype(np.int64) * shape[1] + product_index[order]
    unique_pairs, last_position = np.unique(pair[::-1], return_index=True)
    last_time = (events.timestamps[order][::-1][last_position] - epoch + 1.0).astype(np.float64)
    last_seen = csr_matrix(
        (last_time, (unique_pairs // shape[1], unique_pairs % shape[1])), shape=shape
    )
    bought = events.kinds == KIND_CODE["purchase"]
    purchases = coo_matrix(
        (np.ones(bought.sum(), dtype=np.float32), (user_index[bought], product_index[bought])),
        shape=shape,
    ).tocsr()
    purchases.sum_duplicates()
    purchases.data[:] = 1.0
    return Interactions(users, products, confidence, last_seen, purchases, epoch)


def weighted(confidence: csr_matrix, params: Params) -> csr_matrix:
    """BM25 or TF-IDF weighting as implicit offers, over products as documents (a product
    everyone touches says little about anyone's taste)."""
    from implicit.nearest_neighbours import bm25_weight, tfidf_weight

    item_users = confidence.T.tocsr()
    if params.weighting == "bm25":
        item_users = bm25_weight(item_users, K1=params.bm25_k1, B=params.bm25_b)
    elif params.weighting == "tfidf":
        item_users = tfidf_weight(item_users)
    elif params.weighting != "none":
        raise ValueError(f"unknown weighting {params.weighting!r}")
    matrix = item_users.T.tocsr().astype(np.float32)
    matrix.eliminate_zeros()
    return matrix


def time_split(data: Interactions, params: Params) -> tuple[csr_matrix, csr_matrix]:
    """(train, test): each user's latest `holdout` distinct products go to test, for users who
    keep at least `min_train_items` in train. Both are users x products, same shape."""
    seen = data.last_seen.tocsr()
    seen.sort_indices()
    counts = np.diff(seen.indptr)
    rows = np.repeat(np.arange(seen.shape[0]), counts)
    # Within each user, newest first.
    order = np.lexsort((-seen.data, rows))
    starts = np.repeat(seen.indptr[:-1], counts)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order)) - starts
    eligible = counts[rows] >= params.holdout + params.min_train_items
    held = eligible & (position < params.holdout)
    cols = seen.indices
    test = csr_matrix(
        (np.ones(held.sum(), dtype=np.float32), (rows[held], cols[held])), shape=seen.shape
    )
    keep = csr_matrix(
        (np.ones((~held).sum(), dtype=np.float32), (rows[~held], cols[~held])), shape=seen.shape
    )
    train = data.confidence.multiply(keep).tocsr()
    train.eliminate_zeros()
    return train, test


# --- Model --------------------------------------------------------------------------------------
def use_gpu() -> bool:
    import implicit.gpu

    return bool(implicit.gpu.HAS_CUDA)


@contextmanager
def single_threaded_blas():
    """implicit runs its own threads; a multi-threaded BLAS underneath only fights them (implicit
    warns about OpenBLAS threads for this reason)."""
    with threadpool_limits(1, "blas"):
        yield


def new_model(params: Params, *, iterations: int | None = None, gpu: bool | None = None):
    from implicit.als import AlternatingLeastSquares

    return AlternatingLeastSquares(
        factors=params.factors,
        regularization=params.regularization,
        alpha=params.alpha,
        iterations=iterations or params.iterations,
        random_state=params.random_state,
        use_gpu=use_gpu() if gpu is None else gpu,
    )


def fit(matrix: csr_matrix, params: Params, *, model=None, iterations: int | None = None):
    """Fit ALS on a users x products matrix; with `model`, continue from its factors."""
    if model is None:
        model = new_model(params, iterations=iterations)
    elif iterations:
        model.iterations = iterations
    with single_threaded_blas():
        model.fit(matrix, show_progress=False)
    return model


def cpu_model(model):
    return model.to_cpu() if hasattr(model, "to_cpu") and use_gpu() else model


def save_model(model, directory: Path, *, user_ids: np.ndarray, product_ids: np.ndarray) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    model = cpu_model(model)
    np.save(directory / "item_factors.npy", model.item_factors)
    np.save(directory / "user_factors.npy", model.user_factors)
    np.save(directory / "user_ids.npy", user_ids)
    np.save(directory / "product_ids.npy", product_ids)


@dataclass
class LoadedModel:
    """A trained model read back for serving: implicit's CPU model plus the id maps."""

    model: object
    user_row: dict[int, int]
    product_ids: np.ndarray
    product_column: dict[int, int]


def load_model(directory: Path, params: Params) -> LoadedModel:
    from implicit.cpu.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=params.factors,
        regularization=params.regularization,
        alpha=params.alpha,
        random_state=params.random_state,
    )
    model.item_factors = np.load(directory / "item_factors.npy")
    model.user_factors = np.load(directory / "user_factors.npy", mmap_mode="r")
    user_ids = np.load(directory / "user_ids.npy")
    product_ids = np.load(directory / "product_ids.npy")
    model.YtY  # noqa: B018 (computed once here, not on a shopper's request)
    return LoadedModel(
        model=model,
        user_row={int(u): i for i, u in enumerate(user_ids)},
        product_ids=product_ids,
        product_column={int(p): i for i, p in enumerate(product_ids)},
    )


def user_row(
    loaded: LoadedModel, product_ids: Sequence[int], confidences: Sequence[float]
) -> csr_matrix:
    """One user's (or one cart's) history as a 1 x products row of the model's columns; products
    the model does not know are left out."""
    columns, values = [], []
    for product_id, value in zip(product_ids, confidences, strict=True):
        column = loaded.product_column.get(int(product_id))
        if column is not None and value > 0:
            columns.append(column)
            values.append(value)
    row = csr_matrix(
        (np.asarray(values, dtype=np.float32), ([0] * len(columns), columns)),
        shape=(1, len(loaded.product_ids)),
    )
    row.sum_duplicates()
    return row


def recommend_for_row(
    loaded: LoadedModel, row: csr_matrix, *, n: int, filter_row: csr_matrix | None = None
) -> list[int]:
    """Product ids for a history row, the user's factors recomputed from it (implicit's
    recalculate_user): for shoppers whose history changed since training, and for carts."""
    if row.nnz == 0:
        return []
    model = loaded.model
    factors = model.recalculate_user(0, row)
    from implicit.cpu.topk import topk

    exclude = row if filter_row is None else filter_row
    ids, _ = topk(
        model.item_factors,
        factors[None, :],
        min(n, len(loaded.product_ids)),
        filter_query_items=exclude,
        num_threads=1,
    )
    return [int(loaded.product_ids[i]) for i in ids[0] if i >= 0]


# --- Evaluation ---------------------------------------------------------------------------------
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


def _columns_subset(matrix: csr_matrix, columns: np.ndarray) -> csr_matrix:
    """`matrix[:, columns]` for sorted unique `columns`, through a lookup array (scipy's column
    indexing is far slower on a wide matrix)."""
    position = np.full(matrix.shape[1], -1, dtype=np.int64)
    position[columns] = np.arange(len(columns))
    mapped = position[matrix.indices]
    keep = mapped >= 0
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))[keep]
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=matrix.shape[0]), out=indptr[1:])
    return csr_matrix(
        (matrix.data[keep], mapped[keep].astype(np.int32), indptr),
        shape=(matrix.shape[0], len(columns)),
    )


# --- What serving reads -------------------------------------------------------------------------
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
    model = cpu_model(model)
    items = np.ascontiguousarray(np.asarray(model.item_factors)[candidates])
    users = np.ascontiguousarray(np.asarray(model.user_factors)[rows])
    filter_rows = _columns_subset(filter_matrix[rows], candidates)
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


def item_neighbours(model, columns: np.ndarray, *, n: int) -> np.ndarray:
    """For each of `columns`, its `n` nearest among `columns` by cosine of ALS item factors."""
    from implicit.cpu.topk import topk

    out = np.full((len(columns), n), -1, dtype=np.int64)
    if len(columns) < 2:
        return out
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


# --- One training run ---------------------------------------------------------------------------
@dataclass
class Trained:
    params: Params
    data: Interactions
    model: object
    metrics: dict
    stages: dict[str, float]
    user_rows: np.ndarray  # user ids with a precomputed list
    user_top: np.ndarray  # one row of product ids each (-1 pads)
    neighbour_products: np.ndarray  # product ids with ALS neighbours
    neighbours: np.ndarray  # one row of product ids each (-1 pads)
    also_bought: np.ndarray  # per model column: product ids bought with it (-1 pads)
    fit_seconds: float = 0.0


class Stopwatch:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started


def fold_in(model, matrix: csr_matrix):
    """Every user's factors brought up to date with `matrix` against the model's item factors:
    one user half-step of implicit's own conjugate-gradient solver, warm-started from the
    current factors (the items do not move)."""
    from implicit.utils import check_csr

    user_items = check_csr(matrix).astype(np.float32)
    if model.alpha != 1.0:
        user_items = model.alpha * user_items
    with single_threaded_blas():
        model.solver(
            user_items,
            model.user_factors,
            model.item_factors,
            model.regularization,
            num_threads=model.num_threads,
        )
    model._user_norms = None  # implicit's caches of the user factors
    model._XtX = None
    return model


def _ids(product_ids: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Model columns to product ids, keeping the -1 pads."""
    return np.where(columns >= 0, product_ids[np.maximum(columns, 0)], -1)


def train(
    events: Events,
    *,
    now: float,
    params: Params,
    exclude_purchased: bool = True,
    stopwatch: Stopwatch | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Trained:
    """Build the matrix, fit on the train split, evaluate against the baseline, bring the
    evaluated model up to date with the whole matrix (see Params.refit_iterations), then compute
    what serving reads."""
    watch = stopwatch or Stopwatch()

    def stage(name: str):
        if on_stage:
            on_stage(name)
        return watch.stage(name)

    with stage("matrix"):
        data = build_interactions(events, now=now, params=params)
        matrix = weighted(data.confidence, params)
        train_raw, test = time_split(data, params)
        train_matrix = weighted(train_raw, params)
    with stage("fit"):
        model = fit(train_matrix, params)
    with stage("evaluate"):
        metrics = evaluate(model, train_matrix, test, params)
    with stage("fit"):
        if params.refit_iterations or use_gpu():
            model = fit(matrix, params, model=model, iterations=max(params.refit_iterations, 1))
        else:
            model = fold_in(model, matrix)
    fit_seconds = watch.stages["fit"]

    with stage("recommend"):
        support = data.support()
        candidates = np.flatnonzero(support >= params.min_support)
        last_seen = data.last_seen
        newest = np.zeros(data.shape[0])
        nonempty = np.diff(last_seen.indptr) > 0
        newest[nonempty] = np.maximum.reduceat(last_seen.data, last_seen.indptr[:-1][nonempty])
        active_since = (now - params.active_days * DAY) - data.epoch
        rows = np.flatnonzero(newest >= active_since)
        seen = (data.confidence > 0).astype(np.float32)
        filter_matrix = seen if exclude_purchased else (seen - data.purchases.multiply(seen))
        filter_matrix = csr_matrix(filter_matrix)
        filter_matrix.eliminate_zeros()
        tops = top_for_users(model, filter_matrix, rows, n=params.top_n, candidates=candidates)
        user_top = _ids(data.product_ids, tops)
    with stage("neighbours"):
        near = item_neighbours(model, candidates, n=params.neighbours)
        neighbours = _ids(data.product_ids, near)
        also_bought = _ids(data.product_ids, co_purchases(data.purchases, n=params.neighbours))
    return Trained(
        params=params,
        data=data,
        model=model,
        metrics=metrics,
        stages=watch.stages,
        user_rows=data.user_ids[rows],
        user_top=user_top,
        neighbour_products=data.product_ids[candidates],
        neighbours=neighbours,
        also_bought=also_bought,
        fit_seconds=fit_seconds,
    )


def passes_guard(
    metrics: dict, live_metrics: dict | None, *, min_lift: float, tolerance: float, k: int = 10
) -> tuple[bool, str]:
    """Whether a new model may go live: its NDCG@k must beat the most-popular baseline's by
    `min_lift` (0.05 = 5%) and be no worse than the live model's by more than `tolerance`."""
    key = f"ndcg@{k}"
    ndcg = metrics["als"][key]
    baseline = metrics["popularity"][key]
    if metrics["als"]["users"] == 0:
        return False, "no shoppers with enough history to evaluate"
    if ndcg <= baseline * (1 + min_lift):
        return False, f"NDCG@{k} {ndcg:.4f} does not beat the popularity baseline {baseline:.4f}"
    if live_metrics:
        live = live_metrics.get("als", {}).get(key)
        if live is not None and ndcg < live * (1 - tolerance):
            return False, f"NDCG@{k} {ndcg:.4f} is clearly worse than the live model's {live:.4f}"
    return True, f"NDCG@{k} {ndcg:.4f} vs popularity {baseline:.4f}"
