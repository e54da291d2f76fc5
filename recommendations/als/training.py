"""One training run of the maths (matrix, fit, evaluation, lists) and the guard that decides
whether its version may go live. No Django."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import csr_matrix

from .data import DAY, Events, Interactions, Params, build_interactions, time_split, weighted
from .evaluation import evaluate
from .model import fit, single_threaded_blas, use_gpu
from .neighbours import co_purchases, item_neighbours, top_for_users

log = logging.getLogger(__name__)


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
        if params.family != "als":
            # BPR's and logistic MF's users cannot be solved for in one step: the served model
            # is fitted afresh on the whole matrix, with the evaluated settings and seed.
            model = fit(matrix, params)
        elif params.refit_iterations or use_gpu():
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
        # Active: an interaction in the last `active_days` before the newest one in the data
        # (not the clock: a log that ended years ago gets the same lists as one ending today).
        active_since = (data.reference - params.active_days * DAY) - data.epoch
        rows = np.flatnonzero(newest >= active_since)
        seen = (data.confidence > 0).astype(np.float32)
        filter_matrix = seen if exclude_purchased else (seen - data.purchases.multiply(seen))
        if data.negatives is not None and data.negatives.nnz:
            # What a shopper rated negatively is never served back to them.
            filter_matrix = (filter_matrix + data.negatives) > 0
        filter_matrix = csr_matrix(filter_matrix, dtype=np.float32)
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


def holdout_spread(
    events: Events, *, now: float, params: Params, seeds: Sequence[int]
) -> list[dict]:
    """The evaluation of `params` over several holdouts: for each seed, the time-based split
    with ties (products last seen in the same second) broken by that seed, the model fitted on
    its train split from starting factors drawn with that seed, and scored next to the
    most-popular baseline on the same held-out products (evaluate's metrics, one dict per
    seed). Shoppers who rate many products in one second make the split, and so both scores,
    depend on the seed, as the model does on its starting factors; the mean over seeds does
    not."""
    data = build_interactions(events, now=now, params=params)
    out = []
    for seed in seeds:
        seeded = replace(params, random_state=seed)
        train_raw, test = time_split(data, seeded)
        train_matrix = weighted(train_raw, seeded)
        out.append(evaluate(fit(train_matrix, seeded), train_matrix, test, seeded))
    return out


def spread_summary(runs: Sequence[dict], k: int = 10) -> dict:
    """Mean and standard deviation over holdout_spread's runs: the model's NDCG@k, the
    baseline's, and their ratio (taken per seed, then averaged)."""
    key = f"ndcg@{k}"
    model = np.array([run["als"][key] for run in runs])
    baseline = np.array([run["popularity"][key] for run in runs])
    ratio = model / np.where(baseline > 0, baseline, np.nan)
    return {
        "seeds": len(runs),
        "model": float(model.mean()),
        "model_std": float(model.std()),
        "popularity": float(baseline.mean()),
        "popularity_std": float(baseline.std()),
        "ratio": float(np.nanmean(ratio)),
        "ratio_std": float(np.nanstd(ratio)),
        "ratio_min": float(np.nanmin(ratio)),
        "ratio_max": float(np.nanmax(ratio)),
    }
