"""Choosing the model's settings on a validation split: a seeded search over the family,
factors, regularisation, alpha (ALS), learning rate (BPR, logistic MF), iterations, weighting
(BM25 with its K1 and B, TF-IDF, none) and the half-life of an interaction. No Django.

The split (data.validation_split): each user's latest positives are the test split, the
next-latest the validation split, the rest train. Every trial is fitted on train and scored on
validation; the test split is used once, after the search, to score the chosen settings (fitted
on train + validation, as the nightly run fits them). Nothing is ever chosen on the test split.

Coarse to fine: half the trials are drawn from each family's grid, the other half walk from the
best so far to its neighbours on the grid (one setting one step up or down), moving on whenever
a neighbour wins. Each trial is scored on `validation_seeds` validation holdouts (the ties
between products seen in the same second broken, and the model started, with another seed
each) and the mean decides: one holdout's noise is about as large as the differences between
good settings, and a search over many settings would otherwise pick the luckiest.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .data import (
    FAMILIES,
    ITEM_FAMILIES,
    Events,
    Params,
    build_interactions,
    time_split,
    validation_split,
)
from .data import weighted as weighted_matrix
from .evaluation import evaluate
from .model import fit

log = logging.getLogger(__name__)

# The settings a search may change, per family, each key's values in order (the walk moves to
# the next value up or down). Everything else (event weights, support) stays as the operator
# set it.
SEARCH_SPACE: dict[str, dict[str, tuple]] = {
    "als": {
        "factors": (32, 64, 128),
        "regularization": (0.05, 0.5, 2.0, 5.0, 10.0, 20.0, 40.0),
        "alpha": (1.0, 2.0, 5.0, 10.0, 20.0),
        "iterations": (15, 30),
        "weighting": ("bm25", "tfidf", "none"),
        "bm25_k1": (1.2, 10.0, 100.0),
        "bm25_b": (0.25, 0.5, 0.8),
        "half_life_days": (30.0, 60.0, 120.0, 365.0),
    },
    "bpr": {
        "factors": (32, 64, 128),
        "regularization": (0.001, 0.01, 0.05),
        "learning_rate": (0.01, 0.05),
        "iterations": (50, 100, 200),
        "weighting": ("bm25", "tfidf", "none"),
    },
    # Item-item: the neighbourhood size and the input's weighting (BM25's and TF-IDF's
    # recommenders weight the matrix themselves; BM25's with its K1 and B).
    "item_cosine": {
        "knn": (20, 50, 100, 200),
        "weighting": ("bm25", "tfidf", "none"),
        "half_life_days": (30.0, 60.0, 120.0, 365.0),
    },
    "item_bm25": {
        "knn": (20, 50, 100, 200),
        "weighting": ("none",),
        "bm25_k1": (1.2, 10.0, 100.0),
        "bm25_b": (0.25, 0.5, 0.8),
        "half_life_days": (30.0, 60.0, 120.0, 365.0),
    },
    "item_tfidf": {
        "knn": (20, 50, 100, 200),
        "weighting": ("none",),
        "half_life_days": (30.0, 60.0, 120.0, 365.0),
    },
    "lmf": {
        "factors": (16, 32, 64),
        "regularization": (0.3, 0.6, 1.0),
        "learning_rate": (0.5, 1.0),
        "iterations": (15, 30),
        "weighting": ("bm25", "tfidf", "none"),
        "half_life_days": (30.0, 60.0, 120.0, 365.0),
    },
}

# What a search reads from and writes to Params.
TUNED_KEYS = (
    "family", "factors", "regularization", "alpha", "learning_rate", "iterations", "weighting",
    "bm25_k1", "bm25_b", "half_life_days", "knn",
)  # fmt: skip


def searched(params: Params) -> dict:
    """The tuned settings of `params`."""
    values = params.as_dict()
    return {key: values[key] for key in TUNED_KEYS}


def _settled(setting: dict, base: Params) -> dict:
    """`setting` with the keys that mean nothing to it set to `base`'s values, so that two
    settings differing only there are one trial: alpha outside ALS (BPR and logistic MF do not
    scale confidences), K1 and B without BM25, the half-life for BPR (it learns which pairs
    are positive, not how strongly)."""
    setting = dict(setting)
    family = setting["family"]
    if family != "als":
        setting["alpha"] = base.alpha
    if setting["weighting"] != "bm25" and family != "item_bm25":
        setting["bm25_k1"], setting["bm25_b"] = base.bm25_k1, base.bm25_b
    if family == "bpr":
        setting["half_life_days"] = base.half_life_days
    if family in ITEM_FAMILIES:
        # No factors to learn: the factorisations' settings mean nothing here.
        for key in ("factors", "regularization", "learning_rate", "iterations"):
            setting[key] = getattr(base, key)
    else:
        setting["knn"] = base.knn
    return setting


def _key(setting: dict) -> tuple:
    return tuple(sorted(setting.items()))


def candidates(
    base: Params, *, trials: int, families: Iterable[str] = ("als",), seed: int = 42
) -> list[dict]:
    """`trials` distinct settings to try, the same for the same arguments: `base`'s own first
    (a search never picks something worse on validation than what runs now), then a seeded draw
    from each family's grid, the families taking turns."""
    families = [f for f in dict.fromkeys(families)]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown model family {unknown[0]!r}")
    if trials < 1:
        raise ValueError("at least one trial")
    rng = np.random.default_rng(seed)
    pools = {}
    for family in families:
        space = SEARCH_SPACE[family]
        size = int(np.prod([len(values) for values in space.values()]))
        # A draw of grid points without building the whole grid (ALS's has thousands).
        order = rng.permutation(size)[: max(trials * 4, 1)]
        lengths = [len(values) for values in space.values()]
        pools[family] = [
            {
                **searched(replace(base, family=family)),
                **{
                    key: values[i]
                    for (key, values), i in zip(
                        space.items(), np.unravel_index(index, lengths), strict=True
                    )
                },
            }
            for index in order
        ]
    chosen = [searched(base)]
    seen = {_key(chosen[0])}
    for row in itertools.zip_longest(*pools.values()):
        for setting in row:
            if len(chosen) >= trials:
                return chosen
            if setting is None:
                continue
            setting = _settled(setting, base)
            if _key(setting) not in seen:
                seen.add(_key(setting))
                chosen.append(setting)
    return chosen


def neighbours(setting: dict, base: Params, *, seed: int = 42) -> list[dict]:
    """The settings one step away from `setting` on its family's grid: one key moved to the
    next value up or down (a value off the grid moves to the nearest on either side), in a
    seeded order."""
    space = SEARCH_SPACE[setting["family"]]
    out = []
    for key, values in space.items():
        current = setting[key]
        if isinstance(current, str):
            steps = [v for v in values if v != current]
        else:
            below = [v for v in values if v < current]
            above = [v for v in values if v > current]
            steps = ([below[-1]] if below else []) + ([above[0]] if above else [])
        for value in steps:
            moved = _settled({**setting, key: value}, base)
            if _key(moved) != _key(setting):
                out.append(moved)
    order = np.random.default_rng(seed).permutation(len(out))
    return [out[i] for i in order]


@dataclass
class Trial:
    number: int
    settings: dict
    ndcg: float  # on the validation split
    baseline: float  # most popular, same users, same split
    users: int
    seconds: float


@dataclass
class TuningResult:
    trials: list[Trial]
    best: dict  # the settings of the best trial
    validation: dict  # {"model": NDCG@k, "popularity": NDCG@k} of the best trial
    test: dict  # evaluate()'s metrics of the best settings on the test split
    seconds: float
    budget_spent: bool = False  # the search stopped early on its time budget
    stages: dict = field(default_factory=dict)

    @property
    def params(self) -> dict:
        return self.best


def tune(
    events: Events,
    *,
    now: float,
    params: Params,
    trials: int = 12,
    families: Iterable[str] = ("als",),
    budget_seconds: float | None = None,
    on_trial: Callable[[Trial], None] | None = None,
    settings: Sequence[dict] | None = None,
    validation_seeds: int = 2,
) -> TuningResult:
    """Try `trials` settings on train -> validation, keep the best by the mean NDCG@k over
    `validation_seeds` validation holdouts (ties: the earlier trial, so the current settings
    win a tie), then score it once on the test split. Half the trials are drawn (candidates),
    the rest walk the grid from the best so far (neighbours). Stops starting new trials once
    `budget_seconds` have passed (the first trial always runs). `settings` replaces the search
    with these (each a dict of TUNED_KEYS), tried in their order and nothing else."""
    started = time.perf_counter()
    if validation_seeds < 1:
        raise ValueError("at least one validation holdout")
    if settings is None:
        drawn = candidates(
            params, trials=max((trials + 1) // 2, 1), families=families, seed=params.random_state
        )
        walk = True
    elif not settings or any(set(s) - set(TUNED_KEYS) for s in settings):
        raise ValueError(f"settings must be dicts of {', '.join(TUNED_KEYS)}")
    else:
        drawn, walk, trials = list(settings), False, len(settings)
    seeds = [params.random_state + i for i in range(validation_seeds)]
    built: dict[float, object] = {}
    splits: dict[tuple, tuple] = {}
    matrices: dict[tuple, object] = {}

    def data_for(trial_params: Params):
        # The half-life changes every confidence; the rest of the matrix is the same.
        key = trial_params.half_life_days
        if key not in built:
            built[key] = build_interactions(events, now=now, params=trial_params)
        return built[key]

    def split_for(trial_params: Params, seed: int):
        key = (trial_params.half_life_days, seed)
        if key not in splits:
            splits[key] = validation_split(data_for(trial_params), trial_params, seed=seed)
        return splits[key]

    def matrix_for(trial_params: Params, seed: int):
        # Weighting depends on the weighting, its K1 and B, and alpha (the confidence floor).
        key = (
            trial_params.half_life_days, seed, trial_params.weighting, trial_params.bm25_k1,
            trial_params.bm25_b, trial_params.alpha,
        )  # fmt: skip
        if key not in matrices:
            matrices[key] = weighted_matrix(split_for(trial_params, seed)[0], trial_params)
        return matrices[key]

    data_for(params)
    prepared_at = time.perf_counter()
    metric = f"ndcg@{params.k}"
    done: list[Trial] = []
    seen: set[tuple] = set()
    spent = False

    def run(setting: dict) -> Trial:
        trial_started = time.perf_counter()
        scores, baselines, users = [], [], 0
        for seed in seeds:
            trial_params = replace(params, **setting, random_state=seed)
            train_matrix = matrix_for(trial_params, seed)
            model = fit(train_matrix, trial_params)
            metrics = evaluate(model, train_matrix, split_for(trial_params, seed)[1], trial_params)
            scores.append(metrics["als"][metric])
            baselines.append(metrics["popularity"][metric])
            users = metrics["als"]["users"]
        trial = Trial(
            number=len(done),
            settings=setting,
            ndcg=float(np.mean(scores)),
            baseline=float(np.mean(baselines)),
            users=users,
            seconds=time.perf_counter() - trial_started,
        )
        done.append(trial)
        seen.add(_key(setting))
        log.info("trial %d %s: NDCG@%d %.4f", trial.number, setting, params.k, trial.ndcg)
        if on_trial:
            on_trial(trial)
        return trial

    def out_of_time() -> bool:
        return (
            budget_seconds is not None
            and bool(done)
            and (time.perf_counter() - started > budget_seconds)
        )

    def best_so_far() -> Trial:
        best = done[0]
        for trial in done[1:]:
            if trial.ndcg > best.ndcg:
                best = trial
        return best

    for setting in drawn:
        if out_of_time():
            spent = True
            break
        run(setting)
    # The walk: from the best so far to its untried neighbours, moving on when one wins.
    while walk and not spent and len(done) < trials:
        best = best_so_far()
        untried = [
            s for s in neighbours(best.settings, params, seed=params.random_state + len(done))
            if _key(s) not in seen
        ]  # fmt: skip
        if not untried:
            break
        for setting in untried:
            if len(done) >= trials:
                break
            if out_of_time():
                spent = True
                break
            if run(setting).ndcg > best.ndcg:
                break
    best = best_so_far()
    searched_at = time.perf_counter()
    # Once, after the search: the chosen settings on the test split, fitted on everything
    # before it (train + validation), as a nightly run with these settings is evaluated.
    best_params = replace(params, **best.settings)
    train_all, test = time_split(data_for(best_params), best_params)
    train_matrix = weighted_matrix(train_all, best_params)
    test_metrics = evaluate(fit(train_matrix, best_params), train_matrix, test, best_params)
    finished = time.perf_counter()
    return TuningResult(
        trials=done,
        best=best.settings,
        validation={"model": best.ndcg, "popularity": best.baseline, "users": best.users},
        test=test_metrics,
        seconds=finished - started,
        budget_spent=spent,
        stages={
            "prepare": prepared_at - started,
            "search": searched_at - prepared_at,
            "test": finished - searched_at,
        },
    )
