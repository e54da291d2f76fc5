"""What the order pages show of payments (orders' templates load this; orders' code imports
nothing of payments): the shopper's refunds, and in admin what the viewer may refund."""

from django import template

from ..models import Refund, RefundStatus
from ..refunds import RefundAllowance, refund_allowance

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


@register.simple_tag
def order_refund_allowance(order, user) -> RefundAllowance:
    """What `user` may refund of `order` from its admin page, by refund_create's own rules, so
    the Refund button is shown only when it leads somewhere, with the amount it allows."""
    return refund_allowance(order=order, actor=user)
