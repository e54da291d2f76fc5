"""Support: the reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Conversation, Message

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def conversation_for_browser(*, user, session_key: str) -> Conversation | None:
    """The browser's current conversation: the signed-in shopper's latest, or the visitor's
    session's latest. Never another shopper's."""
    if getattr(user, "is_authenticated", False):
        return Conversation.objects.filter(user=user).order_by("-last_message_at").first()
    if not session_key:
        return None
    return (
        Conversation.objects.filter(session_key=session_key, user=None)
        .order_by("-last_message_at")
        .first()
    )


def conversation_messages(*, conversation: Conversation, after: int = 0) -> QuerySet[Message]:
    return conversation.messages.filter(pk__gt=after).order_by("pk")


def conversations_of(*, user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user).order_by("-last_message_at")
