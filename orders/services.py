"""Orders: placing one from the cart, and every change of its status afterwards.

Each service owns its transaction and row locks (locks.py, in the project's lock order:
docs/architecture.md, "The lock order"), checks the state machine (transitions.py), records an
OrderEvent, and queues emails only after commit. Stock changes go through logistics.services,
which records their movements and refreshes the products' in-stock flags after commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import regions
from accounts.permissions import merchant_acting_for
from cart.errors import CartError
from cart.selectors import CartView, cart_view
from cart.services import cart_add, cart_clear
from logistics import selectors as logistics_selectors
from logistics import services as stock
from logistics.quoting import Take
from logistics.selectors import DeliveryOption, QuoteItem, Slot

from . import locks, selectors, signals, transitions
from .errors import CheckoutError, DeliveryUnavailable, IllegalTransition, OrderError
from .events import order_event_record
from .models import Order, OrderChannel, OrderLine
from .models import OrderEventType as T
from .models import OrderStatus as S

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.base import SessionBase

    from accounts.models import Address, User

    # Who acts: a signed-in user, the anonymous shopper of a request, or None (the system).
    Actor = User | AnonymousUser | None

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShippingAddress:
    recipient: str
    phone: str
    province: str
    city: str
    district: str
    street: str
    postal_code: str
    region_code: str = ""  # the district's code (accounts.regions)

    @classmethod
    def from_address(cls, address: Address) -> ShippingAddress:
        return cls(**{f: getattr(address, f) for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    discount: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping - self.discount


def address_region_code(address: ShippingAddress) -> str:
    """The address's district code: as stored, else found from its province, city and district
    names (addresses saved before codes were kept); "" when the names make no district."""
    if address.region_code:
        return address.region_code
    try:
        return regions.resolve(address.province, address.city, address.district).code
    except regions.RegionError:
        return ""


def checkout_items(cart: CartView) -> list[QuoteItem]:
    """The cart's lines as delivery quoting takes them."""
    return [
        QuoteItem(line.variant.pk, line.product.merchant_id, line.quantity, line.line_total)
        for line in cart.lines
    ]


def checkout_delivery_options(
    *, cart: CartView, address: ShippingAddress, now: datetime | None = None
) -> list[DeliveryOption]:
    """The delivery options that serve this address for this cart, priced and dated."""
    code = address_region_code(address)
    if not code:
        return []
    return logistics_selectors.delivery_options(
        region_code=code, items=checkout_items(cart), now=now
    )


@dataclass(frozen=True)
class Delivery:
    """The delivery chosen at checkout, as the server quotes it now."""

    option: DeliveryOption
    slot: Slot | None = None


def checkout_delivery(
    *,
    cart: CartView,
    address: ShippingAddress,
    shipping_method_id: int | str | None,
    slot_key: str = "",
    now: datetime | None = None,
) -> Delivery:
    """Re-quote the chosen method for this address and cart, or CheckoutError saying why it
    cannot be used: no district found, the method does not deliver there (or is gone), or a
    local delivery without an open slot."""
    code = address_region_code(address)
    if not code:
        raise DeliveryUnavailable(
            _(
                "We could not find the district of this address. "
                "Please check the province, city and district."
            )
        )
    method = logistics_selectors.shipping_method_active(pk=shipping_method_id)
    if method is None:
        raise DeliveryUnavailable(_("Please choose a delivery option."))
    options = logistics_selectors.delivery_options(
        region_code=code, items=checkout_items(cart), now=now, method_id=method.pk
    )
    if not options:
        raise DeliveryUnavailable(
            _("%(method)s does not deliver to %(place)s. Please choose another delivery option.")
            % {"method": method.name, "place": f"{address.city}{address.district}"}
        )
    option = options[0]
    slot = None
    if option.is_local:
        slot = option.slot(slot_key)
        if slot is None:
            raise DeliveryUnavailable(
                _("Please choose a delivery slot for %(method)s.") % {"method": method.name}
                if not slot_key
                else _("That delivery slot is no longer available. Please choose another one.")
            )
    return Delivery(option, slot)


def checkout_totals(*, cart: CartView, delivery: DeliveryOption) -> Totals:
    """What the shopper pays, from current prices only (nothing the browser sends)."""
    return Totals(subtotal=cart.subtotal, shipping=delivery.price, discount=ZERO)


def _queue_email(order: Order, kind: str) -> None:
    from .tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.delay(order.pk, kind))


def order_place(
    *,
    user: Actor,
    session: SessionBase,
    email: str,
    address: ShippingAddress,
    shipping_method_id: int,
    checkout_key: str,
    language: str,
    client_ip: str | None = None,
    delivery_slot: str = "",
    channel: str = OrderChannel.WEB,
    now: datetime | None = None,
) -> Order:
    """Turn the cart into an order awaiting payment, allocating its stock. `channel`: where it
    was placed (the storefront, or an app, mini-program or partner through the API).

    The delivery is quoted again here (price, promised date, and for local delivery the slot,
    `delivery_slot` being its key): a method that does not serve the address, or a slot no longer
    open, is a CheckoutError. All or nothing: if any line cannot be served from the stock on hand
    now, no order is created and CheckoutError says which items. The same `checkout_key` (one
    per checkout form) always gives the same order, so a double submission creates exactly one.
    """
    existing = selectors.order_by_checkout_key(checkout_key=checkout_key)
    if existing is not None:
        return existing
    if logistics_selectors.shipping_method_active(pk=shipping_method_id) is None:
        raise DeliveryUnavailable(_("Please choose a delivery option."))
    place = _Placing(
        user, session, email, address, shipping_method_id, delivery_slot, OrderChannel(channel), now
    )
    try:
        with transaction.atomic():
            order = _place(place, checkout_key, language, client_ip)
    except (IntegrityError, CheckoutError):
        # The same form submitted twice at once: the other request created the order (and may
        # have emptied the cart between the look-up above and this one reading it).
        existing = selectors.order_by_checkout_key(checkout_key=checkout_key)
        if existing is None:
            raise
        return existing
    order_id, session_key = order.pk, getattr(session, "session_key", None) or ""
    transaction.on_commit(
        lambda: signals.order_placed.send(sender=Order, order_id=order_id, session_key=session_key),
        robust=True,
    )
    return order


@dataclass(frozen=True)
class _Placing:
    user: Actor
    session: SessionBase
    email: str
    address: ShippingAddress
    shipping_method_id: int
    delivery_slot: str
    channel: str
    now: datetime | None


def _place(place: _Placing, checkout_key: str, language: str, client_ip: str | None) -> Order:
    user, session, email = place.user, place.session, place.email
    cart = cart_view(user=user, session=session)
    if cart.is_empty:
        raise CheckoutError(_("Your cart is empty."))
    if cart.blocking_problems:
        raise CheckoutError(_("Some items in your cart need your attention before you can order."))
    address = replace(place.address, region_code=address_region_code(place.address))
    delivery = checkout_delivery(
        cart=cart,
        address=address,
        shipping_method_id=place.shipping_method_id,
        slot_key=place.delivery_slot,
        now=place.now,
    )
    method = delivery.option.method
    totals = checkout_totals(cart=cart, delivery=delivery.option)
    now = timezone.now()
    signed_in = user is not None and user.is_authenticated
    order = Order.objects.create(
        user=user if signed_in else None,
        email=email,
        status=S.PENDING_PAYMENT,
        subtotal=totals.subtotal,
        shipping_total=totals.shipping,
        discount_total=totals.discount,
        total=totals.total,
        shipping_method=method,
        shipping_method_name=method.name,
        promised_date=delivery.option.eta,
        delivery_window_start=delivery.slot.start if delivery.slot else None,
        delivery_window_end=delivery.slot.end if delivery.slot else None,
        expires_at=now + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES),
        guest_token="" if signed_in else secrets.token_urlsafe(24),
        checkout_key=checkout_key,
        language=language,
        client_ip=client_ip or None,
        channel=place.channel,
        **address.__dict__,
    )
    lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                merchant_id=line.product.merchant_id,
                product=line.product,
                variant=line.variant,
                product_name=line.product.name,
                sku=line.variant.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in cart.lines
        ]
    )
    try:
        allocations = stock.stock_allocate(
            requests=[stock.LineRequest(line.pk, line.variant_id, line.quantity) for line in lines],
            actor=user,
            destination=address.region_code,
        )
    except stock.InsufficientStock as short:
        names = sorted({line.product_name for line in lines if line.variant_id in short.shortages})
        raise CheckoutError(
            _("Sorry, not enough stock left for: %(items)s. Please update your cart.")
            % {"items": ", ".join(names)}
        ) from short
    _requote_from_allocations(order, cart, delivery, allocations, place.now)
    order_event_record(
        order=order, actor=user, from_status="", to_status=S.PENDING_PAYMENT, type=T.PLACED
    )
    cart_clear(user=user, session=session)
    _queue_email(order, "placed")
    return order


def _requote_from_allocations(order, cart, delivery, allocations, now) -> None:
    """The quote was made from the stock read before the allocation locked it; should another
    order have taken units in between, the order ships from other warehouses: quote again from
    those and keep that price and date (or refuse, if the method cannot serve them: a local
    delivery that now needs two warehouses)."""
    takes = [Take(a.stock.warehouse_id, a.stock.variant_id, a.quantity) for a in allocations]
    planned = {(p.merchant_id, p.warehouse_id) for p in delivery.option.parcels}
    merchant_of = {line.variant.pk: line.product.merchant_id for line in cart.lines}
    if {(merchant_of[t.variant_id], t.warehouse_id) for t in takes} == planned:
        return
    options = logistics_selectors.delivery_options(
        region_code=order.region_code,
        items=checkout_items(cart),
        now=now,
        method_id=delivery.option.method.pk,
        shipped_from=takes,
    )
    if not options or (delivery.slot and options[0].slot(delivery.slot.key) is None):
        raise DeliveryUnavailable(
            _("%(method)s can no longer deliver this order. Please choose another delivery option.")
            % {"method": delivery.option.method.name}
        )
    option = options[0]
    order.shipping_total = option.price
    order.total = order.subtotal + option.price - order.discount_total
    order.promised_date = option.eta
    order.save(update_fields=["shipping_total", "total", "promised_date", "updated_at"])


def _move(
    order: Order,
    to_status: str,
    actor: Actor,
    note: str,
    fields: tuple[str, ...] = (),
    *,
    type: T | None = None,
    params: dict | None = None,
    only_from: str | None = None,
) -> Order:
    # Without a type the event gets the one its statuses say (events.order_event_type_for).
    if not transitions.can_move(order.status, to_status) or only_from not in (None, order.status):
        raise IllegalTransition(
            _("This order is %(status)s and cannot be changed to %(new)s.")
            % {"status": order.get_status_display(), "new": S(to_status).label}
        )
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status", "updated_at", *fields])
    order_event_record(
        order=order,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=params,
        note=note,
    )
    return order


def _require_whole_order_actor(order: Order, actor: Actor) -> None:
    """A merchant's staff may change an order as a whole (cancel, deliver, complete, decline a
    refund) only when the order is their merchant's alone (selectors.order_is_merchants_alone);
    shared orders are the operator's."""
    merchant_id = getattr(actor, "merchant_id", None)
    if not getattr(actor, "is_staff", False) or getattr(actor, "is_superuser", False):
        return
    if merchant_id is None or order.user_id == actor.pk:
        return
    if not selectors.order_is_merchants_alone(order=order, merchant_id=merchant_id):
        raise OrderError(
            _("This order also holds other merchants' items: only the shop operator can do that.")
        )


def _withdraw_packing(order: Order, line_ids: list[int], actor: Actor) -> None:
    """Cancel the shipments still being packed that hold any of these lines (their stock is
    about to be released: they will never leave). The caller holds the order's and the lines'
    locks."""
    from .fulfilment import packing_shipments_withdraw  # fulfilment builds on this module

    packing_shipments_withdraw(order=order, line_ids=line_ids, actor=actor)


@transaction.atomic
def order_mark_paid(
    *, order: Order, actor: Actor, gateway: str = "", trade_no: str = "", note: str = ""
) -> Order:
    """The payment arrived (through `gateway`, its trade number `trade_no`, both shown in the
    order's history). Paying an already paid order changes nothing (a repeated payment
    notification); paying a cancelled one is an error for the payment side to handle."""
    order = locks.lock_order(order.pk)
    if order.status == S.PAID or order.paid_at is not None:
        return order
    order.paid_at = timezone.now()
    params = {"gateway": gateway, "trade_no": trade_no} if gateway else {}
    _move(order, S.PAID, actor, note, fields=("paid_at",), type=T.PAID, params=params)
    _queue_email(order, "paid")
    order_id = order.pk
    transaction.on_commit(
        lambda: signals.order_paid.send(sender=Order, order_id=order_id), robust=True
    )
    return order


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    actor: Actor,
    reason: str = "",
    type: T = T.CANCELLED,
    by_customer: bool = False,
) -> Order:
    """Cancel an order that has not shipped, giving its stock back. `type` says why for the
    order's history (cancelled, expired: not paid in time, rejected after review);
    `by_customer` when the shopper cancelled it themselves; `reason` is what a person wrote."""
    order = locks.lock_order(order.pk)
    _require_whole_order_actor(order, actor)
    if order.status not in transitions.CANCELLABLE:
        raise IllegalTransition(
            _("This order is %(status)s and can no longer be cancelled.")
            % {"status": order.get_status_display()}
        )
    lines = locks.lock_lines(order)
    _withdraw_packing(order, [line.pk for line in lines], actor)
    allocations = logistics_selectors.allocations_of_lines(line_ids=[line.pk for line in lines])
    stock.stock_release(allocations=allocations, actor=actor)
    params = {"by": "customer"} if by_customer else {}
    _move(order, S.CANCELLED, actor, reason, type=type, params=params)
    _queue_email(order, "cancelled")
    # robust: whatever a receiver does (payments closing the gateway trade) never undoes a
    # committed cancellation or breaks the shopper's request; it logs and retries on its own.
    order_id = order.pk
    transaction.on_commit(
        lambda: signals.order_cancelled.send(sender=Order, order_id=order_id), robust=True
    )
    return order


def order_ship(*, order: Order, actor: Actor, merchant_id: int | None = None) -> Order:
    """Ship every unshipped line (or only one merchant's) in one go: shipments for them, handed
    to the default carrier (orders.fulfilment.order_ship_everything). The order becomes shipped
    when all lines have gone, partially shipped before. A merchant's staff ship only their
    merchant's lines, whatever `merchant_id` says."""
    from .fulfilment import order_ship_everything  # fulfilment builds on this module

    return order_ship_everything(order=order, actor=actor, merchant_id=merchant_id)


@transaction.atomic
def order_lines_cancel(
    *, order: Order, actor: Actor, merchant_id: int | None, reason: str
) -> list[OrderLine]:
    """A merchant withdraws its own lines from an order shared with other merchants, before it
    ships them: their stock is released, they are marked cancelled, and the order's subtotal and
    total drop by their value (what the shopper now pays for the rest). The order itself goes
    on for the other merchants, still paid (or shipped, when the other lines have all gone).
    Returns the cancelled lines. After commit, signals.order_lines_cancelled tells whoever
    sends the money back (payments refunds their value). A merchant holding every line left
    cancels the whole order instead."""
    merchant_id = merchant_acting_for(actor) or merchant_id
    if merchant_id is None:
        raise OrderError(_("Only a merchant's staff cancel their own lines of an order."))
    order = locks.lock_order(order.pk)
    if order.status not in transitions.SHIPPABLE:
        raise IllegalTransition(
            _("This order is %(status)s: its lines can no longer be cancelled.")
            % {"status": order.get_status_display()}
        )
    lines = [line for line in locks.lock_lines(order) if line.cancelled_at is None]
    own = [line for line in lines if line.merchant_id == merchant_id]
    if not own:
        raise OrderError(_("None of the lines left in this order is yours."))
    if any(line.quantity_shipped for line in own):
        raise OrderError(_("Your lines of this order have shipped: refund them instead."))
    if len(own) == len(lines):
        raise OrderError(_("Every line left in this order is yours: cancel the whole order."))
    _withdraw_packing(order, [line.pk for line in own], actor)
    stock.stock_release(
        allocations=logistics_selectors.allocations_of_lines(line_ids=[line.pk for line in own]),
        actor=actor,
    )
    now = timezone.now()
    for line in own:
        line.cancelled_at = now
    OrderLine.objects.bulk_update(own, ["cancelled_at"])
    value = sum((line.line_total for line in own), ZERO)
    order.subtotal -= value
    order.total -= value
    order.save(update_fields=["subtotal", "total", "updated_at"])
    params = {"skus": [line.sku for line in own], "amount": str(value)}
    rest_shipped = all(line.quantity_shipped == line.quantity for line in lines if line not in own)
    if order.status == S.PARTIALLY_SHIPPED and rest_shipped:
        _move(order, S.SHIPPED, actor, reason, type=T.LINES_CANCELLED, params=params)
    else:
        order_event_record(
            order=order, actor=actor, from_status=order.status, to_status=order.status,
            type=T.LINES_CANCELLED, params=params, note=reason,
        )  # fmt: skip
    # robust: as for order_cancelled, a receiver's failure never undoes the committed
    # cancellation; payments' reconciliation refunds whatever was not.
    order_id, line_ids = order.pk, [line.pk for line in own]
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: signals.order_lines_cancelled.send(
            sender=Order, order_id=order_id, line_ids=line_ids, actor_id=actor_id, reason=reason
        ),
        robust=True,
    )
    return own


@transaction.atomic
def order_lines_refunded(*, order: Order, actor: Actor, amount: Decimal) -> Order:
    """The money of lines cancelled by their merchant went back: recorded in the order's history
    (its status stays: the other lines go on) and the shopper is told."""
    order = locks.lock_order(order.pk)
    order_event_record(
        order=order, actor=actor, from_status=order.status, to_status=order.status,
        type=T.LINES_REFUNDED, params={"amount": str(amount)},
    )  # fmt: skip
    _queue_email(order, "refunded")
    return order


@transaction.atomic
def order_mark_delivered(*, order: Order, actor: Actor, note: str = "") -> Order:
    # ALLOWED lets a refund request return to delivered, but only through order_refund_decline.
    order = locks.lock_order(order.pk)
    _require_whole_order_actor(order, actor)
    return _move(order, S.DELIVERED, actor, note, type=T.DELIVERED, only_from=S.SHIPPED)


@transaction.atomic
def order_complete(*, order: Order, actor: Actor, note: str = "") -> Order:
    order = locks.lock_order(order.pk)
    _require_whole_order_actor(order, actor)
    return _move(order, S.COMPLETED, actor, note, type=T.COMPLETED, only_from=S.DELIVERED)


@transaction.atomic
def order_refund_request(
    *, order: Order, actor: Actor, reason: str, line_ids: list[int] | None = None
) -> Order:
    """The shopper asks for their money back on an order that has shipped. `line_ids`: the
    lines they want refunded (recorded in the event, whose sentence names their SKUs); None or
    empty: the order as a whole, as the order page asks."""
    order = locks.lock_order(order.pk)
    if order.status not in transitions.REFUNDABLE_REQUEST:
        raise IllegalTransition(
            _("A refund can be requested once the order has shipped; cancel it instead.")
            if order.status in transitions.CANCELLABLE
            else _("This order is %(status)s; a refund cannot be requested.")
            % {"status": order.get_status_display()}
        )
    params = None
    if line_ids:
        lines = [line for line in locks.lock_lines(order) if line.pk in set(line_ids)]
        if len(lines) != len(set(line_ids)):
            raise OrderError(_("Those items are not in this order."))
        params = {
            "lines": [line.pk for line in lines],
            "skus": [line.sku for line in lines],
        }
    return _move(order, S.REFUND_REQUESTED, actor, reason, type=T.REFUND_REQUESTED, params=params)


# Before the goods leave, where they go may still change.
ADDRESS_CHANGEABLE = frozenset({S.PENDING_PAYMENT, S.UNDER_REVIEW, S.PAID})


def place_name(province: str, city: str, district: str) -> str:
    """A district with its city and province, as one name; a municipality's city has its
    province's name: "上海市浦东新区", not "上海市上海市浦东新区"."""
    return province + ("" if city == province else city) + district


@transaction.atomic
def order_address_change(*, order: Order, actor: Actor, address: ShippingAddress) -> Order:
    """Deliver the order somewhere else. Only before anything of it left: once a shipment exists
    (even one still being packed, whose label carries the old address) or the order has shipped,
    it is an OrderError. The caller has checked the address (AddressForm) and that the order's
    delivery method serves it at the same price; the event records the old and the new place."""
    order = locks.lock_order(order.pk)
    if order.status not in ADDRESS_CHANGEABLE:
        raise IllegalTransition(
            _("This order is %(status)s: its delivery address can no longer be changed.")
            % {"status": order.get_status_display()}
        )
    if logistics_selectors.order_has_shipments(order_id=order.pk):
        raise OrderError(
            _("This order is already being packed: its delivery address can no longer be changed.")
        )
    address = replace(address, region_code=address_region_code(address))
    if not address.region_code:
        raise OrderError(
            _(
                "We could not find the district of this address. "
                "Please check the province, city and district."
            )
        )
    old = place_name(order.province, order.city, order.district)
    fields = list(ShippingAddress.__dataclass_fields__)
    for name in fields:
        setattr(order, name, getattr(address, name))
    order.save(update_fields=[*fields, "updated_at"])
    order_event_record(
        order=order, actor=actor, from_status=order.status, to_status=order.status,
        type=T.ADDRESS_CHANGED,
        params={"old": old, "new": place_name(address.province, address.city, address.district)},
    )  # fmt: skip
    return order


@transaction.atomic
def order_refund_decline(*, order: Order, actor: Actor, reason: str) -> Order:
    """Turn down a refund request: the order goes back to the status it had before."""
    order = locks.lock_order(order.pk)
    _require_whole_order_actor(order, actor)
    if order.status != S.REFUND_REQUESTED:
        raise IllegalTransition(_("There is no refund request to decline."))
    before = selectors.order_status_before_refund_request(order=order)
    return _move(order, before or S.COMPLETED, actor, reason, type=T.REFUND_DECLINED)


@transaction.atomic
def order_hold_for_review(*, order: Order, actor: Actor, note: str = "") -> Order:
    """The risk checks hold an order awaiting payment: it cannot be paid (nor expire) until
    someone approves it (order_review_approve) or rejects it (order_cancel)."""
    order = locks.lock_order(order.pk)
    return _move(
        order, S.UNDER_REVIEW, actor, note, type=T.UNDER_REVIEW, only_from=S.PENDING_PAYMENT
    )


@transaction.atomic
def order_review_approve(*, order: Order, actor: Actor, note: str = "") -> Order:
    """An order held for review may be paid after all, with a fresh payment deadline."""
    order = locks.lock_order(order.pk)
    _require_whole_order_actor(order, actor)
    if order.status != S.UNDER_REVIEW:
        raise IllegalTransition(
            _("This order is %(status)s, not under review.")
            % {"status": order.get_status_display()}
        )
    order.expires_at = timezone.now() + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    _move(order, S.PENDING_PAYMENT, actor, note, fields=("expires_at",), type=T.APPROVED)
    _queue_email(order, "approved")
    return order


@dataclass(frozen=True)
class LineReturn:
    line_id: int
    quantity: int


@transaction.atomic
def order_mark_refunded(
    *,
    order: Order,
    actor: Actor,
    full: bool,
    returns: list[LineReturn],
    amount: Decimal | None = None,
    note: str = "",
) -> tuple[Order, list[stock.Restocked]]:
    """Money went back to the customer (payments decides how much: `amount` this time, shown in
    the order's history; `full`: all of it). The order
    becomes refunded or partially refunded (a further partial refund is recorded as an event).
    `returns` are shipped units that came back and go on sale again; a full refund also frees
    the stock still promised to units that will now never ship. Returns where units went."""
    order = locks.lock_order(order.pk)
    if order.status not in transitions.REFUNDABLE:
        raise IllegalTransition(
            _("This order is %(status)s and cannot be refunded.")
            % {"status": order.get_status_display()}
        )
    if not full and order.status in transitions.PARTIAL_REFUND_FORBIDDEN:
        raise IllegalTransition(_("An order that has not shipped can only be refunded in full."))
    params = {"full": full, **({"amount": str(amount)} if amount is not None else {})}
    if order.status == S.CANCELLED:
        # Paid, then cancelled before it shipped: its stock went back at the cancellation; the
        # money follows now and the order stays cancelled.
        order_event_record(
            order=order, actor=actor, from_status=order.status, to_status=order.status,
            type=T.REFUNDED, params=params, note=note,
        )  # fmt: skip
        _queue_email(order, "refunded")
        return order, []
    lines = {line.pk: line for line in locks.lock_lines(order)}
    returned = []
    for item in returns:
        line = lines.get(item.line_id)
        if line is None or item.quantity > line.quantity_shipped:
            raise OrderError(_("Only shipped units can be returned to stock."))
        if line.variant_id is not None and item.quantity > 0:
            returned.append(stock.ReturnedUnits(line.variant_id, item.quantity, line.pk))
    if full:
        _withdraw_packing(order, list(lines), actor)
    allocations = logistics_selectors.allocations_of_lines(line_ids=list(lines)) if full else []
    restocked = stock.stock_release_and_restock(
        allocations=allocations, returns=returned, actor=actor
    )
    to_status = S.REFUNDED if full else S.PARTIALLY_REFUNDED
    if order.status == to_status:
        order_event_record(
            order=order, actor=actor, from_status=order.status, to_status=order.status,
            type=T.REFUNDED, params=params, note=note,
        )  # fmt: skip
    else:
        _move(order, to_status, actor, note, type=T.REFUNDED, params=params)
    _queue_email(order, "refunded")
    return order, restocked


def order_reorder(*, order: Order, user: Actor, session: SessionBase) -> tuple[int, list[str]]:
    """Put an order's lines back in the cart at today's prices. Lines that can no longer be bought
    as they were are skipped; returns (units added, "name: why" for each skipped line)."""
    added, skipped = 0, []
    for line in order.lines.all():
        if line.variant_id is None:
            skipped.append(_("%(name)s: no longer available") % {"name": line.product_name})
            continue
        try:
            cart_add(user=user, session=session, variant_id=line.variant_id, quantity=line.quantity)
        except CartError as error:
            skipped.append(f"{line.product_name}: {error}")
        else:
            added += line.quantity
    return added, skipped


def orders_cancel_expired_unpaid(*, now: datetime | None = None, limit: int = 500) -> int:
    """Cancel unpaid orders past their payment deadline and release their stock. Safe to run
    twice at once: each order is re-read under its row lock (or skipped while another worker
    holds it), so its stock is released exactly once. Returns how many it cancelled."""
    now = now or timezone.now()
    due = selectors.orders_unpaid_past_deadline_ids(now=now, limit=limit)
    cancelled = 0
    for pk in due:
        with transaction.atomic():
            order = locks.lock_order_if_free(pk, status=S.PENDING_PAYMENT, expires_before=now)
            if order is None:
                continue
            order_cancel(order=order, actor=None, type=T.EXPIRED)
            cancelled += 1
    return cancelled
