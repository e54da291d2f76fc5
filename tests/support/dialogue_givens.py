"""Givens for the dialogue tests: a stand-in for the intent classifier (the trained one is
tested with its own data; here only the intent is faked, everything else is real), and a chat
that talks through support.services.message_post, reading the conversation afresh from the
database before every message (so whatever a step remembers must have been saved)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser

from support.classifier import Prediction
from support.models import Conversation, Message
from support.services import conversation_start, message_post

# Words in a test's message -> the intent the classifier would read (the first that matches).
RULES = {
    "talk to a person": "human_handoff",
    "人工": "human_handoff",
    "hello": "greeting",
    "你好": "greeting",
    "bye": "goodbye",
    "cancel": "cancel_order",
    "取消订单": "cancel_order",
    "refund": "refund_request",
    "退款": "refund_request",
    "address": "change_address",
    "地址": "change_address",
    "where is": "track_shipment",
    "track": "track_shipment",
    "到哪了": "track_shipment",
    "status": "order_status",
    "my order": "order_status",
    "订单": "order_status",
    "list all orders": "order_status",
    "payment": "payment_issue",
    "paid": "payment_issue",
    "付款": "payment_issue",
    "shipping": "shipping_info",
    "运费": "shipping_info",
    "password": "account_help",
    "密码": "account_help",
    "recommend": "recommendation",
    "推荐": "recommendation",
    "do you have": "product_search",
    "有没有": "product_search",
    "tell me about": "product_question",
    "how much": "product_question",
    "weather": "out_of_scope",
}


class FakeClassifier:
    """The first rule whose words are in the message wins; anything else is below the
    threshold (the assistant did not understand)."""

    def __init__(self, rules: dict[str, str]):
        self.rules = rules
        self.calls: list[str] = []

    def __call__(self, text: str, *, language: str | None = None) -> Prediction:
        self.calls.append(text)
        lowered = text.lower()
        for words, intent in self.rules.items():
            if words.lower() in lowered:
                return Prediction(intent=intent, confidence=0.9, ranked=((intent, 0.9),))
        return Prediction(intent="out_of_scope", confidence=0.2, unsure=True)


def fake_intents(monkeypatch) -> FakeClassifier:
    """Put a FakeClassifier where the engine asks for the intent (each test module's `intents`
    fixture)."""
    fake = FakeClassifier(dict(RULES))
    monkeypatch.setattr("support.dialogue.engine.classify", fake)
    return fake


class Chat:
    def __init__(self, user=None, language: str = "en"):
        self.user = user if user is not None else AnonymousUser()
        self.pk = conversation_start(
            user=self.user, session_key=uuid.uuid4().hex, language=language
        ).pk

    @property
    def conversation(self) -> Conversation:
        return Conversation.objects.get(pk=self.pk)

    def send(self, text: str) -> list[Message]:
        """The shopper writes; the messages that came back (the assistant's, the system's)."""
        return message_post(
            conversation=self.conversation, text=text, user=self.user, client_ip="127.0.0.1"
        )[1:]

    def say(self, text: str) -> str:
        return "\n".join(m.text for m in self.send(text))

    def last(self) -> Message:
        return self.conversation.messages.order_by("-pk").first()

    @property
    def state(self) -> dict:
        return self.conversation.state
