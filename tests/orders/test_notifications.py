"""Order emails: each kind renders in the order's language with its number, lines, total and
link. (The Chinese wording comes with the translations; here the link's /zh-hans/ shows that
the email was rendered in Chinese.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from orders import notifications, services
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db


def order_in_state(kind: str, *, language: str, user=None) -> Order:
    """An order that has reached the point where the `kind` email is sent."""
    variant = variant_in_stock(price="30.00", name="Tea & Cups")
    order = place_order((variant, 2), user=user, language=language)
    if kind in ("paid", "shipped"):
        order = services.order_mark_paid(order=order, actor=None)
    if kind == "shipped":
        order = services.order_ship(order=order, actor=None)
    if kind == "cancelled":
        order = services.order_cancel(order=order, actor=None, reason="test")
    return order


@pytest.mark.parametrize("kind", notifications.KINDS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_email_has_the_number_lines_total_and_link_in_the_orders_language(kind, language):
    order = order_in_state(kind, language=language)
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind=kind)

    [email] = mail.outbox
    link = notifications.order_link(order)
    assert email.to == [order.email]
    assert order.number in email.subject
    assert "\n" not in email.subject
    assert order.number in email.body
    assert "¥72.00" in email.body  # 2 x ¥30 + ¥12 delivery
    assert "Tea & Cups" in email.body  # plain text: nothing HTML-escaped
    assert order.lines.get().sku in email.body
    assert link in email.body
    assert link.startswith(settings.SHOP_BASE_URL.rstrip("/"))
    assert ("/zh-hans/" in link) == (language == "zh-hans")
    assert settings.SHOP_NAME in email.body or settings.SHOP_NAME in email.subject


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_signed_in_shoppers_email_links_to_their_order_page(language):
    order = order_in_state("placed", language=language, user=UserFactory())
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind="placed")

    with translation.override(language):
        path = reverse("orders:detail", args=[order.number])
    assert settings.SHOP_BASE_URL.rstrip("/") + path in mail.outbox[0].body
    assert "/guest/" not in mail.outbox[0].body


def test_a_guests_email_links_to_their_secret_order_page():
    order = order_in_state("placed", language="en")
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind="placed")

    path = reverse("orders:guest_detail", args=[order.number, order.guest_token])
    assert path in mail.outbox[0].body


def test_the_placed_email_gives_the_payment_deadline():
    order = order_in_state("placed", language="en")
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind="placed")

    assert "Please pay by" in mail.outbox[0].body


def test_the_shipped_email_says_what_has_shipped():
    order = order_in_state("shipped", language="en")
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind="shipped")

    assert "shipped 2 of 2" in mail.outbox[0].body
    assert "on its way" in mail.outbox[0].body


def test_placing_an_order_sends_the_placed_email_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order((variant_in_stock(), 1), language="zh-hans")

    [email] = mail.outbox
    assert order.number in email.subject
    assert "/zh-hans/orders/guest/" in email.body
