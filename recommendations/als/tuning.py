"""Choosing the model's settings on a validation split: a small seeded search over the family,
factors, regularisation, alpha (ALS), learning rate (BPR, logistic MF), iterations and weighting.
No Django.

The split (data.validation_split): each user's latest positives are the test split, the
next-latest the validation split, the rest train. Every trial is fitted on train and scored on
validation; the test split is used once, after the search, to score the chosen settings (fitted
on train + validation, as the nightly run fits them). Nothing is ever chosen on the test split.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .data import FAMILIES, Events, Params, build_interactions, time_split, validation_split
from .data import weighted as weighted_matrix
from .evaluation import evaluate
from .model import fit

log = logging.getLogger(__name__)

# The settings a search may change, per family. Everything else (event weights, decay, support)
# stays as the operator set it.
SEARCH_SPACE: dict[str, dict[str, tuple]] = {
    "als": {
        "factors": (16, 32, 64, 128),
        "regularization": (0.05, 0.5, 5.0),
        "alpha": (1.0, 2.0, 5.0, 10.0),
        "iterations": (15, 30),
        "weighting": ("bm25", "tfidf", "none"),
    },
    "bpr": {
        "factors": (32, 64, 128),
        "regularization": (0.001, 0.01, 0.05),
        "learning_rate": (0.01, 0.05),
        "iterations": (50, 100, 200),
        "weighting": ("bm25", "tfidf", "none"),
    },
    "lmf": {
        "factors": (16, 32, 64),
        "regularization": (0.3, 0.6, 1.0),
        "learning_rate": (0.5, 1.0),
        "iterations": (15, 30),
        "weighting": ("bm25", "tfidf", "none"),
    },
}

# What a search reads from and writes to Params.
TUNED_KEYS = (
    "family", "factors", "regularization", "alpha", "learning_rate", "iterations", "weighting",
)  # fmt: skip


def searched(params: Params) -> dict:
    """The tuned settings of `params`."""
    values = params.as_dict()
    return {key: values[key] for key in TUNED_KEYS}


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
        grid = [
            dict(zip(space, values, strict=True)) for values in itertools.product(*space.values())
        ]
        order = rng.permutation(len(grid))
        pools[family] = [{**searched(replace(base, family=family)), **grid[i]} for i in order]
    chosen = [searched(base)]
    seen = {tuple(sorted(chosen[0].items()))}
    for row in itertools.zip_longest(*pools.values()):
        for setting in row:
            if len(chosen) >= trials:
                return chosen
            if setting is None:
                continue
            if setting["family"] != "als":
                # alpha means nothing to BPR and logistic MF: one value, so no duplicate trials.
                setting["alpha"] = base.alpha
            key = tuple(sorted(setting.items()))
            if key not in seen:
                seen.add(key)
                chosen.append(setting)
    return chosen


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
) -> TuningResult:
    """Try `trials` settings (see candidates) on train -> validation, keep the best by NDCG@k
    (ties: the earlier trial, so the current settings win a tie), then score it once on the
    test split. Stops starting new trials once `budget_seconds` have passed (the first trial
    always runs). `settings` replaces the drawn candidates with these (each a dict of
    TUNED_KEYS), tried in their order."""
    started = time.perf_counter()
    if settings is None:
        settings = candidates(params, trials=trials, families=families, seed=params.random_state)
    elif not settings or any(set(s) - set(TUNED_KEYS) for s in settings):
        raise ValueError(f"settings must be dicts of {', '.join(TUNED_KEYS)}")
    data = build_interactions(events, now=now, params=params)
    train_raw, validation = validation_split(data, params)
    prepared_at = time.perf_counter()
    matrices: dict[tuple, object] = {}

    def matrix_for(raw, trial_params: Params, which: str):
        # Weighting depends on the weighting and on alpha (the confidence floor), nothing else.
        key = (which, trial_params.weighting, trial_params.alpha)
        if key not in matrices:
            matrices[key] = weighted_matrix(raw, trial_params)
        return matrices[key]

    done: list[Trial] = []
    spent = False
    for number, setting in enumerate(settings):
        if budget_seconds is not None and done and time.perf_counter() - started > budget_seconds:
            spent = True
            break
        trial_started = time.perf_counter()
        trial_params = replace(params, **setting)
        train_matrix = matrix_for(train_raw, trial_params, "train")
        model = fit(train_matrix, trial_params)
        metrics = evaluate(model, train_matrix, validation, trial_params)
        key = f"ndcg@{params.k}"
        trial = Trial(
            number=number,
            settings=setting,
            ndcg=metrics["als"][key],
            baseline=metrics["popularity"][key],
            users=metrics["als"]["users"],
            seconds=time.perf_counter() - trial_started,
        )
        done.append(trial)
        log.info("trial %d %s: NDCG@%d %.4f", number, setting, params.k, trial.ndcg)
        if on_trial:
            on_trial(trial)
    best = done[0]
    for trial in done[1:]:
        if trial.ndcg > best.ndcg:
            best = trial
    searched_at = time.perf_counter()
    # Once, after the search: the chosen settings on the test split, fitted on everything
    # before it (train + validation), as a nightly run with these settings is evaluated.
    best_params = replace(params, **best.settings)
    train_all, test = time_split(data, best_params)
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
