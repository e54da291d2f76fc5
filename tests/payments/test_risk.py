"""The fraud and risk rules as pure functions: each fires on what it is about and stays silent
otherwise; the score adds up and the threshold decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from payments import risk

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
OLD_ACCOUNT = NOW - timedelta(days=400)


def facts(**changes) -> risk.OrderFacts:
    values = {
        "now": NOW,
        "total": Decimal("88.00"),
        "shipping_province": "上海市",
        "account_created_at": OLD_ACCOUNT,
    }
    return risk.OrderFacts(**{**values, **changes})


def minutes_ago(*minutes: int) -> tuple[datetime, ...]:
    return tuple(NOW - timedelta(minutes=m) for m in minutes)


def rule(code: str, **limits) -> risk.RuleConfig:
    return risk.RuleConfig(code=code, score=limits.pop("score", 40), **limits)


VELOCITY = {"max_count": 3, "window_hours": 1}


def test_account_velocity_fires_above_the_limit_within_the_window():
    config = rule("account_velocity", **VELOCITY)

    assert risk.account_velocity(facts(account_order_times=minutes_ago(5, 10, 20)), config) == {
        "count": 4,
        "hours": 1,
        "limit": 3,
    }
    assert risk.account_velocity(facts(account_order_times=minutes_ago(5, 10)), config) is None
    assert risk.account_velocity(facts(account_order_times=minutes_ago(5, 10, 70)), config) is None


def test_ip_velocity_counts_orders_from_the_address():
    config = rule("ip_velocity", max_count=2, window_hours=1)

    assert risk.ip_velocity(facts(ip_order_times=minutes_ago(1, 2)), config)["count"] == 3
    assert risk.ip_velocity(facts(ip_order_times=minutes_ago(1)), config) is None


LARGE = {"account_age_days": 7, "amount": Decimal("2000.00")}


def test_a_large_amount_from_a_new_account_fires():
    config = rule("new_account_large_amount", **LARGE)
    new = NOW - timedelta(days=2)

    fired = risk.new_account_large_amount(
        facts(total=Decimal("2000.00"), account_created_at=new), config
    )

    assert fired == {"total": "2000.00", "amount": "2000.00", "age_days": 2, "days": 7}


@pytest.mark.parametrize(("total", "age_days"), [("1999.99", 2), ("5000.00", 7), ("5000.00", 400)])
def test_a_small_amount_or_an_established_account_does_not(total, age_days):
    config = rule("new_account_large_amount", **LARGE)
    created = NOW - timedelta(days=age_days)

    assert (
        risk.new_account_large_amount(
            facts(total=Decimal(total), account_created_at=created), config
        )
        is None
    )


def test_a_guest_counts_as_a_new_account():
    config = rule("new_account_large_amount", **LARGE)

    fired = risk.new_account_large_amount(
        facts(total=Decimal("3000.00"), account_created_at=None), config
    )

    assert fired["age_days"] == 0


def test_many_failed_payments_fire():
    config = rule("failed_payments", max_count=3, window_hours=24)

    assert risk.failed_payments(facts(failed_payment_times=minutes_ago(1, 2, 3, 4)), config)
    assert risk.failed_payments(facts(failed_payment_times=minutes_ago(1, 2, 3)), config) is None
    old = minutes_ago(1, 2, 3, 60 * 25)
    assert risk.failed_payments(facts(failed_payment_times=old), config) is None


def test_distance_between_province_capitals():
    assert risk.province_distance_km("北京市", "上海市") == pytest.approx(1068, abs=15)
    assert risk.province_distance_km("上海市", "上海市") == 0
    assert risk.province_distance_km("上海市", "Atlantis") is None


def test_shipping_far_from_every_earlier_address_fires():
    config = rule("far_address", distance_km=1500)

    fired = risk.far_address(
        facts(shipping_province="新疆维吾尔自治区", previous_provinces=("上海市", "浙江省")),
        config,
    )

    assert fired["usual"] == "浙江省" or fired["usual"] == "上海市"
    assert fired["km"] > 1500


def test_shipping_near_one_earlier_address_or_without_history_does_not():
    config = rule("far_address", distance_km=1500)

    near = facts(shipping_province="江苏省", previous_provinces=("新疆维吾尔自治区", "上海市"))
    assert risk.far_address(near, config) is None
    assert risk.far_address(facts(previous_provinces=()), config) is None


def test_region_mismatch_fires_only_against_a_known_home_province():
    config = rule("region_mismatch")

    assert risk.region_mismatch(facts(home_province="广东省"), config) == {
        "home": "广东省",
        "shipping": "上海市",
    }
    assert risk.region_mismatch(facts(home_province="上海市"), config) is None
    assert risk.region_mismatch(facts(home_province=""), config) is None


def test_scores_add_up_and_the_threshold_decides():
    rules = [
        rule("region_mismatch", score=20),
        rule("ip_velocity", score=40, max_count=1, window_hours=1),
        rule("far_address", score=30, distance_km=1500),
    ]
    suspicious = facts(home_province="广东省", ip_order_times=minutes_ago(3))

    verdict = risk.score_order(suspicious, rules, threshold=60)

    assert verdict.score == 60 and verdict.needs_review
    assert [r.code for r in verdict.reasons] == ["region_mismatch", "ip_velocity"]
    assert not risk.score_order(suspicious, rules, threshold=61).needs_review
    assert risk.score_order(facts(), rules, threshold=60).reasons == ()
