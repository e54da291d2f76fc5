"""Events and the confidence matrix built from them: kinds, weights by kind and age, the
time-based holdout split. No Django."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

log = logging.getLogger(__name__)


# Event kinds in the order of their codes in `Events.kinds`.
KINDS = ("view", "cart", "purchase", "review", "search_click")

KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}

DAY = 86400.0

# Model families a version can be trained with (see model.fit): implicit's matrix
# factorisations, then its item-item nearest neighbours (cosine, BM25, TF-IDF similarity).
FAMILIES = ("als", "bpr", "lmf", "item_cosine", "item_bm25", "item_tfidf")
ITEM_FAMILIES = ("item_cosine", "item_bm25", "item_tfidf")


@dataclass(frozen=True)
class Params:
    """What a training run does. Every field is stored with the model version it produced."""

    # The model family (FAMILIES): implicit's ALS, BPR, logistic MF or an item-item model. The
    # tuner picks another than ALS only when it wins on the validation split.
    family: str = "als"
    factors: int = 64
    # The item-item families' neighbourhood: each product keeps its `knn` most similar.
    knn: int = 50
    iterations: int = 15
    # SGD step of BPR and logistic MF (0: implicit's default for the family); ALS has none.
    learning_rate: float = 0.0
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
    # An event's weight halves every `half_life_days` of age, the age measured from the newest
    # event in the data (not from the clock: a log that ended years ago trains as the same log
    # ending today).
    half_life_days: float = 120.0
    # No observed pair's confidence (implicit's alpha x the weighted value) falls below this:
    # implicit gives every unobserved pair confidence 1, and an observed pair weaker than that
    # would count for less than nothing. Applied to the matrix handed to implicit (see weighted).
    min_confidence: float = 1.0
    # A review rated at most this is negative feedback: the pair is no positive in the matrix,
    # never held out as relevant, and never served back to that shopper (see
    # build_interactions for which review decides).
    negative_rating: int = 2
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
    counts by its rating: at most `negative_rating` stars add nothing, 5 stars the full weight."""
    table = np.array([params.weights.get(kind, 0.0) for kind in KINDS], dtype=np.float32)
    weight = table[kinds]
    review = kinds == KIND_CODE["review"]
    if review.any():
        low = float(params.negative_rating)
        span = max(5.0 - low, 1.0)
        weight[review] *= np.clip((values[review] - low) / span, 0.0, 1.0)
    decay = np.power(0.5, np.maximum(ages_days, 0.0) / params.half_life_days)
    return (weight * decay).astype(np.float32)


@dataclass
class Interactions:
    """Events folded into one confidence per (user, product), with the model's index maps."""

    user_ids: np.ndarray  # model row -> user id
    product_ids: np.ndarray  # model column -> product id
    confidence: csr_matrix  # users x products, raw confidences (before weighting); positives only
    last_seen: csr_matrix  # users x products, latest event time (seconds since `epoch`)
    purchases: csr_matrix  # users x products, 1 where bought
    epoch: float
    # users x products, 1 where the shopper's newest review of the product is negative
    negatives: csr_matrix | None = None
    reference: float = 0.0  # the time ages are measured from: the newest event

    @property
    def shape(self) -> tuple[int, int]:
        return self.confidence.shape

    def support(self) -> np.ndarray:
        """Distinct shoppers per product."""
        return np.bincount(self.confidence.indices, minlength=self.shape[1])


def negative_pairs(
    events: Events, user_index: np.ndarray, product_index: np.ndarray, shape: tuple[int, int],
    params: Params,
) -> csr_matrix:  # fmt: skip
    """1 for each (user, product) whose newest review is rated at most `negative_rating`.

    The newest review decides, whatever else the shopper did with the product before or after
    it (views, carts, even a purchase: a product bought again after a one-star review is more
    likely a necessity or a gift than a change of mind, and the review is the one thing the
    shopper said about it). A later review above the threshold lifts it."""
    review = np.flatnonzero(events.kinds == KIND_CODE["review"])
    if not len(review):
        return csr_matrix(shape, dtype=np.float32)
    order = review[np.argsort(events.timestamps[review], kind="stable")]
    pair = user_index[order].astype(np.int64) * shape[1] + product_index[order]
    unique_pairs, last_position = np.unique(pair[::-1], return_index=True)
    newest_rating = events.values[order][::-1][last_position]
    bad = unique_pairs[newest_rating <= params.negative_rating]
    return csr_matrix(
        (np.ones(len(bad), dtype=np.float32), (bad // shape[1], bad % shape[1])), shape=shape
    )


def build_interactions(events: Events, *, now: float, params: Params) -> Interactions:
    """The confidence of each (user, product): its events' weights, each decayed by its age
    from the newest event in `events` (`now` is only the fallback for no events), negatives
    (see negative_pairs) left out."""
    users, user_index = np.unique(events.user_ids, return_inverse=True)
    products, product_index = np.unique(events.product_ids, return_inverse=True)
    shape = (len(users), len(products))
    reference = float(events.timestamps.max()) if len(events) else now
    ages = (reference - events.timestamps) / DAY
    weights = event_weights(events.kinds, events.values, ages, params)
    confidence = coo_matrix((weights, (user_index, product_index)), shape=shape).tocsr()
    confidence.sum_duplicates()
    negatives = negative_pairs(events, user_index, product_index, shape, params)
    if negatives.nnz:
        confidence = (confidence - confidence.multiply(negatives)).tocsr()
    confidence.eliminate_zeros()
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
    return Interactions(
        users, products, confidence, last_seen, purchases, epoch, negatives, reference
    )


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
    return confidence_floor(matrix, params)


def confidence_floor(matrix: csr_matrix, params: Params) -> csr_matrix:
    """Every observed (positive) value raised so that implicit's confidence for it, alpha x value,
    is at least `min_confidence` (the unobserved pairs' confidence is 1): an old or lightly
    weighted interaction still counts as a positive, never as less than nothing."""
    floor = params.min_confidence / params.alpha if params.alpha > 0 else params.min_confidence
    positive = matrix.data > 0
    matrix.data[positive] = np.maximum(matrix.data[positive], np.float32(floor))
    return matrix


def time_split(
    data: Interactions, params: Params, *, seed: int | None = None
) -> tuple[csr_matrix, csr_matrix]:
    """(train, test): each user's latest `holdout` distinct positive products go to test, for
    users who keep at least `min_train_items` positives in train. Both are users x products,
    same shape. Only positives count (a product rated negatively is not something the shopper
    wanted); products last seen at the same time (one order's lines share a second) are
    ordered at random (seeded by `seed`, by default `random_state`), not by id."""
    positive = (data.confidence > 0).astype(np.float32)
    seen = data.last_seen.multiply(positive).tocsr()
    seen.eliminate_zeros()
    seen.sort_indices()
    counts = np.diff(seen.indptr)
    rows = np.repeat(np.arange(seen.shape[0]), counts)
    # Within each user, newest first; ties in a random order.
    seed = params.random_state if seed is None else seed
    shuffle = np.random.default_rng(seed).random(len(seen.data))
    order = np.lexsort((shuffle, -seen.data, rows))
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


def validation_split(
    data: Interactions, params: Params, *, seed: int | None = None
) -> tuple[csr_matrix, csr_matrix]:
    """(train, validation) taken from what time_split leaves for training: each user's latest
    `holdout` positives go to test as in time_split and are left out here altogether; of the
    rest, the next-latest `holdout` go to validation. Settings are chosen on train ->
    validation, so the test split never takes part in choosing them. `seed` breaks the ties of
    the validation split only: the test split is always the one training is scored on."""
    train_raw, _test = time_split(data, params)
    return time_split(replace(data, confidence=train_raw), params, seed=seed)


def columns_subset(matrix: csr_matrix, columns: np.ndarray) -> csr_matrix:
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
