"""cancel_order, refund_request, change_address: proposed, confirmed (or not), done through the
orders services, recorded in the order's events as done via chat; refused with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Address
from orders import services as order_services
from orders.models import Order, OrderEvent, OrderEventType
from orders.models import OrderStatus as S
from orders.selectors import event_sentence
from tests.accounts.factories import VALID_ADDRESS, UserFactory
from tests.logistics.factories import shipped_shipment
from tests.orders.factories import place_order, shipping_method, variant_in_stock
from tests.support.dialogue_givens import Chat, fake_intents

pytestmark = pytest.mark.django_db


@pytest.fixture
def intents(monkeypatch):
    return fake_intents(monkeypatch)


@pytest.fixture
def shopper():
    return UserFactory()


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


# --- cancel_order ---------------------------------------------------------------------------------


def test_cancel_asks_first_and_cancels_on_yes_via_chat(intents, shopper):
    order = place_order((variant_in_stock(price="61.50"), 2), user=shopper)
    chat = Chat(shopper)

    asked = chat.send("please cancel my order")[0]
    assert f"Cancel order {order.number} (2 item(s), ¥135.00)?" in asked.text
    assert [c["value"] for c in asked.payload["choices"]] == ["yes", "no"]
    assert fresh(order).status == S.PENDING_PAYMENT  # nothing before the yes

    reply = chat.say("yes")

    assert "is cancelled" in reply
    assert fresh(order).status == S.CANCELLED
    event = order.events.get(type=OrderEventType.CANCELLED)
    assert event.params == {"by": "customer", "via": "chat"}
    assert event.actor == shopper
    assert event_sentence(event, currency="CNY") == "Cancelled by the customer (via chat)"
    with translation.override("zh-hans"):
        assert event_sentence(event, currency="CNY").endswith("（通过在线客服）")


def test_cancel_answered_no_changes_nothing(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper, language="zh-hans")
    chat.say("取消订单")

    reply = chat.say("算了")

    assert "没有做任何更改" in reply or "changed nothing" in reply
    assert fresh(order).status == S.PENDING_PAYMENT
    assert "pending" not in chat.state


def test_the_pending_confirmation_survives_a_reload(intents, shopper):
    """The yes comes in a later request: the conversation is read anew from the database."""
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("cancel my order")
    pending = dict(chat.state["pending"])
    pending.pop("at")
    assert pending == {"step": "confirm", "action": "cancel", "order_id": order.pk}

    chat.say("ok")

    assert fresh(order).status == S.CANCELLED
    assert intents.calls == ["cancel my order"], "the yes is read as an answer, not classified"


def test_a_yes_long_after_the_question_does_nothing(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("cancel my order")
    conversation = chat.conversation
    conversation.state["pending"]["at"] -= 31 * 60
    conversation.save(update_fields=["state"])

    reply = chat.say("yes")

    assert "did not understand" in reply
    assert fresh(order).status == S.PENDING_PAYMENT


def test_a_shipped_order_cannot_be_cancelled_and_says_why(intents, shopper):
    order = shipped_shipment(user=shopper).order
    order_services.order_mark_paid(order=order, actor=None)
    Order.objects.filter(pk=order.pk).update(status=S.SHIPPED)

    reply = Chat(shopper).say(f"cancel order {order.number}")

    assert "can no longer be cancelled" in reply
    assert "refund" in reply
    assert fresh(order).status == S.SHIPPED


def test_another_request_abandons_the_pending_confirmation(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("cancel my order")

    reply = chat.say("what is my order status")

    assert "Pending payment" in reply
    chat.say("yes")
    assert fresh(order).status == S.PENDING_PAYMENT


# --- refund_request -------------------------------------------------------------------------------


def shipped_order_of(shopper, *variants) -> Order:
    order = place_order(*[(v, 1) for v in variants], user=shopper)
    order_services.order_mark_paid(order=order, actor=None)
    order_services.order_ship(order=order, actor=None)
    return fresh(order)


def test_refund_asks_which_items_and_why_then_requests_with_them(intents, shopper):
    mug, bowl = variant_in_stock(name="Mug"), variant_in_stock(name="Bowl")
    shipping_method()
    order = shipped_order_of(shopper, mug, bowl)
    assert order.status == S.SHIPPED
    chat = Chat(shopper)

    asked = chat.send("I want a refund")[0]
    assert len(asked.payload["choices"]) == 3  # each item, and all
    asked = chat.say("2")
    assert "What is wrong" in asked
    confirm = chat.say("the glaze is cracked")
    assert "the glaze is cracked" in confirm and bowl.sku in confirm and mug.sku not in confirm

    reply = chat.say("yes")

    assert "refund request" in reply
    order = fresh(order)
    assert order.status == S.REFUND_REQUESTED
    event = order.events.get(type=OrderEventType.REFUND_REQUESTED)
    assert event.params["skus"] == [bowl.sku]
    assert event.params["via"] == "chat"
    assert event.note == "the glaze is cracked"
    assert event_sentence(event, currency="CNY") == f"Refund requested for: {bowl.sku} (via chat)"


def test_refund_reason_and_all_items_in_one_message(intents, shopper):
    shipping_method()
    order = shipped_order_of(shopper, variant_in_stock(), variant_in_stock())
    chat = Chat(shopper)

    confirm = chat.say(f"refund all of order {order.number} because they arrived broken")

    assert "because they arrived broken" in confirm
    chat.say("confirm")
    assert fresh(order).status == S.REFUND_REQUESTED


def test_refund_before_shipping_suggests_cancelling(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    reply = Chat(shopper).say("refund please")
    assert "has not shipped yet" in reply and "cancel" in reply
    assert fresh(order).status == S.PENDING_PAYMENT


def test_the_page_refund_request_is_unchanged(shopper):
    shipping_method()
    order = shipped_order_of(shopper, variant_in_stock())
    order_services.order_refund_request(order=order, actor=shopper, reason="late")
    event = order.events.get(type=OrderEventType.REFUND_REQUESTED)
    assert event.params == {}
    assert event_sentence(event, currency="CNY") == "Refund requested"


# --- change_address -------------------------------------------------------------------------------


def test_a_typed_address_is_checked_confirmed_and_recorded(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper, language="zh-hans")

    asked = chat.say("我想改地址")
    assert order.number in asked
    confirm = chat.say("张三 13800138000 浙江省杭州市上城区解放路100号")
    assert "张三" in confirm and "上城区" in confirm
    chat.say("确认")

    order = fresh(order)
    assert (order.recipient, order.phone, order.district) == ("张三", "13800138000", "上城区")
    assert order.street == "解放路100号"
    assert order.region_code == "330102"
    event = order.events.get(type=OrderEventType.ADDRESS_CHANGED)
    assert event.params == {"old": "浙江省杭州市西湖区", "new": "浙江省杭州市上城区", "via": "chat"}
    assert event_sentence(event, currency="CNY") == (
        "Delivery address changed from 浙江省杭州市西湖区 to 浙江省杭州市上城区 (via chat)"
    )


def test_a_saved_address_can_be_picked(intents, shopper):
    Address.objects.create(user=shopper, **{**VALID_ADDRESS, "district": "拱墅区"})
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)

    asked = chat.send("change the delivery address")[0]
    assert "拱墅区" in asked.payload["choices"][0]["label"]
    chat.say("1")
    chat.say("yes")

    assert fresh(order).district == "拱墅区"


def test_a_wrong_address_gets_the_checkout_messages(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("change address")

    reply = chat.say("张三 12345 浙江省杭州市朝阳区文三路1号")

    # A Chinese message, answered in Chinese, with checkout's own message.
    assert "朝阳区 不是浙江省杭州市的区/县" in reply
    assert chat.state["pending"]["step"] == "address"
    assert fresh(order).district == "西湖区"


def test_an_address_change_that_changes_the_price_is_refused(intents, shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    # The delivery is dearer to Xinjiang: a zone of its own at another price.
    from logistics.models import ShippingRate, ShippingZone

    zone = ShippingZone.objects.create(name="Far", provinces=["650000"], extra_days=2)
    ShippingRate.objects.create(
        method=order.shipping_method, zone=zone, max_weight_grams=1000, price=Decimal("30.00")
    )
    chat = Chat(shopper)
    chat.say("change address")

    reply = chat.say("张三 13800138000 新疆维吾尔自治区乌鲁木齐市天山区解放路1号")

    # A Chinese message, answered in Chinese.
    assert "运费将是¥30.00，而不是¥12.00" in reply
    assert chat.last().payload["choices"][0]["value"] == "我要找人工客服"
    assert fresh(order).district == "西湖区"


def test_no_address_change_once_a_parcel_is_being_packed(intents, shopper):
    shipped_shipment(user=shopper)
    reply = Chat(shopper).say("change my address")
    assert "can no longer be changed" in reply


def test_the_service_refuses_once_shipped(shopper):
    from orders.errors import OrderError

    order = shipped_shipment(user=shopper).order
    with pytest.raises(OrderError):
        order_services.order_address_change(
            order=order, actor=shopper, address=order_services.ShippingAddress(**VALID_ADDRESS)
        )
    assert not OrderEvent.objects.filter(order=order, type=OrderEventType.ADDRESS_CHANGED).exists()


def test_a_visitor_cancels_a_proven_order(intents):
    order = place_order((variant_in_stock(), 1), email="guest@example.com")
    chat = Chat()
    assert "Cancel order" in chat.say(f"cancel {order.number} GUEST@example.com")

    chat.say("yes")

    event = fresh(order).events.get(type=OrderEventType.CANCELLED)
    assert event.actor is None
    assert event.params == {"by": "customer", "via": "chat"}


def test_a_delivered_order_offers_a_refund_instead(intents, shopper):
    order = shipped_shipment(user=shopper).order
    Order.objects.filter(pk=order.pk).update(status=S.DELIVERED)
    reply = Chat(shopper).say("cancel my order")
    assert reply.endswith("can no longer be cancelled. You can ask for a refund instead.")
