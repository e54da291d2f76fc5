"""What the order pages show of payments (orders' templates use this; orders' code imports
nothing of payments): the shopper's refunds and the payment area (`order_refunds` and
`order_payment` in the storefront's Jinja2 templates, settings.TEMPLATES), and in admin what
the viewer may refund (`{% order_refund_allowance %}`)."""

from django import template
from django.conf import settings
from django.urls import reverse

from ..models import RefundStatus
from ..refunds import RefundAllowance, refund_allowance
from ..selectors import PaymentState, order_payment_state, order_refunds_for_shopper

register = template.Library()


def order_refunds(order) -> dict:
    """The order's refunds a shopper should know of: made (with the date) and on their way back.
    One query; refusals are the shop's to resolve and are not shown."""
    refunds = order_refunds_for_shopper(order=order)
    return {"refunds": refunds, "succeeded": RefundStatus.SUCCEEDED}


# The order page asks every 3 s while the payment is being confirmed.
ORDER_POLL_INTERVAL_MS = 3000


def order_payment(order, token: str | None = None) -> dict:
    """The payment area of an order awaiting payment: "Pay with Alipay", or, while the buyer was
    sent to the cashier lately and nothing is confirmed yet, a note that the payment is being
    confirmed (the page polls and reloads when that changes) so nobody pays twice. `token`: the
    guest link's, on a guest's order page."""
    payment = order_payment_state(order=order)
    if token:
        pay_url = reverse("payments:alipay_start_guest", args=[order.number, token])
        status_url = reverse("payments:status_guest", args=[order.number, token])
    else:
        pay_url = reverse("payments:alipay_start", args=[order.number])
        status_url = reverse("payments:status", args=[order.number])
    window_ms = settings.PAYMENTS_CONFIRMING_MINUTES * 60 * 1000
    return {
        "confirming": payment.state == PaymentState.CONFIRMING,
        "pay_again_at": payment.pay_again_at,
        "pay_url": pay_url,
        "status_url": status_url,
        "poll_interval_ms": ORDER_POLL_INTERVAL_MS,
        # A little past the window, by when the state has changed and the page reloaded.
        "poll_limit": window_ms // ORDER_POLL_INTERVAL_MS + 10,
    }


@register.simple_tag
def order_refund_allowance(order, user) -> RefundAllowance:
    """What `user` may refund of `order` from its admin page, by refund_create's own rules, so
    the Refund button is shown only when it leads somewhere, with the amount it allows."""
    return refund_allowance(order=order, actor=user)
