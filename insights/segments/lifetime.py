"""Customer lifetime value: BG/NBD (how many purchases a customer will make) and Gamma-Gamma (what
a purchase is worth), fitted with the `lifetimes` package. No Django.

Time is counted in days; a purchase is one customer's spending on one day (as in `rfm`). Per
customer the models read: frequency = repeat purchases (purchase days after the first), recency =
days from the first to the last purchase, T = days from the first purchase to the observation
date, and monetary = the mean of the repeat purchases (Gamma-Gamma's input).

`holdout_evaluation` checks the model on the data itself: it fits on everything before the last
`holdout_days`, predicts each customer's purchases in those days and compares with what they
really bought (mean absolute error), next to a naive baseline: each customer keeps buying at the
rate of the calibration period (repeat purchases / T).

What `lifetimes` cannot fit (too few customers, too few repeat buyers, the optimiser not
converging, parameters that make no sense) raises `LifetimeModelError` with a sentence saying
why; callers keep the RFM results and show the sentence.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

MIN_CUSTOMERS = 20
MIN_REPEAT_BUYERS = 10
PENALIZER = 0.001
PENALIZERS = (0.001, 0.01, 0.1)
WEEK = 7.0


class LifetimeModelError(Exception):
    """The lifetime model cannot be fitted on these data; the message says why (in English).
    `code` and `params` let a page word it in the reader's language."""

    def __init__(self, code: str, message: str, **params):
        self.code = code
        self.params = params
        super().__init__(message)

    def as_dict(self) -> dict:
        return {"code": self.code, "params": self.params, "message": str(self)}


@dataclass
class Summary:
    customers: list[Hashable]
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray

    def __len__(self) -> int:
        return len(self.customers)


def summarise(
    days: dict[Hashable, dict[date, Decimal]], *, observed_at: date, until: date | None = None
) -> Summary:
    """The models' inputs, from each customer's spending per day; only days up to `until` (the
    end of a calibration period) when given, and only customers who bought by then."""
    end = until or observed_at
    customers, frequency, recency, age, monetary = [], [], [], [], []
    for customer, spent in days.items():
        bought = sorted(day for day in spent if day <= end)
        if not bought:
            continue
        first = bought[0]
        repeats = bought[1:]
        customers.append(customer)
        frequency.append(len(repeats))
        recency.append((bought[-1] - first).days)
        age.append((end - first).days)
        monetary.append(
            float(sum((spent[day] for day in repeats), Decimal(0)) / len(repeats))
            if repeats
            else 0.0
        )
    return Summary(
        customers=customers,
        frequency=np.asarray(frequency, dtype=float),
        recency=np.asarray(recency, dtype=float),
        T=np.asarray(age, dtype=float),
        monetary=np.asarray(monetary, dtype=float),
    )


@dataclass
class LifetimeModel:
    bgf: object
    ggf: object | None
    # Why there is no Gamma-Gamma part (values unknown), if there is none.
    value_message: str = ""
    # Gamma-Gamma is fitted on amounts divided by this (their mean), so that the penalizer means
    # the same in yuan or in cents; the model scales back exactly (v scales with the amounts).
    value_scale: float = 1.0


def _check(summary: Summary) -> None:
    if len(summary) < MIN_CUSTOMERS:
        raise LifetimeModelError(
            "few_customers",
            f"Only {len(summary)} customers: the lifetime model needs at least {MIN_CUSTOMERS}.",
            count=len(summary),
            needed=MIN_CUSTOMERS,
        )
    repeat = int((summary.frequency > 0).sum())
    if repeat < MIN_REPEAT_BUYERS:
        raise LifetimeModelError(
            "few_repeat_buyers",
            f"Only {repeat} customers bought more than once: the lifetime model needs at "
            f"least {MIN_REPEAT_BUYERS}.",
            count=repeat,
            needed=MIN_REPEAT_BUYERS,
        )
    if not (summary.T > 0).any():
        raise LifetimeModelError(
            "no_history", "Every customer bought for the first time on the last day."
        )


def fit(summary: Summary) -> LifetimeModel:
    """BG/NBD on every customer, Gamma-Gamma on the repeat buyers with a positive value. Fitted in
    weeks (better conditioned than days); a fit that does not converge is retried with a
    stronger penalizer before giving up."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import ConvergenceError

    _check(summary)
    bgf = None
    for penalizer in PENALIZERS:
        candidate = BetaGeoFitter(penalizer_coef=penalizer)
        try:
            # lifetimes prints the optimiser's state when it fails: not for our output.
            with (
                warnings.catch_warnings(),
                np.errstate(all="ignore"),
                contextlib.redirect_stdout(io.StringIO()),
            ):
                warnings.simplefilter("ignore")
                candidate.fit(summary.frequency, summary.recency / WEEK, summary.T / WEEK)
        except (ConvergenceError, ValueError, FloatingPointError, np.linalg.LinAlgError):
            continue
        params = np.asarray(list(candidate.params_.values), dtype=float)
        if np.all(np.isfinite(params)) and np.all(params > 0):
            bgf = candidate
            break
    if bgf is None:
        raise LifetimeModelError(
            "no_convergence",
            "The purchase model (BG/NBD) did not converge, even with a stronger penalizer.",
        )

    ggf, value_message, scale = None, "", 1.0
    repeat = (summary.frequency > 0) & (summary.monetary > 0)
    if repeat.any():
        scale = float(summary.monetary[repeat].mean())
    if int(repeat.sum()) < MIN_REPEAT_BUYERS:
        value_message = "Too few repeat buyers with a positive amount for the value model."
    else:
        value_message = "The value model (Gamma-Gamma) did not converge."
        for penalizer in PENALIZERS:
            candidate = GammaGammaFitter(penalizer_coef=penalizer)
            try:
                with (
                    warnings.catch_warnings(),
                    np.errstate(all="ignore"),
                    contextlib.redirect_stdout(io.StringIO()),
                ):
                    warnings.simplefilter("ignore")
                    candidate.fit(summary.frequency[repeat], summary.monetary[repeat] / scale)
            except (ConvergenceError, ValueError, FloatingPointError):
                continue
            values = np.asarray(list(candidate.params_.values), dtype=float)
            # q > 1, or the expected spend per purchase is infinite.
            if np.all(np.isfinite(values)) and np.all(values > 0) and values[1] > 1:
                ggf, value_message = candidate, ""
                break
            value_message = "The value model (Gamma-Gamma) found no sensible parameters."
    return LifetimeModel(bgf=bgf, ggf=ggf, value_message=value_message, value_scale=scale)


def expected_purchases(bgf, days: float, summary: Summary) -> np.ndarray:
    """Each customer's expected purchases in the next `days`. lifetimes takes the log of a
    hypergeometric term that is negative when a + b < 1 for customers without a repeat purchase
    (NaN); those are computed here without the log (the same formula, Fader et al. 2005)."""
    from scipy.special import hyp2f1

    t = days / WEEK
    x, recency, age = summary.frequency, summary.recency / WEEK, summary.T / WEEK
    expected = np.asarray(
        bgf.conditional_expected_number_of_purchases_up_to_time(t, x, recency, age), dtype=float
    )
    broken = ~np.isfinite(expected)
    if broken.any():
        r, alpha, a, b = (float(bgf.params_[name]) for name in ("r", "alpha", "a", "b"))
        x, recency, age = x[broken], recency[broken], age[broken]
        ratio = (alpha + age) / (alpha + age + t)
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ratio ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
        third = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + age) / (alpha + recency)) ** (r + x)
        expected[broken] = first * second / third
    return expected


@dataclass
class Prediction:
    purchases: np.ndarray
    probability_alive: np.ndarray
    # The expected value of those purchases; None without a value model.
    value: np.ndarray | None


def predict(model: LifetimeModel, summary: Summary, *, horizon_days: int = 90) -> Prediction:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        purchases = expected_purchases(model.bgf, horizon_days, summary)
        alive = np.asarray(
            model.bgf.conditional_probability_alive(
                summary.frequency, summary.recency / WEEK, summary.T / WEEK
            ),
            dtype=float,
        )
        value = None
        if model.ggf is not None:
            average = (
                np.asarray(
                    model.ggf.conditional_expected_average_profit(
                        summary.frequency,
                        np.where(summary.frequency > 0, summary.monetary / model.value_scale, 0.0),
                    ),
                    dtype=float,
                )
                * model.value_scale
            )
            value = purchases * average
    purchases = np.nan_to_num(purchases, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0)
    alive = np.nan_to_num(alive, nan=0.0).clip(0, 1)
    if value is not None:
        value = np.nan_to_num(value, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0)
    return Prediction(purchases=purchases, probability_alive=alive, value=value)


@dataclass
class HoldoutResult:
    calibration_end: date
    holdout_days: int
    customers: int
    actual_purchases: int
    predicted_purchases: float
    baseline_purchases: float
    mae: float
    baseline_mae: float


def holdout_evaluation(
    days: dict[Hashable, dict[date, Decimal]], *, observed_at: date, holdout_days: int = 90
) -> HoldoutResult:
    """Fit on the purchases before the last `holdout_days`, predict those days, compare."""
    if holdout_days < 1:
        raise LifetimeModelError("bad_holdout", "The holdout period must be at least one day.")
    calibration_end = observed_at - timedelta(days=holdout_days)
    summary = summarise(days, observed_at=observed_at, until=calibration_end)
    if len(summary) == 0:
        raise LifetimeModelError(
            "no_calibration",
            f"No purchase before {calibration_end.isoformat()}: the holdout of {holdout_days} "
            f"days leaves nothing to fit on.",
            date=calibration_end.isoformat(),
            days=holdout_days,
        )
    model = fit(summary)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        predicted = expected_purchases(model.bgf, holdout_days, summary)
    predicted = np.nan_to_num(predicted, nan=0.0, posinf=0.0, neginf=0.0)
    actual = np.asarray(
        [
            sum(1 for day in days[c] if calibration_end < day <= observed_at)
            for c in summary.customers
        ],
        dtype=float,
    )
    # Naive: the calibration's repeat rate kept up (a customer's first day cannot repeat).
    rate = np.divide(
        summary.frequency, summary.T, out=np.zeros_like(summary.T), where=summary.T > 0
    )
    baseline = rate * holdout_days
    return HoldoutResult(
        calibration_end=calibration_end,
        holdout_days=holdout_days,
        customers=len(summary),
        actual_purchases=int(actual.sum()),
        predicted_purchases=float(predicted.sum()),
        baseline_purchases=float(baseline.sum()),
        mae=float(np.abs(predicted - actual).mean()),
        baseline_mae=float(np.abs(baseline - actual).mean()),
    )
