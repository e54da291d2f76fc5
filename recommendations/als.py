"""The recommender's maths: confidence matrix, ALS (through `implicit`), a time-based holdout
evaluation next to a most-popular baseline, item neighbours and co-purchases.

No Django here: the inputs are numpy arrays of events, so this module can be tested and
benchmarked alone. recommendations/services.py extracts the events and stores what comes out.
"""

from __future__ import annotations

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
    # The live model continues from the evaluated one on the whole matrix for this many more
    # iterations (the evaluated model has not seen each user's latest interactions).
    refit_iterations: int = 3
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
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    precision = recall = average_precision = ndcg = 0.0
    for position, user in enumerate(users):
        relevant = test.indices[test.indptr[user] : test.indptr[user + 1]]
        if len(relevant) == 0:
            continue
        recs = recommended[position, :k]
        hits = np.isin(recs, relevant).astype(np.float64)
        n_hits = hits.sum()
        precision += n_hits / k
        recall += n_hits / len(relevant)
        if n_hits:
            cumulative = np.cumsum(hits) / np.arange(1, k + 1)
            average_precision += (cumulative * hits).sum() / min(k, len(relevant))
            ideal = discount[: min(k, len(relevant))].sum()
            ndcg += (hits * discount).sum() / ideal
    n = max(len(users), 1)
    shown = recommended[:, :k]
    return {
        f"precision@{k}": precision / n,
        f"recall@{k}": recall / n,
        f"map@{k}": average_precision / n,
        f"ndcg@{k}": ndcg / n,
        "coverage": len(np.unique(shown[shown >= 0])) / max(test.shape[1], 1),
        "users": len(users),
    }


def popularity_ranking(train: csr_matrix) -> np.ndarray:
    """Products by distinct shoppers in `train`, most first."""
    support = np.bincount(train.indices, minlength=train.shape[1])
    return np.argsort(-support, kind="stable")


def popular_for_users(
    train: csr_matrix, users: np.ndarray, k: int, ranking: np.ndarray | None = None
) -> np.ndarray:
    """The most-popular baseline: the top products each user has not touched in `train`."""
    ranking = popularity_ranking(train) if ranking is None else ranking
    out = np.full((len(users), k), -1, dtype=np.int64)
    head = ranking[: k + int(np.diff(train.indptr).max(initial=0))]
    for position, user in enumerate(users):
        seen = train.indices[train.indptr[user] : train.indptr[user + 1]]
        picks = head[~np.isin(head, seen)][:k]
        out[position, : len(picks)] = picks
    return out


def evaluation_users(test: csr_matrix, params: Params) -> np.ndarray:
    users = np.flatnonzero(np.diff(test.indptr))
    if len(users) > params.eval_users:
        rng = np.random.default_rng(params.random_state)
        users = np.sort(rng.choice(users, params.eval_users, replace=False))
    return users


def evaluate(model, train_weighted: csr_matrix, test: csr_matrix, params: Params) -> dict:
    """ALS and the most-popular baseline on the same users, same held-out products, same k."""
    users = evaluation_users(test, params)
    k = params.k
    if len(users) == 0:
        empty = ranking_metrics(np.zeros((0, k), dtype=np.int64), test, users, k)
        return {"als": empty, "popularity": empty}
    with single_threaded_blas():
        ids, _ = model.recommend(users, train_weighted[users], N=k)
    ids = np.asarray(ids)
    return {
        "als": ranking_metrics(ids, test, users, k),
        "popularity": ranking_metrics(popular_for_users(train_weighted, users, k), test, users, k),
    }


# --- What serving reads -------------------------------------------------------------------------
def top_for_users(
    model, matrix: csr_matrix, filter_matrix: csr_matrix, rows: np.ndarray, *, n: int,
    candidates: np.ndarray, batch: int = 4096,
) -> np.ndarray:  # fmt: skip
    """Top `n` candidate columns per user row (-1 pads), the user's `filter_matrix` products
    left out."""
    out = np.full((len(rows), n), -1, dtype=np.int64)
    if len(rows) == 0 or len(candidates) == 0:
        return out
    with single_threaded_blas():
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            ids, _ = model.recommend(
                chunk, filter_matrix[chunk], N=min(n, len(candidates)), items=candidates
            )
            out[start : start + len(chunk), : ids.shape[1]] = ids
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
    for position in range(len(columns)):
        row = ids[position]
        row = row[(row >= 0) & (row != position)][:n]
        out[position, : len(row)] = columns[row]
    return out


def co_purchases(purchases: csr_matrix, *, n: int, min_count: int = 1) -> dict[int, list[int]]:
    """Column -> columns most often bought by the same shoppers, most first."""
    bought = purchases.astype(np.float32)
    together = (bought.T @ bought).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    support = np.asarray(bought.sum(axis=0)).ravel()
    result: dict[int, list[int]] = {}
    for column in range(together.shape[0]):
        start, end = together.indptr[column], together.indptr[column + 1]
        if start == end:
            continue
        partners = together.indices[start:end]
        counts = together.data[start:end]
        keep = counts >= min_count
        partners, counts = partners[keep], counts[keep]
        if len(partners) == 0:
            continue
        order = np.lexsort((-support[partners], -counts))[:n]
        result[column] = partners[order].tolist()
    return result


def content_neighbours(
    product_ids: np.ndarray,
    tokens: Sequence[Sequence[str]],
    groups: np.ndarray,
    targets: np.ndarray,
    *,
    n: int,
    pool: int = 200,
) -> dict[int, list[int]]:
    """Content-based neighbours for the `targets` (positions into product_ids): the most similar
    products of the same group (category) by TF-IDF cosine over their text and attribute tokens.
    Candidates are the first `pool` products of each group (pass them best first)."""
    from implicit.nearest_neighbours import normalize, tfidf_weight

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for position, words in enumerate(tokens):
        for word in set(words):
            rows.append(position)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    if not vocabulary:
        return {}
    features = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(product_ids), len(vocabulary)),
    )
    unit = normalize(tfidf_weight(features)).tocsr()
    result: dict[int, list[int]] = {}
    target_set = np.zeros(len(product_ids), dtype=bool)
    target_set[targets] = True
    for group in np.unique(groups[targets]):
        members = np.flatnonzero(groups == group)
        wanted = members[target_set[members]]
        candidates = members[:pool]
        if len(candidates) < 2:
            continue
        scores = (unit[wanted] @ unit[candidates].T).toarray()
        # A product is never its own neighbour.
        scores[wanted[:, None] == candidates[None, :]] = -1.0
        take = min(n, len(candidates))
        best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        best_scores = np.take_along_axis(scores, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        neighbour_ids = product_ids[candidates][best]
        for member, ids, row_scores in zip(
            product_ids[wanted].tolist(),
            neighbour_ids.tolist(),
            (best_scores > 0).tolist(),
            strict=True,
        ):
            result[member] = [i for i, keep in zip(ids, row_scores, strict=True) if keep]
    return result


# --- One training run ---------------------------------------------------------------------------
@dataclass
class Trained:
    params: Params
    data: Interactions
    model: object
    metrics: dict
    stages: dict[str, float]
    user_top: dict[int, list[int]]  # user id -> product ids
    neighbours: dict[int, list[int]]  # product id -> product ids (ALS)
    also_bought: dict[int, list[int]]  # product id -> product ids
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


def train(
    events: Events,
    *,
    now: float,
    params: Params,
    exclude_purchased: bool = True,
    stopwatch: Stopwatch | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Trained:
    """Build the matrix, fit on the train split, evaluate against the baseline, continue the fit
    on the whole matrix, then compute what serving reads."""
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
    fit_started = time.perf_counter()
    with stage("fit"):
        model = fit(train_matrix, params)
    with stage("evaluate"):
        metrics = evaluate(model, train_matrix, test, params)
    with stage("fit"):
        model = fit(matrix, params, model=model, iterations=params.refit_iterations)
    fit_seconds = time.perf_counter() - fit_started - watch.stages["evaluate"]

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
        tops = top_for_users(
            model, matrix, filter_matrix, rows, n=params.top_n, candidates=candidates
        )
        user_top = {
            int(data.user_ids[row]): [int(data.product_ids[c]) for c in top if c >= 0]
            for row, top in zip(rows, tops, strict=True)
        }
    with stage("neighbours"):
        near = item_neighbours(model, candidates, n=params.neighbours)
        neighbours = {
            int(data.product_ids[column]): [int(data.product_ids[c]) for c in row if c >= 0]
            for column, row in zip(candidates, near, strict=True)
        }
        bought = co_purchases(data.purchases, n=params.neighbours)
        also_bought = {
            int(data.product_ids[c]): [int(data.product_ids[x]) for x in partners]
            for c, partners in bought.items()
        }
    return Trained(
        params=params,
        data=data,
        model=model,
        metrics=metrics,
        stages=watch.stages,
        user_top=user_top,
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
