"""The settings search without Django (als.tuning): the validation split, the candidates, the
choice on validation only, and the model families the search may pick."""

from dataclasses import replace

import numpy as np
import pytest

from recommendations import als

DAY = 86400.0
NOW = 1_700_000_000.0


def planted(users: int = 160, groups: int = 4, per_group: int = 12, each: int = 9, seed: int = 3):
    """Shoppers of `groups` disjoint tastes, each buying `each` products of their group's, one a
    day: a model that learns the groups beats the most popular by far."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(users):
        group = user % groups
        picks = rng.choice(per_group, each, replace=False) + group * per_group
        for day, product in enumerate(picks):
            stamp = NOW - (each - day) * DAY - rng.integers(0, 3600)
            rows.append((user + 1, product + 1, als.KIND_CODE["purchase"], 1, stamp))
    return als.Events.from_rows(np.array(rows))


def test_the_validation_split_never_overlaps_the_test_split_and_is_the_next_latest():
    events = planted()
    params = als.Params(holdout=2, min_train_items=3)
    data = als.build_interactions(events, now=NOW, params=params)

    full_train, test = als.time_split(data, params)
    train, validation = als.validation_split(data, params)

    # No pair is in two of train, validation and test.
    assert test.multiply(validation).nnz == 0
    assert test.multiply(train > 0).nnz == 0
    assert validation.multiply(train > 0).nnz == 0
    # Validation is taken from what the test split leaves for training...
    assert validation.multiply(full_train > 0).nnz == validation.nnz > 0
    # ... and holds each user's latest products of it: none in train is newer.
    seen = data.last_seen
    for user in np.flatnonzero(np.diff(validation.indptr))[:40]:
        held = validation[user].indices
        kept = train[user].indices
        assert seen[user, held].toarray().min() >= seen[user, kept].toarray().max()
        assert seen[user, test[user].indices].toarray().min() >= seen[user, held].toarray().max()


def test_candidates_start_with_the_current_settings_and_are_the_same_every_time():
    base = als.Params(factors=48)

    first = als.candidates(base, trials=9, families=("als", "bpr", "lmf"), seed=5)
    again = als.candidates(base, trials=9, families=("als", "bpr", "lmf"), seed=5)

    assert first == again
    assert first[0] == als.searched(base)
    assert len({tuple(sorted(c.items())) for c in first}) == 9
    assert {c["family"] for c in first} == {"als", "bpr", "lmf"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"trials": 0}, "at least one trial"), ({"trials": 3, "families": ("svd",)}, "svd")],
)
def test_bad_search_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        als.candidates(als.Params(), **kwargs)


GOOD = {"family": "als", "factors": 8, "regularization": 0.05, "alpha": 2.0,
        "learning_rate": 0.0, "iterations": 15, "weighting": "none"}  # fmt: skip
# One factor, one iteration, crushed by regularisation: learns nothing of the groups.
POOR = {**GOOD, "factors": 1, "iterations": 1, "regularization": 500.0}


def test_the_search_picks_the_setting_that_wins_on_validation():
    events = planted()

    result = als.tune(events, now=NOW, params=als.Params(), settings=[POOR, GOOD])

    assert [t.number for t in result.trials] == [0, 1]
    poor, good = result.trials
    assert good.ndcg > 1.5 * poor.ndcg
    assert result.best == GOOD
    assert result.validation["model"] == good.ndcg
    # Scored once on the test split, next to the baseline.
    assert result.test["als"]["ndcg@10"] > result.test["popularity"]["ndcg@10"]


def test_a_tie_keeps_the_earlier_setting():
    events = planted()

    result = als.tune(events, now=NOW, params=als.Params(), settings=[GOOD, dict(GOOD)])

    assert result.trials[0].ndcg == result.trials[1].ndcg
    assert result.best is result.trials[0].settings


def test_the_budget_stops_new_trials_but_the_first_always_runs():
    result = als.tune(
        planted(), now=NOW, params=als.Params(), settings=[GOOD, POOR], budget_seconds=0.0
    )

    assert len(result.trials) == 1
    assert result.budget_spent


@pytest.mark.parametrize("family", ["bpr", "lmf", "item_cosine", "item_bm25", "item_tfidf"])
def test_every_family_trains_and_serves_lists_and_neighbours(family, tmp_path):
    events = planted()
    params = replace(
        als.Params(min_support=1, active_days=365), family=family, factors=8, iterations=30
    )
    if family == "bpr":
        params = replace(params, learning_rate=0.05, iterations=200)

    trained = als.train(events, now=NOW, params=params)

    # Evaluated as ALS is, and it learnt the groups (beats the baseline, so the guard passes).
    ok, reason = als.passes_guard(trained.metrics, None, min_lift=0.05, tolerance=0.1)
    assert ok, reason
    assert type(trained.model).__name__ != "AlternatingLeastSquares"
    # Stored lists: for every active shopper, products of their own group mostly.
    assert len(trained.user_rows) == 160
    group_of = (trained.user_top - 1) // 12
    own = group_of == ((trained.user_rows - 1) % 4)[:, None]
    assert own[:, :3].mean() > 0.8
    # Neighbours of a product are of its group.
    near = trained.neighbours[:, :3]
    assert (((near - 1) // 12) == ((trained.neighbour_products - 1) // 12)[:, None]).mean() > 0.8

    # Served from the saved factors: a new history of group 2 is folded in.
    als.save_model(
        trained.model, tmp_path, user_ids=trained.data.user_ids,
        product_ids=trained.data.product_ids,
    )  # fmt: skip
    loaded = als.load_model(tmp_path, params)
    row = als.user_row(loaded, [25, 26, 27], [6.0, 6.0, 6.0])
    ids = als.recommend_for_row(loaded, row, n=5)
    assert len(ids) == 5 and not {25, 26, 27} & set(ids)
    assert sum(25 <= p <= 36 for p in ids) >= 4


def same_second(users: int = 120, groups: int = 4, per_group: int = 12, each: int = 9):
    """As planted, but every shopper's products all in one second (a user rating films in a
    batch): which are the latest is decided by the tie-break alone."""
    rows = []
    for user in range(users):
        group = user % groups
        for offset in range(each):
            product = group * per_group + (user + offset) % per_group
            rows.append((user + 1, product + 1, als.KIND_CODE["purchase"], 1, NOW - user))
    return als.Events.from_rows(np.array(rows))


def test_the_seed_breaks_ties_in_the_holdout_and_the_spread_scores_each_holdout():
    events = same_second()
    params = als.Params(factors=8, min_support=1)
    data = als.build_interactions(events, now=NOW, params=params)

    _train_a, test_a = als.time_split(data, params, seed=1)
    _train_b, test_b = als.time_split(data, params, seed=2)
    _train_c, test_c = als.time_split(data, params, seed=1)

    # Another seed holds out other products of the same second; the same seed the same ones.
    assert (test_a != test_b).nnz > 0 and (test_a != test_c).nnz == 0
    assert test_a.nnz == test_b.nnz == 2 * 120

    runs = als.holdout_spread(events, now=NOW, params=params, seeds=[1, 2, 3])
    summary = als.spread_summary(runs)

    assert len(runs) == 3
    # Each seed scores model and baseline on the same users and held-out products.
    assert all(r["als"]["users"] == r["popularity"]["users"] == 120 for r in runs)
    ratios = [r["als"]["ndcg@10"] / r["popularity"]["ndcg@10"] for r in runs]
    assert summary["ratio"] == pytest.approx(np.mean(ratios))
    assert summary["ratio_min"] == pytest.approx(min(ratios))
    assert summary["ratio_max"] == pytest.approx(max(ratios))
    assert max(ratios) > min(ratios)
    assert summary["seeds"] == 3 and summary["ratio"] > 1.0


def test_another_validation_seed_never_lets_the_test_split_into_the_search():
    events = same_second()
    params = als.Params()
    data = als.build_interactions(events, now=NOW, params=params)
    _full_train, test = als.time_split(data, params)

    validations = []
    for seed in (7, 8):
        train, validation = als.validation_split(data, params, seed=seed)
        assert test.multiply(train > 0).nnz == 0 and test.multiply(validation).nnz == 0
        validations.append(validation)

    # The seeds break the validation split's ties differently.
    assert (validations[0] != validations[1]).nnz > 0


def test_neighbours_move_one_setting_one_step_on_the_grid():
    base = als.Params()
    setting = als.searched(
        replace(base, factors=64, regularization=5.0, weighting="none", half_life_days=60.0)
    )

    moves = als.neighbours(setting, base)

    changed = [{k for k in setting if m[k] != setting[k]} for m in moves]
    assert all(len(keys) == 1 for keys in changed)
    factors = sorted(
        m["factors"] for m, keys in zip(moves, changed, strict=True) if keys == {"factors"}
    )
    assert factors == [32, 128]
    regularization = sorted(
        m["regularization"]
        for m, keys in zip(moves, changed, strict=True)
        if keys == {"regularization"}
    )
    assert regularization == [2.0, 10.0]
    # K1 and B mean nothing without BM25: no move there.
    assert not any(keys & {"bm25_k1", "bm25_b"} for keys in changed)
    assert moves == als.neighbours(setting, base)


def test_the_second_half_of_a_search_walks_from_the_best_so_far():
    result = als.tune(planted(), now=NOW, params=als.Params(factors=8), trials=8)

    assert len(result.trials) == 8
    drawn = 4
    for trial in result.trials[drawn:]:
        earlier = result.trials[: trial.number]
        best = max(earlier, key=lambda t: (t.ndcg, -t.number))
        assert trial.settings in als.neighbours(best.settings, als.Params(factors=8))
    assert result.best == max(result.trials, key=lambda t: (t.ndcg, -t.number)).settings
