"""The staff inbox in admin, scoped by merchant; the FAQ and training-example admins."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from accounts.permissions import grant_merchant_staff_permissions
from support import services
from support.models import (
    Conversation,
    ConversationStatus,
    FaqEntry,
    MessageSender,
    TrainingExample,
)
from tests.accounts.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def handed_over(*, merchant=None, text="I need a person"):
    """A shopper's conversation, handed to `merchant`'s inbox (none: the operators')."""
    shopper = UserFactory()
    conversation = services.conversation_start(user=shopper, session_key="", language="en")
    services.message_post(conversation=conversation, text=text, user=shopper)
    # No letters in either language: the assistant never understands these.
    services.message_post(conversation=conversation, text="🤔", user=shopper)
    services.message_post(conversation=conversation, text="🤔🤔", user=shopper)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING
    Conversation.objects.filter(pk=conversation.pk).update(merchant=merchant)
    conversation.refresh_from_db()
    return conversation


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(merchant=merchant_a, first_name="Ann")


@pytest.fixture
def staff_b(merchant_b):
    return StaffFactory(merchant=merchant_b, first_name="Bo")


def change_url(conversation):
    return reverse("admin:support_conversation_change", args=[conversation.pk])


def test_merchant_staff_see_only_their_merchants_conversations(
    client, staff_a, merchant_a, merchant_b
):
    own = handed_over(merchant=merchant_a, text="about my alpha order")
    other = handed_over(merchant=merchant_b, text="about my bravo order")
    shop_wide = handed_over(merchant=None, text="a general question")
    client.force_login(staff_a)

    listing = client.get(reverse("admin:support_conversation_changelist"))

    html = listing.content.decode()
    assert listing.status_code == 200
    assert change_url(own) in html
    assert change_url(other) not in html
    assert change_url(shop_wide) not in html
    assert client.get(change_url(own)).status_code == 200
    assert client.get(change_url(other)).status_code == 404
    assert client.get(change_url(shop_wide)).status_code == 404


def test_merchant_staff_cannot_answer_another_merchants_conversation(client, staff_a, merchant_b):
    other = handed_over(merchant=merchant_b)
    client.force_login(staff_a)

    response = client.post(
        reverse("admin:support_conversation_reply", args=[other.pk]), {"text": "hi"}
    )
    closing = client.post(reverse("admin:support_conversation_close", args=[other.pk]))

    assert response.status_code == 404
    assert closing.status_code == 404
    assert not other.messages.filter(sender=MessageSender.STAFF).exists()
    other.refresh_from_db()
    assert other.status == ConversationStatus.WAITING


def test_operators_see_every_conversation_and_filter_by_merchant(
    admin_client, merchant_a, merchant_b
):
    own = handed_over(merchant=merchant_a)
    other = handed_over(merchant=merchant_b)
    shop_wide = handed_over(merchant=None)

    html = admin_client.get(reverse("admin:support_conversation_changelist")).content.decode()
    filtered = admin_client.get(
        reverse("admin:support_conversation_changelist") + f"?merchant__id__exact={merchant_a.pk}"
    ).content.decode()

    for conversation in (own, other, shop_wide):
        assert change_url(conversation) in html
    assert change_url(own) in filtered
    assert change_url(other) not in filtered


def test_the_inbox_lists_waiting_conversations_first_and_counts_them(admin_client):
    shopper = UserFactory()
    waiting = handed_over()
    chatting = services.conversation_start(user=shopper, session_key="", language="en")
    # The chatting one is the newest, yet the waiting one comes first.
    services.message_post(conversation=chatting, text="hello", user=shopper)

    response = admin_client.get(reverse("admin:support_conversation_changelist"))

    html = response.content.decode()
    assert html.index(change_url(waiting)) < html.index(change_url(chatting))
    assert "Support inbox: 1 conversation waiting" in html
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "1 conversation is waiting for an answer" in index


def test_the_index_counts_only_the_merchants_own_waiting_conversations(
    client, staff_a, merchant_a, merchant_b
):
    handed_over(merchant=merchant_b)
    handed_over(merchant=merchant_b)
    client.force_login(staff_a)

    index = client.get(reverse("admin:index")).content.decode()

    assert "No conversation is waiting." in index


def test_the_conversation_page_shows_messages_escaped(admin_client):
    conversation = handed_over(text="<script>alert('inbox')</script>")

    html = admin_client.get(change_url(conversation)).content.decode()

    assert "<script>alert('inbox')" not in html
    assert "&lt;script&gt;alert(&#x27;inbox&#x27;)&lt;/script&gt;" in html
    assert reverse("admin:support_conversation_reply", args=[conversation.pk]) in html
    assert "The assistant did not understand two messages in a row." in html


def test_a_staff_reply_moves_the_status_and_reaches_the_shoppers_poll(client, staff_a, merchant_a):
    conversation = handed_over(merchant=merchant_a)
    last = conversation.messages.order_by("-pk").first().pk
    client.force_login(staff_a)

    response = client.post(
        reverse("admin:support_conversation_reply", args=[conversation.pk]),
        {"text": "Hello, Ann here. Let me look."},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.STAFF
    reply = conversation.messages.get(sender=MessageSender.STAFF)
    assert reply.author == staff_a
    # The shopper's browser (signed in as the conversation's owner) polls and gets it.
    shopper_browser = type(client)()
    shopper_browser.force_login(conversation.user)
    data = shopper_browser.get(reverse("support:chat") + f"?after={last}").json()
    assert [m["text"] for m in data["messages"]] == ["Hello, Ann here. Let me look."]
    assert data["messages"][0]["author_name"] == "Ann"
    assert data["conversation"]["status"] == ConversationStatus.STAFF


def test_an_empty_reply_is_a_form_error(admin_client):
    conversation = handed_over()

    response = admin_client.post(
        reverse("admin:support_conversation_reply", args=[conversation.pk]), {"text": "  "}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not conversation.messages.filter(sender=MessageSender.STAFF).exists()


def test_closing_from_the_page_and_from_the_list(admin_client):
    one, two = handed_over(), handed_over()

    admin_client.post(reverse("admin:support_conversation_close", args=[one.pk]))
    admin_client.post(
        reverse("admin:support_conversation_changelist"),
        {"action": "close_conversations", "_selected_action": [two.pk]},
    )

    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == two.status == ConversationStatus.CLOSED


def test_the_inbox_is_read_only(admin_client):
    conversation = handed_over()

    assert admin_client.get(reverse("admin:support_conversation_add")).status_code == 403
    admin_client.post(change_url(conversation), {"status": "closed", "handoff_reason": "x"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING


def test_a_shopper_or_staff_of_no_merchant_sees_no_inbox(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:support_conversation_changelist")).status_code == 302
    loose_staff = UserFactory(is_staff=True)
    grant_merchant_staff_permissions(loose_staff)
    client.force_login(loose_staff)
    assert client.get(reverse("admin:support_conversation_changelist")).status_code == 403


# -- FAQ and training examples


def test_merchant_staff_add_faq_entries_for_their_own_merchant(
    client, staff_a, merchant_a, merchant_b
):
    client.force_login(staff_a)

    with mock.patch("support.tasks.queue_training") as queue_training:
        response = client.post(
            reverse("admin:support_faqentry_add"),
            {
                "merchant": merchant_b.pk,
                "language": "en",
                "question": "Do you gift wrap?",
                "variants": "Can you wrap it as a gift?",
                "answer": "Yes, for free.",
                "active": "on",
            },
        )

    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.merchant == merchant_a
    queue_training.assert_called_once_with()


def test_merchant_staff_do_not_see_other_merchants_or_shop_wide_faq(
    client, staff_a, merchant_a, merchant_b
):
    mine = FaqEntry.objects.create(merchant=merchant_a, language="en", question="Mine?", answer="a")
    theirs = FaqEntry.objects.create(
        merchant=merchant_b, language="en", question="Theirs?", answer="b"
    )
    shop = FaqEntry.objects.create(merchant=None, language="en", question="Shop?", answer="c")
    client.force_login(staff_a)

    def status(entry):
        return client.get(reverse("admin:support_faqentry_change", args=[entry.pk])).status_code

    assert status(mine) == 200
    assert status(theirs) == 404
    assert status(shop) == 404


def test_deleting_a_faq_entry_queues_training(admin_client):
    entry = FaqEntry.objects.create(language="en", question="Shop?", answer="c")

    with mock.patch("support.tasks.queue_training") as queue_training:
        admin_client.post(
            reverse("admin:support_faqentry_delete", args=[entry.pk]), {"post": "yes"}
        )

    assert not FaqEntry.objects.exists()
    queue_training.assert_called_once_with()


def test_operators_edit_training_examples_and_each_save_queues_training(admin_client):
    with mock.patch("support.tasks.queue_training") as queue_training:
        response = admin_client.post(
            reverse("admin:support_trainingexample_add"),
            {
                "text": "where has my parcel got to",
                "intent": "track_shipment",
                "language": "en",
                "source": "staff",
                "active": "on",
            },
        )
        example = TrainingExample.objects.get()
        admin_client.post(
            reverse("admin:support_trainingexample_changelist"),
            {"action": "delete_selected", "_selected_action": [example.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not TrainingExample.objects.exists()
    assert queue_training.call_count == 2


def test_queue_training_runs_the_task_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    with (
        mock.patch("support.tasks.train_classifier.apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_client.post(
            reverse("admin:support_trainingexample_add"),
            {"text": "hi there", "intent": "greeting", "language": "en", "source": "staff"},
        )

    apply_async.assert_called_once()


def test_merchant_staff_cannot_see_training_examples(client, staff_a):
    TrainingExample.objects.create(text="hello", intent="greeting", language="en")
    client.force_login(staff_a)

    assert client.get(reverse("admin:support_trainingexample_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "trainingexample" not in index


def test_the_inbox_is_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    handed_over()
    url = reverse("admin:support_conversation_changelist")
    with django_assert_max_num_queries(100) as few:
        admin_client.get(url)
    for _ in range(4):
        handed_over()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)

    assert response.status_code == 200
