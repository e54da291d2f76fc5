"""The inbox's conversation page shows what the shopper writes while it is open: the admin's
messages view, scoped like the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support import services
from support.models import Message
from tests.accounts.factories import StaffFactory
from tests.support.test_ui_admin import handed_over

pytestmark = pytest.mark.django_db


def messages_url(conversation, after=None):
    url = reverse("admin:support_conversation_messages", args=[conversation.pk])
    return url if after is None else f"{url}?after={after}"


def test_the_page_gets_the_messages_written_since_it_opened(client, merchant_a):
    conversation = handed_over(merchant=merchant_a)
    client.force_login(StaffFactory(merchant=merchant_a))
    page = client.get(reverse("admin:support_conversation_change", args=[conversation.pk]))
    last = conversation.messages.order_by("-pk").first().pk
    assert f'data-last-id="{last}"' in page.content.decode()

    services.message_post(
        conversation=conversation, text="<b>still there?</b>", user=conversation.user
    )
    data = client.get(messages_url(conversation, after=last)).json()

    assert [m["text"] for m in data["messages"]] == ["<b>still there?</b>"]
    assert data["messages"][0]["sender"] == "shopper"
    assert client.get(messages_url(conversation, after="x")).status_code == 400


def test_another_merchants_staff_get_nothing(client, merchant_a, merchant_b):
    conversation = handed_over(merchant=merchant_a)
    client.force_login(StaffFactory(merchant=merchant_b))

    response = client.get(messages_url(conversation, after=0))

    assert response.status_code == 404
    assert Message.objects.filter(conversation=conversation).exists()
