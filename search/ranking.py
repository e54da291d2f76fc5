"""How a hit's score blends text relevance with popularity, rating and stock: the single source
of truth for every backend (the database backends compute the same expression in SQL, the
Elasticsearch backend with function_score).

    score = text_score
            * (1 + popularity_weight * ln(1 + popularity) / ln(1 + max_popularity)
                 + rating_weight * rating_avg / 5)
            * (1 if in_stock else out_of_stock_factor)

where popularity = sales_count + view_count / 10 and max_popularity is the highest popularity in
the index (when the index holds no popularity at all, e is used instead, so the ratio stays
defined). With the defaults (0.3, 0.2, 0.5) the most popular five-star product gets at most
1.5 times the text score of an unknown, unrated one, and an out-of-stock product half the score of
the same product in stock: text relevance still decides between a good and a poor match.

Plain maths, no Django: the weights come from search.models.SearchSettings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Used as max_popularity when nothing in the index has sold or been viewed.
EMPTY_MAX_POPULARITY = math.e


@dataclass(frozen=True)
class Weights:
    popularity_weight: float = 0.3
    rating_weight: float = 0.2
    out_of_stock_factor: float = 0.5


def popularity(*, sales_count: int, view_count: int) -> float:
    return float(sales_count) + float(view_count) / 10.0


def popularity_log(value: float) -> float:
    """ln(1 + popularity): stored per document so SQL needs no logarithm function."""
    return math.log1p(max(value, 0.0))


def max_popularity_log(max_popularity: float | None) -> float:
    """The denominator: ln(1 + max_popularity), or ln(1 + e) when nothing is popular yet."""
    if not max_popularity or max_popularity <= 0:
        return math.log1p(EMPTY_MAX_POPULARITY)
    return math.log1p(max_popularity)


def boost(
    *,
    popularity: float,
    max_popularity: float | None,
    rating_avg: float,
    in_stock: bool,
    weights: Weights,
) -> float:
    """The factor the text score is multiplied by."""
    ratio = popularity_log(popularity) / max_popularity_log(max_popularity)
    factor = 1.0 + weights.popularity_weight * ratio + weights.rating_weight * rating_avg / 5.0
    return factor * (1.0 if in_stock else weights.out_of_stock_factor)


def blend(
    *,
    text_score: float,
    popularity: float,
    max_popularity: float | None,
    rating_avg: float,
    in_stock: bool,
    weights: Weights,
) -> float:
    """The final score of one hit (see the module docstring)."""
    return text_score * boost(
        popularity=popularity,
        max_popularity=max_popularity,
        rating_avg=rating_avg,
        in_stock=in_stock,
        weights=weights,
    )
