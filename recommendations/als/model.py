"""The ALS model through `implicit`: creating, fitting (CPU or GPU), saving and loading its factors,
and scoring one shopper's row. No Django."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits

from .data import ITEM_FAMILIES, Params, columns_subset

log = logging.getLogger(__name__)


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
    """An unfitted model of `params.family` (see FAMILIES)."""
    gpu = use_gpu() if gpu is None else gpu
    iterations = iterations or params.iterations
    if params.family == "als":
        from implicit.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=params.factors,
            regularization=params.regularization,
            alpha=params.alpha,
            iterations=iterations,
            random_state=params.random_state,
            use_gpu=gpu,
        )
    # BPR and logistic MF learn from which pairs are positive (and LMF from their values), not
    # from ALS's confidence scale: alpha does not apply to them.
    rate = {"learning_rate": params.learning_rate} if params.learning_rate > 0 else {}
    if params.family == "bpr":
        from implicit.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=params.factors,
            regularization=params.regularization,
            iterations=iterations,
            random_state=params.random_state,
            use_gpu=gpu,
            **rate,
        )
    if params.family == "lmf":
        from implicit.lmf import LogisticMatrixFactorization

        # implicit has no GPU logistic MF.
        return LogisticMatrixFactorization(
            factors=params.factors,
            regularization=params.regularization,
            iterations=iterations,
            random_state=params.random_state,
            **rate,
        )
    raise ValueError(f"unknown model family {params.family!r}")


class ItemItem:
    """An item-item model: implicit's nearest-neighbour similarity (products x products, each
    product's `knn` most similar, itself included) and the users x products matrix it was
    fitted on. A user's score for a product is their row times its similarity column (as
    implicit's NearestNeighboursScorer): nothing to solve for a changed history."""

    def __init__(self, similarity: csr_matrix, user_items: csr_matrix) -> None:
        self.similarity = csr_matrix(similarity, dtype=np.float32)
        self.user_items = csr_matrix(user_items, dtype=np.float32)

    def scores(self, rows: csr_matrix, columns: np.ndarray | None = None) -> np.ndarray:
        """Dense scores of each of `rows` (users x products) for `columns` (default: all)."""
        similarity = self.similarity
        if columns is not None:
            similarity = columns_subset(similarity, columns)
        return np.asarray((csr_matrix(rows, dtype=np.float32) @ similarity).toarray())

    def explain(self, userid: int, user_items: csr_matrix, itemid: int, N: int = 10):
        """As implicit's ALS.explain: the score of `itemid` for the row `userid` of
        `user_items`, and the `N` history products contributing most to it."""
        row = csr_matrix(user_items[userid], dtype=np.float32)
        parts = row.multiply(self.similarity[:, itemid].T).tocsr()
        order = np.argsort(-parts.data, kind="stable")[:N]
        contributions = [(int(parts.indices[i]), float(parts.data[i])) for i in order]
        return float(parts.sum()), contributions, None


def _item_item(matrix: csr_matrix, params: Params) -> ItemItem:
    from implicit.nearest_neighbours import (
        BM25Recommender,
        CosineRecommender,
        TFIDFRecommender,
    )

    if params.family == "item_bm25":
        recommender = BM25Recommender(K=params.knn, K1=params.bm25_k1, B=params.bm25_b)
    elif params.family == "item_tfidf":
        recommender = TFIDFRecommender(K=params.knn)
    else:
        recommender = CosineRecommender(K=params.knn)
    recommender.fit(matrix, show_progress=False)
    return ItemItem(recommender.similarity, matrix)


def fit(matrix: csr_matrix, params: Params, *, model=None, iterations: int | None = None):
    """Fit a model of `params.family` on a users x products matrix; with `model`, continue from
    its factors (an item-item model is computed afresh)."""
    if params.family in ITEM_FAMILIES:
        return _item_item(matrix, params)
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
    from scipy.sparse import save_npz

    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(model, ItemItem):
        save_npz(directory / "similarity.npz", model.similarity)
        save_npz(directory / "user_items.npz", model.user_items)
    else:
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
    """A version's factors for serving, whatever its family: every family serves through
    implicit's CPU ALS object over the stored factors (BPR's carry the item bias as one more
    factor), so a shopper's changed history is folded in by one least-squares step against the
    learnt item factors (recalculate_user) and the stored lists and neighbours read the same.
    An item-item version (told by its family, not by the files in the directory) serves from
    its stored similarity and matrix (ItemItem)."""
    from implicit.cpu.als import AlternatingLeastSquares

    user_ids = np.load(directory / "user_ids.npy")
    product_ids = np.load(directory / "product_ids.npy")
    maps = {
        "user_row": {int(u): i for i, u in enumerate(user_ids)},
        "product_ids": product_ids,
        "product_column": {int(p): i for i, p in enumerate(product_ids)},
    }
    if params.family in ITEM_FAMILIES:
        from scipy.sparse import load_npz

        model = ItemItem(
            load_npz(directory / "similarity.npz"), load_npz(directory / "user_items.npz")
        )
        return LoadedModel(model=model, **maps)
    item_factors = np.load(directory / "item_factors.npy")
    model = AlternatingLeastSquares(
        factors=item_factors.shape[1],
        regularization=params.regularization,
        alpha=params.alpha,
        random_state=params.random_state,
    )
    model.item_factors = item_factors
    model.user_factors = np.load(directory / "user_factors.npy", mmap_mode="r")
    model.YtY  # noqa: B018 (computed once here, not on a shopper's request)
    return LoadedModel(model=model, **maps)


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
    exclude = row if filter_row is None else filter_row
    if isinstance(model, ItemItem):
        return _top_scored(loaded, model.scores(row)[0], n=n, exclude=exclude)
    factors = model.recalculate_user(0, row)
    from implicit.cpu.topk import topk

    ids, _ = topk(
        model.item_factors,
        factors[None, :],
        min(n, len(loaded.product_ids)),
        filter_query_items=exclude,
        num_threads=1,
    )
    return [int(loaded.product_ids[i]) for i in ids[0] if i >= 0]


def _top_scored(
    loaded: LoadedModel, scores: np.ndarray, *, n: int, exclude: csr_matrix | None = None
) -> list[int]:
    """Product ids of the `n` best positive `scores` (one per model column), `exclude`'s
    columns left out."""
    scores = np.array(scores, dtype=np.float64)
    if exclude is not None and exclude.nnz:
        scores[exclude.indices] = -np.inf
    order = np.argsort(-scores, kind="stable")[:n]
    return [int(loaded.product_ids[i]) for i in order if scores[i] > 0]


def stored_user_top(loaded: LoadedModel, user_id: int, *, n: int) -> list[int]:
    """Product ids for a shopper the model learnt, from what it stored of them (their factors,
    or for an item-item model their row), nothing filtered; [] for a shopper it does not
    know."""
    row_index = loaded.user_row.get(int(user_id))
    if row_index is None:
        return []
    model = loaded.model
    if isinstance(model, ItemItem):
        return _top_scored(loaded, model.scores(model.user_items[row_index])[0], n=n)
    from implicit.cpu.topk import topk

    factors = np.asarray(model.user_factors[row_index])[None, :]
    ids, _ = topk(model.item_factors, factors, n, num_threads=1)
    return [int(loaded.product_ids[i]) for i in ids[0] if i >= 0]
