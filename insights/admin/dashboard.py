"""Insights admin: the staff dashboard at the top of the admin index (templates/admin/index.html,
through the `insights_dashboard` template tag).

Reads the period and, for the operator, the merchant from the query string, asks
insights.selectors.dashboard for the figures (cached), and turns them into tiles and charts.
Merchant staff only ever see their own merchant: a `?merchant=` naming another is ignored, with a
message. Bad input (an unknown period or merchant) is said on the page, never an error.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_scoping import sees_every_merchant
from accounts.models import Merchant

from .. import charts
from ..selectors.dashboard import DEFAULT_PERIOD, PERIODS, Period, dashboard

# The other insight pages, each shown in the strip only once its URL exists.
INSIGHT_LINKS = (
    ("admin:insights_segments", gettext_lazy("Customers & segments")),
    ("admin:insights_funnel", gettext_lazy("Funnel")),
    ("admin:insights_replenishment", gettext_lazy("Replenishment")),
    ("admin:insights_reports", gettext_lazy("Reports & exports")),
    ("admin:insights_insightjob_changelist", gettext_lazy("Computations")),
)


def insight_links() -> list[dict]:
    links = []
    for name, label in INSIGHT_LINKS:
        try:
            links.append({"url": reverse(name), "label": str(label)})
        except NoReverseMatch:
            continue
    return links


def may_see_dashboard(user) -> bool:
    if not (user.is_active and user.is_staff and user.has_perm("orders.view_order")):
        return False
    return sees_every_merchant(user) or getattr(user, "merchant_id", None) is not None


def _point_label(point: datetime, step: str) -> str:
    local = timezone.localtime(point)
    if step == "hour":
        return local.strftime("%H:00")
    # Translators: a day on a chart's axis (Django date format: n = month, j = day).
    return formats.date_format(local, _("n/j"))


def build_charts(data: dict, period: Period) -> dict:
    """The charts of the figures, as inline SVG (cached with them)."""
    labels = [_point_label(p, period.kind.step) for p in period.point_starts()]
    series = data["sales"]["series"]
    statuses = [(r["label"], r["orders"]) for r in data["by_status"] if r["orders"]]
    channels = [(r["label"], r["orders"]) for r in data["by_channel"]]
    top = [(r["name"], r["revenue"]) for r in data["top_products"]["by_revenue"]]
    return {
        "charts": {
            "revenue": charts.over_time(
                title=_("Revenue"),
                x_labels=labels,
                current=series["current"]["revenue"],
                previous=series["previous"]["revenue"],
                money=True,
            ),
            "orders": charts.over_time(
                title=_("Orders"),
                x_labels=labels,
                current=series["current"]["orders"],
                previous=series["previous"]["orders"],
                money=False,
            ),
            "status": charts.horizontal_bars(title=_("Orders by status"), rows=statuses)
            if statuses
            else None,
            "channel": charts.horizontal_bars(title=_("Sold orders by channel"), rows=channels),
            "top": charts.horizontal_bars(title=_("Top products by revenue"), rows=top, money=True)
            if top
            else None,
        }
    }


def _choose(request) -> tuple[str, int | None, list[str]]:
    """The period and merchant the request asks for, and what was wrong with the asking."""
    user = request.user
    messages = []
    period_key = request.GET.get("period") or DEFAULT_PERIOD
    if period_key not in PERIODS:
        messages.append(
            _('There is no period "%(value)s"; showing the last 7 days.') % {"value": period_key}
        )
        period_key = DEFAULT_PERIOD
    asked = (request.GET.get("merchant") or "").strip()
    if not sees_every_merchant(user):
        if asked and asked != str(user.merchant_id):
            messages.append(_("You can see your own merchant's figures only."))
        return period_key, user.merchant_id, messages
    if asked in ("", "all"):
        return period_key, None, messages
    try:
        merchant_id = int(asked)
    except ValueError:
        merchant_id = None
    if merchant_id is not None and not 0 < merchant_id < 2**63:  # a key the database can hold
        merchant_id = None
    if merchant_id is not None and Merchant.objects.filter(pk=merchant_id).exists():
        return period_key, merchant_id, messages
    messages.append(
        _('There is no merchant "%(value)s"; showing the whole shop.') % {"value": asked}
    )
    return period_key, None, messages


def dashboard_context(request) -> dict:
    """What templates/admin/insights/dashboard.html shows to the user of `request`."""
    user = request.user
    if not may_see_dashboard(user):
        return {"shown": False}
    period_key, merchant_id, messages = _choose(request)
    data = dashboard(merchant_id, period_key, build=build_charts)
    operator = sees_every_merchant(user)
    merchants = list(Merchant.objects.order_by("name").values("id", "name")) if operator else []
    if operator:
        scope_name = next(
            (m["name"] for m in merchants if m["id"] == merchant_id), _("The whole shop")
        )
    else:
        scope_name = user.merchant.name if user.merchant_id else ""
    return {
        "shown": True,
        "data": data,
        "notices": messages,
        "operator": operator,
        "merchants": merchants,
        "merchant_id": merchant_id,
        "scope_name": scope_name,
        "period_key": period_key,
        "periods": [{"key": k, "label": str(p.label)} for k, p in PERIODS.items()],
        "period_label": str(PERIODS[period_key].label),
        "links": insight_links(),
        "low_stock_url": reverse("admin:logistics_stock_changelist") + "?low=yes",
        "orders_url": reverse("admin:orders_order_changelist"),
        "support_url": reverse("admin:support_conversation_changelist"),
        "refunds_url": reverse("admin:payments_refund_changelist"),
        "reviews_url": _reverse_or_none("admin:catalog_review_changelist"),
        "recommender_url": _reverse_or_none("admin:recommendations_modelversion_changelist"),
    }


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
