"""Daily demand of one variant in one warehouse: a level with a linear trend and day-of-week
seasonality, fitted to the last weeks of history, and what it implies for reordering.

- Weekday indices: the mean ratio of each weekday's demand to the centred 7-day moving average
  (multiplicative, averaging 1). Fewer than two full weeks: no weekday pattern (all 1).
- Trend: least squares on the de-seasonalised series (two weeks at least, else flat).
- Sigma: the standard deviation of the daily residuals; with too little history, or when it is
  smaller, that of a Poisson count with the same mean (sqrt(mean)), so a short or lucky history
  never promises certainty.
- Safety stock = z(service level) * sigma * sqrt(lead time); reorder point = demand over the lead
  time + safety stock; target (order-up-to) level = demand over lead time + review period +
  safety stock; suggested quantity = target - position when the position (available + on order)
  is at or below the reorder point, rounded up to whole cases.

Plain Python and the standard library (statistics.NormalDist): no Django, no numpy needed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

DAYS_IN_WEEK = 7
MIN_DAYS_FOR_PATTERN = 14


@dataclass(frozen=True)
class DemandForecast:
    """`level`: de-seasonalised demand per day at the last day of history; `trend`: its change
    per day; `weekday_index[d]` (0 = Monday): how much of an average day weekday d sells;
    `sigma`: standard deviation of one day's demand; `next_weekday`: the weekday of the first
    forecast day."""

    level: float
    trend: float
    weekday_index: tuple[float, ...]
    sigma: float
    next_weekday: int
    history_days: int

    def day(self, ahead: int) -> float:
        """Expected demand `ahead` days after the last day of history (1 = the next day)."""
        base = max(0.0, self.level + self.trend * ahead)
        weekday = (self.next_weekday + ahead - 1) % DAYS_IN_WEEK
        return base * self.weekday_index[weekday]

    def over(self, days: float, *, start: int = 1) -> float:
        """Expected demand over `days` days starting `start` days ahead (a fraction of a day at
        the end counts pro rata)."""
        whole = int(days)
        total = sum(self.day(start + i) for i in range(whole))
        if days > whole:
            total += (days - whole) * self.day(start + whole)
        return total

    @property
    def velocity(self) -> float:
        """Average units per day now (the de-seasonalised level, never negative)."""
        return max(0.0, self.level)


def weekday_indices(history: Sequence[float], *, last_weekday: int) -> tuple[float, ...]:
    """Multiplicative indices of each weekday (mean 1), by the ratio of each day to the 7-day
    moving average centred on it (which a linear trend passes through unchanged and a weekly
    pattern leaves flat); all 1 without two weeks of history or without sales."""
    n = len(history)
    if n < MIN_DAYS_FOR_PATTERN or sum(history) <= 0:
        return (1.0,) * DAYS_IN_WEEK
    sums = [0.0] * DAYS_IN_WEEK
    counts = [0] * DAYS_IN_WEEK
    half = DAYS_IN_WEEK // 2
    for i in range(half, n - half):
        average = sum(history[i - half : i + half + 1]) / DAYS_IN_WEEK
        if average <= 0:
            continue
        weekday = (last_weekday - (n - 1 - i)) % DAYS_IN_WEEK
        sums[weekday] += history[i] / average
        counts[weekday] += 1
    if not all(counts):
        return (1.0,) * DAYS_IN_WEEK
    raw = [sums[d] / counts[d] for d in range(DAYS_IN_WEEK)]
    scale = sum(raw) / DAYS_IN_WEEK
    if scale <= 0:
        return (1.0,) * DAYS_IN_WEEK
    return tuple(value / scale for value in raw)


def _least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line through the points."""
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - slope * mean_x, slope


def forecast_demand(
    history: Sequence[float], *, last_weekday: int, weeks: int = 8
) -> DemandForecast:
    """Fit the last `weeks` weeks of `history` (units per day, oldest first; the last entry is
    the day before the forecast starts, a weekday `last_weekday`, 0 = Monday)."""
    window = [max(0.0, float(units)) for units in history[-weeks * DAYS_IN_WEEK :]]
    n = len(window)
    next_weekday = (last_weekday + 1) % DAYS_IN_WEEK
    if n == 0 or sum(window) <= 0:
        return DemandForecast(0.0, 0.0, (1.0,) * DAYS_IN_WEEK, 0.0, next_weekday, n)
    index = weekday_indices(window, last_weekday=last_weekday)
    mean = sum(window) / n
    weekdays = [(last_weekday - (n - 1 - i)) % DAYS_IN_WEEK for i in range(n)]
    if n < MIN_DAYS_FOR_PATTERN:
        return DemandForecast(mean, 0.0, index, math.sqrt(mean), next_weekday, n)
    # De-seasonalise; days of a weekday that never sells say nothing about the level.
    xs, ys = [], []
    for i, units in enumerate(window):
        if index[weekdays[i]] > 0:
            xs.append(float(i - (n - 1)))  # 0 = the last day of history
            ys.append(units / index[weekdays[i]])
    level, slope = _least_squares(xs, ys)
    residuals = [
        units - max(0.0, level + slope * (i - (n - 1))) * index[weekdays[i]]
        for i, units in enumerate(window)
    ]
    sigma = math.sqrt(sum(r * r for r in residuals) / max(1, n - 2))
    return DemandForecast(level, slope, index, max(sigma, math.sqrt(mean)), next_weekday, n)


def z_score(service_level: float) -> float:
    """How many standard deviations of demand cover `service_level` of the cycles (0.95 ->
    1.645)."""
    if not 0 < service_level < 1:
        raise ValueError("the service level is a probability strictly between 0 and 1")
    return NormalDist().inv_cdf(service_level)


def safety_stock(*, sigma: float, lead_time_days: float, service_level: float) -> float:
    """z(service level) * sigma (of one day's demand) * sqrt(lead time in days)."""
    return max(0.0, z_score(service_level)) * sigma * math.sqrt(max(0.0, lead_time_days))


def round_up_to_case(quantity: float, case_pack: int = 1) -> int:
    """The smallest whole number of cases holding at least `quantity` units (0 for none)."""
    if quantity <= 0:
        return 0
    case_pack = max(1, int(case_pack))
    return math.ceil(quantity / case_pack - 1e-9) * case_pack


@dataclass(frozen=True)
class ReorderAdvice:
    lead_time_demand: float
    safety_stock: float
    reorder_point: float
    target_level: float
    position: int
    suggested: int


def reorder_advice(
    forecast: DemandForecast,
    *,
    available: int,
    on_order: int,
    lead_time_days: float,
    review_days: float,
    service_level: float,
    case_pack: int = 1,
) -> ReorderAdvice:
    """When and how much to reorder for one variant (see the module's docstring)."""
    lead_demand = forecast.over(lead_time_days)
    safety = safety_stock(
        sigma=forecast.sigma, lead_time_days=lead_time_days, service_level=service_level
    )
    reorder_point = lead_demand + safety
    target = forecast.over(lead_time_days + review_days) + safety
    position = available + on_order
    suggested = 0
    if forecast.velocity > 0 and position <= reorder_point:
        suggested = round_up_to_case(target - position, case_pack)
    return ReorderAdvice(lead_demand, safety, reorder_point, target, position, suggested)
