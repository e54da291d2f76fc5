"""{% load money %}: {{ amount|money }} and {{ amount|money:currency }} (see common/money.py)."""

from django import template

from common.money import money_format

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """¥1,299.00 for Decimal("1299")."""
    return money_format(value, currency)
