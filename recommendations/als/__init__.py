"""The recommender's maths: confidence matrix, ALS (through `implicit`), a time-based holdout
evaluation next to a most-popular baseline, item neighbours and co-purchases.

No Django here: the inputs are numpy arrays of events, so this package can be tested and
benchmarked alone. recommendations/services/ extracts the events and stores what comes out.
Its modules: data (events, the matrix), model (implicit's ALS), evaluation, neighbours (the
lists serving reads) and training (one run). Their public names are re-exported here, so
callers write `als.train`, `als.Params`, as the maths is one toolbox to them.
"""

from .data import (
    DAY,
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
from .training import Stopwatch, Trained, fold_in, passes_guard, train

__all__ = [
    "DAY",
    "KINDS",
    "KIND_CODE",
    "Events",
    "Interactions",
    "LoadedModel",
    "Params",
    "Stopwatch",
    "Trained",
    "build_interactions",
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
    "item_neighbours",
    "load_model",
    "negative_pairs",
    "new_model",
    "passes_guard",
    "popular_for_users",
    "popularity_ranking",
    "ranking_metrics",
    "recommend_for_row",
    "save_model",
    "single_threaded_blas",
    "time_split",
    "top_for_users",
    "train",
    "use_gpu",
    "user_row",
    "weighted",
]  # fmt: skip
