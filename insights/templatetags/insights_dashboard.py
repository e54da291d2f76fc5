"""The staff dashboard on the admin index (templates/admin/index.html)."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from ..admin.dashboard import dashboard_context, may_see_dashboard

register = template.Library()


@register.inclusion_tag("admin/insights/dashboard.html", takes_context=True)
def insights_dashboard(context) -> dict:
    return dashboard_context(context["request"])


@register.simple_tag(takes_context=True)
def insights_dashboard_shown(context) -> bool:
    """Whether the viewer gets the dashboard (which then shows the low-stock list itself, from
    its cache, instead of logistics' block)."""
    return may_see_dashboard(context["request"].user)


@register.inclusion_tag("admin/insights/_change.html")
def change_badge(value, points: bool = False, lower_is_better: bool = False) -> dict:
    """+12% / -3% (a rate: +1.5 pt) against the previous period; nothing to compare: a dash."""
    if value is None:
        return {"known": False}
    if points:
        text = _("%(value)s pt") % {"value": f"{value * 100:+.1f}"}
    else:
        text = f"{value * 100:+.0f}%"
    direction = "up" if value > 0 else "down" if value < 0 else "flat"
    # The colour says good (green) or bad (red): for a refund rate, going down is good.
    tone = {"up": "good", "down": "bad", "flat": "flat"}[direction]
    if lower_is_better and direction != "flat":
        tone = "bad" if direction == "up" else "good"
    return {"known": True, "text": text, "direction": direction, "tone": tone}


@register.filter
def percent(value, digits: int = 1) -> str:
    if value is None:
        return "\N{EN DASH}"
    return f"{Decimal(str(value)) * 100:.{int(digits)}f}%"
