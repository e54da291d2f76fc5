"""Sales reports: per day, per product or per category, for one merchant or the whole shop.

What counts (docs/insights/funnel.md):
- a sale is an order line of an order paid in the period (the day its payment arrived, in the
  shop's time zone), lines withdrawn by their merchant (`cancelled_at`) left out;
- revenue is the lines' `line_total` (the merchant's own lines for a merchant; every line for
  the shop), before shipping and order-level discounts;
- refunds are the refunds that succeeded in the period, on the day they completed: a
  merchant's own (`Refund.merchant`), and its share, by the value of its lines, of the refunds
  the operator made for whole orders holding its lines;
- net is revenue less refunds. Every sum is a Decimal to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Merchant
from common.money import CENT
from orders.models import OrderLine
from payments.models import Refund, RefundStatus

ZERO = Decimal("0.00")
GROUPINGS = ("day", "product", "category")
MAX_DAYS = 3 * 366


class ReportError(ValueError):
    """Input a report cannot be made from; its message is for the person who asked."""


@dataclass
class SalesReport:
    start: date
    end: date
    merchant: Merchant | None
    by: str
    columns: list[str]  # keys, in order
    headers: list[str]  # what each column is called, in the reader's language
    rows: list[list] = field(default_factory=list)
    totals: list = field(default_factory=list)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def check_period(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise ReportError(_("Give the first and the last day."))
    if start > end:
        raise ReportError(_("The first day comes after the last."))
    if (end - start).days >= MAX_DAYS:
        raise ReportError(_("A report covers at most %(days)d days.") % {"days": MAX_DAYS})


def sold_lines(*, start: date, end: date, merchant_id: int | None) -> QuerySet[OrderLine]:
    """The order lines sold in the period: of orders paid in it, not withdrawn."""
    since, until = _bounds(start, end)
    lines = OrderLine.objects.filter(
        order__paid_at__gte=since, order__paid_at__lt=until, cancelled_at__isnull=True
    )
    if merchant_id is not None:
        lines = lines.filter(merchant_id=merchant_id)
    return lines


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def refunds_by_day(*, start: date, end: date, merchant_id: int | None) -> dict[date, Decimal]:
    """Succeeded refunds per day of completion; for a merchant, its own and its share of the
    operator's whole-order refunds."""
    since, until = _bounds(start, end)
    refunds = Refund.objects.filter(
        status=RefundStatus.SUCCEEDED, completed_at__gte=since, completed_at__lt=until
    )
    days: dict[date, Decimal] = defaultdict(lambda: ZERO)
    zone = timezone.get_current_timezone()
    if merchant_id is None:
        for when, amount in refunds.values_list("completed_at", "amount"):
            days[timezone.localtime(when, zone).date()] += amount
        return days
    for when, amount in refunds.filter(merchant_id=merchant_id).values_list(
        "completed_at", "amount"
    ):
        days[timezone.localtime(when, zone).date()] += amount
    shared = list(
        refunds.filter(merchant__isnull=True, payment__order__lines__merchant_id=merchant_id)
        .distinct()
        .values_list("completed_at", "amount", "payment__order_id")
    )
    if shared:
        order_ids = {order_id for _when, _amount, order_id in shared}
        value: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"ours": ZERO, "all": ZERO})
        for order_id, line_merchant, total in OrderLine.objects.filter(
            order_id__in=order_ids
        ).values_list("order_id", "merchant_id", "line_total"):
            value[order_id]["all"] += total
            if line_merchant == merchant_id:
                value[order_id]["ours"] += total
        for when, amount, order_id in shared:
            share = value[order_id]
            if share["all"]:
                days[timezone.localtime(when, zone).date()] += _cents(
                    amount * share["ours"] / share["all"]
                )
    return days


def sales_report(
    *, start: date, end: date, merchant: Merchant | None = None, by: str = "day"
) -> SalesReport:
    """The report's rows and totals (see the module's docstring for what counts)."""
    check_period(start, end)
    if by not in GROUPINGS:
        raise ReportError(_("Group by day, product or category."))
    merchant_id = merchant.pk if merchant else None
    lines = sold_lines(start=start, end=end, merchant_id=merchant_id)
    if by == "day":
        return _by_day(start, end, merchant, lines)
    return _by_item(start, end, merchant, lines, by)


def _by_day(start, end, merchant, lines) -> SalesReport:
    zone = timezone.get_current_timezone()
    per_day = {
        row["day"]: row
        for row in lines.annotate(day=TruncDate("order__paid_at", tzinfo=zone))
        .values("day")
        .annotate(
            orders=Count("order", distinct=True), units=Sum("quantity"), revenue=Sum("line_total")
        )
        .order_by("day")
    }
    refunds = refunds_by_day(start=start, end=end, merchant_id=merchant.pk if merchant else None)
    report = SalesReport(
        start,
        end,
        merchant,
        "day",
        ["day", "orders", "units", "revenue", "refunds", "net"],
        [str(h) for h in (_("Day"), _("Orders"), _("Units"), _("Revenue"), _("Refunds"), _("Net"))],
    )
    totals = [0, 0, ZERO, ZERO]
    day = start
    while day <= end:
        row = per_day.get(day, {})
        revenue = _cents(row.get("revenue") or ZERO)
        refunded = _cents(refunds.get(day, ZERO))
        orders, units = row.get("orders", 0), row.get("units") or 0
        report.rows.append([day, orders, units, revenue, refunded, revenue - refunded])
        totals = [totals[0] + orders, totals[1] + units, totals[2] + revenue, totals[3] + refunded]
        day += timedelta(days=1)
    report.totals = [str(_("Total")), *totals, totals[2] - totals[3]]
    return report


def _by_item(start, end, merchant, lines, by: str) -> SalesReport:
    if by == "product":
        keys = ("product_id", "sku", "product_name")
        columns = ["sku", "product", "orders", "units", "revenue"]
        headers = [_("SKU"), _("Product"), _("Orders"), _("Units"), _("Revenue")]
        grouped = lines.values("sku", "product_name")
    else:
        keys = ("product__category__name",)
        columns = ["category", "orders", "units", "revenue"]
        headers = [_("Category"), _("Orders"), _("Units"), _("Revenue")]
        grouped = lines.values("product__category__name")
    rows = grouped.annotate(
        orders=Count("order", distinct=True), units=Sum("quantity"), revenue=Sum("line_total")
    ).order_by("-revenue", *[k for k in keys if k != "product_id"])
    report = SalesReport(start, end, merchant, by, columns, [str(h) for h in headers])
    units, revenue = 0, ZERO
    for row in rows:
        label = (
            [row["sku"], row["product_name"]]
            if by == "product"
            else [row["product__category__name"] or str(_("No category"))]
        )
        amount = _cents(row["revenue"] or ZERO)
        report.rows.append([*label, row["orders"], row["units"] or 0, amount])
        units += row["units"] or 0
        revenue += amount
    orders = lines.aggregate(n=Count("order", distinct=True))["n"]
    blanks = [""] * (len(columns) - 4)
    report.totals = [str(_("Total")), *blanks, orders, units, revenue]
    return report


def merchant_for_slug(slug: str) -> Merchant:
    merchant = Merchant.objects.filter(slug=slug).first()
    if merchant is None:
        raise ReportError(_("No merchant is called “%(slug)s”.") % {"slug": slug})
    return merchant


__all__ = [
    "GROUPINGS",
    "ReportError",
    "SalesReport",
    "check_period",
    "merchant_for_slug",
    "refunds_by_day",
    "sales_report",
    "sold_lines",
]
