"""What insights records when the apps below say something happened (their signals; connected
once, in InsightsConfig.ready): the funnel's events, written by insights.services.funnel. A
recording never breaks the shopper's request: a failure is logged and the event is lost."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Min

from catalog.models import Product
from orders.models import Order, OrderLine

from .models import EventKind, ShopperEvent
from .services.funnel import (
    shopper_events_attach_session,
    shopper_events_record,
    shopper_view_note,
    visitor_of,
)

logger = logging.getLogger(__name__)


def _never_fails(receiver):
    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():  # a savepoint: a failed insert leaves the request's own
                receiver(*args, **kwargs)  # transaction usable
        except Exception:
            logger.exception("insights: could not record a shopper event")

    return wrapper


def record_view(
    sender, product_id: int, user_id: int | None = None, session_key: str = "", **kwargs
) -> None:
    """catalog.signals.product_viewed: noted now, sent on once the response has been sent
    (flush_views, on request_finished), so the product page waits for nothing. A visitor
    without a session cannot be followed from one page to the next: not recorded."""
    visitor = visitor_of(user_id, session_key)
    if not visitor:
        return
    shopper_view_note(
        visitor=visitor,
        user_id=user_id,
        product_id=product_id,
        channel=kwargs.get("channel") or "web",
        merchant_id=kwargs.get("merchant_id"),  # when the sender knows it: not looked up again
    )


@_never_fails
def record_cart(sender, user, session, product_id: int, **kwargs) -> None:
    """cart.signals.item_added."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in:
        if session is None:
            return
        if not session.session_key:
            session.save()  # the visitor's first addition starts their session
    visitor = visitor_of(user.pk if signed_in else None, session.session_key if session else "")
    merchant_id = Product.objects.filter(pk=product_id).values_list("merchant_id", flat=True)
    shopper_events_record(
        visitor=visitor,
        rows=[
            {
                "kind": EventKind.CART,
                "user_id": user.pk if signed_in else None,
                "product_id": product_id,
                "merchant_id": merchant_id.first(),
                "channel": kwargs.get("channel") or "web",
            }
        ],
    )


def _order_rows(order_id: int, kind: str) -> tuple[Order | None, list[dict]]:
    order = Order.objects.filter(pk=order_id).only("user_id", "channel").first()
    if order is None:
        return None, []
    per_merchant = (
        OrderLine.objects.filter(order_id=order_id)
        .values("merchant_id")
        .annotate(product_id=Min("product_id"))
        .order_by("merchant_id")
    )
    rows = [
        {
            "kind": kind,
            "user_id": order.user_id,
            "product_id": line["product_id"],
            "merchant_id": line["merchant_id"],
            "order_id": order_id,
            "channel": order.channel,
        }
        for line in per_merchant
    ]
    return order, rows


@_never_fails
def record_checkout(sender, order_id: int, session_key: str = "", **kwargs) -> None:
    """orders.signals.order_placed: the shopper submitted the checkout and an order was placed
    (one row per merchant of its lines)."""
    order, rows = _order_rows(order_id, EventKind.CHECKOUT)
    visitor = visitor_of(order.user_id, session_key) if order else ""
    if visitor and rows:
        shopper_events_record(visitor=visitor, rows=rows)


@_never_fails
def record_paid(sender, order_id: int, **kwargs) -> None:
    """orders.signals.order_paid: the payment arrives from the gateway, not the shopper's
    browser, so it is the visitor of the order's checkout."""
    order, rows = _order_rows(order_id, EventKind.PAID)
    if order is None or not rows:
        return
    if ShopperEvent.objects.filter(order_id=order_id, kind=EventKind.PAID).exists():
        return  # a repeated notification
    placed = (
        ShopperEvent.objects.filter(order_id=order_id, kind=EventKind.CHECKOUT)
        .values_list("visitor", flat=True)
        .first()
    )
    visitor = placed or visitor_of(order.user_id, "")
    if visitor:
        shopper_events_record(visitor=visitor, rows=rows)


@_never_fails
def attach_session_events(sender, request, user, **kwargs) -> None:
    """A visitor signs in: the session's events become the shopper's, so a session that browsed
    anonymously and checks out signed in stays one session."""
    if request is None:
        return
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if key:
        shopper_events_attach_session(user_id=user.pk, session_key=key)
