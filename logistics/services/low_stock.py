"""Low-stock thresholds: a stock row is low when its available units are at or below its
threshold (its own, else its warehouse's; none: never low). Every stock change passes through
`low_stock_flag` (called by stock._record): a row that goes from above to at-or-below gets
`low_stock_since` and, after commit, one alert email to its merchant's staff (tasks.py); a row
that goes back above loses it, so the next crossing alerts again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError

from .. import locks
from ..models import Stock, Warehouse

if TYPE_CHECKING:
    from accounts.models import User


def _queue_alert(stock_id: int) -> None:
    from ..tasks import send_low_stock_alert

    transaction.on_commit(lambda: send_low_stock_alert.delay(stock_id))


def low_stock_flag(rows: Iterable[Stock]) -> list[int]:
    """Mark the rows (locked by the caller, their new quantities saved) that have just gone low,
    clear those that are no longer low, and queue one alert per row that went low. Returns the
    ids of the rows that went low."""
    rows = {row.pk: row for row in rows}
    if not rows:
        return []
    warehouse_ids = {row.warehouse_id for row in rows.values()}
    thresholds = dict(
        Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", "low_stock_threshold")
    )
    went_low, back_above = [], []
    for row in rows.values():
        threshold = row.threshold_with(thresholds.get(row.warehouse_id))
        low = threshold is not None and row.available <= threshold
        if low and row.low_stock_since is None:
            went_low.append(row)
        elif not low and row.low_stock_since is not None:
            back_above.append(row)
    now = timezone.now()
    if went_low:
        Stock.objects.filter(pk__in=[row.pk for row in went_low]).update(low_stock_since=now)
    if back_above:
        Stock.objects.filter(pk__in=[row.pk for row in back_above]).update(low_stock_since=None)
    for row in went_low:
        row.low_stock_since = now
        _queue_alert(row.pk)
    for row in back_above:
        row.low_stock_since = None
    return [row.pk for row in went_low]


@transaction.atomic
def stock_threshold_set(*, stock: Stock, threshold: int | None, actor: User | None) -> Stock:
    """Set a stock row's own low-stock threshold (None: its warehouse's). A row this makes low
    alerts as if its stock had fallen; one it lifts above is no longer low."""
    if threshold is not None and threshold < 0:
        raise DomainError(_("A low-stock threshold cannot be negative."))
    row = locks.lock_stock_row(stock.pk)
    if row is None:
        raise Stock.DoesNotExist(f"stock row {stock.pk} is gone")
    if row.low_stock_threshold != threshold:
        row.low_stock_threshold = threshold
        row.updated_at = timezone.now()
        row.save(update_fields=["low_stock_threshold", "updated_at"])
        low_stock_flag([row])
    return row


def low_stock_alert_claim(*, stock_id: int) -> datetime | None:
    """Claim the alert of a row's current low-stock crossing, once: returns the time it went
    low, or None if it is not low any more or its crossing was already alerted (so a retried or
    duplicated task sends nothing). A task that then fails to send gives it back
    (low_stock_alert_release)."""
    with transaction.atomic():
        claimed = (
            Stock.objects.filter(pk=stock_id, low_stock_since__isnull=False)
            .filter(
                Q(low_stock_notified_at__isnull=True)
                | ~Q(low_stock_notified_at=F("low_stock_since"))
            )
            .update(low_stock_notified_at=F("low_stock_since"))
        )
        if not claimed:
            return None
        return Stock.objects.filter(pk=stock_id).values_list("low_stock_since", flat=True).first()


def low_stock_alert_release(*, stock_id: int, since: datetime) -> None:
    """Give back a claimed alert that could not be sent, so the retry sends it."""
    Stock.objects.filter(pk=stock_id, low_stock_notified_at=since).update(
        low_stock_notified_at=None
    )
