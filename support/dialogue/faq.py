"""Answers from the shop's FAQ (support.selectors.faq_answer ranks the entries; it answers only
above its threshold). The answer cites its entry: the widget shows the question it came from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import selectors
from . import Outcome
from .base import Ctx


def faq_hit(ctx: Ctx, *, merchant_id: int | None = None):
    """The best FAQ entry for the message in its language, or None."""
    return selectors.faq_answer(
        question=ctx.text, language=ctx.turn.language, merchant_id=merchant_id
    )


def faq_outcome(ctx: Ctx, *, merchant_id: int | None = None, quiet: bool = False) -> Outcome | None:
    """The FAQ's answer to the message, citing its entry, or None when no entry is good enough.
    `quiet`: the answer alone, to go after another (a product's own data)."""
    hit = faq_hit(ctx, merchant_id=merchant_id)
    if hit is None:
        return None
    text = (
        hit.answer
        if quiet
        else _("%(answer)s\n(From our FAQ: %(question)s)")
        % {
            "answer": hit.answer,
            "question": hit.question,
        }
    )
    return ctx.say(
        text,
        faq={"id": hit.entry_id, "question": hit.question, "score": round(float(hit.score), 3)},
    )
