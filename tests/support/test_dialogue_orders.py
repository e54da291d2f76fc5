"""order_status, track_shipment: the shopper's own orders (which one, when several), a visitor's
proven by number and email, the tracking timeline."""

from __future__ import annotations

import pytest

from logistics.models import ShipmentEventType
from tests.accounts.factories import UserFactory
from tests.logistics.factories import shipped_shipment
from tests.orders.factories import place_order, variant_in_stock
from tests.orders.test_tracking import record
from tests.support.dialogue_givens import Chat, fake_intents

pytestmark = pytest.mark.django_db


@pytest.fixture
def intents(monkeypatch):
    return fake_intents(monkeypatch)


def test_one_order_is_answered_at_once(intents):
    shopper = UserFactory()
    order = place_order((variant_in_stock(), 2), user=shopper)
    chat = Chat(shopper)

    reply = chat.say("what is the status of my order?")

    assert order.number in reply
    assert "Pending payment" in reply
    assert chat.conversation.order_id == order.pk


def test_several_orders_ask_which_then_a_pick_answers(intents):
    shopper = UserFactory()
    older = place_order((variant_in_stock(), 1), user=shopper)
    newer = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)

    asked = chat.send("status of my order")[0]
    choices = asked.payload["choices"]
    assert [c["value"] for c in choices] == [newer.number, older.number]
    assert {"number", "date", "total", "status"} <= choices[0].keys()

    reply = chat.say("the second one")
    assert older.number in reply and newer.number not in reply
    assert "pending" not in chat.state


def test_a_typed_number_and_the_latest_answer_which(intents):
    shopper = UserFactory()
    older = place_order((variant_in_stock(), 1), user=shopper)
    newer = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("my order")
    # Typed in lower case; a number of letters only counts only as copied, in upper case
    # (support.nlu.entities), and one in about ninety numbers has no digit.
    has_digit = any(c.isdigit() for c in older.number)
    assert older.number in chat.say(older.number.lower() if has_digit else older.number)
    chat.conversation.__class__.objects.filter(pk=chat.pk).update(state={})
    chat.say("my order")
    assert newer.number in chat.say("the latest")


def test_tracking_shows_each_parcel_with_its_timeline(intents):
    shopper = UserFactory()
    shipment = shipped_shipment(user=shopper)
    record(shipment, ShipmentEventType.IN_TRANSIT, city="嘉兴市", hours_ago=0.2)
    chat = Chat(shopper)

    message = chat.send("where is my parcel?")[0]

    assert shipment.tracking_number in message.text
    parcel = message.payload["timeline"][0]
    assert parcel["carrier"] == "Shop Express"
    assert parcel["tracking_number"] == shipment.tracking_number
    assert parcel["events"], "the parcel's events, newest first"
    assert message.payload["link"].endswith(f"/orders/{shipment.order.number}/tracking/")


def test_tracking_in_chinese_answers_in_chinese(intents):
    shopper = UserFactory()
    shipment = shipped_shipment(user=shopper)
    chat = Chat(shopper, language="zh-hans")

    message = chat.send("我的订单到哪了")[0]

    assert shipment.tracking_number in message.text
    assert f"包裹 {shipment.number}：已发货" in message.text


def test_an_order_not_shipped_says_so(intents):
    shopper = UserFactory()
    order = place_order((variant_in_stock(), 1), user=shopper)
    reply = Chat(shopper).say("track my parcel")
    assert f"Order {order.number} has not shipped yet" in reply


def test_a_visitor_proves_an_order_with_number_and_email(intents):
    order = place_order((variant_in_stock(), 1), email="Guest@Example.com")
    chat = Chat()

    asked = chat.say("what is my order status?")
    assert "order number" in asked and "email" in asked

    reply = chat.say(f"{order.number} guest@example.com")
    assert order.number in reply and "Pending payment" in reply
    assert chat.state["guest_orders"] == [order.pk]

    # Proven once in this conversation: the next questions need no proof again.
    assert order.number in chat.say("track my parcel")
    assert "Pending payment" in chat.say(f"status of {order.number}")


def test_a_visitor_may_give_number_and_email_in_two_messages(intents):
    order = place_order((variant_in_stock(), 1), email="guest@example.com")
    chat = Chat()
    assert "email" in chat.say(f"status of order {order.number}")
    assert "Pending payment" in chat.say("guest@example.com")


def test_a_verified_guest_gets_the_guest_tracking_link(intents):
    shipment = shipped_shipment()
    order = shipment.order
    message = Chat().send(f"track {order.number} {order.email}")[0]
    assert message.payload["link"].endswith(
        f"/orders/guest/{order.number}/{order.guest_token}/tracking/"
    )


def test_in_chinese_the_shopper_picks_an_order_and_sees_its_tracking(intents):
    shopper = UserFactory()
    shipment = shipped_shipment(user=shopper)
    other = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper, language="en")

    asked = chat.send("我的订单到哪了")[0]
    assert asked.text == "您指的是哪个订单？请选择一个，或输入订单号。"
    assert [c["value"] for c in asked.payload["choices"]] == [
        other.number,
        shipment.order.number,
    ]

    message = chat.send("第二个")[0]

    assert message.text.startswith(f"订单 {shipment.order.number}：包裹 {shipment.number}")
    assert message.payload["timeline"][0]["tracking_number"] == shipment.tracking_number
