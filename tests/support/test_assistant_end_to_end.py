"""The assistant with its real classifier (the shipped examples, nothing faked), on sentences
none of the training or test files hold: the turns a shopper takes most often, in both
languages, end to end through message_post."""

from __future__ import annotations

import pytest

from orders import fulfilment
from orders.models import Order, OrderEventType
from orders.models import OrderStatus as S
from search.services import search_index_products
from support.models import ConversationStatus, MessageSender
from tests.accounts.factories import UserFactory
from tests.orders.factories import carrier, paid_order, place_order, variant_in_stock
from tests.support.dialogue_givens import Chat

pytestmark = pytest.mark.django_db


def intents(chat: Chat) -> list[str]:
    return list(
        chat.conversation.messages.filter(sender=MessageSender.SHOPPER)
        .order_by("pk")
        .values_list("intent", flat=True)
    )


def test_where_is_my_parcel_in_chinese_shows_the_timeline():
    shopper = UserFactory()
    order = paid_order((variant_in_stock(), 1), user=shopper, language="zh-hans")
    [shipment] = fulfilment.order_shipments_create(order=order, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF5550001112"
    )
    chat = Chat(shopper, language="zh-hans")

    replies = chat.send("亲，我买的东西现在到哪儿了呀")

    assert intents(chat) == ["track_shipment"]
    assert any(reply.payload.get("timeline") for reply in replies)
    assert "SF5550001112" in "".join(reply.text + str(reply.payload) for reply in replies)


def test_cancel_in_english_asks_then_cancels_via_chat():
    shopper = UserFactory()
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)

    chat.send("hey, could you please call off the order I made earlier? wrong size")
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT
    chat.send("yes please")

    assert intents(chat)[0] == "cancel_order"
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
    assert order.events.get(type=OrderEventType.CANCELLED).params["via"] == "chat"


def test_a_visitor_asking_for_an_order_is_asked_for_number_and_email():
    order = place_order((variant_in_stock(), 1), email="lin@example.com")
    chat = Chat()

    asked = chat.say("hi, when will my stuff be delivered? I ordered on Monday")
    assert order.number not in asked
    reply = chat.say(f"it's {order.number}, lin@example.com")

    assert order.number in reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I'd like to speak with someone from your team", "human_handoff"),
        ("转人工客服", "human_handoff"),
    ],
)
def test_asking_for_a_person_hands_over(text, intent):
    chat = Chat(UserFactory())

    chat.send(text)

    assert intents(chat) == [intent]
    assert chat.conversation.status == ConversationStatus.WAITING


@pytest.mark.parametrize(
    "text",
    ["who will win the world cup this year?", "帮我写一首关于秋天的诗"],
)
def test_out_of_scope_is_answered_politely_and_not_handed_over(text):
    chat = Chat(UserFactory())

    replies = chat.send(text)

    assert intents(chat) == ["out_of_scope"]
    assert replies and replies[0].sender == MessageSender.BOT
    assert chat.conversation.status == ConversationStatus.BOT


def test_a_product_search_answers_with_cards():
    mug = variant_in_stock(name="Stoneware Mug")
    search_index_products(product_ids=[mug.product_id])
    chat = Chat()

    replies = chat.send("do you sell any stoneware mugs?")

    assert intents(chat) == ["product_search"]
    cards = [card for reply in replies for card in reply.payload.get("cards", [])]
    assert any("Stoneware Mug" in card["name"] for card in cards)


def test_picking_an_order_by_its_number_keeps_answering_in_chinese():
    shopper = UserFactory()
    first = place_order((variant_in_stock(), 1), user=shopper, language="zh-hans")
    place_order((variant_in_stock(), 1), user=shopper, language="zh-hans")
    chat = Chat(shopper, language="zh-hans")
    chat.send("我的订单怎么样了")

    reply = chat.say(first.number)

    assert first.number in reply
    assert "订单" in reply
    assert chat.conversation.language == "zh-hans"
