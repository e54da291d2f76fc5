"""The admin index's orders-by-channel block (templates/admin/index.html): where the last
ORDERS_BY_CHANNEL_DAYS days' orders came from (the storefront, apps, mini-programs, partners)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()

ORDERS_BY_CHANNEL_DAYS = 30


@register.inclusion_tag("admin/orders/_orders_by_channel.html", takes_context=True)
def orders_by_channel_block(context) -> dict:
    user = context["request"].user
    if not (user.is_active and user.is_staff and user.has_perm("orders.view_order")):
        return {"shown": False}
    since = timezone.now() - timedelta(days=ORDERS_BY_CHANNEL_DAYS)
    rows = selectors.orders_by_channel_for_staff(user=user, since=since)
    return {"shown": True, "rows": rows, "days": ORDERS_BY_CHANNEL_DAYS}
