"""Support: the reads."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from django.db.models import Count, Max

from .models import Conversation, FaqEntry, Message
from .nlu.faq import FaqDocument, FaqHit, FaqIndex, threshold_for

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


class _FaqIndexes:
    """The FAQ index this process built, and the state of the table it was built from (row
    count and latest change: an edit, an addition or a deletion changes it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.index: FaqIndex | None = None
        self.merchants: dict[int, int | None] = {}


_faq = _FaqIndexes()


def faq_index() -> tuple[FaqIndex, dict[int, int | None]]:
    """The index over every active FAQ entry, and each entry's merchant id (None: the shop's),
    rebuilt when the table changed (one aggregate query per call)."""
    state = FaqEntry.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    key = (state["count"], state["latest"])
    if key != _faq.key or _faq.index is None:
        with _faq.lock:
            if key != _faq.key or _faq.index is None:
                rows = list(FaqEntry.objects.filter(active=True).order_by("pk"))
                _faq.index = FaqIndex(
                    FaqDocument(
                        id=row.pk,
                        language=row.language,
                        questions=tuple(row.questions()),
                        answer=row.answer,
                    )
                    for row in rows
                )
                _faq.merchants = {row.pk: row.merchant_id for row in rows}
                _faq.key = key
    return _faq.index, _faq.merchants


def faq_answer(*, question: str, language: str, merchant_id: int | None = None) -> FaqHit | None:
    """The FAQ entry that answers `question` in `language`, among the shop's entries and, if
    given, the merchant's own (never another merchant's); None when none scores above the
    language's threshold (support.nlu.faq.THRESHOLDS)."""
    index, merchants = faq_index()
    allowed = {None, merchant_id}
    for hit in index.ranked(question, language=language):
        if merchants.get(hit.entry_id, -1) in allowed:
            return hit if hit.score >= threshold_for(language) else None
    return None
