"""Support: the writes. A conversation's status moves only through conversation_status_move,
which records a ConversationEvent; shopper messages go through message_post (which runs the
dialogue), staff answers through staff_reply."""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.channel import acting_via
from orders.selectors import order_single_merchant_id

from . import dialogue, locks
from .errors import ChatError
from .models import Conversation, ConversationEvent, Message
from .models import ConversationEventType as E
from .models import ConversationStatus as S
from .models import MessageSender as M
from .nlu.language import reply_language

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Actor = User | AnonymousUser | None

log = logging.getLogger(__name__)

# Two turns in a row the assistant did not understand hand the conversation to staff.
NOT_UNDERSTOOD_LIMIT = 2


def max_message_chars() -> int:
    return settings.SUPPORT_MAX_MESSAGE_CHARS


def _event(conversation, actor, from_status, to_status, type, params=None, note=""):
    return ConversationEvent.objects.create(
        conversation=conversation,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        type=type,
        params=params or {},
        note=note[:500],
    )


def conversation_status_move(
    *, conversation: Conversation, to: str, actor: Actor, type: str, params: dict | None = None
) -> Conversation:
    """The one writer of Conversation.status (the caller holds the conversation's lock)."""
    before = conversation.status
    conversation.status = to
    conversation.save(update_fields=["status", "updated_at"])
    _event(conversation, actor, before, to, type, params)
    return conversation


@transaction.atomic
def conversation_start(
    *, user: Actor, session_key: str, language: str, client_ip: str | None = None
) -> Conversation:
    conversation = Conversation.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        session_key=session_key or "",
        language=language if language in ("en", "zh-hans") else "en",
        client_ip=client_ip,
    )
    _event(conversation, user, "", S.BOT, E.STARTED)
    return conversation


def conversation_claim(*, user: User, session_key: str) -> int:
    """Give a shopper who signs in the conversations they had in this browser as a visitor."""
    return Conversation.objects.filter(session_key=session_key, user=None).update(user=user)


def _add(conversation: Conversation, sender: str, text: str, **extra) -> Message:
    message = Message.objects.create(conversation=conversation, sender=sender, text=text, **extra)
    conversation.last_message_at = message.created_at
    return message


def message_check(*, text: str) -> str:
    """The message as it will be stored, or ChatError: empty, or too long for the chat. A NUL
    character is never typed (and PostgreSQL stores none): it is dropped."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ChatError(_("Please type a message."))
    if len(text) > max_message_chars():
        raise ChatError(
            _("That message is too long for the chat (at most %(limit)d characters).")
            % {"limit": max_message_chars()}
        )
    return text


def _respond(turn: dialogue.Turn) -> dialogue.Outcome:
    """The dialogue's answer to one turn. Should it fail unexpectedly, what it did in this turn
    is rolled back (its savepoint, and the state it changed), the failure is logged, and the
    shopper is told and handed to staff instead of seeing an error."""
    conversation = turn.conversation
    state_before = copy.deepcopy(conversation.state)
    with translation.override(turn.language), acting_via("chat"):
        try:
            with transaction.atomic():
                return dialogue.respond(turn)
        except Exception:
            log.exception("the assistant failed on conversation %s", conversation.pk)
            conversation.state = state_before
            return dialogue.Outcome(
                replies=[
                    dialogue.Reply(
                        _(
                            "Sorry, something went wrong on our side while I was looking into "
                            "that. I am passing our conversation to a member of our team."
                        )
                    )
                ],
                understood=True,
                handoff="assistant_error",
            )


def message_post(
    *, conversation: Conversation, text: str, user: Actor, client_ip: str | None = None
) -> list[Message]:
    """The shopper writes. Returns the new messages (theirs, then the assistant's replies; only
    theirs while staff have the conversation)."""
    text = message_check(text=text)
    language = reply_language(text, conversation.language)
    with transaction.atomic():
        conversation = locks.lock_conversation(conversation.pk)
        conversation.language = language
        new = [_add(conversation, M.SHOPPER, text)]
        if conversation.status in (S.WAITING, S.STAFF):
            conversation.save(update_fields=["language", "last_message_at", "updated_at"])
            return new
        if conversation.status == S.CLOSED:
            conversation_status_move(
                conversation=conversation, to=S.BOT, actor=user, type=E.BACK_TO_BOT
            )
        turn = dialogue.Turn(
            conversation=conversation,
            text=text,
            user=user,
            language=language,
            client_ip=client_ip,
        )
        outcome = _respond(turn)
        new[0].intent = outcome.intent
        new[0].confidence = outcome.confidence
        new[0].save(update_fields=["intent", "confidence"])
        for reply in outcome.replies:
            new.append(_add(conversation, M.BOT, reply.text, payload=reply.payload))
        if outcome.order_id:
            conversation.order_id = outcome.order_id
        conversation.not_understood = 0 if outcome.understood else conversation.not_understood + 1
        conversation.save()
        handoff = outcome.handoff
        if not handoff and conversation.not_understood >= NOT_UNDERSTOOD_LIMIT:
            handoff = "not_understood"
        if handoff:
            with translation.override(language):
                new.extend(
                    conversation_handoff(conversation=conversation, actor=user, reason=handoff)
                )
    return new


def conversation_handoff(*, conversation: Conversation, actor: Actor, reason: str) -> list[Message]:
    """Hand the conversation to staff: to the inbox of the merchant of the order it is about
    (the shop's operators when it is about none, or several merchants'). Caller holds the lock."""
    if conversation.status in (S.WAITING, S.STAFF):
        return []
    merchant_id = None
    if conversation.order_id:
        merchant_id = order_single_merchant_id(order=conversation.order)
    conversation.merchant_id = merchant_id
    conversation.handed_over_at = timezone.now()
    conversation.handoff_reason = reason[:200]
    conversation.not_understood = 0
    conversation.save()
    conversation_status_move(
        conversation=conversation,
        to=S.WAITING,
        actor=actor,
        type=E.HANDED_OVER,
        params={"reason": reason[:200], "merchant": merchant_id},
    )
    return [
        _add(
            conversation,
            M.SYSTEM,
            _(
                "I have passed our conversation to a member of our team. They will answer here, "
                "usually within a few hours; you can keep writing meanwhile."
            ),
        )
    ]


@transaction.atomic
def staff_reply(*, conversation: Conversation, staff: User, text: str) -> Message:
    text = (text or "").strip()
    if not text:
        raise ChatError(_("Please type a reply."))
    conversation = locks.lock_conversation(conversation.pk)
    message = _add(conversation, M.STAFF, text, author=staff)
    conversation.save(update_fields=["last_message_at", "updated_at"])
    if conversation.status != S.STAFF:
        conversation_status_move(
            conversation=conversation, to=S.STAFF, actor=staff, type=E.STAFF_REPLIED
        )
    return message


@transaction.atomic
def conversation_close(*, conversation: Conversation, actor: Actor) -> Conversation:
    """Staff are done: the shopper's next message goes to the assistant again."""
    conversation = locks.lock_conversation(conversation.pk)
    if conversation.status == S.CLOSED:
        return conversation
    return conversation_status_move(
        conversation=conversation, to=S.CLOSED, actor=actor, type=E.CLOSED
    )


def conversation_page_set(*, conversation: Conversation, product_id: int | None) -> Conversation:
    """Remember the product page the widget is on (state["page_product"]), so the dialogue can
    answer "is this in stock?" about it. Writes only when it changed."""
    if conversation.state.get("page_product") == product_id:
        return conversation
    with transaction.atomic():
        conversation = locks.lock_conversation(conversation.pk)
        state = dict(conversation.state or {})
        if product_id is None:
            state.pop("page_product", None)
        else:
            state["page_product"] = product_id
        conversation.state = state
        conversation.save(update_fields=["state", "updated_at"])
    return conversation
