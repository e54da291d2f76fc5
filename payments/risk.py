"""Fraud and risk scoring of an order before it is paid: pure functions over plain data, no
Django. payments.risk_review gathers the facts from the database and applies the verdict.

Each rule looks at `OrderFacts` with its operator-tuned limits (`RuleConfig`) and either fires,
adding its score and a reason (a code plus the numbers that explain it), or stays silent.
Guests have no account, so they count as brand-new accounts and have no history."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0

# Seat of government of each provincial-level division (accounts.regions.PROVINCES), as
# (latitude, longitude). Province-level distance is coarse, but it is what every address has.
PROVINCE_CAPITALS: dict[str, tuple[float, float]] = {
    "北京市": (39.904, 116.407),
    "天津市": (39.084, 117.201),
    "上海市": (31.230, 121.474),
    "重庆市": (29.563, 106.551),
    "河北省": (38.042, 114.515),  # 石家庄
    "山西省": (37.870, 112.549),  # 太原
    "辽宁省": (41.806, 123.432),  # 沈阳
    "吉林省": (43.817, 125.324),  # 长春
    "黑龙江省": (45.803, 126.535),  # 哈尔滨
    "江苏省": (32.060, 118.797),  # 南京
    "浙江省": (30.274, 120.155),  # 杭州
    "安徽省": (31.821, 117.227),  # 合肥
    "福建省": (26.075, 119.296),  # 福州
    "江西省": (28.682, 115.858),  # 南昌
    "山东省": (36.651, 117.120),  # 济南
    "河南省": (34.746, 113.625),  # 郑州
    "湖北省": (30.593, 114.305),  # 武汉
    "湖南省": (28.228, 112.939),  # 长沙
    "广东省": (23.129, 113.264),  # 广州
    "海南省": (20.044, 110.199),  # 海口
    "四川省": (30.573, 104.066),  # 成都
    "贵州省": (26.647, 106.630),  # 贵阳
    "云南省": (25.038, 102.718),  # 昆明
    "陕西省": (34.341, 108.940),  # 西安
    "甘肃省": (36.061, 103.834),  # 兰州
    "青海省": (36.617, 101.778),  # 西宁
    "内蒙古自治区": (40.842, 111.749),  # 呼和浩特
    "广西壮族自治区": (22.817, 108.366),  # 南宁
    "西藏自治区": (29.652, 91.172),  # 拉萨
    "宁夏回族自治区": (38.487, 106.231),  # 银川
    "新疆维吾尔自治区": (43.825, 87.617),  # 乌鲁木齐
}


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def province_distance_km(a: str, b: str) -> float | None:
    """Distance between two provinces' capitals; None when either is unknown."""
    if a not in PROVINCE_CAPITALS or b not in PROVINCE_CAPITALS:
        return None
    return haversine_km(PROVINCE_CAPITALS[a], PROVINCE_CAPITALS[b])


@dataclass(frozen=True)
class OrderFacts:
    """What the rules know about an order and whoever placed it, at `now`."""

    now: datetime
    total: Decimal
    shipping_province: str
    account_created_at: datetime | None = None  # None: a guest
    # When the account's (or the IP's) other orders were placed.
    account_order_times: tuple[datetime, ...] = ()
    ip_order_times: tuple[datetime, ...] = ()
    # When the account's payments failed or were abandoned (closed unpaid, refused).
    failed_payment_times: tuple[datetime, ...] = ()
    # Provinces the account's earlier orders were shipped to.
    previous_provinces: tuple[str, ...] = ()
    # The account's home province (its default saved address), if it has one.
    home_province: str = ""


@dataclass(frozen=True)
class RuleConfig:
    code: str
    score: int
    max_count: int | None = None
    window_hours: int | None = None
    account_age_days: int | None = None
    amount: Decimal | None = None
    distance_km: int | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    score: int
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    score: int
    reasons: tuple[Reason, ...]
    threshold: int

    @property
    def needs_review(self) -> bool:
        return self.score >= self.threshold


def _within(times: tuple[datetime, ...], now: datetime, hours: int | None) -> int:
    since = now - timedelta(hours=hours or 1)
    return sum(1 for t in times if t >= since)


def account_velocity(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    if facts.account_created_at is None:
        return None
    count = _within(facts.account_order_times, facts.now, rule.window_hours)
    limit = rule.max_count if rule.max_count is not None else 3
    if count + 1 > limit:  # this order included
        return {"count": count + 1, "hours": rule.window_hours or 1, "limit": limit}
    return None


def ip_velocity(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    count = _within(facts.ip_order_times, facts.now, rule.window_hours)
    limit = rule.max_count if rule.max_count is not None else 5
    if count + 1 > limit:
        return {"count": count + 1, "hours": rule.window_hours or 1, "limit": limit}
    return None


def new_account_large_amount(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    amount = rule.amount if rule.amount is not None else Decimal("2000.00")
    days = rule.account_age_days if rule.account_age_days is not None else 7
    if facts.total < amount:
        return None
    if facts.account_created_at is None:
        age_days = 0
    else:
        age_days = (facts.now - facts.account_created_at).days
        if age_days >= days:
            return None
    return {"total": str(facts.total), "amount": str(amount), "age_days": age_days, "days": days}


def failed_payments(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    hours = rule.window_hours or 24 * 30
    count = _within(facts.failed_payment_times, facts.now, hours)
    limit = rule.max_count if rule.max_count is not None else 3
    if count > limit:
        return {"count": count, "hours": hours, "limit": limit}
    return None


def far_address(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    """Fires when the shipping province is far from every province the account shipped to
    before (an account without earlier orders has nothing to compare with)."""
    limit = rule.distance_km if rule.distance_km is not None else 1000
    distances = [
        d
        for d in (
            province_distance_km(facts.shipping_province, p) for p in facts.previous_provinces
        )
        if d is not None
    ]
    if not distances or min(distances) <= limit:
        return None
    nearest = min(
        facts.previous_provinces,
        key=lambda p: province_distance_km(facts.shipping_province, p) or math.inf,
    )
    return {"km": round(min(distances)), "limit": limit, "usual": nearest}


def region_mismatch(facts: OrderFacts, rule: RuleConfig) -> dict | None:
    home = facts.home_province
    if not home or not facts.shipping_province or home == facts.shipping_province:
        return None
    return {"home": home, "shipping": facts.shipping_province}


RULES = {
    "account_velocity": account_velocity,
    "ip_velocity": ip_velocity,
    "new_account_large_amount": new_account_large_amount,
    "failed_payments": failed_payments,
    "far_address": far_address,
    "region_mismatch": region_mismatch,
}


def score_order(facts: OrderFacts, rules: list[RuleConfig], threshold: int) -> Verdict:
    """Run the enabled rules (the caller passes only those) and add up the scores of those that
    fire. The order needs review when the total reaches `threshold`."""
    reasons = []
    for rule in rules:
        check = RULES.get(rule.code)
        if check is None:
            continue
        params = check(facts, rule)
        if params is not None:
            reasons.append(Reason(code=rule.code, score=rule.score, params=params))
    return Verdict(score=sum(r.score for r in reasons), reasons=tuple(reasons), threshold=threshold)
