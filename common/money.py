"""Amounts of money as people read them: ¥1,299.00."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€"}
CENT = Decimal("0.01")


def money_format(value: object, currency: str | None = None) -> str:
    """¥1,299.00 for Decimal("1299"); "" for None, "" or anything that is not a number. The
    currency is the shop's (settings.SHOP_CURRENCY) unless given."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = CURRENCY_SIGNS.get(currency or settings.SHOP_CURRENCY, "")
    return f"{sign}{amount:,.2f}"
