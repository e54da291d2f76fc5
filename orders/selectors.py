"""Reads for the order pages: a shopper's order history, one order with its lines and timeline,
and the choices offered at checkout. No side effects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import Address
from cart.selectors import CartView
from logistics.events import shipment_event_text
from logistics.models import (
    Shipment,
    ShipmentEvent,
    ShipmentEventType,
    ShipmentLine,
    ShipmentStatus,
    ShippingMethod,
)
from logistics.transitions import ON_THE_WAY

from . import transitions
from .models import (
    SOLD_STATUSES,
    Order,
    OrderChannel,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


ORDERS_PER_PAGE = 20

T = OrderEventType

# Payment gateways' names as shoppers know them, by the code an order's "paid" event stores.
# Filled by the payment app at start (payments/apps.py): orders knows no gateway.
GATEWAY_NAMES: dict[str, Promise | str] = {}


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    label: str
    when: datetime
    # What happened, in the reader's language (event_sentence).
    text: str
    # What the shopper wrote themselves (a refund request's reason); never a staff note.
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
    """An order's lines as bought (SKU, price from the order), from a prefetched order. The name
    is the product's current one in the page's language; the snapshot taken at ordering (in the
    language the order was placed in) only once the product is gone."""
    rows = []
    for line in order.lines.all():
        product = line.product
        rows.append(
            LineRow(
                name=product.name if product is not None else line.product_name,
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


def orders_of_user(*, user: User) -> QuerySet[Order]:
    """The user's orders, newest first, each with its number of items and whether it has
    parcels: one query for any slice of it."""
    return (
        Order.objects.filter(user=user)
        .only("number", "created_at", "status", "channel", "total", "currency")
        .annotate(
            item_count=Sum("lines__quantity"),
            has_parcels=Exists(_parcels(OuterRef("pk"))),
        )
        .order_by("-created_at", "-id")
    )


def order_history(*, user: User, page_number: int | str = 1) -> Page:
    """A page of the user's orders (orders_of_user): two queries (count and page) whatever the
    page holds."""
    return Paginator(orders_of_user(user=user), ORDERS_PER_PAGE).get_page(page_number)


def order_for_user(*, user: User, number: str) -> Order | None:
    """One of the user's own orders with its lines and events, or None (also for someone else's
    order: the caller answers 404 either way)."""
    if user is None or not user.is_authenticated:
        return None
    return _details(Order.objects.filter(user=user, number=number)).first()


def order_owned_by(*, user: User, number: str) -> Order | None:
    """The user's own order (without its lines), for the actions on it; None for anyone else's."""
    return Order.objects.filter(user=user, number=number).first()


def order_for_guest(*, number: str, token: str) -> Order | None:
    """A guest's order from the link we emailed them, or None (never says which part was wrong)."""
    order = Order.objects.filter(number=number, user=None).exclude(guest_token="").first()
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and a link is
    # whatever a visitor typed.
    if order is None or not secrets.compare_digest(
        order.guest_token.encode(), (token or "").encode()
    ):
        return None
    return order


def order_for_guest_link(*, number: str, token: str) -> Order | None:
    """A guest's order, with lines and events, from the secret link; None when anything is off."""
    order = order_for_guest(number=number, token=token)
    if order is None:
        return None
    return _details(Order.objects.filter(pk=order.pk)).first()


def order_shipping_method_name(order: Order) -> str:
    """The delivery option's name in the page's language; the snapshot taken at ordering once
    the method is gone (from an order with its shipping_method selected)."""
    method = order.shipping_method
    return method.name if method is not None else order.shipping_method_name


def _money(amount: str | None, currency: str) -> str:
    from common.money import money_format as money

    return money(amount, currency)


def event_sentence(event: OrderEvent, *, currency: str) -> str:
    """What the event says happened, in the active language, from its type and params, with the
    channel it was done through when that was not the pages ("via chat": the support assistant
    acted for the shopper). Never the stored note: that is what a person wrote (the caller
    decides who may read it)."""
    params = event.params if isinstance(event.params, dict) else {}
    sentence = _event_sentence(event, params, currency)
    if params.get("via") == "chat":
        return _("%(what)s (via chat)") % {"what": sentence}
    return sentence


def _event_sentence(event: OrderEvent, params: dict, currency: str) -> str:
    kind = event.type
    if kind == T.PLACED:
        return _("Order placed")
    if kind == T.UNDER_REVIEW:
        return _("We are checking this order before it can be paid")
    if kind == T.APPROVED:
        return _("Checked: ready to be paid")
    if kind == T.REJECTED:
        return _("Cancelled after our checks")
    if kind == T.PAID:
        gateway = params.get("gateway")
        if not gateway:
            return _("Payment received")
        values = {
            "gateway": GATEWAY_NAMES.get(gateway, gateway),
            "trade_no": params.get("trade_no", ""),
        }
        if not values["trade_no"]:
            return _("Paid with %(gateway)s") % values
        return _("Paid with %(gateway)s (transaction %(trade_no)s)") % values
    if kind == T.CANCELLED:
        if params.get("by") == "customer":
            return _("Cancelled by the customer")
        return _("Cancelled by the shop")
    if kind == T.EXPIRED:
        return _("Cancelled: not paid in time")
    if kind == T.SHIPPED:
        items = ", ".join(str(sku) for sku in params.get("skus", []))
        if not items:
            return _("Shipped")
        if params.get("partial"):
            return _("Part of the order shipped: %(items)s") % {"items": items}
        return _("Shipped: %(items)s") % {"items": items}
    if kind == T.DELIVERED:
        return _("Delivered")
    if kind == T.COMPLETED:
        return _("Completed")
    if kind == T.REFUND_REQUESTED:
        items = ", ".join(str(sku) for sku in params.get("skus", []))
        if items:
            return _("Refund requested for: %(items)s") % {"items": items}
        return _("Refund requested")
    if kind == T.REFUND_DECLINED:
        return _("Refund request declined")
    if kind == T.REFUNDED:
        amount = _money(params.get("amount"), currency)
        if not amount:
            return _("Refunded")
        if params.get("full", True):
            return _("Refunded in full: %(amount)s") % {"amount": amount}
        return _("Partly refunded: %(amount)s") % {"amount": amount}
    if kind == T.LINES_CANCELLED:
        items = ", ".join(str(sku) for sku in params.get("skus", []))
        return _("Cancelled by their seller: %(items)s") % {"items": items}
    if kind == T.LINES_REFUNDED:
        amount = _money(params.get("amount"), currency)
        return _("Cancelled items refunded: %(amount)s") % {"amount": amount}
    if kind == T.ADDRESS_CHANGED:
        return _("Delivery address changed from %(old)s to %(new)s") % {
            "old": params.get("old", ""),
            "new": params.get("new", ""),
        }
    return _("Order updated")


def order_timeline(order: Order) -> list[TimelineEntry]:
    """The order's events as the shopper reads them, in the page's language (from a prefetched
    order). Each entry is worded from its type; the only note shown is one the shopper wrote
    themselves, never a staff or system note."""
    entries = []
    for event in order.events.all():
        try:
            label = OrderStatus(event.to_status).label
        except ValueError:
            label = event.to_status
        own_words = event.actor_id is not None and event.actor_id == order.user_id
        entries.append(
            TimelineEntry(
                status=event.to_status,
                label=label,
                when=event.created_at,
                text=event_sentence(event, currency=order.currency),
                note=event.note if own_words else "",
            )
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


def checkout_shipping_method(*, pk: int | str | None) -> ShippingMethod | None:
    """The delivery option chosen earlier in this checkout, if it is still offered."""
    if not pk:
        return None
    return ShippingMethod.objects.filter(pk=pk, is_active=True).first()


def checkout_saved_addresses(*, user: User | AnonymousUser | None) -> list[Address]:
    """The user's address book, default first; empty for guests."""
    if user is None or not user.is_authenticated:
        return []
    return list(Address.objects.filter(user=user))


# --- Tracking -----------------------------------------------------------------------------------

# The steps a parcel's progress bar shows, and where each status stands on it.
TRACKING_STEPS = (
    ShipmentStatus.PACKING,
    ShipmentStatus.SHIPPED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
)
_STEP_OF = {status: i for i, status in enumerate(TRACKING_STEPS)}
# A delivery problem happens on the last leg: the bar stops at "out for delivery", in red.
_STEP_OF[ShipmentStatus.EXCEPTION] = _STEP_OF[ShipmentStatus.OUT_FOR_DELIVERY]


@dataclass(frozen=True)
class TrackingStep:
    label: str
    done: bool
    current: bool


@dataclass(frozen=True)
class TrackingEntry:
    """One line of a parcel's timeline, worded in the page's language."""

    type: str
    when: datetime
    text: str
    # The carrier's own words about it, if it sent any (shown as they came).
    detail: str
    is_problem: bool


@dataclass(frozen=True)
class ShipmentItem:
    name: str
    url: str
    attributes: dict
    sku: str
    quantity: int


@dataclass(frozen=True)
class ShipmentTracking:
    """One parcel of an order as its tracking page shows it."""

    number: str
    status: str
    status_label: str
    carrier_name: str
    carrier_link: str
    tracking_number: str
    warehouse_name: str
    warehouse_city: str
    items: list[ShipmentItem]
    promised_date: date | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    steps: list[TrackingStep]
    # Newest first.
    timeline: list[TrackingEntry]

    @property
    def on_the_way(self) -> bool:
        return self.status in ON_THE_WAY


def _tracking_steps(status: str) -> list[TrackingStep]:
    if status not in _STEP_OF:
        return []  # cancelled: no progress to show
    at = _STEP_OF[status]
    return [
        TrackingStep(label=ShipmentStatus(step).label, done=i <= at, current=i == at)
        for i, step in enumerate(TRACKING_STEPS)
    ]


def _shipment_items(shipment: Shipment) -> list[ShipmentItem]:
    items = []
    for line in shipment.lines.all():
        order_line = line.order_line
        product = order_line.product
        items.append(
            ShipmentItem(
                name=product.name if product is not None else order_line.product_name,
                url=product.get_absolute_url() if product and product.is_active else "",
                attributes=order_line.variant.attributes if order_line.variant else {},
                sku=order_line.sku,
                quantity=line.quantity,
            )
        )
    return items


def _tracking_entry(event: ShipmentEvent) -> TrackingEntry:
    params = event.params if isinstance(event.params, dict) else {}
    return TrackingEntry(
        type=event.type,
        when=event.occurred_at,
        text=shipment_event_text(event),
        detail=str(params.get("description", "")),
        is_problem=event.type == ShipmentEventType.EXCEPTION,
    )


def order_tracking(order: Order) -> list[ShipmentTracking]:
    """The order's parcels, oldest first, each with its items and its timeline newest first, in
    the page's language: four queries whatever the number of parcels, items and events."""
    shipments = (
        Shipment.objects.filter(order=order)
        .select_related("carrier", "warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ShipmentLine.objects.select_related(
                    "order_line__product", "order_line__variant"
                ).order_by("id"),
            ),
            Prefetch(
                "events",
                queryset=ShipmentEvent.objects.select_related("carrier").order_by(
                    "-occurred_at", "-id"
                ),
            ),
        )
        .order_by("created_at", "id")
    )
    return [
        ShipmentTracking(
            number=shipment.number,
            status=shipment.status,
            status_label=shipment.get_status_display(),
            carrier_name=shipment.carrier.name if shipment.carrier else "",
            carrier_link=shipment.tracking_link,
            tracking_number=shipment.tracking_number,
            warehouse_name=shipment.warehouse.name,
            warehouse_city=shipment.warehouse.city,
            items=_shipment_items(shipment),
            promised_date=shipment.promised_date,
            shipped_at=shipment.shipped_at,
            delivered_at=shipment.delivered_at,
            steps=_tracking_steps(shipment.status),
            timeline=[_tracking_entry(event) for event in shipment.events.all()],
        )
        for shipment in shipments
    ]


def orders_awaiting_shipment(
    *, queryset: QuerySet[Order] | None = None, merchant_id: int | None = None
) -> QuerySet[Order]:
    """Paid or partly shipped orders with lines still to ship (unshipped, not cancelled): the
    merchant's own lines when `merchant_id` is given, anyone's otherwise."""
    queryset = Order.objects.all() if queryset is None else queryset
    unshipped = OrderLine.objects.filter(
        order=OuterRef("pk"), quantity_shipped__lt=F("quantity"), cancelled_at__isnull=True
    )
    if merchant_id is not None:
        unshipped = unshipped.filter(merchant_id=merchant_id)
    return queryset.filter(Exists(unshipped), status__in=transitions.SHIPPABLE)


def shipment_tracking_of_user(*, user: User, number: str) -> ShipmentTracking | None:
    """One parcel of the user's own orders as the tracking page shows it; None for anyone
    else's shipment or an unknown number."""
    order = Order.objects.filter(user=user, shipments__number=number).first()
    if order is None:
        return None
    return next((p for p in order_tracking(order) if p.number == number), None)


def _parcels(order: Order | OuterRef) -> QuerySet[Shipment]:
    """An order's parcels to track: its shipments but those cancelled before they left."""
    return Shipment.objects.filter(order=order).exclude(status=ShipmentStatus.CANCELLED)


def order_has_parcels(order: Order) -> bool:
    return _parcels(order).exists()


# --- For the services ---------------------------------------------------------------------------


def order_by_checkout_key(*, checkout_key: str) -> Order | None:
    """The order a checkout form already created, if any."""
    return Order.objects.filter(checkout_key=checkout_key).first()


def order_merchant_ids(*, order: Order) -> set[int]:
    """The merchants whose lines are still in the order (lines a merchant cancelled are out)."""
    return set(
        OrderLine.objects.filter(order=order, cancelled_at__isnull=True).values_list(
            "merchant_id", flat=True
        )
    )


def _other_merchants_lines(*, merchant_id: int, order: Order | OuterRef) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order=order, cancelled_at__isnull=True).exclude(
        merchant_id=merchant_id
    )


def order_is_merchants_alone(*, order: Order, merchant_id: int) -> bool:
    """The one rule for "the whole order belongs to one merchant": no line still in the order
    is another merchant's. Only then may that merchant's staff act on the order as a whole
    (cancel, deliver, complete, decline a refund); a shared order is the shop operator's.
    orders_merchants_alone_q is the same rule for a query over many orders."""
    return not _other_merchants_lines(merchant_id=merchant_id, order=order).exists()


def orders_merchants_alone_q(*, merchant_id: int, order_path: str = "pk") -> Q:
    """order_is_merchants_alone as a filter, for a query whose `order_path` leads to the order
    (e.g. "payment__order_id" on refunds): the order holds lines of this merchant and none still
    in it is another merchant's."""
    mine = OrderLine.objects.filter(order=OuterRef(order_path), merchant_id=merchant_id)
    others = _other_merchants_lines(merchant_id=merchant_id, order=OuterRef(order_path))
    return Q(Exists(mine)) & ~Q(Exists(others))


def order_single_merchant_id(*, order: Order) -> int | None:
    """The merchant the whole order belongs to, or None when it is shared (or has no lines)."""
    merchant_ids = order_merchant_ids(order=order)
    return merchant_ids.pop() if len(merchant_ids) == 1 else None


def order_status_before_refund_request(*, order: Order) -> str | None:
    """The status the order had when its latest refund request was made."""
    return (
        order.events.filter(to_status=OrderStatus.REFUND_REQUESTED)
        .exclude(from_status="")
        .order_by("-created_at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )


def orders_unpaid_past_deadline_ids(*, now: datetime, limit: int) -> list[int]:
    """Orders awaiting payment past their deadline, the longest overdue first."""
    return list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- The admin dashboard ------------------------------------------------------------------------


CENT = Decimal("0.01")


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    orders: int  # placed in the period, whatever became of them
    sold: int  # of which paid and not cancelled nor refunded
    sales: Decimal  # the value of the sold orders' items (the merchant's own, for its staff)


def orders_by_channel_for_staff(*, user, since: datetime) -> list[ChannelRow]:
    """Orders placed since `since`, per channel (every channel, also those without orders),
    as a staff user may see them: a merchant's staff count the orders holding their lines and
    the value of their own lines; the operator all. One query."""
    from accounts.admin_scoping import scope_to_merchant

    lines = scope_to_merchant(
        OrderLine.objects.filter(order__created_at__gte=since, cancelled_at__isnull=True),
        user,
        "merchant",
    )
    sold = Q(order__status__in=SOLD_STATUSES)
    rows = {
        row["order__channel"]: row
        for row in lines.values("order__channel").annotate(
            orders=Count("order", distinct=True),
            sold=Count("order", filter=sold, distinct=True),
            sales=Sum("line_total", filter=sold),
        )
    }
    return [
        ChannelRow(
            channel=channel.value,
            label=str(channel.label),
            orders=rows.get(channel.value, {}).get("orders", 0),
            sold=rows.get(channel.value, {}).get("sold", 0),
            sales=(rows.get(channel.value, {}).get("sales") or Decimal(0)).quantize(CENT),
        )
        for channel in OrderChannel
    ]
