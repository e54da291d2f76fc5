"""The account's customer service conversations: the list and one conversation's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support import services
from support.models import Conversation
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def conversation_of(user, *texts):
    conversation = services.conversation_start(user=user, session_key="", language="en")
    for text in texts:
        services.message_post(conversation=conversation, text=text, user=user)
    conversation.refresh_from_db()
    return conversation


def test_the_account_menu_links_to_the_conversations(client):
    client.force_login(UserFactory())

    html = client.get(reverse("accounts:profile")).content.decode()

    assert reverse("support:conversations") in html
    assert "Customer service conversations" in html


def test_the_list_shows_each_conversation_with_status_and_last_message(client):
    shopper = UserFactory()
    conversation_of(shopper, "where is my parcel?", "🤔")
    conversation_of(UserFactory(), "someone else's words")
    client.force_login(shopper)

    response = client.get(reverse("support:conversations"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "with the assistant" in html
    assert "where is my parcel?" in html  # what it is about: the shopper's first message
    assert "Sorry, I did not understand that." in html  # the last message
    assert "someone else" not in html


def test_the_list_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    shopper = UserFactory()
    client.force_login(shopper)
    conversation_of(shopper, "one")
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("support:conversations"))
    for _ in range(5):
        conversation_of(shopper, "more")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("support:conversations"))


def test_the_conversation_page_shows_its_messages_escaped(client):
    shopper = UserFactory()
    conversation = conversation_of(shopper, "<script>alert('x')</script>")
    client.force_login(shopper)

    response = client.get(reverse("support:conversation", args=[conversation.token]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(" not in html
    # Jinja2 (markupsafe) writes the quote as &#39;, Django as &#x27;: the same character.
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert reverse("support:conversation_continue", args=[conversation.token]) in html


def test_another_shoppers_conversation_is_a_404(client):
    conversation = conversation_of(UserFactory(), "private")
    client.force_login(UserFactory())

    assert client.get(reverse("support:conversation", args=[conversation.token])).status_code == 404
    assert (
        client.post(reverse("support:conversation_continue", args=[conversation.token])).status_code
        == 404
    )


def test_a_visitor_is_asked_to_sign_in(client):
    conversation = conversation_of(UserFactory(), "private")

    response = client.get(reverse("support:conversation", args=[conversation.token]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_continuing_an_older_conversation_opens_it_in_the_widget(client):
    shopper = UserFactory()
    older = conversation_of(shopper, "older question")
    conversation_of(shopper, "newer question")
    client.force_login(shopper)
    assert client.get(reverse("support:chat")).json()["conversation"]["token"] != older.token

    response = client.post(reverse("support:conversation_continue", args=[older.token]))

    assert response.status_code == 302
    assert response["Location"].endswith("?chat=open")
    assert client.get(reverse("support:chat")).json()["conversation"]["token"] == older.token
    client.post(
        reverse("support:chat"), {"text": "one more thing"}, headers={"Accept": "application/json"}
    )
    assert older.messages.filter(text="one more thing").exists()
    assert Conversation.objects.filter(user=shopper).count() == 2
