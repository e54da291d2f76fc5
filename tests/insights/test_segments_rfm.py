"""The segments' maths without Django: scores, the segment table, the purchase log reader and the
lifetime model."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from insights.segments import lifetime, purchase_log, rfm
from insights.segments.analysis import analyse

TODAY = date(2026, 6, 30)


def _days(spec: dict) -> dict:
    """{customer: (recency of the last purchase, [amounts, oldest first])}: one purchase a week
    back from the last one."""
    days = {}
    for customer, (recency, amounts) in spec.items():
        last = TODAY - timedelta(days=recency)
        count = len(amounts)
        days[customer] = {
            last - timedelta(days=7 * (count - 1 - i)): Decimal(amount)
            for i, amount in enumerate(amounts)
        }
    return days


def _segments(spec: dict) -> dict:
    return {c.customer: c.segment for c in rfm.rfm_table(_days(spec), observed_at=TODAY)}


# --- scores ---------------------------------------------------------------------------------


def test_ten_distinct_values_fill_each_quintile_with_two():
    assert rfm.quintile_scores(list(range(1, 11))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_a_lower_recency_scores_higher():
    assert rfm.quintile_scores([50, 40, 30, 20, 10], higher_is_better=False) == [1, 2, 3, 4, 5]


def test_ties_share_the_score_of_the_lowest_of_their_group():
    # Three customers bought once: nobody is worse than them, so they score 1; the customer with
    # two purchases beats 3 of the 4 others (1 + 15 // 4 = 4), the one with three all 4 (5).
    assert rfm.quintile_scores([1, 1, 1, 2, 3]) == [1, 1, 1, 4, 5]


def test_ties_in_recency_count_only_customers_strictly_longer_ago():
    # 10 days: beats the two 30s and the 20 (1 + 15 // 4 = 4); 20 days beats the two 30s (3).
    assert rfm.quintile_scores([10, 10, 20, 30, 30], higher_is_better=False) == [4, 4, 3, 1, 1]


def test_scores_at_the_quintile_boundaries():
    # Of 5, each beats one more than the last: 5 * b / 4 crosses a boundary at every step.
    assert rfm.quintile_scores([Decimal(v) for v in "12345"]) == [1, 2, 3, 4, 5]
    # Of 6: 5 * b / 5 = b, so the two best both reach 5 (the top is capped at 5).
    assert rfm.quintile_scores([1, 2, 3, 4, 5, 6]) == [1, 2, 3, 4, 5, 5]
    # Of 11: b = 2 gives exactly 1 + 10 // 10 = 2; b = 1 stays at 1 (5 // 10 = 0).
    assert rfm.quintile_scores(list(range(11))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5]


def test_the_best_of_a_few_customers_still_scores_five():
    assert rfm.quintile_scores([10, 20, 30]) == [1, 3, 5]


def test_a_lone_customer_scores_in_the_middle():
    assert rfm.quintile_scores([42]) == [3]


def test_no_customers_no_scores():
    assert rfm.quintile_scores([]) == []


def test_every_cell_of_the_segment_map_is_named():
    named = {rfm.segment_of(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert named == set(rfm.SEGMENTS)


def test_fm_is_the_half_up_mean_of_f_and_m():
    assert rfm.segment_of(5, 3, 4) == rfm.CHAMPIONS  # FM (3 + 4 + 1) // 2 = 4
    assert rfm.segment_of(5, 3, 3) == rfm.POTENTIAL_LOYALISTS
    assert rfm.segment_of(1, 5, 4) == rfm.CANT_LOSE
    assert rfm.segment_of(1, 4, 4) == rfm.AT_RISK


def test_a_score_outside_one_to_five_is_refused():
    with pytest.raises(ValueError):
        rfm.segment_of(0, 3, 3)


# --- a small known dataset: five customers, so each rank is one score ----------------------


def test_known_customers_first_set():
    segments = _segments(
        {
            # recency, amounts: R from recency rank, F from the count, M from the sum
            "ann": (1, ["100"] * 5),  # R5 F5 M5 (500)
            "bob": (30, ["100"] * 4),  # R4 F4 M4 (400)
            "cai": (60, ["100"]),  # R3 F1 M1 (100)
            "dan": (200, ["100"] * 3),  # R2 F3 M3 (300)
            "eve": (400, ["100"] * 2),  # R1 F2 M2 (200)
        }
    )
    assert segments == {
        "ann": rfm.CHAMPIONS,
        "bob": rfm.LOYAL,
        "cai": rfm.ABOUT_TO_SLEEP,
        "dan": rfm.AT_RISK,
        "eve": rfm.LOST,
    }


def test_known_customers_second_set():
    segments = _segments(
        {
            "pia": (1, ["50"]),  # R5 F1 M1
            "qiu": (30, ["60", "60"]),  # R4 F2 M2 (120)
            "sun": (60, ["70"] * 3),  # R3 F3 M3 (210)
            "tao": (200, ["100"] * 5),  # R2 F5 M5 (500)
            "uma": (400, ["90"] * 4),  # R1 F4 M4 (360)
        }
    )
    assert segments == {
        "pia": rfm.NEW,
        "qiu": rfm.POTENTIAL_LOYALISTS,
        "sun": rfm.NEED_ATTENTION,
        "tao": rfm.CANT_LOSE,
        "uma": rfm.AT_RISK,
    }


def test_known_customers_third_set():
    segments = _segments(
        {
            "amy": (1, ["100"] * 4),  # R5 F4 M4
            "ben": (30, ["10"]),  # R4 F1 M1
            "cat": (60, ["200"] * 5),  # R3 F5 M5
            "dov": (200, ["20", "20"]),  # R2 F2 M2
            "eli": (400, ["50"] * 3),  # R1 F3 M3
        }
    )
    assert segments == {
        "amy": rfm.CHAMPIONS,
        "ben": rfm.PROMISING,
        "cat": rfm.LOYAL,
        "dov": rfm.HIBERNATING,
        "eli": rfm.AT_RISK,
    }


def test_a_days_purchases_are_one_purchase_and_money_is_summed_exactly():
    purchases = [
        rfm.Purchase("x", date(2026, 1, 5), Decimal("0.10")),
        rfm.Purchase("x", date(2026, 1, 5), Decimal("0.20")),
        rfm.Purchase("x", date(2026, 2, 1), Decimal("19.99")),
    ]
    (customer,) = rfm.rfm_table(rfm.daily_purchases(purchases), observed_at=date(2026, 2, 11))
    assert customer.frequency == 2
    assert customer.monetary == Decimal("20.29")
    assert customer.recency_days == 10
    assert customer.first_purchase == date(2026, 1, 5)


def test_the_segment_table_sums_to_the_customers_and_their_money():
    days = _days({"a": (1, ["10", "5"]), "b": (300, ["7.25"]), "c": (5, ["1"] * 3)})
    customers = rfm.rfm_table(days, observed_at=TODAY)
    table = rfm.segment_table(customers)
    assert [row.segment for row in table] == list(rfm.SEGMENTS)
    assert sum(row.size for row in table) == 3
    assert sum(row.revenue for row in table) == Decimal("25.25")
    assert sum(row.share for row in table) == pytest.approx(1.0)


# --- the purchase log ---------------------------------------------------------------------


def test_a_csv_log_with_its_own_column_names():
    lines = ["Client,Amount,Order Date\n", "c1,12.50,2026-01-03\n", "c2,3,2026-02-01\n"]
    purchases = purchase_log.read_purchases(
        lines, customer_column="client", amount_column="AMOUNT", date_column="order date"
    )
    assert purchases == [
        rfm.Purchase("c1", date(2026, 1, 3), Decimal("12.50")),
        rfm.Purchase("c2", date(2026, 2, 1), Decimal("3")),
    ]


def test_a_csv_log_with_known_names_is_read_without_being_told():
    lines = ["customer_id;date;amount\n", "7;2026/03/04;¥9.90\n"]
    assert purchase_log.read_purchases(lines) == [
        rfm.Purchase("7", date(2026, 3, 4), Decimal("9.90"))
    ]


def test_the_cdnow_format_with_and_without_header():
    body = [" 00001 19970101  1   11.77\n", " 00002 19970112  2   12.00\n"]
    header = [" customer_id  date number_of_cds  dollar_value\n"]
    for lines in (body, header + body):
        purchases = purchase_log.read_purchases(lines)
        assert purchases[0] == rfm.Purchase("00001", date(1997, 1, 1), Decimal("11.77"))
        assert purchases[1].amount == Decimal("12.00")


def test_a_date_format_can_be_given():
    lines = ["customer,date,amount\n", "a,03/04/2026,1\n"]
    (purchase,) = purchase_log.read_purchases(lines, date_format="%d/%m/%Y")
    assert purchase.day == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (["customer,date,amount\n", "a,2026-01-01,1\n", "b,yesterday,2\n"], 3, "not a date"),
        (["customer,date,amount\n", "a,2026-01-01,ten\n"], 2, "not an amount"),
        (["customer,date,amount\n", "a,2026-01-01,-5\n"], 2, "negative"),
        (["customer,date,amount\n", "a,2026-01-01\n"], 2, "columns"),
        (["customer,date,amount\n", ",2026-01-01,1\n"], 2, "customer id is empty"),
        (["who,when,what\n", "a,2026-01-01,1\n"], 1, "no column"),
        (["a 20260101\n"], 1, "at least 3 columns"),
    ],
)
def test_a_bad_log_says_which_line_is_wrong(lines, line, words):
    with pytest.raises(purchase_log.PurchaseLogError) as caught:
        purchase_log.read_purchases(lines)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_an_empty_log_or_a_header_alone_is_refused():
    with pytest.raises(purchase_log.PurchaseLogError, match="empty"):
        purchase_log.read_purchases([])
    with pytest.raises(purchase_log.PurchaseLogError, match="no purchase"):
        purchase_log.read_purchases(["customer,date,amount\n"])


def test_a_named_column_that_is_not_there_is_refused():
    with pytest.raises(purchase_log.PurchaseLogError, match="no column named 'spend'"):
        purchase_log.read_purchases(
            ["customer,date,amount\n", "a,2026-01-01,1\n"], amount_column="spend"
        )


# --- the lifetime model -------------------------------------------------------------------


def _synthetic(seed: int = 7, customers: int = 300) -> dict:
    """Customers who buy at their own rate for a year; a third stop after three months."""
    rng = np.random.default_rng(seed)
    start = TODAY - timedelta(days=365)
    days = {}
    for c in range(customers):
        rate = rng.gamma(2.0, 1 / 40)  # purchases per day, mean 0.05
        stops = 90 if c % 3 == 0 else 365
        bought = {start + timedelta(days=int(rng.integers(0, 30))): Decimal("20")}
        day = min(bought)
        while True:
            day += timedelta(days=max(1, int(rng.exponential(1 / rate))))
            if (day - start).days > stops or day > TODAY:
                break
            bought[day] = Decimal(str(round(float(rng.gamma(4, 10)), 2)))
        days[c] = bought
    return days


def test_frequent_recent_buyers_are_predicted_more_than_lapsed_ones():
    days = _synthetic()
    summary = lifetime.summarise(days, observed_at=TODAY)
    model = lifetime.fit(summary)
    prediction = lifetime.predict(model, summary, horizon_days=90)
    recent = (summary.frequency >= 5) & (summary.T - summary.recency <= 30)
    lapsed = (summary.frequency >= 1) & (summary.T - summary.recency >= 200)
    assert recent.sum() >= 10 and lapsed.sum() >= 10
    assert prediction.purchases[recent].mean() > 3 * prediction.purchases[lapsed].mean()
    assert prediction.probability_alive[recent].mean() > prediction.probability_alive[lapsed].mean()
    assert prediction.value is not None
    assert prediction.value[recent].mean() > prediction.value[lapsed].mean()


def test_the_holdout_check_compares_the_model_with_a_constant_rate():
    result = lifetime.holdout_evaluation(_synthetic(), observed_at=TODAY, holdout_days=90)
    assert result.customers == 300
    assert result.mae >= 0 and result.baseline_mae >= 0
    # A third of the customers stopped buying: the constant rate overestimates the holdout,
    # the model (which knows a customer can leave) less so.
    assert result.baseline_purchases > result.actual_purchases
    assert abs(result.predicted_purchases - result.actual_purchases) < abs(
        result.baseline_purchases - result.actual_purchases
    )


def test_too_few_repeat_buyers_is_a_clear_error():
    days = {c: {TODAY - timedelta(days=c): Decimal("5")} for c in range(40)}
    with pytest.raises(lifetime.LifetimeModelError) as caught:
        lifetime.fit(lifetime.summarise(days, observed_at=TODAY))
    assert caught.value.code == "few_repeat_buyers"
    assert "bought more than once" in str(caught.value)


def test_too_few_customers_is_a_clear_error():
    days = _days({"a": (1, ["1", "2"]), "b": (3, ["4"])})
    with pytest.raises(lifetime.LifetimeModelError) as caught:
        lifetime.fit(lifetime.summarise(days, observed_at=TODAY))
    assert caught.value.code == "few_customers"


def test_a_holdout_longer_than_the_history_is_a_clear_error():
    with pytest.raises(lifetime.LifetimeModelError) as caught:
        lifetime.holdout_evaluation(_synthetic(), observed_at=TODAY, holdout_days=2000)
    assert caught.value.code == "no_calibration"


def test_the_analysis_keeps_the_segments_when_the_model_cannot_be_fitted():
    days = _days({"a": (1, ["1", "2"]), "b": (3, ["4"])})
    analysis = analyse(days, observed_at=TODAY)
    assert len(analysis.customers) == 2
    assert analysis.lifetime_error["code"] == "few_customers"
    assert all(c.predicted_purchases is None for c in analysis.customers)


def test_the_analysis_reports_its_progress():
    seen = []
    analyse(_synthetic(customers=60), observed_at=TODAY, progress=lambda d, t, s: seen.append(d))
    assert seen == [0, 1, 2, 3]
