"""What every handler of the dialogue works with: the turn, its reading (intent, confidence) and
the conversation's saved state, and small helpers to answer.

The state (Conversation.state, saved after every turn) holds:
- "pending": the step the assistant is waiting on, a dict with "step" (order, guest, confirm,
  refund_items, refund_reason, address, region), when it was asked ("at", epoch seconds:
  it is forgotten after PENDING_MINUTES) and what that step needs (the intent it serves, the
  ids offered as choices, the order and the action to confirm ...);
- "guest_orders": the ids of the orders a visitor proved, in this conversation, with their
  number and email; "guest_failures": how many proofs failed;
- "order_id": the order the conversation is about (the last one found);
- "page_product": the product of the page the shopper is on (sent by the widget)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language

from common.money import money_format

from . import Outcome, Reply, Turn

# How long a question the assistant asked waits for its answer.
PENDING_MINUTES = 30


@dataclass
class Ctx:
    turn: Turn
    intent: str = ""
    confidence: float | None = None

    @property
    def state(self) -> dict[str, Any]:
        conversation = self.turn.conversation
        if not isinstance(conversation.state, dict):
            conversation.state = {}
        return conversation.state

    @property
    def text(self) -> str:
        return self.turn.text

    @property
    def user(self):
        return self.turn.user

    @property
    def signed_in(self) -> bool:
        return bool(getattr(self.turn.user, "is_authenticated", False))

    @property
    def pending(self) -> dict[str, Any] | None:
        """The step waiting for an answer; one asked more than PENDING_MINUTES ago is
        forgotten (a "yes" the next day must not cancel an order)."""
        pending = self.state.get("pending")
        if not isinstance(pending, dict):
            return None
        asked = pending.get("at")
        if not isinstance(asked, (int, float)) or time.time() - asked > PENDING_MINUTES * 60:
            self.done()
            return None
        return pending

    def ask(self, step: str, **data: Any) -> None:
        self.state["pending"] = {"step": step, **data, "at": int(time.time())}

    def done(self) -> None:
        self.state.pop("pending", None)

    def outcome(
        self, *replies: Reply, understood: bool = True, handoff: str = "", order_id=None
    ) -> Outcome:
        return Outcome(
            replies=list(replies),
            intent=self.intent,
            confidence=self.confidence,
            understood=understood,
            handoff=handoff,
            order_id=order_id,
        )

    def say(self, text: str, *, order_id=None, understood: bool = True, **payload: Any) -> Outcome:
        return self.outcome(Reply(str(text), payload), understood=understood, order_id=order_id)


def sentences(*parts) -> str:
    """Sentences one after another: spaced in English, run together in Chinese."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(str(p) for p in parts if p)


def money(amount, currency: str = "CNY") -> str:
    return money_format(amount, currency)


def day(value) -> str:
    """A date (or the local date of a datetime) in the active language's format."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def when(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def choice(label: str, value: str, **extra: Any) -> dict[str, Any]:
    """One button the widget offers; clicking it sends `value` as the shopper's next message."""
    return {"label": str(label), "value": str(value), **extra}
