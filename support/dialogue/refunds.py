"""refund_request: on an order that has shipped, which items and why, confirmed, then the
order's own service (orders.services.order_refund_request) with the items in its event."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from common.errors import DomainError
from orders import services as order_services
from orders import transitions
from orders.models import Order, OrderLine

from ..nlu import entities
from .base import Ctx, choice
from .orders import yes_no

# What introduces a reason in the shopper's own words.
_REASON = re.compile(
    r"(?:\bbecause\b|\bsince\b|\bas it\b|\bas they\b|\breason\s*[:：]|\bit'?s\b|\bit is\b"
    r"|\bthey are\b|\barrived\b|因为|由于|原因[:：是]?|理由[:：是]?)\s*(.+)$",
    re.IGNORECASE,
)
REASON_MAX = 300


def reason_in(text: str) -> str:
    match = _REASON.search(text)
    if not match:
        return ""
    reason = match.group(0).strip()
    return reason[:REASON_MAX] if len(reason) >= 4 else ""


def _lines(order: Order) -> list[OrderLine]:
    return [
        line
        for line in order.lines.select_related("product").order_by("id")
        if line.cancelled_at is None
    ]


def _label(line: OrderLine) -> str:
    name = line.product.name if line.product is not None else line.product_name
    return f"{name} ({line.sku}) × {line.quantity}"


def refund_request(ctx: Ctx, order: Order, extra: dict) -> Any:
    if order.status not in transitions.REFUNDABLE_REQUEST:
        ctx.done()
        if order.status in transitions.CANCELLABLE:
            text = _(
                "Order %(number)s has not shipped yet: you can cancel it instead, and any money "
                "you paid goes back to you."
            ) % {"number": order.number}
        else:
            text = _("This order is %(status)s; a refund cannot be requested.") % {
                "status": order.get_status_display()
            }
        return ctx.say(text, order_id=order.pk)
    reason = extra.get("reason") or reason_in(ctx.text)
    lines = _lines(order)
    if len(lines) == 1:
        return _next(ctx, order, [lines[0].pk], reason)
    chosen = _chosen_lines(ctx.text, lines)
    if chosen:
        return _next(ctx, order, chosen, reason)
    ctx.ask("refund_items", order_id=order.pk, options=[line.pk for line in lines], reason=reason)
    return ctx.say(
        _('Which items of order %(number)s should be refunded? Pick them, or say "all".')
        % {"number": order.number},
        order_id=order.pk,
        choices=[choice(_label(line), str(i)) for i, line in enumerate(lines, 1)]
        + [choice(_("All items"), _("all"))],
    )


def _chosen_lines(text: str, lines: list[OrderLine]) -> list[int]:
    """The lines the message names: "all", picks ("1 and 3"), or SKUs typed."""
    if entities.means_all(text):
        return [line.pk for line in lines]
    picked = [p for p in entities.picks(text) if 1 <= p <= len(lines)]
    if picked:
        return [lines[p - 1].pk for p in picked]
    lowered = text.lower()
    return [line.pk for line in lines if line.sku and line.sku.lower() in lowered]


def answer_items(ctx: Ctx, pending: dict) -> Any | None:
    order = _pending_order(ctx, pending)
    if order is None:
        return None
    lines = [line for line in _lines(order) if line.pk in set(pending.get("options", []))]
    chosen = _chosen_lines(ctx.text, lines)
    if not chosen:
        return None
    ctx.done()
    return _next(ctx, order, chosen, pending.get("reason", ""))


def answer_reason(ctx: Ctx, pending: dict) -> Any | None:
    order = _pending_order(ctx, pending)
    if order is None:
        return None
    reason = ctx.text.strip()[:REASON_MAX]
    ctx.done()
    return _next(ctx, order, pending.get("lines", []), reason)


def _pending_order(ctx: Ctx, pending: dict) -> Order | None:
    from .orders import accessible_order

    order = accessible_order(ctx, pending.get("order_id"))
    if order is None:
        ctx.done()
    return order


def _next(ctx: Ctx, order: Order, line_ids: list[int], reason: str) -> Any:
    if not reason:
        ctx.ask("refund_reason", order_id=order.pk, lines=line_ids)
        return ctx.say(
            _("What is wrong with the items? A few words help the seller handle your request."),
            order_id=order.pk,
        )
    chosen = [line for line in _lines(order) if line.pk in set(line_ids)]
    ctx.ask("confirm", action="refund", order_id=order.pk, lines=line_ids, reason=reason)
    return ctx.say(
        _(
            'Ask for a refund on order %(number)s for %(items)s, because: "%(reason)s"? '
            "Please answer yes or no."
        )
        % {
            "number": order.number,
            "items": _("; ").join(_label(line) for line in chosen),
            "reason": reason,
        },
        order_id=order.pk,
        choices=yes_no(),
    )


def do_refund(ctx: Ctx, order: Order, pending: dict) -> Any:
    line_ids = [i for i in pending.get("lines", []) if isinstance(i, int)]
    try:
        order_services.order_refund_request(
            order=order,
            actor=ctx.user,
            reason=str(pending.get("reason", ""))[:REASON_MAX],
            line_ids=line_ids,
        )
    except DomainError as error:
        return ctx.say(str(error), order_id=order.pk)
    return ctx.say(
        _(
            "Your refund request for order %(number)s is with the seller. You can follow it on "
            "the order page."
        )
        % {"number": order.number},
        order_id=order.pk,
    )
