"""The recommender's maths: confidence matrix, ALS (through `implicit`), a time-based holdout
evaluation next to a most-popular baseline, item neighbours and co-purchases.

No Django here: the inputs are numpy arrays of events, so this package can be tested and
benchmarked alone. recommendations/services/ extracts the events and stores what comes out.
Its modules: data (events, the matrix), model (implicit's ALS, BPR and logistic MF), evaluation,
neighbours (the lists serving reads), training (one run) and tuning (the settings search). Their
public names are re-exported here, so callers write `als.train`, `als.Params`, as the maths is one
toolbox to them.
"""

from .data import (
    DAY,
    FAMILIES,
    KIND_CODE,
    KINDS,
    Events,
    Interactions,
    Params,
    build_interactions,
    columns_subset,
    confidence_floor,
    event_weights,
    negative_pairs,
    time_split,
    validation_split,
    weighted,
)
from .evaluation import (
    evaluate,
    evaluation_users,
    popular_for_users,
    popularity_ranking,
    ranking_metrics,
)
from .model import (
    LoadedModel,
    cpu_model,
    fit,
    load_model,
    new_model,
    recommend_for_row,
    save_model,
    single_threaded_blas,
    use_gpu,
    user_row,
)
from .neighbours import (
    co_purchases,
    compact,
    content_neighbours,
    diversify,
    item_neighbours,
    top_for_users,
)
from .training import (
    Stopwatch,
    Trained,
    fold_in,
    holdout_spread,
    passes_guard,
    spread_summary,
    train,
)
from .tuning import (
    SEARCH_SPACE,
    TUNED_KEYS,
    Trial,
    TuningResult,
    candidates,
    neighbours,
    searched,
    tune,
)

__all__ = [
    "DAY",
    "FAMILIES",
    "KINDS",
    "KIND_CODE",
    "SEARCH_SPACE",
    "TUNED_KEYS",
    "Events",
    "Interactions",
    "LoadedModel",
    "Params",
    "Stopwatch",
    "Trained",
    "Trial",
    "TuningResult",
    "build_interactions",
    "candidates",
    "co_purchases",
    "columns_subset",
    "compact",
    "confidence_floor",
    "content_neighbours",
    "cpu_model",
    "diversify",
    "evaluate",
    "evaluation_users",
    "event_weights",
    "fit",
    "fold_in",
    "holdout_spread",
    "item_neighbours",
    "load_model",
    "negative_pairs",
    "neighbours",
    "new_model",
    "passes_guard",
    "popular_for_users",
    "popularity_ranking",
    "ranking_metrics",
    "recommend_for_row",
    "save_model",
    "searched",
    "single_threaded_blas",
    "spread_summary",
    "time_split",
    "top_for_users",
    "train",
    "tune",
    "use_gpu",
    "user_row",
    "validation_split",
    "weighted",
]  # fmt: skip
