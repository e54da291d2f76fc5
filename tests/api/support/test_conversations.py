"""Support conversations for apps: the same assistant as the chat widget, with its real
classifier (nothing faked): start or get, send (the assistant answers, acts on the shopper's
orders after a yes, hands over to staff), poll with ?after=. Anyone else's conversation is a
404; an empty or over-long message a 400; never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order, OrderEventType, OrderStatus
from support import services
from support.models import Conversation, ConversationStatus
from tests.accounts.factories import StaffFactory
from tests.api.conftest import bearer
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

URL = "/api/v1/support/conversations/"


def start(client) -> str:
    return client.post(URL).data["token"]


def send(client, token: str, text: str):
    return client.post(f"{URL}{token}/messages/", {"text": text}, format="json")


def test_start_creates_a_conversation_then_returns_the_same_one(shopper):
    client = bearer(shopper)

    first = client.post(URL)
    again = client.post(URL)

    assert first.status_code == 201
    assert first.data["status"] == "bot"
    assert again.status_code == 200
    assert again.data["token"] == first.data["token"]
    assert Conversation.objects.get(token=first.data["token"]).user == shopper


def test_start_takes_the_language_from_accept_language(shopper):
    response = bearer(shopper).post(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.data["language"] == "zh-hans"


def test_the_list_holds_only_your_conversations(shopper, other_shopper):
    mine = start(bearer(shopper))
    start(bearer(other_shopper))

    response = bearer(shopper).get(URL)

    assert response.status_code == 200
    assert [c["token"] for c in response.data["results"]] == [mine]


def test_the_list_takes_the_same_queries_whatever_the_page_size(shopper):
    for _ in range(3):
        services.conversation_start(user=shopper, session_key="", language="en")
    client = bearer(shopper)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(URL + "?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(URL + "?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def test_a_message_gets_the_assistants_answer(shopper):
    client = bearer(shopper)
    token = start(client)

    response = send(client, token, "I'd like to know your shipping costs")

    assert response.status_code == 201
    senders = [m["sender"] for m in response.data["messages"]]
    assert senders[0] == "shopper" and "bot" in senders
    assert response.data["messages"][0]["text"] == "I'd like to know your shipping costs"


def test_the_assistant_cancels_an_order_after_a_yes_as_in_the_chat(shopper):
    order = place_order((variant_in_stock(), 1), user=shopper)
    client = bearer(shopper)
    token = start(client)

    asked = send(client, token, "hey, could you please call off the order I made earlier?")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert order.number in asked.data["messages"][-1]["text"]
    send(client, token, "yes please")

    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    event = order.events.get(type=OrderEventType.CANCELLED)
    assert event.params["via"] == "chat"
    assert event.actor == shopper


def test_asking_for_a_person_hands_over_to_staff(shopper):
    client = bearer(shopper)
    token = start(client)

    response = send(client, token, "I'd like to speak with someone from your team")

    assert response.data["conversation"]["status"] == "waiting"
    assert response.data["messages"][-1]["sender"] == "system"
    assert Conversation.objects.get(token=token).status == ConversationStatus.WAITING


def test_gibberish_gets_a_clear_reply_never_a_500(shopper):
    client = bearer(shopper)
    token = start(client)

    response = send(client, token, "qzxv ffjj wpl ??? %%% 🙃🙃")

    assert response.status_code == 201
    reply = response.data["messages"][1]
    assert reply["sender"] == "bot" and reply["text"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_an_empty_or_over_long_message_is_a_400(shopper, text):
    client = bearer(shopper)
    token = start(client)

    response = send(client, token, text)

    assert response.status_code == 400
    assert response.data["errors"][0]["attr"] == "text"
    assert not Conversation.objects.get(token=token).messages.exists()


def test_a_missing_or_non_text_message_is_a_400(shopper):
    client = bearer(shopper)
    token = start(client)

    assert client.post(f"{URL}{token}/messages/", {}, format="json").status_code == 400
    assert client.post(f"{URL}{token}/messages/", {"text": ["a"]}, format="json").status_code == 400


def test_polling_returns_what_came_after_the_last_id(shopper):
    client = bearer(shopper)
    token = start(client)
    first = send(client, token, "I'd like to speak with someone from your team").data["messages"]
    conversation = Conversation.objects.get(token=token)
    mei = StaffFactory(first_name="Mei")
    services.staff_reply(conversation=conversation, staff=mei, text="Hi!")

    response = client.get(f"{URL}{token}/messages/?after={first[-1]['id']}")

    assert response.status_code == 200
    [reply] = response.data["results"]
    assert reply["sender"] == "staff"
    assert reply["text"] == "Hi!"
    assert reply["author_name"] == "Mei"
    everything = client.get(f"{URL}{token}/messages/").data["results"]
    assert [m["id"] for m in everything] == [m["id"] for m in first] + [reply["id"]]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "9" * 30])
def test_a_bad_after_is_a_400(shopper, after):
    client = bearer(shopper)
    token = start(client)

    response = client.get(f"{URL}{token}/messages/?after={after}")

    assert response.status_code == 400
    assert response.data["errors"][0]["attr"] == "after"


def test_the_messages_take_the_same_queries_whatever_the_page_size(shopper):
    client = bearer(shopper)
    token = start(client)
    conversation = Conversation.objects.get(token=token)
    staff = StaffFactory()
    for i in range(3):
        services.staff_reply(conversation=conversation, staff=staff, text=f"note {i}")
    url = f"{URL}{token}/messages/"
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url + "?page_size=2").data["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url + "?page_size=20").data["results"]) == 3
    assert len(small) == len(large)


def test_another_shoppers_conversation_is_a_404_everywhere(shopper, other_shopper):
    token = start(bearer(shopper))
    intruder = bearer(other_shopper)

    assert intruder.get(f"{URL}{token}/").status_code == 404
    assert intruder.get(f"{URL}{token}/messages/").status_code == 404
    assert send(intruder, token, "hello").status_code == 404
    assert not Conversation.objects.get(token=token).messages.exists()


def test_your_conversation_detail(shopper):
    client = bearer(shopper)
    token = start(client)

    response = client.get(f"{URL}{token}/")

    assert response.status_code == 200
    assert response.data["token"] == token


def test_signed_out_is_a_401(anon, shopper):
    token = start(bearer(shopper))

    assert anon.get(URL).status_code == 401
    assert anon.post(URL).status_code == 401
    assert anon.get(f"{URL}{token}/messages/").status_code == 401
    assert send(anon, token, "hello").status_code == 401


def test_too_many_messages_are_a_429_with_retry_after(shopper, settings):
    settings.SUPPORT_RATE_PER_SESSION = 1
    client = bearer(shopper)
    token = start(client)
    assert send(client, token, "hello").status_code == 201

    response = send(client, token, "hello again")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_an_unknown_or_very_long_token_is_a_404(shopper):
    client = bearer(shopper)

    for token in ["nope", "Z" * 300]:
        assert client.get(f"{URL}{token}/").status_code == 404
        assert client.get(f"{URL}{token}/messages/").status_code == 404
        assert send(client, token, "hello").status_code == 404


def test_the_schema_says_a_message_without_a_staff_author_has_no_author_name(shopper):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    author_name = schema.json()["components"]["schemas"]["MessageOutput"]["properties"][
        "author_name"
    ]
    client = bearer(shopper)
    token = start(client)
    [*_, bot] = send(client, token, "hello").data["messages"]

    assert bot["author_name"] is None
    assert author_name["type"] == "string" and author_name["nullable"] is True
