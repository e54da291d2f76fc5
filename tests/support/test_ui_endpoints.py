"""The chat widget's endpoints: GET /support/chat/?after= and POST /support/chat/."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from support import services
from support.models import Conversation, ConversationStatus, Message, MessageSender
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db


def chat_url() -> str:
    return reverse("support:chat")


def post(client, text, **extra):
    body = {"text": text, **extra}
    return client.post(chat_url(), json.dumps(body), content_type="application/json")


def get(client, after=None):
    url = chat_url() if after is None else f"{chat_url()}?after={after}"
    return client.get(url)


def test_a_visitor_has_no_conversation_until_they_write(client):
    response = get(client)

    assert response.status_code == 200
    data = response.json()
    assert data["conversation"] is None
    assert data["messages"] == []
    assert data["poll_seconds"] > 0
    assert data["csrf_token"]
    assert not Conversation.objects.exists()


def test_the_first_message_starts_a_conversation_in_the_session(client):
    response = post(client, "hello there")

    assert response.status_code == 200
    data = response.json()
    conversation = Conversation.objects.get()
    assert data["conversation"] == {
        "token": conversation.token,
        "status": ConversationStatus.BOT,
        "language": "en",
    }
    assert [m["sender"] for m in data["messages"]] == [MessageSender.SHOPPER, MessageSender.BOT]
    assert data["messages"][0]["text"] == "hello there"
    assert data["messages"][1]["text"].startswith("Hello!")
    assert conversation.session_key == client.session.session_key
    assert conversation.client_ip == "127.0.0.1"


def test_a_form_post_works_like_json(client):
    response = client.post(chat_url(), {"text": "hello"})

    assert response.status_code == 200
    assert Message.objects.filter(sender=MessageSender.SHOPPER, text="hello").exists()


def test_the_conversation_takes_the_language_of_the_page(client):
    response = client.post(
        reverse("support:chat").replace("/support/", "/zh-hans/support/", 1),
        json.dumps({"text": "123"}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Conversation.objects.get().language == "zh-hans"


def test_the_page_product_is_kept_in_the_dialogue_state(client):
    post(client, "is this in stock?", page_product="42")
    conversation = Conversation.objects.get()
    assert conversation.state["page_product"] == 42

    post(client, "and now?", page_product="not a number")
    conversation.refresh_from_db()
    assert "page_product" not in conversation.state


def test_the_poll_returns_only_messages_after_the_one_given(client):
    first = post(client, "hello").json()["messages"]
    last_seen = first[-1]["id"]
    second = post(client, "hello again").json()["messages"]

    data = get(client, after=last_seen).json()

    assert [m["id"] for m in data["messages"]] == [m["id"] for m in second]
    assert len(get(client, after=0).json()["messages"]) == len(first) + len(second)


def test_the_conversation_survives_a_new_page(client):
    post(client, "hello")

    data = get(client).json()

    assert data["conversation"]["token"] == Conversation.objects.get().token
    assert [m["text"] for m in data["messages"]][:1] == ["hello"]


def test_two_turns_not_understood_hand_the_conversation_to_staff(client):
    post(client, "blah")
    data = post(client, "blah blah").json()

    assert data["conversation"]["status"] == ConversationStatus.WAITING
    assert data["messages"][-1]["sender"] == MessageSender.SYSTEM


def test_a_staff_reply_reaches_the_shoppers_poll_with_the_first_name_only(client):
    post(client, "blah")
    last = post(client, "blah blah").json()["messages"][-1]["id"]
    conversation = Conversation.objects.get()
    staff = StaffFactory(first_name="Mei", last_name="Chen", email="mei.chen@example.com")

    services.staff_reply(conversation=conversation, staff=staff, text="Hello, I am here to help.")
    data = get(client, after=last).json()

    assert data["conversation"]["status"] == ConversationStatus.STAFF
    [reply] = data["messages"]
    assert reply["sender"] == MessageSender.STAFF
    assert reply["text"] == "Hello, I am here to help."
    assert reply["author_name"] == "Mei"
    assert "Chen" not in json.dumps(data)
    assert "mei.chen@example.com" not in json.dumps(data)


def test_another_browser_never_sees_the_conversation(client):
    post(client, "my secret question")
    token = Conversation.objects.get().token
    stranger = Client(headers=SAME_ORIGIN)

    data = get(stranger).json()

    assert data["conversation"] is None
    assert data["messages"] == []
    # Nor by planting the token where the account page's "continue" keeps it.
    session = stranger.session
    session["support_conversation"] = token
    session.save()
    stranger.cookies["sessionid"] = session.session_key
    assert get(stranger).json()["conversation"] is None


def test_another_signed_in_shopper_never_sees_the_conversation(client):
    owner = UserFactory()
    client.force_login(owner)
    post(client, "where is my parcel?")
    other = Client(headers=SAME_ORIGIN)
    other.force_login(UserFactory())

    data = get(other).json()

    assert data["conversation"] is None
    assert data["messages"] == []


def test_a_signed_in_shopper_finds_the_conversation_from_another_browser(client):
    owner = UserFactory()
    client.force_login(owner)
    post(client, "hello")
    laptop = Client(headers=SAME_ORIGIN)
    laptop.force_login(owner)

    data = get(laptop).json()

    assert data["conversation"]["token"] == Conversation.objects.get().token


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_message_is_refused_with_a_clear_message(client, text):
    response = post(client, text)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_message"
    assert error["message"] == "Please type a message."
    assert not Conversation.objects.exists()


def test_an_over_long_message_is_refused_politely(client, settings):
    settings.SUPPORT_MAX_MESSAGE_CHARS = 50

    response = post(client, "x" * 51)

    assert response.status_code == 400
    assert "too long" in response.json()["error"]["message"]
    assert "50" in response.json()["error"]["message"]
    assert not Message.objects.exists()


def test_a_nul_character_is_dropped(client):
    response = post(client, "hel\x00lo")

    assert response.status_code == 200
    assert Message.objects.get(sender=MessageSender.SHOPPER).text == "hello"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"text": 12}', b'{"text": ["a"]}', b"\xff\xfe"],
)
def test_an_unreadable_body_is_a_400_with_an_error_body(client, body):
    response = client.post(chat_url(), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "²", "9" * 40])
def test_a_bad_after_is_a_400(client, after):
    response = get(client, after=after)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_after"


def test_the_session_limit_answers_429_with_retry_after(client, settings):
    settings.SUPPORT_RATE_PER_SESSION = 3
    settings.SUPPORT_RATE_PER_IP = 100
    for _ in range(3):
        assert post(client, "hello").status_code == 200

    response = post(client, "hello")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 2 * settings.SUPPORT_RATE_WINDOW_SECONDS
    assert response.json()["error"]["code"] == "rate_limited"
    assert "wait" in response.json()["error"]["message"]
    assert Message.objects.filter(sender=MessageSender.SHOPPER).count() == 3


def test_the_address_limit_counts_every_session_of_one_address(settings):
    settings.SUPPORT_RATE_PER_SESSION = 100
    settings.SUPPORT_RATE_PER_IP = 2
    browsers = [Client(headers=SAME_ORIGIN, REMOTE_ADDR="198.51.100.7") for _ in range(3)]

    answers = [post(browser, "hello").status_code for browser in browsers]
    elsewhere = post(Client(headers=SAME_ORIGIN, REMOTE_ADDR="198.51.100.8"), "hello")

    assert answers == [200, 200, 429]
    assert elsewhere.status_code == 200


def test_a_post_without_the_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True, headers=SAME_ORIGIN)

    response = post(browser, "hello")

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_post_with_the_token_from_the_poll_goes_through():
    browser = Client(enforce_csrf_checks=True, headers=SAME_ORIGIN)
    token = get(browser).json()["csrf_token"]

    response = browser.post(
        chat_url(),
        json.dumps({"text": "hello"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200


def test_signing_in_claims_the_visitors_conversation(client):
    post(client, "hello")
    conversation = Conversation.objects.get()
    assert conversation.user is None
    shopper = UserFactory(email="mei@example.com")

    response = client.post(
        reverse("accounts:login"), {"username": "mei@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.user == shopper
    assert get(client).json()["conversation"]["token"] == conversation.token


def test_signing_in_claims_nothing_of_another_visitor(client):
    other = Client(headers=SAME_ORIGIN)
    post(other, "someone else's question")
    UserFactory(email="mei@example.com")

    client.post(reverse("accounts:login"), {"username": "mei@example.com", "password": PASSWORD})

    assert Conversation.objects.get().user is None
    assert get(client).json()["conversation"] is None


def test_html_in_a_message_comes_back_as_data(client):
    post(client, "<script>alert(1)</script>")

    data = get(client).json()

    assert data["messages"][0]["text"] == "<script>alert(1)</script>"


def test_the_widget_is_on_storefront_pages_and_not_in_admin(client, admin_client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-chat" in html
    assert 'aria-controls="chat-panel"' in html
    assert 'role="log"' in html
    assert "chat.js" in html
    assert "csrfmiddlewaretoken" not in html  # a cached anonymous page carries no token

    admin_page = admin_client.get(reverse("admin:index")).content.decode()
    assert "data-chat" not in admin_page


def test_the_widget_speaks_chinese_on_chinese_pages(client):
    html = client.get("/zh-hans/").content.decode()

    assert "在线客服" in html
    assert 'data-endpoint="/zh-hans/support/chat/"' in html


def test_the_poll_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    post(client, "hello")
    with django_assert_max_num_queries(50) as few:
        get(client)
    conversation = Conversation.objects.get()
    staff = StaffFactory()
    for n in range(5):
        services.staff_reply(conversation=conversation, staff=staff, text=f"answer {n}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        data = get(client).json()

    assert len(data["messages"]) == 7
