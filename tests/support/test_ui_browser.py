"""The chat widget in Chromium: opened with the keyboard, a message and its answer, the hand-over
after two turns the assistant did not understand, a staff answer from the admin inbox appearing
in the open widget without a reload, the unread badge while closed, and the phone's sheet.
Screenshots go to var/screenshots/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from support import services
from support.models import Conversation, ConversationStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.orders.factories import variant_in_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"chat-{name}.png"))


@pytest.fixture
def fast_polls(settings):
    settings.SUPPORT_POLL_SECONDS = 1
    settings.SUPPORT_POLL_IDLE_SECONDS = 1
    return settings


def log_item(tab, sender: str):
    return tab.locator(f"[data-chat-log] .chat-from-{sender}")


def test_a_visitor_chats_is_handed_over_and_sees_the_staff_answer_without_reload(
    page,
    browser,
    fast_polls,
):
    variant = variant_in_stock(price="88.00", name="Stoneware Mug")
    product_url = page.base_url + variant.product.get_absolute_url()
    page.goto(product_url)
    launcher = page.locator("#chat-launcher")
    panel = page.locator("#chat-panel")
    expect(panel).to_be_hidden()
    # Closed, the launcher leaves the product's main button free.
    button = page.locator("[data-add-button]").bounding_box()
    corner = launcher.bounding_box()
    assert (
        corner["x"] >= button["x"] + button["width"]
        or corner["y"] >= button["y"] + button["height"]
    )
    shot(page, "desktop-closed")

    # Open with the keyboard: focus lands in the message box.
    launcher.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#chat-input")).to_be_focused()

    # Enter sends; the assistant answers.
    page.keyboard.type("<b>Hello</b>, is this mug dishwasher safe?")
    page.keyboard.press("Enter")
    expect(log_item(page, "shopper").first.locator(".chat-text")).to_have_text(
        "<b>Hello</b>, is this mug dishwasher safe?"
    )
    expect(log_item(page, "bot").first.locator(".chat-text")).not_to_be_empty(timeout=30_000)
    assert page.locator("[data-chat-log] b").count() == 0  # shown as text, never as HTML
    conversation = Conversation.objects.get()
    assert conversation.state["page_product"] == variant.product.pk

    # Shift+Enter is a new line, not a message.
    # (No letters in either language: the assistant never understands these.)
    page.keyboard.type("🤔")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("🤔")
    expect(page.locator("#chat-input")).to_have_value("🤔\n🤔")
    page.keyboard.press("Enter")
    expect(log_item(page, "shopper")).to_have_count(2)
    page.keyboard.type("🙃")
    page.keyboard.press("Enter")

    # Two turns not understood: the conversation goes to staff.
    expect(log_item(page, "system")).to_contain_text("passed our conversation")
    expect(page.locator("[data-chat-status]")).to_contain_text("Waiting for a member of our team")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING
    shot(page, "desktop-handed-over")

    # Staff answer in the admin inbox, in another browser.
    UserFactory(email="ops@example.com", first_name="Mei", is_staff=True, is_superuser=True)
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    admin = admin_context.new_page()
    admin.goto(page.base_url + "/admin/login/")
    admin.fill("input[name=username]", "ops@example.com")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("input[type=submit]")
    expect(admin.locator("#support-waiting")).to_contain_text("1 conversation is waiting")
    admin.click("#support-waiting a")
    admin.click(f"a[href*='/support/conversation/{conversation.pk}/change/']")
    expect(admin.locator(".support-transcript")).to_contain_text(
        "<b>Hello</b>, is this mug dishwasher safe?"
    )
    admin.fill("#support-reply textarea", "Hi! Yes, it is dishwasher safe. — Mei")
    admin.screenshot(path=str(SHOTS / "chat-admin-conversation.png"), full_page=True)
    admin.click("#support-reply input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("Your reply has been sent")

    # The open widget shows it without a reload, signed with the first name.
    staff_message = log_item(page, "staff")
    expect(staff_message).to_contain_text("Hi! Yes, it is dishwasher safe. — Mei")
    expect(staff_message.locator(".chat-who")).to_contain_text("Mei")
    expect(page.locator("[data-chat-status]")).to_contain_text("talking with our team")
    shot(page, "desktop-staff-answer")

    # Esc closes and gives the focus back to the launcher.
    page.locator("#chat-input").focus()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")

    # Closed, a new staff answer shows as an unread badge; on another page too.
    page.goto(page.base_url + "/")
    services.staff_reply(conversation=conversation, staff=conversation.user or _staff(), text="x")
    expect(page.locator("[data-chat-badge]")).to_have_text("1")
    shot(page, "desktop-unread")

    # Opened again on that page, the whole conversation is there.
    launcher.click()
    expect(log_item(page, "staff")).to_have_count(2)
    expect(page.locator("[data-chat-badge]")).to_be_hidden()
    admin_context.close()


def _staff():
    return UserFactory(first_name="Bo", is_staff=True)


def test_the_choices_send_their_value(page, fast_polls):
    shopper = UserFactory(email="wei@example.com")
    conversation = services.conversation_start(user=shopper, session_key="", language="en")
    from support.models import Message, MessageSender

    Message.objects.create(
        conversation=conversation,
        sender=MessageSender.BOT,
        text="Which order do you mean?",
        payload={
            "choices": [
                {"label": "Order 2026-0001", "value": "2026-0001"},
                {"label": "Order 2026-0002", "value": "2026-0002"},
            ],
            "timeline": [
                {"when": "2026-12-01T09:30:00+08:00", "text": "Shipped", "place": "上海市"}
            ],
            "cards": [{"name": "Stoneware Mug", "price": "¥88.00", "url": "/p/mug/"}],
            "faq": {"id": 1, "question": "How long does delivery take?"},
        },
    )
    page.goto(page.base_url + "/account/login/")
    page.fill("input[name=username]", "wei@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")

    page.click("#chat-launcher")
    expect(page.locator(".chat-timeline")).to_contain_text("Shipped")
    expect(page.locator(".chat-card-name")).to_have_text("Stoneware Mug")
    expect(page.locator(".chat-faq")).to_contain_text("From our FAQ: How long does delivery take?")
    page.click(".chat-choice:text-is('Order 2026-0002')")

    expect(log_item(page, "shopper").last.locator(".chat-text")).to_have_text("2026-0002")
    shot(page, "desktop-payloads")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_on_a_phone_the_chat_is_a_full_screen_sheet(browser, live_server, language, fast_polls):
    variant = variant_in_stock(price="88.00", name="Stoneware Mug")
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN" if language == "zh-hans" else "en-US",
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    prefix = "/zh-hans" if language == "zh-hans" else ""
    phone.goto(live_server.url + prefix + variant.product.get_absolute_url())
    launcher = phone.locator("#chat-launcher")
    expect(launcher).to_have_attribute(
        "aria-label", "在线客服" if language == "zh-hans" else "Chat with us"
    )
    # The add-to-cart button can be pressed: the launcher is not over it.
    phone.locator("[data-add-button]").scroll_into_view_if_needed()
    phone.locator("[data-add-button]").click(trial=True)
    shot(phone, f"phone-{language}-closed")

    launcher.click()
    panel = phone.locator("#chat-panel")
    box = panel.bounding_box()
    assert box["width"] == 390
    assert box["height"] >= 800
    phone.fill("#chat-input", "我的订单到哪了" if language == "zh-hans" else "where is my order")
    phone.locator("[data-chat-send]").click()
    expect(phone.locator("[data-chat-log] .chat-from-bot")).to_have_count(1, timeout=30_000)
    shot(phone, f"phone-{language}-open")

    # The sheet covers the page: Tab goes round inside it.
    phone.locator("#chat-input").focus()
    for _ in range(8):
        phone.keyboard.press("Tab")
        assert phone.evaluate(
            "document.getElementById('chat-panel').contains(document.activeElement)"
        )
    context.close()


def test_too_many_messages_wait_as_long_as_the_server_asks(page, live_server, settings):
    settings.SUPPORT_RATE_PER_SESSION = 1
    variant = variant_in_stock(name="Stoneware Mug")
    page.goto(live_server.url + variant.product.get_absolute_url())
    page.click("#chat-launcher")
    page.fill("#chat-input", "hello")
    page.keyboard.press("Enter")
    expect(log_item(page, "bot")).to_have_count(1, timeout=30_000)

    page.fill("#chat-input", "hello again")
    page.keyboard.press("Enter")

    expect(page.locator("#chat-panel")).to_contain_text("Please wait")
    expect(page.locator("[data-chat-send]")).to_be_disabled()
    expect(page.locator("#chat-input")).to_have_value("hello again")  # kept to send later


def test_the_account_lists_conversations_and_continues_one_in_the_widget(page, fast_polls):
    shopper = UserFactory(email="wei@example.com")
    older = services.conversation_start(user=shopper, session_key="", language="en")
    services.message_post(conversation=older, text="Do you ship to Lhasa?", user=shopper)
    newer = services.conversation_start(user=shopper, session_key="", language="en")
    services.message_post(conversation=newer, text="<i>newer</i> question", user=shopper)
    page.goto(page.base_url + "/account/login/")
    page.fill("input[name=username]", "wei@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")

    page.click("text=Customer service conversations")
    expect(page.locator(".conversation-item")).to_have_count(2)
    expect(page.locator(".conversation-item").first).to_contain_text("<i>newer</i> question")
    shot(page, "account-list")
    page.locator(".conversation-item").last.click()
    expect(page.locator(".conversation-transcript")).to_contain_text("Do you ship to Lhasa?")
    shot(page, "account-detail")

    page.click("text=Continue in the chat")
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(log_item(page, "shopper").first).to_contain_text("Do you ship to Lhasa?")
    page.fill("#chat-input", "And to Kashgar?")
    page.keyboard.press("Enter")
    expect(log_item(page, "shopper").last).to_contain_text("And to Kashgar?")
    assert older.messages.filter(text="And to Kashgar?").exists()
