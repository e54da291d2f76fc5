"""The demo's support conversations are written through the assistant: one it answered, one
waiting for the order's merchant, one a merchant's staff member answered."""

import pytest

from demo.conversations import conversations_seed
from support.models import Conversation, ConversationStatus, MessageSender
from tests.accounts.factories import StaffFactory, UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db


def test_three_conversations_in_three_states():
    for _ in range(3):
        variant = variant_in_stock()
        StaffFactory(merchant=variant.product.merchant)
        place_order((variant, 1), user=UserFactory())
    lines = []

    assert conversations_seed(report=lines.append) == 3

    statuses = sorted(Conversation.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [ConversationStatus.BOT, ConversationStatus.WAITING, ConversationStatus.STAFF]
    )
    waiting = Conversation.objects.get(status=ConversationStatus.WAITING)
    assert waiting.merchant_id == waiting.order.lines.first().variant.product.merchant_id
    answered = Conversation.objects.get(status=ConversationStatus.STAFF)
    assert answered.messages.filter(sender=MessageSender.STAFF).exists()
    assert conversations_seed(report=lines.append) == 0  # once
