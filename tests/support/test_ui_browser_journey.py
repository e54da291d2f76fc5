"""The journey the shop promises, in Chromium, with the real dialogue: a signed-in shopper with
two orders asks "我的订单到哪了", picks the shipped one, sees its tracking; asks for a person;
staff answer in the admin inbox; the shopper sees the answer in the open widget, no reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders import fulfilment
from tests.accounts.factories import PASSWORD, UserFactory
from tests.orders.factories import carrier, paid_order, variant_in_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_ANSWER = "您好，我是客服小美，您的包裹明天送达。"  # noqa: RUF001
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_where_is_my_order_then_a_person_then_the_staff_answer(
    page,
    browser,
    settings,
):
    settings.SUPPORT_POLL_SECONDS = 1
    shopper = UserFactory(email="wei@example.com")
    mug = variant_in_stock(price="88.00", name="Stoneware Mug")
    bowl = variant_in_stock(price="66.00", name="Rice Bowl")
    shipped = paid_order((mug, 1), user=shopper, language="zh-hans")
    paid_order((bowl, 1), user=shopper, language="zh-hans")
    [shipment] = fulfilment.order_shipments_create(order=shipped, actor=None)
    fulfilment.order_shipment_dispatch(
        shipment=shipment, actor=None, carrier=carrier(), tracking_number="SF1234567890"
    )
    UserFactory(email="ops@example.com", first_name="Mei", is_staff=True, is_superuser=True)

    page.goto(page.base_url + "/zh-hans/account/login/")
    page.fill("input[name=username]", "wei@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")
    page.click("#chat-launcher")
    page.fill("#chat-input", "我的订单到哪了")
    page.keyboard.press("Enter")
    answer = page.locator("[data-chat-log] .chat-from-bot").last
    # Generous: the first message a test process classifies may fit the shipped model first.
    expect(answer).to_be_visible(timeout=30_000)

    # Two orders: the assistant asks which; the shopper picks the shipped one.
    page.click(f".chat-choice:has-text('{shipped.number}')")
    expect(page.locator(".chat-timeline").last).to_be_visible()
    expect(page.locator("[data-chat-log]")).to_contain_text("SF1234567890")
    # Still in Chinese after the order number was picked; the parcel's events, worded.
    expect(page.locator(".chat-timeline-title").last).to_contain_text("SF1234567890")
    expect(page.locator(".chat-timeline").last).to_contain_text("已交给")
    expect(page.locator("[data-chat-log] .chat-from-bot").last).to_contain_text("包裹")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "journey-tracking.png"))

    page.fill("#chat-input", "我要找人工客服")
    page.keyboard.press("Enter")
    expect(page.locator("[data-chat-log] .chat-from-system").last).to_be_visible()

    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    admin.goto(page.base_url + "/admin/login/")
    admin.fill("input[name=username]", "ops@example.com")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("input[type=submit]")
    admin.click("#support-waiting a")
    admin.click("#result_list tbody tr:first-child th a")
    admin.fill("#support-reply textarea", STAFF_ANSWER)
    admin.click("#support-reply input[type=submit]")
    expect(admin.locator(".messagelist")).to_be_visible()

    staff_message = page.locator("[data-chat-log] .chat-from-staff")
    expect(staff_message).to_contain_text(STAFF_ANSWER)
    expect(staff_message.locator(".chat-who")).to_contain_text("Mei")
    page.screenshot(path=str(SHOTS / "journey-staff-answer.png"))

    # The shopper answers; the staff page, still open, shows it without a reload.
    page.fill("#chat-input", "好的 谢谢小美")
    page.keyboard.press("Enter")
    expect(admin.locator("#support-transcript")).to_contain_text("好的 谢谢小美", timeout=15_000)
    admin_context.close()
