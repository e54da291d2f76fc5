"""Support: the reads."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Max, OuterRef, Q, Subquery, Value, When

from .models import Conversation, ConversationStatus, FaqEntry, Message, MessageSender
from .nlu.faq import FaqDocument, FaqHit, FaqIndex, threshold_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

# How many messages the widget loads when it opens (older ones are on the account page).
RECENT_MESSAGES = 100


def conversation_for_browser(*, user, session_key: str, token: str = "") -> Conversation | None:
    """The browser's current conversation: the signed-in shopper's latest, or the visitor's
    session's latest; `token` (a conversation the shopper chose to continue) wins when it is
    theirs. Never another shopper's."""
    if getattr(user, "is_authenticated", False):
        own = Conversation.objects.filter(user=user)
    elif session_key:
        own = Conversation.objects.filter(session_key=session_key, user=None)
    else:
        return None
    if token:
        chosen = own.filter(token=token).first()
        if chosen is not None:
            return chosen
    return own.order_by("-last_message_at", "-pk").first()


def conversation_messages(*, conversation: Conversation, after: int = 0) -> QuerySet[Message]:
    return conversation.messages.filter(pk__gt=after).select_related("author").order_by("pk")


def chat_messages(*, conversation: Conversation, after: int = 0) -> list[Message]:
    """What the widget shows: the messages after `after`, or, when it opens (after=0), the
    newest RECENT_MESSAGES in order."""
    if after:
        return list(conversation_messages(conversation=conversation, after=after))
    newest = conversation.messages.select_related("author").order_by("-pk")[:RECENT_MESSAGES]
    return list(reversed(newest))


def _last_message(field: str):
    return Subquery(
        Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk").values(field)[:1]
    )


def conversations_of(*, user: User) -> QuerySet[Conversation]:
    """The shopper's conversations, newest first, each with the shopper's first message (what it
    is about: `first_text`), its last message's text and sender (`last_text`, `last_sender`) and
    how many messages it holds, in one query."""
    first_question = Subquery(
        Message.objects.filter(conversation=OuterRef("pk"), sender=MessageSender.SHOPPER)
        .order_by("pk")
        .values("text")[:1]
    )
    return (
        Conversation.objects.filter(user=user)
        .annotate(
            first_text=first_question,
            last_text=_last_message("text"),
            last_sender=_last_message("sender"),
            message_count=Count("messages"),
        )
        .order_by("-last_message_at", "-pk")
    )


def conversation_of(*, user: User, token: str) -> Conversation | None:
    """One of the shopper's own conversations; None for anyone else's."""
    return Conversation.objects.filter(user=user, token=token).select_related("order").first()


def inbox_queryset(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The staff inbox's rows: each with its last message and who wrote it, and `awaiting`:
    whether it waits for staff (handed over and unanswered, or the shopper wrote again after
    staff answered)."""
    queryset = queryset.annotate(
        last_text=_last_message("text"), last_sender=_last_message("sender")
    )
    return queryset.annotate(
        awaiting=Case(
            When(status=ConversationStatus.WAITING, then=Value(1)),
            When(
                Q(status=ConversationStatus.STAFF) & Q(last_sender=MessageSender.SHOPPER),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def waiting_count(queryset: QuerySet[Conversation]) -> int:
    """How many conversations of `queryset` (already scoped to the viewer) wait for staff."""
    return queryset.filter(status=ConversationStatus.WAITING).count()


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
