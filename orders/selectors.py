"""Reads for the order pages: a shopper's order history, one order with its lines and timeline,
and the choices offered at checkout. No side effects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Address
from cart.selectors import CartView
from logistics.models import ShippingMethod

from . import services, transitions
from .models import Order, OrderEvent, OrderLine, OrderStatus

ORDERS_PER_PAGE = 20

# The notes the services write on their own, as the shopper should read them. Anything else (a
# shopper's own reason, "shipped SKU-1, SKU-2") is shown as it was written.
EVENT_NOTES = {
    "placed": _("Order placed"),
    "payment received": _("Payment received"),
    "not paid in time": _("Not paid in time"),
    "delivered": _("Delivered"),
    "completed": _("Completed"),
    "cancelled by the customer": _("Cancelled by you"),
    "shipped": _("Shipped"),
    "refund requested": _("Refund requested"),
    "refunded": _("Refunded"),
    "held for review": _("We are checking this order before it can be paid"),
    "review approved": _("Checked: ready to be paid"),
}


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    label: str
    when: datetime
    note: str


@dataclass(frozen=True)
class LineRow:
    """One row of the lines table (review page and order page)."""

    name: str
    url: str
    attributes: dict
    sku: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    quantity_shipped: int = 0
    # Cancelled by its merchant before shipping, and refunded: no longer in the order's total.
    cancelled: bool = False


def cart_line_rows(cart: CartView) -> list[LineRow]:
    """The lines an order placed now would hold (unavailable ones never reach checkout)."""
    return [
        LineRow(
            name=line.product.name,
            url=line.product.get_absolute_url(),
            attributes=line.variant.attributes,
            sku=line.variant.sku,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
        )
        for line in cart.buyable_lines
    ]


def order_line_rows(order: Order) -> list[LineRow]:
    """An order's lines as bought (name, SKU, price from the order), from a prefetched order."""
    rows = []
    for line in order.lines.all():
        product = line.product
        rows.append(
            LineRow(
                name=line.product_name,
                url=product.get_absolute_url() if product and product.is_active else "",
                attributes=line.variant.attributes if line.variant else {},
                sku=line.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
                quantity_shipped=line.quantity_shipped,
                cancelled=line.cancelled_at is not None,
            )
        )
    return rows


def _details(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Everything the order page shows, in three queries whatever the number of lines."""
    return orders.select_related("shipping_method").prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related("variant", "product").order_by("id"),
        ),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
    )


def order_history(*, user, page_number=1) -> Page:
    """A page of the user's orders, newest first, each with its number of items: two queries
    (count and page) whatever the page holds."""
    orders = (
        Order.objects.filter(user=user)
        .only("number", "created_at", "status", "total", "currency")
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-created_at", "-id")
    )
    return Paginator(orders, ORDERS_PER_PAGE).get_page(page_number)


def order_for_user(*, user, number: str) -> Order | None:
    """One of the user's own orders with its lines and events, or None (also for someone else's
    order: the caller answers 404 either way)."""
    if user is None or not user.is_authenticated:
        return None
    return _details(Order.objects.filter(user=user, number=number)).first()


def order_owned_by(*, user, number: str) -> Order | None:
    """The user's own order (without its lines), for the actions on it; None for anyone else's."""
    return Order.objects.filter(user=user, number=number).first()


def order_for_guest_link(*, number: str, token: str) -> Order | None:
    """A guest's order, with lines and events, from the secret link; None when anything is off."""
    order = services.order_for_guest(number=number, token=token)
    if order is None:
        return None
    return _details(Order.objects.filter(pk=order.pk)).first()


def order_timeline(order: Order) -> list[TimelineEntry]:
    """The order's events as the shopper reads them (from a prefetched order)."""
    entries = []
    for event in order.events.all():
        try:
            label = OrderStatus(event.to_status).label
        except ValueError:
            label = event.to_status
        note = EVENT_NOTES.get(event.note, event.note)
        entries.append(
            TimelineEntry(status=event.to_status, label=label, when=event.created_at, note=note)
        )
    return entries


def order_actions(order: Order) -> dict[str, bool]:
    """Which buttons the order page offers in the order's current status."""
    return {
        "can_cancel": order.status in transitions.CANCELLABLE,
        "can_request_refund": order.status in transitions.REFUNDABLE_REQUEST,
        "awaiting_payment": order.status == OrderStatus.PENDING_PAYMENT,
        "under_review": order.status == OrderStatus.UNDER_REVIEW,
    }


def checkout_shipping_methods() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(is_active=True))


def checkout_shipping_method(*, pk) -> ShippingMethod | None:
    """The delivery option chosen earlier in this checkout, if it is still offered."""
    if not pk:
        return None
    return ShippingMethod.objects.filter(pk=pk, is_active=True).first()


def checkout_saved_addresses(*, user) -> list[Address]:
    """The user's address book, default first; empty for guests."""
    if user is None or not user.is_authenticated:
        return []
    return list(Address.objects.filter(user=user))
