"""One segmentation of one set of purchases: RFM scores and segments, the segment table, the
lifetime model's holdout check and its predictions. No Django: the shop's service and the
`compute_segments --csv` command both call `analyse`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import lifetime, rfm

# progress(done, total, step): how far it has come (insights.jobs.Progress or a printer).
ProgressFn = Callable[[int, int | None, str], None]


@dataclass
class CustomerResult:
    rfm: rfm.CustomerRFM
    predicted_purchases: float | None = None
    predicted_value: Decimal | None = None
    probability_alive: float | None = None


@dataclass
class Analysis:
    observed_at: date
    customers: list[CustomerResult]
    table: list[rfm.SegmentRow]
    holdout: lifetime.HoldoutResult | None = None
    # Why there is no lifetime model / no holdout check: LifetimeModelError.as_dict().
    lifetime_error: dict = field(default_factory=dict)
    holdout_error: dict = field(default_factory=dict)
    value_message: str = ""

    @property
    def revenue(self) -> Decimal:
        return sum((row.revenue for row in self.table), Decimal(0))


def _nothing(done: int, total: int | None = None, step: str = "") -> None:
    return None


def analyse(
    days: dict[Hashable, dict[date, Decimal]],
    *,
    observed_at: date,
    holdout_days: int = 90,
    horizon_days: int = 90,
    lifetime_model: bool = True,
    progress: ProgressFn = _nothing,
) -> Analysis:
    """Segments and lifetime value of every customer in `days` (per customer, the amount spent
    on each day). Progress is reported in three steps: scoring, checking, predicting."""
    progress(0, 3, "scoring")
    scored = rfm.rfm_table(days, observed_at=observed_at)
    analysis = Analysis(
        observed_at=observed_at,
        customers=[CustomerResult(rfm=customer) for customer in scored],
        table=rfm.segment_table(scored),
    )
    progress(1, 3, "checking")
    if not lifetime_model or not scored:
        progress(3, 3, "")
        return analysis
    try:
        analysis.holdout = lifetime.holdout_evaluation(
            days, observed_at=observed_at, holdout_days=holdout_days
        )
    except lifetime.LifetimeModelError as error:
        analysis.holdout_error = error.as_dict()
    progress(2, 3, "predicting")
    summary = lifetime.summarise(days, observed_at=observed_at)
    try:
        model = lifetime.fit(summary)
    except lifetime.LifetimeModelError as error:
        analysis.lifetime_error = error.as_dict()
        progress(3, 3, "")
        return analysis
    analysis.value_message = model.value_message
    prediction = lifetime.predict(model, summary, horizon_days=horizon_days)
    index = {customer: position for position, customer in enumerate(summary.customers)}
    cent = Decimal("0.01")
    for result in analysis.customers:
        at = index[result.rfm.customer]
        result.predicted_purchases = float(prediction.purchases[at])
        result.probability_alive = float(prediction.probability_alive[at])
        if prediction.value is not None:
            result.predicted_value = Decimal(repr(float(prediction.value[at]))).quantize(cent)
    progress(3, 3, "")
    return analysis
