"""The staff dashboard's figures (the admin index): one function per tile, each taking the
merchant whose figures they are (None: the whole shop, for the operator) and the period, and
returning plain data (numbers, Decimals, lists of dicts), so that the whole can be cached.

What the figures mean:

- revenue: the value of the merchant's own, not cancelled lines of orders placed in the period
  that are sold (orders.models.SOLD_STATUSES), never the order's total; for the whole shop, the
  same over every merchant's lines (so without shipping charges).
- orders: the sold orders of the period holding such lines; average order value = revenue / orders.
- refund rate: the refunds made (succeeded) in the period for the merchant / the value of the
  merchant's lines of the orders paid in the period (what they took before any refund). A refund
  is the merchant's when their staff made it (Refund.merchant); a refund the operator made counts
  for a merchant by the units of their lines it returned (RefundLine), or, refunding a cancelled
  order as a whole (no lines), by the value of their lines in that order.
- to ship: paid or partly shipped orders with lines of the merchant not yet shipped (nor
  cancelled); "due" those whose promised delivery date is today or already past.

Every query is an aggregate in the database; the number of queries does not depend on the data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, F, Max, Q, Sum, Window
from django.db.models.functions import Trunc
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Review
from logistics.models import Stock
from logistics.selectors import low_stock
from orders.models import SOLD_STATUSES, Order, OrderChannel, OrderLine, OrderStatus
from orders.selectors import orders_by_channel_for_staff
from orders.templatetags.orders_admin import ORDERS_BY_CHANNEL_DAYS
from payments.models import Refund, RefundLine, RefundStatus
from recommendations.models import ModelVersion
from support.models import Conversation
from support.selectors import waiting_count

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TOP = 5


@dataclass(frozen=True)
class PeriodKind:
    key: str
    label: str
    step: str  # "hour" or "day": one point of the charts
    points: int


PERIODS = {
    "day": PeriodKind("day", _("Last 24 hours"), "hour", 24),
    "week": PeriodKind("week", _("Last 7 days"), "day", 7),
    "month": PeriodKind("month", _("Last 30 days"), "day", 30),
}
DEFAULT_PERIOD = "week"


@dataclass(frozen=True)
class Period:
    """The window the figures cover, [start, end), and the one just before it, [previous, start),
    cut into `points` hours or days (local time)."""

    kind: PeriodKind
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def step(self) -> timedelta:
        return timedelta(hours=1) if self.kind.step == "hour" else timedelta(days=1)

    @property
    def previous(self) -> datetime:
        return self.start - (self.end - self.start)

    def point_starts(self) -> list[datetime]:
        return [self.start + self.step * i for i in range(self.kind.points)]


def period_for(key: str, now: datetime | None = None) -> Period:
    """The period ending now: the last 24 whole hours up to the end of this hour, or the last 7
    or 30 days up to the end of today (local time)."""
    kind = PERIODS[key]
    now = timezone.localtime(now or timezone.now())
    if kind.step == "hour":
        end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        start = end - timedelta(hours=kind.points)
    else:
        end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        start = end - timedelta(days=kind.points)
    return Period(kind=kind, start=start, end=end)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)  # SQLite sums lose the scale


def change(current, previous) -> float | None:
    """The relative change from the previous period to this one (0.25 = +25%); None when the
    previous period had nothing to compare with."""
    if not previous:
        return None
    return float((Decimal(current) - Decimal(previous)) / Decimal(previous))


def _lines(merchant_id: int | None):
    lines = OrderLine.objects.all()
    return lines if merchant_id is None else lines.filter(merchant_id=merchant_id)


def _sold_lines(merchant_id: int | None, since: datetime, until: datetime):
    return _lines(merchant_id).filter(
        order__created_at__gte=since,
        order__created_at__lt=until,
        order__status__in=SOLD_STATUSES,
        cancelled_at__isnull=True,
    )


# --- Sales over time ----------------------------------------------------------------------------


def sales(merchant_id: int | None, period: Period) -> dict:
    """Revenue, orders, units and average order value of the period and the one before, with
    the revenue and orders of each hour or day of both (for the charts). One query."""
    tz = timezone.get_current_timezone()
    rows = (
        _sold_lines(merchant_id, period.previous, period.end)
        .annotate(point=Trunc("order__created_at", period.kind.step, tzinfo=tz))
        .values("point")
        .annotate(
            revenue=Sum("line_total"),
            orders=Count("order_id", distinct=True),
            units=Sum("quantity"),
        )
    )
    points = period.kind.points
    series = {
        name: {"revenue": [ZERO] * points, "orders": [0] * points}
        for name in ("current", "previous")
    }
    units = {"current": 0, "previous": 0}
    for row in rows:
        point = row["point"]
        point = (
            timezone.localtime(point, tz) if timezone.is_aware(point) else point.replace(tzinfo=tz)
        )
        if point >= period.start:
            name, origin = "current", period.start
        else:
            name, origin = "previous", period.previous
        index = int((point - origin) / period.step)
        if 0 <= index < points:
            series[name]["revenue"][index] += _money(row["revenue"])
            series[name]["orders"][index] += row["orders"]
            units[name] += row["units"] or 0
    result = {"series": series}
    for name in ("current", "previous"):
        revenue = sum(series[name]["revenue"], ZERO)
        orders = sum(series[name]["orders"])
        result[name] = {
            "revenue": revenue,
            "orders": orders,
            "units": units[name],
            "average": (revenue / orders).quantize(CENT) if orders else ZERO,
        }
    result["change"] = {
        key: change(result["current"][key], result["previous"][key])
        for key in ("revenue", "orders", "units", "average")
    }
    return result


# --- Refunds ------------------------------------------------------------------------------------


def _refunded(merchant_id: int | None, refunds) -> tuple[Decimal, int]:
    """The amount of `refunds` that is the merchant's, and how many of them concern it."""
    if merchant_id is None:
        totals = refunds.aggregate(amount=Sum("amount"), count=Count("id"))
        return _money(totals["amount"]), totals["count"]
    own = refunds.filter(merchant_id=merchant_id).aggregate(amount=Sum("amount"), count=Count("id"))
    amount, count = _money(own["amount"]), own["count"]
    # The operator's refunds of orders holding the merchant's lines: by the lines they returned,
    # else (a cancelled order refunded whole) by the value of the merchant's lines.
    shop_refunds = list(
        refunds.filter(
            merchant__isnull=True,
            payment__order__lines__merchant_id=merchant_id,
        )
        .distinct()
        .values("id", "amount", "payment__order_id")
    )
    if not shop_refunds:
        return amount, count
    returned = defaultdict(lambda: ZERO)
    with_lines = set()
    for row in RefundLine.objects.filter(refund_id__in=[r["id"] for r in shop_refunds]).values(
        "refund_id", "quantity", "order_line__unit_price", "order_line__merchant_id"
    ):
        with_lines.add(row["refund_id"])
        if row["order_line__merchant_id"] == merchant_id:
            returned[row["refund_id"]] += row["quantity"] * row["order_line__unit_price"]
    whole = {r["payment__order_id"] for r in shop_refunds if r["id"] not in with_lines}
    own_value = dict(
        _lines(merchant_id)
        .filter(order_id__in=whole)
        .values("order_id")
        .annotate(value=Sum("line_total"))
        .values_list("order_id", "value")
    )
    for refund in shop_refunds:
        if refund["id"] in with_lines:
            share = returned[refund["id"]]
        else:
            share = own_value.get(refund["payment__order_id"]) or ZERO
        share = min(share, refund["amount"])
        if share > 0:
            amount += share
            count += 1
    return _money(amount), count


def refunds(merchant_id: int | None, period: Period) -> dict:
    """Refunds made in the period and the one before, their rate, and the refunds waiting."""
    made = Refund.objects.filter(status=RefundStatus.SUCCEEDED)
    result = {}
    for name, since, until in (
        ("current", period.start, period.end),
        ("previous", period.previous, period.start),
    ):
        amount, count = _refunded(
            merchant_id, made.filter(completed_at__gte=since, completed_at__lt=until)
        )
        paid = _lines(merchant_id).filter(order__paid_at__gte=since, order__paid_at__lt=until)
        paid_value = _money(paid.aggregate(value=Sum("line_total"))["value"])
        result[name] = {
            "amount": amount,
            "count": count,
            "paid": paid_value,
            "rate": float(amount / paid_value) if paid_value else None,
        }
    current, previous = result["current"]["rate"], result["previous"]["rate"]
    # The change of a rate is told in points, not in percent of itself.
    result["change"] = None if current is None or previous is None else current - previous
    pending_amount, pending_count = _refunded(
        merchant_id, Refund.objects.filter(status=RefundStatus.PENDING)
    )
    result["pending"] = {"amount": pending_amount, "count": pending_count}
    return result


# --- Orders -------------------------------------------------------------------------------------


def orders_by_status(merchant_id: int | None, period: Period) -> list[dict]:
    """Orders placed in the period (holding the merchant's lines) per status, every status."""
    if merchant_id is None:
        rows = Order.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        counts = dict(rows.values("status").annotate(n=Count("id")).values_list("status", "n"))
    else:
        rows = _lines(merchant_id).filter(
            order__created_at__gte=period.start, order__created_at__lt=period.end
        )
        counts = dict(
            rows.values("order__status")
            .annotate(n=Count("order_id", distinct=True))
            .values_list("order__status", "n")
        )
    return [
        {"status": status.value, "label": str(status.label), "orders": counts.get(status.value, 0)}
        for status in OrderStatus
    ]


def to_ship(merchant_id: int | None, today=None) -> dict:
    """Paid (or partly shipped) orders with lines of the merchant still to ship, and of those
    the ones whose promised delivery date is today or past."""
    today = today or timezone.localdate()
    rows = _lines(merchant_id).filter(
        order__status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_SHIPPED],
        cancelled_at__isnull=True,
        quantity_shipped__lt=F("quantity"),
    )
    totals = rows.aggregate(
        orders=Count("order_id", distinct=True),
        due=Count("order_id", distinct=True, filter=Q(order__promised_date__lte=today)),
        units=Sum(F("quantity") - F("quantity_shipped")),
    )
    return {"orders": totals["orders"], "due": totals["due"], "units": totals["units"] or 0}


def orders_by_channel(merchant_id: int | None, period: Period) -> list[dict]:
    """Sold orders and revenue of the period per channel (every channel)."""
    rows = {
        row["order__channel"]: row
        for row in _sold_lines(merchant_id, period.start, period.end)
        .values("order__channel")
        .annotate(orders=Count("order_id", distinct=True), revenue=Sum("line_total"))
    }
    return [
        {
            "channel": channel.value,
            "label": str(channel.label),
            "orders": rows.get(channel.value, {}).get("orders", 0),
            "revenue": _money(rows.get(channel.value, {}).get("revenue")),
        }
        for channel in OrderChannel
    ]


# --- Products -----------------------------------------------------------------------------------


def top_products(merchant_id: int | None, period: Period, limit: int = TOP) -> dict:
    """The best sellers of the period by revenue and by units (two queries)."""
    rows = (
        _sold_lines(merchant_id, period.start, period.end)
        .filter(product__isnull=False)
        .values("product_id")
        .annotate(name=Max("product_name"), revenue=Sum("line_total"), units=Sum("quantity"))
    )

    def plain(row):
        return {
            "product_id": row["product_id"],
            "name": row["name"],
            "revenue": _money(row["revenue"]),
            "units": row["units"],
        }

    return {
        "by_revenue": [plain(r) for r in rows.order_by("-revenue", "product_id")[:limit]],
        "by_units": [plain(r) for r in rows.order_by("-units", "product_id")[:limit]],
    }


def top_categories(merchant_id: int | None, period: Period, limit: int = TOP) -> list[dict]:
    """The categories whose products sold most in the period, by revenue, with units."""
    rows = list(
        _sold_lines(merchant_id, period.start, period.end)
        .filter(product__isnull=False)
        .values("product__category_id")
        .annotate(revenue=Sum("line_total"), units=Sum("quantity"))
        .order_by("-revenue", "product__category_id")[:limit]
    )
    names = Category.objects.in_bulk([r["product__category_id"] for r in rows])
    return [
        {
            "category_id": r["product__category_id"],
            "name": str(names[r["product__category_id"]]),
            "revenue": _money(r["revenue"]),
            "units": r["units"],
        }
        for r in rows
        if r["product__category_id"] in names
    ]


LOW_STOCK_SHOWN = 10


def low_stock_rows(merchant_id: int | None, limit: int = LOW_STOCK_SHOWN) -> dict:
    """The stock rows of the merchant's variants at or below their threshold (logistics' rule),
    the lowest `limit` of them (Stock rows, as the admin index's low-stock list shows them) and
    how many there are."""
    rows = Stock.objects.all()
    if merchant_id is not None:
        rows = rows.filter(variant__product__merchant_id=merchant_id)
    # One pass over the low rows for both the lowest and how many there are (a window count on
    # narrow rows; joining the products' columns before the sort would cost more), then the
    # shown rows with what the list prints.
    top = list(
        low_stock(rows).annotate(low_rows=Window(Count("id"))).values_list("pk", "low_rows")[:limit]
    )
    count = top[0][1] if top else 0
    shown = list(
        low_stock(Stock.objects.filter(pk__in=[pk for pk, _count in top])).select_related(
            "variant__product", "warehouse"
        )
    )
    return {"rows": shown, "count": count, "more": count - len(shown)}


@dataclass(frozen=True)
class _Viewer:
    """Who the shop-wide selectors that take a staff user should scope to: the operator (no
    merchant) or one merchant's staff (accounts.admin_scoping reads just these)."""

    merchant_id: int | None
    is_active: bool = True

    @property
    def is_superuser(self) -> bool:
        return self.merchant_id is None


def channels_last_days(merchant_id: int | None) -> dict:
    """The admin index's orders-by-channel table (orders' own selector and template), for the
    merchant (None: the whole shop), so that it is cached with the rest."""
    since = timezone.now() - timedelta(days=ORDERS_BY_CHANNEL_DAYS)
    rows = orders_by_channel_for_staff(user=_Viewer(merchant_id), since=since)
    return {"rows": rows, "days": ORDERS_BY_CHANNEL_DAYS}


def reviews(merchant_id: int | None, period: Period) -> dict:
    """Published reviews of the merchant's products written in the period and the one before,
    and their average rating. One query."""
    rows = Review.objects.filter(
        is_published=True, created_at__gte=period.previous, created_at__lt=period.end
    )
    if merchant_id is not None:
        rows = rows.filter(product__merchant_id=merchant_id)
    now = Q(created_at__gte=period.start)
    totals = rows.aggregate(
        n=Count("id", filter=now),
        average=Avg("rating", filter=now),
        n_before=Count("id", filter=~now),
        average_before=Avg("rating", filter=~now),
    )

    def rounded(value):
        return round(value, 2) if value is not None else None

    return {
        "count": totals["n"],
        "rating": rounded(totals["average"]),
        "previous_count": totals["n_before"],
        "previous_rating": rounded(totals["average_before"]),
        "change": change(totals["n"], totals["n_before"]),
    }


def support_waiting(merchant_id: int | None) -> int:
    """Conversations handed over to the merchant's staff (the operator: all) still waiting."""
    rows = Conversation.objects.all()
    if merchant_id is not None:
        rows = rows.filter(merchant_id=merchant_id)
    return waiting_count(rows)


def recommender() -> dict | None:
    """The live recommendation model's evaluation (shop-wide: it says nothing of a merchant's
    sales, so every staff user sees it). None when no model is live."""
    version = ModelVersion.objects.filter(is_live=True).order_by("-id").first()
    if version is None:
        return None
    ndcg, baseline = version.metric("als", "ndcg@10"), version.metric("popularity", "ndcg@10")
    return {
        "version": str(version),
        "trained": version.finished_at or version.created_at,
        "ndcg": ndcg,
        "baseline": baseline,
        "lift": ndcg / baseline if ndcg is not None and baseline else None,
        "precision": version.metric("als", "precision@10"),
        "coverage": version.metric("als", "coverage"),
        "users": version.users,
        "products": version.products,
    }


# --- The whole, cached --------------------------------------------------------------------------


def figures(merchant_id: int | None, period: Period) -> dict:
    """Every tile's figures for the merchant (None: the whole shop) and the period."""
    return {
        "sales": sales(merchant_id, period),
        "refunds": refunds(merchant_id, period),
        "by_status": orders_by_status(merchant_id, period),
        "to_ship": to_ship(merchant_id),
        "by_channel": orders_by_channel(merchant_id, period),
        "top_products": top_products(merchant_id, period),
        "top_categories": top_categories(merchant_id, period),
        "low_stock": low_stock_rows(merchant_id),
        "channels_last_days": channels_last_days(merchant_id),
        "reviews": reviews(merchant_id, period),
        "support_waiting": support_waiting(merchant_id),
        "recommender": recommender(),
    }


def cache_key(merchant_id: int | None, period_key: str, language: str) -> str:
    return f"insights:dashboard:v1:{merchant_id or 'shop'}:{period_key}:{language}"


def dashboard(merchant_id: int | None, period_key: str, build=None) -> dict:
    """The dashboard of a merchant (None: the whole shop) for a period, in the active language:
    `figures` plus whatever `build(figures, period)` adds (the charts), and `as_of`, the time they
    were computed. Kept in the cache for INSIGHTS_DASHBOARD_CACHE_SECONDS (0: not cached), per
    merchant, period and language (the charts' labels are in it)."""
    seconds = settings.INSIGHTS_DASHBOARD_CACHE_SECONDS
    key = cache_key(merchant_id, period_key, translation.get_language() or settings.LANGUAGE_CODE)
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found
    period = period_for(period_key)
    data = figures(merchant_id, period)
    if build is not None:
        data.update(build(data, period))
    data["as_of"] = timezone.now()
    data["period"] = {"key": period.key, "start": period.start, "end": period.end}
    if seconds > 0:
        cache.set(key, data, seconds)
    return data
