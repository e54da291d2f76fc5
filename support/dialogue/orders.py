"""The intents about one of the shopper's orders: which order (the signed-in shopper's own; a
visitor's proven by its number and email), then what to do with it.

Nothing here ever reads an order the shopper has not proven theirs: a signed-in shopper's
orders are those of their account; a visitor's are those whose number and email they gave in
this conversation (remembered in the state as "guest_orders"). Every refusal is the same
neutral sentence, whichever part was wrong and whether the number exists or not."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from common.errors import DomainError
from orders import selectors as order_selectors
from orders import services as order_services
from orders import transitions
from orders.models import Order
from orders.models import OrderStatus as S

from ..nlu import entities
from .base import Ctx, choice, day, money, sentences, when

# How many of a shopper's orders the assistant offers to pick from (newest first).
CHOICES_SHOWN = 5
# Failed proofs (number + email) after which a visitor is offered a person instead.
GUEST_TRIES = 5

ORDER_INTENTS = (
    "order_status",
    "track_shipment",
    "cancel_order",
    "refund_request",
    "change_address",
    "payment_issue",
)

# The orders an intent can act on: when only one of the shopper's orders fits, it is the one.
_FITS = {
    "cancel_order": transitions.CANCELLABLE,
    "refund_request": transitions.REFUNDABLE_REQUEST,
    "change_address": order_services.ADDRESS_CHANGEABLE,
    "payment_issue": frozenset({S.PENDING_PAYMENT, S.UNDER_REVIEW}),
}


def _not_found() -> str:
    return _("I could not find an order with that number and email address.")


def _not_found_signed_in() -> str:
    return _("I could not find an order with that number in your account.")


# --- Whose orders ---------------------------------------------------------------------------------


def _own_orders(ctx: Ctx):
    """The orders this conversation may read: the account's, or the visitor's proven ones."""
    if ctx.signed_in:
        return Order.objects.filter(user=ctx.user)
    ids = [i for i in ctx.state.get("guest_orders", []) if isinstance(i, int)]
    return Order.objects.filter(pk__in=ids, user=None)


def accessible_order(ctx: Ctx, order_id) -> Order | None:
    if not isinstance(order_id, int):
        return None
    return _own_orders(ctx).filter(pk=order_id).first()


def _remember(ctx: Ctx, order: Order) -> Order:
    ctx.state["order_id"] = order.pk
    return order


def _order_choice(order: Order) -> dict[str, Any]:
    total = money(order.total, order.currency)
    status = order.get_status_display()
    placed = day(order.created_at)
    return choice(
        f"{order.number} · {placed} · {total} · {status}",
        order.number,
        number=order.number,
        date=placed,
        total=total,
        status=str(status),
    )


def _ask_which(ctx: Ctx, intent: str, orders: list[Order], extra: dict) -> Any:
    ctx.ask("order", intent=intent, options=[o.pk for o in orders], extra=extra)
    return ctx.say(
        _("Which order do you mean? Pick one, or type its number."),
        choices=[_order_choice(o) for o in orders],
    )


def _candidates(ctx: Ctx, intent: str) -> list[Order]:
    orders = list(_own_orders(ctx).order_by("-created_at", "-id")[:20])
    fits = _FITS.get(intent)
    if fits is not None:
        fitting = [o for o in orders if o.status in fits]
        if fitting:
            orders = fitting
    return orders[:CHOICES_SHOWN]


def order_intent(ctx: Ctx, intent: str, extra: dict | None = None) -> Any:
    """Find the order the message is about, then do what `intent` does with it."""
    extra = extra or {}
    numbers = entities.order_numbers(ctx.text)
    if not ctx.signed_in:
        proven = _own_orders(ctx).filter(number=numbers[0]).first() if numbers else None
        if proven is not None:
            return act(ctx, intent, _remember(ctx, proven), extra)
        mails = entities.emails(ctx.text)
        if numbers or mails or not ctx.state.get("guest_orders"):
            return _guest_proof(ctx, intent, numbers[:1], mails[:1], extra)
    if numbers:
        order = _own_orders(ctx).filter(number=numbers[0]).first()
        if order is None:
            ctx.done()
            return ctx.say(_not_found_signed_in() if ctx.signed_in else _not_found())
        return act(ctx, intent, _remember(ctx, order), extra)
    orders = _candidates(ctx, intent)
    if not orders:
        ctx.done()
        return ctx.say(_("I could not find any orders in your account."))
    current = ctx.state.get("order_id")
    if len(orders) > 1 and any(o.pk == current for o in orders):
        orders = [o for o in orders if o.pk == current]
    if len(orders) == 1:
        return act(ctx, intent, _remember(ctx, orders[0]), extra)
    return _ask_which(ctx, intent, orders, extra)


def answer_order_pick(ctx: Ctx, pending: dict) -> Any | None:
    """The shopper answers "which order?": a number, a pick ("the second one"), "the latest"."""
    options = [i for i in pending.get("options", []) if isinstance(i, int)]
    orders = {o.pk: o for o in _own_orders(ctx).filter(pk__in=options)}
    ordered = [orders[i] for i in options if i in orders]
    numbers = entities.order_numbers(ctx.text)
    chosen = None
    if numbers:
        chosen = _own_orders(ctx).filter(number=numbers[0]).first()
        if chosen is None:
            ctx.done()
            return ctx.say(_not_found_signed_in() if ctx.signed_in else _not_found())
    else:
        picked = entities.pick(ctx.text)
        if picked is None:
            return None
        if picked == entities.LATEST:
            chosen = ordered[0] if ordered else None
        elif 1 <= picked <= len(ordered):
            chosen = ordered[picked - 1]
        if chosen is None:
            return ctx.say(
                _("Please pick one of the orders above, or type its number."),
                choices=[_order_choice(o) for o in ordered],
            )
    ctx.done()
    return act(
        ctx,
        pending.get("intent", "order_status"),
        _remember(ctx, chosen),
        pending.get("extra") or {},
    )


# --- A visitor proves an order ----------------------------------------------------------------


def _guest_proof(ctx: Ctx, intent: str, numbers: list, mails: list, extra: dict) -> Any:
    state = ctx.state
    if state.get("guest_failures", 0) >= GUEST_TRIES:
        ctx.done()
        return _too_many_tries(ctx)
    pending = ctx.pending if (ctx.pending or {}).get("step") == "guest" else {}
    number = numbers[0] if numbers else pending.get("number", "")
    email = mails[0] if mails else pending.get("email", "")
    if number and email:
        order = Order.objects.filter(number=number, user=None).first()
        if order is None or order.email.strip().lower() != email.strip().lower():
            state["guest_failures"] = state.get("guest_failures", 0) + 1
            ctx.done()
            if state["guest_failures"] >= GUEST_TRIES:
                return _too_many_tries(ctx)
            return ctx.say(
                sentences(
                    _not_found(),
                    _("Please check both and try again, or sign in to see your orders."),
                )
            )
        proven = [i for i in state.get("guest_orders", []) if i != order.pk]
        state["guest_orders"] = [*proven, order.pk][-20:]
        ctx.done()
        return act(ctx, intent, _remember(ctx, order), extra)
    ctx.ask("guest", intent=intent, number=number, email=email, extra=extra)
    if number:
        text = _("What is the email address you placed the order with?")
    elif email:
        text = _("What is the order number? It is in your order confirmation email.")
    else:
        text = _(
            "To look up an order, please sign in, or give me the order number and the email "
            "address you placed it with."
        )
    return ctx.say(text, links=[{"label": _("Sign in"), "url": reverse("accounts:login")}])


def answer_guest(ctx: Ctx, pending: dict) -> Any | None:
    numbers = entities.order_numbers(ctx.text)
    mails = entities.emails(ctx.text)
    if not numbers and not mails:
        return None
    return _guest_proof(
        ctx, pending.get("intent", "order_status"), numbers, mails, pending.get("extra") or {}
    )


def _too_many_tries(ctx: Ctx) -> Any:
    return ctx.say(
        _(
            "I cannot check more order numbers in this conversation. Please sign in to see your "
            "orders, or ask for a member of our team."
        ),
        choices=[choice(_("Talk to a person"), _("I want to talk to a person"))],
    )


# --- The actions ------------------------------------------------------------------------------


def _order_url(ctx: Ctx, order: Order, *, tracking: bool = False) -> str:
    """The order's page (or tracking page) as this shopper opens it: their account's, or, for a
    proven visitor, the secret guest link."""
    if order.user_id is None and order.guest_token:
        name = "orders:guest_tracking" if tracking else "orders:guest_detail"
        return reverse(name, args=[order.number, order.guest_token])
    return reverse("orders:tracking" if tracking else "orders:detail", args=[order.number])


def act(ctx: Ctx, intent: str, order: Order, extra: dict) -> Any:
    from . import address, refunds

    handlers = {
        "order_status": order_status,
        "track_shipment": track_shipment,
        "cancel_order": cancel_order,
        "refund_request": refunds.refund_request,
        "change_address": address.change_address,
        "payment_issue": payment_issue,
    }
    return handlers.get(intent, order_status)(ctx, order, extra)


def order_status(ctx: Ctx, order: Order, extra: dict) -> Any:
    items = sum(line.quantity for line in order.lines.all() if line.cancelled_at is None)
    parts = [
        _("Order %(number)s, placed on %(date)s: %(status)s. %(items)s item(s), %(total)s.")
        % {
            "number": order.number,
            "date": day(order.created_at),
            "status": order.get_status_display(),
            "items": items,
            "total": money(order.total, order.currency),
        }
    ]
    latest = order.events.order_by("-created_at", "-id").first()
    if latest is not None:
        parts.append(
            _("Latest: %(what)s (%(when)s).")
            % {
                "what": order_selectors.event_sentence(latest, currency=order.currency),
                "when": when(latest.created_at),
            }
        )
    if order.promised_date and order.status in (S.PAID, S.PARTIALLY_SHIPPED, S.SHIPPED):
        parts.append(_("Expected delivery: %(date)s.") % {"date": day(order.promised_date)})
    if order.status == S.PENDING_PAYMENT and order.expires_at:
        parts.append(_("Please pay by %(when)s.") % {"when": when(order.expires_at)})
    return ctx.say(
        sentences(*parts),
        order_id=order.pk,
        order={"number": order.number, "status": order.status, "url": _order_url(ctx, order)},
    )


def track_shipment(ctx: Ctx, order: Order, extra: dict) -> Any:
    parcels = [p for p in order_selectors.order_tracking(order) if p.status != "cancelled"]
    link = _order_url(ctx, order, tracking=True)
    if not parcels:
        text = _("Order %(number)s has not shipped yet (it is %(status)s).") % {
            "number": order.number,
            "status": order.get_status_display(),
        }
        if order.promised_date:
            text = sentences(
                text, _("Expected delivery: %(date)s.") % {"date": day(order.promised_date)}
            )
        return ctx.say(text, order_id=order.pk, link=link)
    timeline = []
    lines = []
    for parcel in parcels:
        timeline.append(
            {
                "parcel": parcel.number,
                "status": parcel.status,
                "status_label": str(parcel.status_label),
                "carrier": parcel.carrier_name,
                "tracking_number": parcel.tracking_number,
                "carrier_link": parcel.carrier_link,
                "events": [
                    {
                        "when": entry.when.isoformat(),
                        "when_text": when(entry.when),
                        "text": str(entry.text),
                        "detail": entry.detail,
                        "problem": entry.is_problem,
                    }
                    for entry in parcel.timeline
                ],
            }
        )
        latest = parcel.timeline[0].text if parcel.timeline else parcel.status_label
        lines.append(
            _(
                "Parcel %(parcel)s: %(status)s, %(carrier)s, tracking number %(tracking)s. "
                "Latest: %(latest)s."
            )
            % {
                "parcel": parcel.number,
                "status": parcel.status_label,
                "carrier": parcel.carrier_name or _("carrier not assigned yet"),
                "tracking": parcel.tracking_number or "-",
                "latest": latest,
            }
        )
    head = _("Order %(number)s:") % {"number": order.number}
    return ctx.say(
        sentences(head, *lines),
        order_id=order.pk,
        timeline=timeline,
        link=link,
    )


def cancel_order(ctx: Ctx, order: Order, extra: dict) -> Any:
    if order.status not in transitions.CANCELLABLE:
        text = _("This order is %(status)s and can no longer be cancelled.") % {
            "status": order.get_status_display()
        }
        if order.status == S.SHIPPED:
            text = sentences(text, _("Once it arrives you can ask for a refund instead."))
        elif order.status in transitions.REFUNDABLE_REQUEST:
            text = sentences(text, _("You can ask for a refund instead."))
        ctx.done()
        return ctx.say(text, order_id=order.pk)
    items = sum(line.quantity for line in order.lines.all() if line.cancelled_at is None)
    ctx.ask("confirm", action="cancel", order_id=order.pk)
    return ctx.say(
        _("Cancel order %(number)s (%(items)s item(s), %(total)s)? Please answer yes or no.")
        % {"number": order.number, "items": items, "total": money(order.total, order.currency)},
        order_id=order.pk,
        choices=yes_no(),
    )


def yes_no() -> list[dict]:
    return [choice(_("Yes"), _("yes")), choice(_("No"), _("no"))]


def do_cancel(ctx: Ctx, order: Order) -> Any:
    try:
        order_services.order_cancel(order=order, actor=ctx.user, by_customer=True)
    except DomainError as error:
        return ctx.say(str(error), order_id=order.pk)
    return ctx.say(
        _("Order %(number)s is cancelled. If you paid, the money goes back to you automatically.")
        % {"number": order.number},
        order_id=order.pk,
    )


def payment_issue(ctx: Ctx, order: Order, extra: dict) -> Any:
    from payments import selectors as payment_selectors
    from payments import services as payment_services

    payment_services.payments_refresh_pending(order_id=order.pk, source="chat")
    order.refresh_from_db()
    state = payment_selectors.order_payment_state(order=order)
    values = {"number": order.number, "status": order.get_status_display()}
    link = _order_url(ctx, order)
    P = payment_selectors.PaymentState
    if state.state == P.PAID:
        values["date"] = when(order.paid_at)
        text = _("We received the payment for order %(number)s on %(date)s; it is %(status)s now.")
    elif state.state == P.CONFIRMING:
        values["date"] = when(state.pay_again_at)
        text = _(
            "Your payment for order %(number)s is being confirmed with Alipay. If it is not "
            "confirmed by %(date)s, you can pay again from the order page; you will not be "
            "charged twice."
        )
    elif state.state == P.AWAITING_PAYMENT:
        values["date"] = when(order.expires_at)
        text = _(
            "We have not received a payment for order %(number)s yet. You can pay it from the "
            "order page until %(date)s; after that it is cancelled."
        )
    elif order.status == S.UNDER_REVIEW:
        text = _("Order %(number)s is being checked before it can be paid; we will email you.")
    elif order.status == S.CANCELLED:
        text = _("Order %(number)s is cancelled: there is nothing to pay.")
        if order.paid_at:
            text = _(
                "Order %(number)s is cancelled; the money you paid goes back to you automatically."
            )
    else:
        text = _("Order %(number)s is %(status)s.")
    return ctx.say(text % values, order_id=order.pk, link=link)


def answer_confirm(ctx: Ctx, pending: dict) -> Any | None:
    """A yes or a no to the action the assistant proposed. The order is read again: it must still
    be one of this conversation's own."""
    answer = entities.confirmation(ctx.text)
    if answer is None:
        return None
    ctx.done()
    order = accessible_order(ctx, pending.get("order_id"))
    if answer == "no" or order is None:
        return ctx.say(_("All right, I have changed nothing."))
    action = pending.get("action")
    if action == "cancel":
        return do_cancel(ctx, order)
    if action == "refund":
        from .refunds import do_refund

        return do_refund(ctx, order, pending)
    if action == "address":
        from .address import do_address_change

        return do_address_change(ctx, order, pending)
    return ctx.say(_("All right, I have changed nothing."))
