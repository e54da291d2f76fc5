"""The matrix and the holdout on real-looking data: decay measured from the newest event with a
confidence floor, negative reviews kept out of the positives, the holdout made of positives with
ties at the cut broken at random. No database."""

import numpy as np

from recommendations import als

DAY = als.DAY
YEAR = 365 * DAY
VIEW, PURCHASE, REVIEW = (als.KIND_CODE[k] for k in ("view", "purchase", "review"))


def events_of(rows) -> als.Events:
    """rows: (user, product, kind code, value, time)."""
    return als.Events.from_rows(np.array(rows, dtype=np.int64))


def two_taste_log(start: float = 1_000_000_000.0) -> als.Events:
    """400 shoppers of two tastes, each viewing and buying products of their taste over a year."""
    rng = np.random.default_rng(3)
    rows = []
    for user in range(400):
        group = user % 2
        for n, product in enumerate(rng.choice(15, 8, replace=False)):
            at = start + rng.integers(0, 365) * DAY + n
            kind = PURCHASE if n % 3 == 0 else VIEW
            rows.append((user + 1, group * 100 + product + 1, kind, 1, at))
    return events_of(rows)


def shifted(events: als.Events, seconds: float) -> als.Events:
    return als.Events(
        events.user_ids, events.product_ids, events.kinds, events.values,
        events.timestamps + seconds,
    )  # fmt: skip


def test_a_log_that_ended_years_ago_trains_as_the_same_log_ending_now():
    events = two_taste_log()
    now = float(events.timestamps.max()) + 3 * YEAR
    params = als.Params(factors=8, iterations=5, min_support=1, eval_users=1000)

    old = als.train(events, now=now, params=params)
    recent = als.train(shifted(events, 3 * YEAR), now=now, params=params)

    assert old.metrics["als"]["ndcg@10"] > 0
    for name, value in old.metrics["als"].items():
        assert abs(value - recent.metrics["als"][name]) < 1e-6, name
    assert np.allclose(old.model.item_factors, recent.model.item_factors, atol=1e-5)


def test_an_old_interaction_never_weighs_less_than_an_unobserved_pair():
    # One view ten years before the newest event, next to fresh purchases.
    rows = [(1, 1, VIEW, 1, 0), (1, 2, PURCHASE, 1, 10 * YEAR), (2, 2, PURCHASE, 1, 10 * YEAR)]
    params = als.Params(alpha=2.0, weighting="none")
    data = als.build_interactions(events_of(rows), now=10 * YEAR, params=params)

    matrix = als.weighted(data.confidence, params)

    # implicit's confidence is alpha x value; an unobserved pair has 1.
    old_view = matrix[0, 0]
    assert old_view * params.alpha >= params.min_confidence
    assert (matrix.data * params.alpha >= params.min_confidence - 1e-6).all()


def test_the_floor_also_holds_after_bm25_weighting():
    data = als.build_interactions(two_taste_log(), now=0, params=als.Params())
    params = als.Params(alpha=0.5)

    matrix = als.weighted(data.confidence, params)

    assert matrix.nnz == data.confidence.nnz
    assert (matrix.data * params.alpha >= params.min_confidence - 1e-6).all()


def test_decay_is_measured_from_the_newest_event_not_from_now():
    rows = [(1, 1, VIEW, 1, 0), (1, 2, VIEW, 1, 120 * DAY)]
    params = als.Params(half_life_days=120.0)

    data = als.build_interactions(events_of(rows), now=5 * YEAR, params=params)

    assert data.confidence[0, 1] == 1.0  # the newest event is not decayed
    assert abs(data.confidence[0, 0] - 0.5) < 1e-6  # one half-life older


def test_a_low_rating_is_negative_not_a_positive():
    rows = [
        (1, 1, VIEW, 1, 10), (1, 1, REVIEW, 1, 20),  # viewed, then one star
        (1, 2, REVIEW, 2, 20),  # two stars (the default threshold)
        (1, 3, REVIEW, 4, 20),  # four stars
    ]  # fmt: skip
    data = als.build_interactions(events_of(rows), now=30, params=als.Params())

    assert set(data.confidence[0].indices) == {2}
    assert set(data.negatives[0].indices) == {0, 1}


def test_the_threshold_is_a_param():
    rows = [(1, 1, REVIEW, 3, 20), (1, 2, REVIEW, 4, 20)]
    data = als.build_interactions(events_of(rows), now=30, params=als.Params(negative_rating=3))

    assert set(data.negatives[0].indices) == {0}
    assert set(data.confidence[0].indices) == {1}


def test_the_newest_review_decides_and_a_later_purchase_does_not_lift_a_one_star_review():
    rows = [
        (1, 1, REVIEW, 1, 10), (1, 1, PURCHASE, 1, 20),  # one star, then bought again
        (1, 2, REVIEW, 1, 10), (1, 2, REVIEW, 5, 20),  # one star, then five stars
        (1, 3, REVIEW, 5, 10), (1, 3, REVIEW, 1, 20),  # five stars, then one star
    ]  # fmt: skip
    data = als.build_interactions(events_of(rows), now=30, params=als.Params())

    assert set(data.negatives[0].indices) == {0, 2}
    assert set(data.confidence[0].indices) == {1}


def test_a_disliked_product_is_never_held_out_as_relevant():
    # Every shopper's newest interaction is a one-star review.
    rows = []
    for user in range(1, 21):
        rows += [(user, product, VIEW, 1, product) for product in range(1, 7)]
        rows.append((user, 99, REVIEW, 1, 100))
    data = als.build_interactions(events_of(rows), now=100, params=als.Params())

    train, test = als.time_split(data, als.Params(holdout=2, min_train_items=3))

    held = test.tocsr()
    column_99 = list(data.product_ids).index(99)
    assert held.nnz == 2 * 20
    assert column_99 not in set(held.indices)
    assert train[:, column_99].nnz == 0


def test_ties_at_the_cut_are_broken_at_random_not_by_product_id():
    # Each shopper's six products share one second (one order); the old rule held out the two
    # lowest ids of every shopper.
    rows = [(user, product, PURCHASE, 1, 500) for user in range(1, 101) for product in range(1, 7)]
    data = als.build_interactions(events_of(rows), now=500, params=als.Params())
    params = als.Params(holdout=2, min_train_items=3, random_state=42)

    _train, test = als.time_split(data, params)
    _again, same = als.time_split(data, params)

    held = [frozenset(test[row].indices) for row in range(100)]
    assert all(len(h) == 2 for h in held)
    lowest = frozenset({0, 1})
    assert sum(h == lowest for h in held) < 30  # 1 in 15 expected at random
    assert len(set(held)) > 5
    assert (test != same).nnz == 0  # the same seed, the same split


def test_a_newer_product_is_still_held_out_before_an_older_one():
    rows = [(1, product, VIEW, 1, 100) for product in range(1, 6)] + [(1, 9, VIEW, 1, 200)]
    data = als.build_interactions(events_of(rows), now=200, params=als.Params())

    _train, test = als.time_split(data, als.Params(holdout=1, min_train_items=3))

    assert list(data.product_ids[test[0].indices]) == [9]


def test_a_disliked_product_is_not_in_the_stored_list_of_the_shopper_who_disliked_it():
    events = two_taste_log()
    now = float(events.timestamps.max())
    # Shopper 1 (first taste) gives one star to a product of their taste others like.
    liked = np.bincount(events.product_ids[events.user_ids % 2 == 1]).argmax()
    rows = np.column_stack(
        [events.user_ids, events.product_ids, events.kinds, events.values, events.timestamps]
    ).astype(np.int64)
    rows = rows[~((rows[:, 0] == 1) & (rows[:, 1] == liked))]
    rows = np.vstack([rows, [1, liked, REVIEW, 1, int(now)]])
    params = als.Params(factors=8, iterations=5, min_support=1, top_n=40)

    trained = als.train(als.Events.from_rows(rows), now=now, params=params)

    user_row = list(trained.user_rows).index(1)
    top = trained.user_top[user_row]
    # The list holds every product the shopper has not touched (top_n covers them all) ...
    assert len(top[top >= 0]) > 15
    # ... but not the one they rated one star.
    assert liked not in set(top)
