"""The short answers: greeting, goodbye, out_of_scope, account_help, human_handoff."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .base import Ctx, sentences
from .faq import faq_outcome

_CREDENTIALS = re.compile(
    r"password|passcode|pin\b|email|e-mail|phone number|密码|邮箱|手机号|账号", re.IGNORECASE
)


def greeting(ctx: Ctx) -> Any:
    return ctx.say(
        _(
            "Hello! I can check your orders and parcels, cancel or change an order, find "
            "products and answer questions about delivery. What can I do for you?"
        )
    )


def goodbye(ctx: Ctx) -> Any:
    ctx.done()
    return ctx.say(_("Thank you for visiting. Goodbye!"))


def out_of_scope(ctx: Ctx) -> Any:
    faq = faq_outcome(ctx)
    if faq is not None:
        return faq
    return ctx.say(
        _(
            "Sorry, I can only help with shopping here: orders, deliveries, payments, refunds "
            "and our products."
        )
    )


def account_help(ctx: Ctx) -> Any:
    """How to reset a password and change the account's details (links); from the FAQ when it
    has the answer. Credentials are never changed in the chat, and a message about them is told
    so whatever else answers it."""
    safety = ""
    if _CREDENTIALS.search(ctx.text):
        safety = _(
            "For your safety I never change passwords or email addresses in the chat, and I "
            "will never ask for your password."
        )
    links = [
        {"label": _("Reset your password"), "url": reverse("accounts:password_reset")},
        {"label": _("Your profile"), "url": reverse("accounts:profile")},
        {"label": _("Your addresses"), "url": reverse("accounts:addresses")},
    ]
    faq = faq_outcome(ctx)
    if faq is not None:
        reply = faq.replies[0]
        return ctx.say(sentences(reply.text, safety), links=links, **reply.payload)
    text = _(
        'To reset your password, use "Forgot your password?" on the sign-in page: we email you '
        "a link. Your name, email and phone number are on your profile page, your delivery "
        "addresses on the addresses page."
    )
    return ctx.say(sentences(text, safety), links=links)


def human_handoff(ctx: Ctx) -> Any:
    ctx.done()
    return ctx.outcome(handoff="asked", order_id=ctx.state.get("order_id"))
