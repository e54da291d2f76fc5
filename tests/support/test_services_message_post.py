"""message_post around the dialogue: a failure inside the dialogue never reaches the shopper as
an error, and whatever the failing turn did is undone."""

from __future__ import annotations

import pytest

from orders.models import Order
from orders.models import OrderStatus as S
from support.models import ConversationStatus, MessageSender
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock
from tests.support.dialogue_givens import Chat, fake_intents

pytestmark = pytest.mark.django_db


def test_a_failing_dialogue_undoes_its_turn_apologises_and_hands_over(monkeypatch):
    shopper = UserFactory()
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(user=shopper)
    chat.state  # noqa: B018 (the conversation exists)

    def cancels_then_fails(turn):
        from orders.services import order_cancel

        order_cancel(order=order, actor=shopper, by_customer=True)
        turn.conversation.state["pending"] = {"action": "half done"}
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr("support.dialogue.respond", cancels_then_fails)

    replies = chat.send("cancel my order")

    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT
    assert "went wrong" in replies[0].text
    assert replies[-1].sender == MessageSender.SYSTEM
    conversation = chat.conversation
    assert conversation.status == ConversationStatus.WAITING
    assert conversation.handoff_reason == "assistant_error"
    assert "pending" not in conversation.state
    assert conversation.messages.filter(sender=MessageSender.SHOPPER).count() == 1


def test_a_nul_character_is_dropped_from_the_message(monkeypatch):
    fake_intents(monkeypatch)
    chat = Chat()
    chat.send("hello\x00 there")
    assert chat.conversation.messages.first().text == "hello there"
