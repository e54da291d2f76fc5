"""What the order page shows of payments (orders' templates load this; orders' code imports
nothing of payments)."""

from django import template

from ..models import Refund, RefundStatus

register = template.Library()


@register.inclusion_tag("payments/_order_refunds.html")
def order_refunds(order) -> dict:
    """The order's refunds a shopper should know of: made (with the date) and on their way back.
    One query; refusals are the shop's to resolve and are not shown."""
    refunds = list(
        Refund.objects.filter(
            payment__order=order, status__in=(RefundStatus.PENDING, RefundStatus.SUCCEEDED)
        ).order_by("created_at", "pk")
    )
    return {"refunds": refunds, "succeeded": RefundStatus.SUCCEEDED}
