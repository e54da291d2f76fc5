"""The admin index's low-stock block (templates/admin/index.html)."""

from django import template

from .. import selectors

register = template.Library()

LOW_STOCK_SHOWN = 10


@register.inclusion_tag("admin/logistics/_low_stock.html", takes_context=True)
def low_stock_block(context) -> dict:
    request = context["request"]
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("logistics.view_stock")):
        return {"shown": False}
    rows, count = selectors.low_stock_for_staff(user=user, limit=LOW_STOCK_SHOWN)
    return {"shown": True, "rows": rows, "count": count, "more": count - len(rows)}
