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

from .data import Params

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


def fit(matrix: csr_matrix, params: Params, *, model=None, iterations: int | None = None):
    """Fit a model of `params.family` on a users x products matrix; with `model`, continue from
    its factors."""
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
    """A version's factors for serving, whatever its family: every family serves through
    implicit's CPU ALS object over the stored factors (BPR's carry the item bias as one more
    factor), so a shopper's changed history is folded in by one least-squares step against the
    learnt item factors (recalculate_user) and the stored lists and neighbours read the same."""
    from implicit.cpu.als import AlternatingLeastSquares

    item_factors = np.load(directory / "item_factors.npy")
    model = AlternatingLeastSquares(
        factors=item_factors.shape[1],
        regularization=params.regularization,
        alpha=params.alpha,
        random_state=params.random_state,
    )
    model.item_factors = item_factors
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
