"""The dialogue engine: reads the message (the answer to a pending question, or a new request
for the classifier), then runs the intent's handler.

1. A step is pending (which order? the email? yes or no? which items? which address?): a
   message that answers it (an order number, an email, a yes/no, a pick, an address) goes to
   that step without being classified.
2. Otherwise the classifier reads it (`_classify`, the one place the engine asks it). Below its
   threshold the assistant has not understood: the FAQ may still answer; if not, it asks to
   rephrase (understood=False: two in a row hand the conversation to staff, which message_post
   does). A message that clearly asks for something else abandons the pending step.
3. out_of_scope is understood: a polite "I can only help with shopping here"."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from ..classifier import Prediction, classify
from . import Outcome, Turn, address, orders, refunds, shop, small
from .base import Ctx
from .faq import faq_outcome

log = logging.getLogger(__name__)

HANDLERS = {
    "greeting": small.greeting,
    "goodbye": small.goodbye,
    "out_of_scope": small.out_of_scope,
    "account_help": small.account_help,
    "human_handoff": small.human_handoff,
    "product_search": shop.product_search,
    "product_question": shop.product_question,
    "recommendation": shop.recommendation,
    "shipping_info": shop.shipping_info,
}

# The steps that wait for an answer, and who reads it (None: not an answer to it).
PENDING = {
    "order": orders.answer_order_pick,
    "guest": orders.answer_guest,
    "confirm": orders.answer_confirm,
    "refund_items": refunds.answer_items,
    "refund_reason": refunds.answer_reason,
    "address": address.answer_address,
    "region": shop.answer_region,
}

# Free-text steps (a refund's reason) take any message but one that clearly asks for another
# of these.
_OTHER_REQUESTS = frozenset(
    {
        "greeting", "goodbye", "order_status", "track_shipment", "cancel_order",
        "change_address", "payment_issue", "shipping_info", "product_search", "recommendation",
        "account_help", "human_handoff",
    }
)  # fmt: skip


def _classify(turn: Turn) -> Prediction:
    """The classifier's reading of the message; unsure when it failed (the shopper gets
    "please say it another way", then a person, never an error page)."""
    try:
        return classify(turn.text, language=turn.language)
    except Exception:
        log.exception("the intent classifier failed on a message")
        return Prediction(intent="out_of_scope", confidence=0.0, unsure=True)


def respond(turn: Turn) -> Outcome:
    return _respond(Ctx(turn))


def _respond(ctx: Ctx) -> Outcome:
    pending = ctx.pending
    prediction: Prediction | None = None
    if pending is not None:
        step = pending.get("step")
        if step == "refund_reason":
            prediction = _classify(ctx.turn)
            ctx.intent, ctx.confidence = "refund_request", prediction.confidence
            if prediction.unsure or prediction.intent not in _OTHER_REQUESTS:
                answered = refunds.answer_reason(ctx, pending)
                if answered is not None:
                    return answered
        else:
            reader = PENDING.get(step)
            ctx.intent = str(pending.get("intent") or _step_intent(pending))
            answered = reader(ctx, pending) if reader is not None else None
            if answered is not None:
                return answered
    prediction = prediction or _classify(ctx.turn)
    ctx.intent, ctx.confidence = prediction.intent, prediction.confidence
    if prediction.unsure:
        faq = faq_outcome(ctx)
        if faq is not None:
            return faq
        if pending is not None and pending.get("step") in PENDING:
            # Neither an answer nor a request: ask the pending question again.
            return ctx.say(_repeat(pending), understood=False)
        return ctx.say(
            _("Sorry, I did not understand that. Could you say it another way?"),
            understood=False,
        )
    ctx.done()
    return dispatch(ctx, prediction.intent)


def dispatch(ctx: Ctx, intent: str) -> Outcome:
    if intent in orders.ORDER_INTENTS:
        extra: dict[str, Any] = {}
        if intent == "refund_request":
            extra["reason"] = refunds.reason_in(ctx.text)
        return orders.order_intent(ctx, intent, extra)
    handler = HANDLERS.get(intent, small.out_of_scope)
    return handler(ctx)


def _step_intent(pending: dict) -> str:
    return {
        "cancel": "cancel_order",
        "refund": "refund_request",
        "address": "change_address",
    }.get(
        str(pending.get("action", "")),
        {
            "refund_items": "refund_request",
            "address": "change_address",
            "region": "shipping_info",
        }.get(str(pending.get("step", "")), ""),
    )


def _repeat(pending: dict) -> str:
    step = pending.get("step")
    if step == "confirm":
        return _("Sorry, I did not catch that. Please answer yes or no.")
    if step == "guest":
        return _("Please give me the order number and the email address you placed it with.")
    if step == "order":
        return _("Please pick one of the orders above, or type its number.")
    if step == "refund_items":
        return _('Please pick the items to refund, or say "all".')
    if step == "address":
        return _("Please type the new address, or pick a saved one.")
    if step == "region":
        return _("Please tell me the province or city, e.g. 浙江省杭州市.")
    return _("Sorry, I did not understand that. Could you say it another way?")
