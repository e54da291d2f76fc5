"""The funnel's maths (insights.funnel.markov) on hand-made sessions."""

from datetime import UTC, datetime, timedelta

import pytest

from insights.funnel import markov
from insights.funnel.markov import CART, CHECKOUT, EXIT, PAID, START, STATES, VIEW, Event

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# Four sessions, counted by hand below.
WALKS = [
    [VIEW, VIEW, CART, CHECKOUT, PAID],
    [VIEW],  # one view, then leaves
    [VIEW, CART],
    [VIEW, VIEW, VIEW],
]


def test_a_visitor_s_session_ends_after_thirty_minutes_without_an_event():
    events = [
        Event("u1", at(0), VIEW),
        Event("u1", at(29), CART),  # 29 minutes later: same session
        Event("u1", at(59.5), VIEW),  # 30.5 minutes after the cart: a new session
        Event("s-abc", at(1), VIEW),  # another visitor
    ]
    sessions = markov.split_sessions(events)
    assert [(s.visitor, s.started_at, s.kinds) for s in sessions] == [
        ("s-abc", at(1), [VIEW]),
        ("u1", at(0), [VIEW, CART]),
        ("u1", at(59.5), [VIEW]),
    ]


def test_an_order_recorded_for_two_merchants_is_one_checkout_and_one_payment():
    events = [
        Event("u1", at(0), VIEW),
        Event("u1", at(1), CHECKOUT, order_id=7),
        Event("u1", at(1), CHECKOUT, order_id=7),
        Event("u1", at(2), PAID, order_id=7),
        Event("u1", at(2), PAID, order_id=7),
    ]
    assert markov.walk(events) == [VIEW, CHECKOUT, PAID]


def test_funnel_counts_a_session_at_a_step_when_it_reached_every_step_before():
    walks = [*WALKS, [CART, CHECKOUT]]  # a cart without a view counts nowhere
    assert markov.funnel_counts(walks) == {VIEW: 4, CART: 2, CHECKOUT: 1, PAID: 1}
    assert markov.step_conversion(markov.funnel_counts(walks)) == {
        VIEW: None,
        CART: 0.5,
        CHECKOUT: 0.5,
        PAID: 1.0,
    }


def test_transition_counts_match_the_hand_count():
    counts = markov.transition_counts(WALKS)
    i = {s: n for n, s in enumerate(STATES)}
    # start -> view in all four sessions.
    assert counts[i[START]] == [0, 4, 0, 0, 0, 0]
    # view -> view: 1 (first) + 2 (fourth); view -> cart: 2; view -> exit: 2 (second, fourth).
    assert counts[i[VIEW]] == [0, 3, 2, 0, 0, 2]
    assert counts[i[CART]] == [0, 0, 0, 1, 0, 1]
    assert counts[i[CHECKOUT]] == [0, 0, 0, 0, 1, 0]
    assert counts[i[PAID]] == [0, 0, 0, 0, 0, 1]
    assert counts[i[EXIT]] == [0] * 6


def test_transition_rows_sum_to_one_and_are_the_counted_shares():
    matrix = markov.transition_matrix(markov.transition_counts(WALKS))
    i = {s: n for n, s in enumerate(STATES)}
    for row in matrix:
        assert sum(row) == pytest.approx(1.0)
    assert matrix[i[VIEW]][i[VIEW]] == pytest.approx(3 / 7)
    assert matrix[i[VIEW]][i[CART]] == pytest.approx(2 / 7)
    assert matrix[i[VIEW]][i[EXIT]] == pytest.approx(2 / 7)
    assert matrix[i[CART]][i[CHECKOUT]] == pytest.approx(0.5)
    assert matrix[i[EXIT]][i[EXIT]] == 1.0


def test_top_paths_on_a_hand_made_chain():
    matrix = markov.transition_matrix(markov.transition_counts(WALKS))
    # start-view 1, view-cart 2/7, cart-checkout 1/2, checkout-paid 1.
    to_paid = markov.top_paths(matrix, PAID, k=2, max_steps=8)
    assert to_paid[0][0] == (START, VIEW, CART, CHECKOUT, PAID)
    assert to_paid[0][1] == pytest.approx(2 / 7 * 1 / 2)
    assert to_paid[1][0] == (START, VIEW, VIEW, CART, CHECKOUT, PAID)
    assert to_paid[1][1] == pytest.approx(3 / 7 * 2 / 7 * 1 / 2)
    to_exit = markov.top_paths(matrix, EXIT, k=3, max_steps=8, avoid=[PAID])
    assert [p for p, _ in to_exit] == [
        (START, VIEW, EXIT),  # 2/7
        (START, VIEW, CART, EXIT),  # 2/7 * 1/2 = 1/7
        (START, VIEW, VIEW, EXIT),  # 3/7 * 2/7 = 6/49
    ]
    assert [q for _, q in to_exit] == pytest.approx([2 / 7, 1 / 7, 6 / 49])
    assert all(PAID not in path for path, _ in to_exit)


def test_top_paths_are_bounded_in_length():
    matrix = markov.transition_matrix(markov.transition_counts([[VIEW] * 20]))
    assert markov.top_paths(matrix, EXIT, k=5, max_steps=3) == [
        ((START, VIEW, EXIT), pytest.approx(1 / 20)),
        ((START, VIEW, VIEW, EXIT), pytest.approx(19 / 20 * 1 / 20)),
    ]


def test_purchase_probability_solves_the_absorbing_chain():
    matrix = markov.transition_matrix(markov.transition_counts(WALKS))
    chance = markov.purchase_probability(matrix)
    # cart: 1/2 to checkout, which always pays. view: h = 3/7 h + 2/7 * 1/2 -> h = 1/4.
    assert chance[CHECKOUT] == pytest.approx(1.0)
    assert chance[CART] == pytest.approx(0.5)
    assert chance[VIEW] == pytest.approx(0.25)
    assert chance[START] == pytest.approx(0.25)
    assert (chance[PAID], chance[EXIT]) == (1.0, 0.0)
