"""The dialogue: from one shopper message (with the conversation's saved state) to the
assistant's replies, acting through the services of the apps below. `respond` is the one entry
point; support.services.message_post calls it inside the conversation's lock, with
common.channel.acting_via("chat"), and saves `conversation.state` afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from support.models import Conversation


@dataclass
class Turn:
    conversation: Conversation  # its .state is the dialogue state; change it in place
    text: str
    user: User | AnonymousUser
    language: str  # "en" or "zh-hans": the language of this message (the replies' language)
    client_ip: str | None = None


@dataclass
class Reply:
    text: str
    # What the widget draws besides the text (every key optional):
    # "cards": [{"id", "name", "url", "price" (formatted), "image" (URL or ""), "in_stock"}];
    # "timeline": [{"parcel", "status", "status_label", "carrier", "tracking_number",
    #   "carrier_link", "events": [{"when" (ISO), "when_text", "text", "detail", "problem"}]}];
    # "choices": [{"label", "value", ...}]: clicking one sends `value` as the next message
    #   (an order's also carries "number", "date", "total", "status");
    # "faq": {"id", "question", "score"}: the FAQ entry the answer comes from;
    # "link": a URL (the order, its tracking page, the search page);
    # "links": [{"label", "url"}]; "order": {"number", "status", "url"};
    # "delivery": [{"method", "price", "arrives" (ISO date)}].
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    replies: list[Reply]
    intent: str = ""
    confidence: float | None = None
    # False when the assistant did not understand the message (two in a row hand it over).
    understood: bool = True
    # Set when this turn hands the conversation to staff: why, in a few words.
    handoff: str = ""
    # The order the turn was about (the hand-over goes to its merchant's inbox).
    order_id: int | None = None


def respond(turn: Turn) -> Outcome:
    from .engine import respond as engine_respond

    return engine_respond(turn)
