"""The replenishment maths alone (insights/replenishment/: no Django): the demand forecast, the
safety stock and reorder rule, and the purchasing programme against the greedy reorder."""

import math
from statistics import NormalDist

import pytest

from insights.replenishment import forecast as fc
from insights.replenishment import lp

MONDAY, SUNDAY = 0, 6


def test_a_rising_weekly_pattern_gives_both_trend_and_weekday_indices():
    week = [1, 1, 1, 1, 1, 2, 2]  # weekends sell double
    history = [(20 + i) * week[i % 7] for i in range(56)]

    forecast = fc.forecast_demand(history, last_weekday=SUNDAY)

    indices = [value / (9 / 7) for value in week]  # normalised to mean 1
    assert forecast.weekday_index == pytest.approx(indices, rel=0.02)
    assert forecast.trend == pytest.approx(9 / 7, rel=0.05)  # one unit a day, de-seasonalised


def test_a_rising_series_gives_its_trend_and_level():
    # 8 weeks, 2 units a day more each week (2/7 a day), no weekday pattern.
    history = [10 + i * 2 / 7 for i in range(56)]

    forecast = fc.forecast_demand(history, last_weekday=SUNDAY)

    assert forecast.trend == pytest.approx(2 / 7, rel=1e-6)
    assert forecast.level == pytest.approx(history[-1], rel=1e-6)
    assert forecast.day(7) == pytest.approx(history[-1] + 2, rel=1e-6)
    assert forecast.weekday_index == pytest.approx((1.0,) * 7, abs=0.05)


def test_weekend_heavy_sales_give_weekend_indices_and_a_weekday_shaped_forecast():
    # Monday..Friday 6 units, Saturday and Sunday 13: mean 8.
    week = [6, 6, 6, 6, 6, 13, 13]
    history = week * 8  # ends on a Sunday

    forecast = fc.forecast_demand(history, last_weekday=SUNDAY)

    assert forecast.weekday_index[MONDAY] == pytest.approx(6 / 8)
    assert forecast.weekday_index[5] == pytest.approx(13 / 8)
    assert forecast.trend == pytest.approx(0, abs=1e-9)
    assert forecast.next_weekday == MONDAY
    assert forecast.day(1) == pytest.approx(6)  # Monday
    assert forecast.day(6) == pytest.approx(13)  # Saturday
    assert forecast.over(7) == pytest.approx(56)


def test_no_history_forecasts_nothing_and_asks_for_nothing():
    forecast = fc.forecast_demand([0] * 56, last_weekday=SUNDAY)

    assert (forecast.level, forecast.trend, forecast.sigma) == (0, 0, 0)
    advice = fc.reorder_advice(
        forecast, available=0, on_order=0, lead_time_days=7, review_days=7, service_level=0.95
    )
    assert advice.suggested == 0
    assert fc.forecast_demand([], last_weekday=SUNDAY).over(28) == 0


def test_a_short_history_is_flat_with_poisson_uncertainty():
    forecast = fc.forecast_demand([3, 5, 4, 4], last_weekday=SUNDAY)

    assert forecast.level == pytest.approx(4)
    assert forecast.trend == 0
    assert forecast.sigma == pytest.approx(2)  # sqrt(4)


def test_safety_stock_reorder_point_and_suggestion_match_a_hand_computation():
    # Flat 10 a day with alternating +-2 noise: residual sd ~2, floored at sqrt(10).
    history = [12 if i % 2 else 8 for i in range(56)]
    forecast = fc.forecast_demand(history, last_weekday=SUNDAY)
    sigma = forecast.sigma
    assert sigma == pytest.approx(math.sqrt(10))
    z = NormalDist().inv_cdf(0.95)  # 1.6449

    advice = fc.reorder_advice(
        forecast, available=60, on_order=20, lead_time_days=9, review_days=7,
        service_level=0.95, case_pack=12,
    )  # fmt: skip

    safety = z * math.sqrt(10) * 3  # sqrt(9 days)
    assert advice.safety_stock == pytest.approx(safety)  # 15.6
    assert fc.safety_stock(sigma=2, lead_time_days=4, service_level=0.95) == pytest.approx(z * 4)
    assert advice.lead_time_demand == pytest.approx(90, rel=0.02)
    assert advice.reorder_point == pytest.approx(advice.lead_time_demand + safety)
    assert advice.position == 80
    # Up to demand over 16 days (~160) + safety stock, minus 80, in cases of 12.
    target = forecast.over(16) + safety
    assert advice.suggested == math.ceil((target - 80) / 12) * 12
    assert advice.suggested % 12 == 0


def test_no_reorder_while_the_position_is_above_the_reorder_point():
    forecast = fc.forecast_demand([10] * 56, last_weekday=SUNDAY)
    advice = fc.reorder_advice(
        forecast, available=500, on_order=0, lead_time_days=7, review_days=7, service_level=0.95
    )
    assert advice.suggested == 0


def test_service_levels_outside_zero_and_one_are_refused():
    with pytest.raises(ValueError):
        fc.z_score(1.0)


def test_expected_sales_is_the_mean_of_min_demand_stock():
    assert lp.expected_sales(1000, demand=50, sigma=5) == pytest.approx(50)
    assert lp.expected_sales(0, demand=50, sigma=5) == 0
    assert lp.expected_sales(50, demand=50, sigma=0) == 50
    # At the mean a normal demand falls short by sigma * phi(0).
    assert lp.expected_sales(50, demand=50, sigma=10) == pytest.approx(50 - 10 * 0.398942, 1e-5)


def _myopic_case():
    """The most urgent item is expensive and earns little; two less urgent ones earn a lot per
    unit of money. Greedy by urgency spends the budget on the first."""
    return [
        lp.Item(key=1, unit_cost=90, unit_margin=5, demand=10, sigma=1, position=0,
                suggested=10, urgency=0.0),
        lp.Item(key=2, unit_cost=10, unit_margin=30, demand=40, sigma=4, position=5,
                suggested=40, urgency=1.0),
        lp.Item(key=3, unit_cost=20, unit_margin=25, demand=30, sigma=3, position=5,
                suggested=30, urgency=2.0),
    ]  # fmt: skip


def test_the_programme_respects_the_budget_and_the_room():
    items = _myopic_case()

    for budget, room in ((1000, None), (400, None), (1000, 30), (5000, 50)):
        plan = lp.optimal_plan(items, budget=budget, room=room)
        assert plan.cost <= budget + 1e-6
        assert room is None or plan.units <= room
        assert plan.cost == pytest.approx(
            sum(item.unit_cost * plan.quantities.get(item.key, 0) for item in items)
        )


def test_the_programme_beats_the_greedy_reorder_when_greedy_is_myopic():
    items = _myopic_case()

    greedy = lp.greedy_plan(items, budget=1000, room=60)
    best = lp.optimal_plan(items, budget=1000, room=60)

    assert greedy.quantities == {1: 10}  # 900 of 1000 spent on the urgent, thin item
    assert best.margin > greedy.margin * 5
    assert best.quantities.get(2, 0) > 0 and best.quantities.get(3, 0) > 0
    assert best.cost <= 1000 and best.units <= 60


def test_orders_come_in_whole_cases():
    items = [lp.Item(key=1, unit_cost=10, unit_margin=10, demand=50, sigma=5, position=0,
                     case_pack=12)]  # fmt: skip

    plan = lp.optimal_plan(items, budget=10_000, room=None)

    assert plan.quantities[1] % 12 == 0
    assert plan.quantities[1] >= 48


def test_nothing_to_order_without_budget_or_room():
    items = _myopic_case()
    assert lp.optimal_plan(items, budget=0, room=None).quantities == {}
    assert lp.optimal_plan(items, budget=1000, room=0).quantities == {}
