"""Re-ranking a served list by what the shopper viewed in the current session: each candidate's
cosine similarity to the session (the recency-weighted mean direction of the viewed products' ALS
item factors) added to a score that falls with its place in the list. No Django.

The list itself (precomputed at training, recomputed from a changed history, item neighbours,
trending) decides what may be shown; the re-rank only changes the order, so whatever the list
left out (bought, rated negatively) stays out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Views further apart than this (seconds) belong to different sessions (the usual 30 minutes of
# web analytics and of session-based recommender datasets).
SESSION_GAP = 30 * 60

# At most this many of the newest views make a session.
SESSION_VIEWS = 10


def session_run(times: Sequence[float], *, now: float, gap: float = SESSION_GAP) -> int:
    """How many of the views at `times` (newest first) form the current session: the newest
    within `gap` of `now`, each older one within `gap` of the next newer one; at most
    SESSION_VIEWS."""
    count = 0
    previous = now
    for at in times[:SESSION_VIEWS]:
        if previous - at > gap:
            break
        previous = at
        count += 1
    return count


def recency_weights(count: int, *, half_life: float = 2.0) -> np.ndarray:
    """Weights of `count` views, newest first: halved every `half_life` views back."""
    return np.power(0.5, np.arange(count, dtype=np.float64) / half_life)


def session_similarity(
    item_factors: np.ndarray,
    session_columns: Sequence[int],
    weights: Sequence[float],
    candidate_columns: Sequence[int],
) -> np.ndarray:
    """Cosine of each candidate column's item factors with the session's direction (the weighted
    sum of the unit factors of `session_columns`). Columns are model columns; a negative column
    (a product the model does not know) gets 0."""
    candidates = np.asarray(candidate_columns, dtype=np.int64)
    similarity = np.zeros(len(candidates), dtype=np.float64)
    columns = np.asarray(session_columns, dtype=np.int64)
    known = columns >= 0
    if not known.any() or not len(candidates):
        return similarity
    factors = np.asarray(item_factors, dtype=np.float64)
    viewed = factors[columns[known]]
    viewed = viewed / np.maximum(np.linalg.norm(viewed, axis=1), 1e-10)[:, None]
    direction = np.asarray(weights, dtype=np.float64)[known] @ viewed
    norm = np.linalg.norm(direction)
    if norm == 0:
        return similarity
    direction /= norm
    present = candidates >= 0
    chosen = factors[candidates[present]]
    chosen_norms = np.maximum(np.linalg.norm(chosen, axis=1), 1e-10)
    similarity[present] = (chosen @ direction) / chosen_norms
    return similarity


def rerank(candidates: Sequence[int], similarity: Sequence[float], *, strength: float) -> list:
    """`candidates` ordered by 1 / log2(place + 2) (the list's own order, as NDCG discounts it)
    plus `strength` x their similarity to the session; ties keep the list's order."""
    places = np.arange(len(candidates), dtype=np.float64)
    score = 1.0 / np.log2(places + 2.0) + strength * np.asarray(similarity, dtype=np.float64)
    order = np.argsort(-score, kind="stable")
    return [candidates[i] for i in order]
