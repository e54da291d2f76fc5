"""The array operations of the recommender's maths (recommendations/als/, no Django), checked
against plain one-row-at-a-time versions of the same rules."""

import copy

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse import random as sparse_random

from catalog.models import ProductVariant
from recommendations import als, selectors
from recommendations.services.content import content_inputs
from tests.catalog.factories import BrandFactory, CategoryFactory


class P:
    def __init__(self, pk, category_id):
        self.pk, self.category_id = pk, category_id


def test_diversify_breaks_runs_as_the_one_row_version_does():
    rng = np.random.default_rng(3)
    ids = np.arange(1, 401).reshape(40, 10)
    ids[rng.random(ids.shape) < 0.2] = -1
    ids = als.compact(ids, ids >= 0)
    categories = np.where(ids >= 0, rng.integers(0, 3, ids.shape), -1)

    result = als.diversify(ids, categories, max_run=2)

    for row, cats, got in zip(ids, categories, result, strict=True):
        products = [P(int(i), int(c)) for i, c in zip(row, cats, strict=True) if i >= 0]
        expected = [p.pk for p in selectors.diversified(products, max_run=2, limit=10)]
        assert got[got >= 0].tolist() == expected


def test_compact_keeps_order_and_pads_at_the_end():
    ids = np.array([[5, 6, 7, 8], [1, 2, 3, 4]])
    keep = np.array([[False, True, False, True], [True, True, True, True]])
    assert als.compact(ids, keep).tolist() == [[6, 8, -1, -1], [1, 2, 3, 4]]


def test_co_purchases_rank_partners_by_shared_buyers_then_popularity():
    # Columns 0..3; buyers of 0 bought 1 twice, 2 once; 3 is bought by many but once with 0.
    bought = csr_matrix(
        np.array(
            [[1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 1]],
            dtype=np.float32,
        )
    )
    partners = als.co_purchases(bought, n=3)
    assert partners[0].tolist() == [1, 3, 2]  # 1: two buyers; 3 and 2: one each, 3 sells more
    assert partners[3].tolist() == [0, 2, -1]


def test_ranking_metrics_match_a_hand_computation():
    test = csr_matrix(np.array([[0, 1, 0, 1, 0], [1, 0, 0, 0, 0]], dtype=np.float32))
    recommended = np.array([[1, 2], [3, 4]])
    metrics = als.ranking_metrics(recommended, test, np.array([0, 1]), 2)
    # User 0: hit at rank 1 of 2 relevant; user 1: no hit.
    assert metrics["precision@2"] == pytest.approx(0.25)
    assert metrics["recall@2"] == pytest.approx(0.25)
    assert metrics["map@2"] == pytest.approx(0.25)
    assert metrics["ndcg@2"] == pytest.approx(0.5 / (1 + 1 / np.log2(3)))
    assert metrics["coverage"] == pytest.approx(4 / 5)


def test_popularity_baseline_skips_what_each_user_touched():
    train = csr_matrix(
        np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]], dtype=np.float32)
    )
    picks = als.popular_for_users(train, np.array([0, 1, 3]), 2)
    assert picks.tolist() == [[2, 3], [1, 2], [0, 1]]


def test_columns_subset_equals_scipy_column_indexing():
    matrix = sparse_random(50, 300, density=0.05, format="csr", random_state=1, dtype=np.float32)
    columns = np.sort(np.random.default_rng(2).choice(300, 90, replace=False))
    assert (als.columns_subset(matrix, columns) != matrix[:, columns]).nnz == 0


@pytest.fixture(scope="module")
def small_model():
    """Two groups of products liked by two groups of shoppers."""
    rng = np.random.default_rng(0)
    rows, cols = [], []
    for user in range(200):
        group = user % 2
        for item in rng.choice(10, 5, replace=False):
            rows.append(user)
            cols.append(group * 10 + item)
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(200, 20))
    params = als.Params(factors=8, iterations=10, min_support=1)
    return als.fit(matrix, params, model=als.new_model(params, gpu=False)), matrix


def test_top_for_users_only_ranks_candidates_and_leaves_out_what_was_seen(small_model):
    model, matrix = small_model
    candidates = np.arange(0, 20, 2)
    top = als.top_for_users(model, matrix, np.array([0, 1]), n=5, candidates=candidates)
    for row, user in zip(top, (0, 1), strict=True):
        shown = row[row >= 0]
        assert set(shown) <= set(candidates)
        assert not set(shown) & set(matrix[user].indices)
        # A shopper of the first group gets products of the first group first.
        assert shown[0] // 10 == user % 2


def test_fold_in_updates_users_to_new_interactions(small_model):
    model, matrix = small_model
    # User 0 (first group) now only likes products of the second group.
    changed = matrix.tolil()
    changed[0, :] = 0
    changed[0, 10:15] = 1
    changed = changed.tocsr()

    folded = als.fold_in(copy.deepcopy(model), changed)
    scores = folded.item_factors @ folded.user_factors[0]
    assert scores[10:].mean() > scores[:10].mean()


def test_content_neighbours_stay_in_the_group_and_never_include_the_product():
    ids = np.array([10, 11, 12, 20, 21])
    tokens = [["red", "shoe"], ["red", "shoe", "x"], ["blue", "hat"], ["red", "shoe"], ["hat"]]
    groups = np.array([1, 1, 1, 2, 2])
    found = als.content_neighbours(ids, tokens, groups, np.array([0, 3]), n=3)
    assert found[0].tolist()[0] == 11  # same words, same group
    assert 10 not in found[0] and not set(found[0]) & {20, 21}
    assert found[1].tolist() == [-1, -1, -1]  # nothing in common within its group


@pytest.mark.parametrize("extra", [0, 2, 32])
def test_top_for_users_equals_brute_force_ranking(small_model, extra):
    model, matrix = small_model
    rows = np.arange(0, 200, 7)
    candidates = np.arange(1, 20)
    top = als.top_for_users(model, matrix, rows, n=6, candidates=candidates, extra=extra)

    scores = model.user_factors[rows] @ model.item_factors[candidates].T
    scores[matrix[rows][:, candidates].toarray() > 0] = -np.inf
    for got, row_scores in zip(top, scores, strict=True):
        order = np.argsort(-row_scores, kind="stable")
        expected = [int(candidates[i]) for i in order if np.isfinite(row_scores[i])][:6]
        assert got[got >= 0].tolist() == expected


@pytest.mark.django_db
def test_content_words_include_the_variants_attribute_values(make_product):
    """A product too new to be learnt is matched on its options too: with the same name, the
    product sharing its colour and material is the closer neighbour."""
    category, brand = CategoryFactory(), BrandFactory()
    new, alike, other = (
        make_product(category=category, brand=brand, name_en="Trail Jacket") for _ in range(3)
    )
    for product, colour in ((new, "Red"), (alike, "red"), (other, "Blue")):
        ProductVariant.objects.filter(product=product).update(
            attributes={"colour": colour, "material": "wool" if colour != "Blue" else "nylon"}
        )

    ids, groups, _stocked, tokens = content_inputs()
    words = dict(zip(ids.tolist(), tokens, strict=True))
    assert {"colour:red", "material:wool"} <= set(words[new.pk])
    assert "colour:blue" in words[other.pk]

    target = int(np.flatnonzero(ids == new.pk)[0])
    found = als.content_neighbours(ids, tokens, groups, np.array([target]), n=2)
    assert found[0].tolist() == [alike.pk, other.pk]
