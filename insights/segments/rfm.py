"""Recency, frequency and monetary value per customer, their 1-5 scores and the named segments.
No Django: runs on the shop's orders and on an external purchase log alike.

A *purchase* is one customer's spending on one day (several orders or log rows of one customer on
one day are one purchase, as in the lifetime model). Per customer:

- recency: days from the last purchase to the observation date (lower is better),
- frequency: the number of purchases,
- monetary: the total spent (a Decimal, the sum of the amounts it comes from).

Scores 1-5 by quintiles of the percent rank, ties handled: with n customers, and b of them
strictly *worse* on that measure (a longer recency, fewer purchases, less money), the score is
min(5, 1 + floor(5 * b / (n - 1))). Customers with the same value always get the same score, and
a value most customers share (one purchase, say) gets the lowest score, so having made only the
usual single purchase is never rewarded. With 10 distinct values each score holds two; the best
customer always scores 5 and the worst 1, however few there are. A lone customer scores 3 (there
is nobody to compare with).

Segments, from R and FM = the half-up mean of F and M (``(F + M + 1) // 2``):

| R \\ FM | 1               | 2                   | 3                   | 4         | 5           |
|--------|-----------------|---------------------|---------------------|-----------|-------------|
| 5      | new             | potential loyalists | potential loyalists | champions | champions   |
| 4      | promising       | potential loyalists | potential loyalists | loyal     | loyal       |
| 3      | about to sleep  | about to sleep      | need attention      | loyal     | loyal       |
| 2      | hibernating     | hibernating         | at risk             | at risk   | can't lose  |
| 1      | lost            | lost                | at risk             | at risk   | can't lose  |
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

CHAMPIONS = "champions"
LOYAL = "loyal"
POTENTIAL_LOYALISTS = "potential_loyalists"
NEW = "new"
PROMISING = "promising"
NEED_ATTENTION = "need_attention"
ABOUT_TO_SLEEP = "about_to_sleep"
AT_RISK = "at_risk"
CANT_LOSE = "cant_lose"
HIBERNATING = "hibernating"
LOST = "lost"

# Best first: the order in which tables list them.
SEGMENTS = (
    CHAMPIONS,
    LOYAL,
    POTENTIAL_LOYALISTS,
    NEW,
    PROMISING,
    NEED_ATTENTION,
    ABOUT_TO_SLEEP,
    AT_RISK,
    CANT_LOSE,
    HIBERNATING,
    LOST,
)

# SEGMENT_MAP[r][fm]: the table in the module's docstring.
SEGMENT_MAP: dict[int, dict[int, str]] = {
    5: {1: NEW, 2: POTENTIAL_LOYALISTS, 3: POTENTIAL_LOYALISTS, 4: CHAMPIONS, 5: CHAMPIONS},
    4: {1: PROMISING, 2: POTENTIAL_LOYALISTS, 3: POTENTIAL_LOYALISTS, 4: LOYAL, 5: LOYAL},
    3: {1: ABOUT_TO_SLEEP, 2: ABOUT_TO_SLEEP, 3: NEED_ATTENTION, 4: LOYAL, 5: LOYAL},
    2: {1: HIBERNATING, 2: HIBERNATING, 3: AT_RISK, 4: AT_RISK, 5: CANT_LOSE},
    1: {1: LOST, 2: LOST, 3: AT_RISK, 4: AT_RISK, 5: CANT_LOSE},
}


@dataclass(frozen=True)
class Purchase:
    customer: Hashable
    day: date
    amount: Decimal


@dataclass
class CustomerRFM:
    customer: Hashable
    first_purchase: date
    last_purchase: date
    recency_days: int
    frequency: int
    monetary: Decimal
    r_score: int = 0
    f_score: int = 0
    m_score: int = 0
    segment: str = ""

    @property
    def fm_score(self) -> int:
        return (self.f_score + self.m_score + 1) // 2


def segment_of(r_score: int, f_score: int, m_score: int) -> str:
    """The named segment of a customer's three scores (each 1-5)."""
    for score in (r_score, f_score, m_score):
        if not 1 <= score <= 5:
            raise ValueError(f"RFM scores run from 1 to 5, not {score}")
    return SEGMENT_MAP[r_score][(f_score + m_score + 1) // 2]


def quintile_scores(values: list, *, higher_is_better: bool = True) -> list[int]:
    """1-5 per value: min(5, 1 + floor(5 * worse / (n - 1))), where `worse` counts the values
    strictly worse; ties share a score. A single value scores 3."""
    n = len(values)
    if n == 0:
        return []
    if n == 1:
        return [3]
    ordered = sorted(values)
    scores = []
    for value in values:
        if higher_is_better:
            worse = bisect_left(ordered, value)
        else:
            worse = n - bisect_right(ordered, value)
        scores.append(min(5, 1 + (5 * worse) // (n - 1)))
    return scores


def daily_purchases(purchases: Iterable[Purchase]) -> dict[Hashable, dict[date, Decimal]]:
    """Per customer, the amount spent on each day (a day's several purchases summed)."""
    days: dict[Hashable, dict[date, Decimal]] = {}
    for purchase in purchases:
        spent = days.setdefault(purchase.customer, {})
        spent[purchase.day] = spent.get(purchase.day, Decimal(0)) + purchase.amount
    return days


def rfm_table(days: dict[Hashable, dict[date, Decimal]], *, observed_at: date) -> list[CustomerRFM]:
    """Every customer's recency, frequency, monetary value, scores and segment."""
    customers = []
    for customer, spent in days.items():
        if not spent:
            continue
        first, last = min(spent), max(spent)
        customers.append(
            CustomerRFM(
                customer=customer,
                first_purchase=first,
                last_purchase=last,
                recency_days=max(0, (observed_at - last).days),
                frequency=len(spent),
                monetary=sum(spent.values(), Decimal(0)),
            )
        )
    r = quintile_scores([c.recency_days for c in customers], higher_is_better=False)
    f = quintile_scores([c.frequency for c in customers])
    m = quintile_scores([c.monetary for c in customers])
    for customer, r_score, f_score, m_score in zip(customers, r, f, m, strict=True):
        customer.r_score, customer.f_score, customer.m_score = r_score, f_score, m_score
        customer.segment = segment_of(r_score, f_score, m_score)
    return customers


@dataclass
class SegmentRow:
    segment: str
    size: int
    share: float
    revenue: Decimal
    avg_recency: float
    avg_frequency: float
    avg_monetary: Decimal


def segment_table(customers: list[CustomerRFM]) -> list[SegmentRow]:
    """Size, share, revenue and mean R/F/M of every segment (all of them, empty ones too)."""
    total = len(customers)
    rows = []
    for segment in SEGMENTS:
        members = [c for c in customers if c.segment == segment]
        size = len(members)
        revenue = sum((c.monetary for c in members), Decimal(0))
        rows.append(
            SegmentRow(
                segment=segment,
                size=size,
                share=size / total if total else 0.0,
                revenue=revenue,
                avg_recency=sum(c.recency_days for c in members) / size if size else 0.0,
                avg_frequency=sum(c.frequency for c in members) / size if size else 0.0,
                avg_monetary=(revenue / size).quantize(Decimal("0.01")) if size else Decimal(0),
            )
        )
    return rows
