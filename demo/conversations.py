"""A few support conversations for the demo, written through the assistant itself
(support.services.message_post with the trained classifier), so the chat, the account page
and the staff inbox have something to show: one the assistant answered, one waiting for a
merchant's staff, one a merchant's staff member answered."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from orders.models import Order
from orders.selectors import order_single_merchant_id
from support import services
from support.models import Conversation


def _shopper_with_order(skip: set[int]) -> tuple[object, Order] | None:
    """A demo shopper with an order of one merchant (whose staff can answer about it)."""
    for order in Order.objects.filter(user__isnull=False).exclude(user_id__in=skip)[:200]:
        if order_single_merchant_id(order=order) is not None:
            return order.user, order
    return None


def _talk(user, language: str, texts: list[str]) -> Conversation:
    conversation = services.conversation_start(user=user, session_key="", language=language)
    for text in texts:
        services.message_post(conversation=conversation, text=text, user=user)
    conversation.refresh_from_db()
    return conversation


def conversations_seed(*, report: Callable[[str], None]) -> int:
    if Conversation.objects.exists():
        return 0
    used: set[int] = set()
    made = 0
    found = _shopper_with_order(used)
    if found is not None:
        user, order = found
        used.add(user.pk)
        _talk(user, "en", ["Hi there", f"What's the status of order {order.number}?"])
        made += 1
    found = _shopper_with_order(used)
    if found is not None:
        user, order = found
        used.add(user.pk)
        _talk(user, "zh-hans", [f"订单{order.number}现在到哪了", "尺码好像买错了，我要找人工客服"])
        made += 1
    found = _shopper_with_order(used)
    if found is not None:
        user, order = found
        conversation = _talk(
            user, "zh-hans", [f"订单{order.number}的鞋子尺码不合适，能换吗", "转人工"]
        )
        merchant_id = conversation.merchant_id or order_single_merchant_id(order=order)
        staff = (
            get_user_model()
            .objects.filter(merchant_id=merchant_id, is_staff=True, is_active=True)
            .order_by("pk")
            .first()
        )
        if staff is not None:
            services.staff_reply(
                conversation=conversation,
                staff=staff,
                text="您好，可以开具电子发票。请在订单页面填写抬头和税号，我们会在发货后发送到您的邮箱。",
            )
        made += 1
    report(
        f"  Support conversations: {made} (answered by the assistant, waiting for staff, "
        "answered by staff)"
    )
    return made
