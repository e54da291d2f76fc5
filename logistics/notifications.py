"""Emails about stock: the low-stock alert, to the staff of the merchant whose variant it is
(the shop's operators if that merchant has no staff with an email address), each in their
preferred language (templates/logistics/email/)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from .models import Stock


def low_stock_recipients(stock: Stock) -> list[User]:
    """Who hears that a row is low: its merchant's active staff, else the operators."""
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    staff = list(people.filter(is_staff=True, merchant_id=stock.variant.product.merchant_id))
    return staff or list(people.filter(is_superuser=True))


def send_low_stock_email(*, stock: Stock, threshold: int | None) -> int:
    """Send the alert that `stock` is at or below its threshold; returns how many were sent."""
    recipients = low_stock_recipients(stock)
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in recipients:
        by_language[user.preferred_language or settings.LANGUAGE_CODE].append(user.email)
    context = {
        "stock": stock,
        "variant": stock.variant,
        "product": stock.variant.product,
        "warehouse": stock.warehouse,
        "threshold": threshold,
        "link": settings.SHOP_BASE_URL.rstrip("/")
        + reverse("admin:logistics_stock_change", args=[stock.pk]),
        "shop_name": settings.SHOP_NAME,
    }
    sent = 0
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            subject = render_to_string("logistics/email/low_stock_subject.txt", context)
            body = render_to_string("logistics/email/low_stock.txt", context)
        sent += send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, emails)
    return sent
