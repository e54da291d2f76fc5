"""Template helpers for the storefront: money, stars, variant labels, query-string links."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join

from catalog import attributes

register = template.Library()

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€"}
CENT = Decimal("0.01")


@register.filter
def money(value, currency: str | None = None) -> str:
    """¥1,299.00 for Decimal("1299")."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = CURRENCY_SIGNS.get(currency or settings.SHOP_CURRENCY, "")
    return f"{sign}{amount:,.2f}"


@register.simple_tag
def stars(rating) -> str:
    """Five stars filled to the rating, rounded to the nearest half, readable by screen readers."""
    try:
        value = float(rating or 0)
    except (TypeError, ValueError):
        value = 0.0
    halves = round(max(0.0, min(5.0, value)) * 2)
    classes = []
    for star in range(1, 6):
        filled = halves - (star - 1) * 2
        classes.append("full" if filled >= 2 else "half" if filled == 1 else "empty")
    inner = format_html_join(
        "", '<span class="star {}" aria-hidden="true">★</span>', ((c,) for c in classes)
    )
    return format_html(
        '<span class="stars" role="img" aria-label="{} / 5">{}</span>', f"{value:.1f}", inner
    )


@register.filter
def image_url(image, size: str) -> str:
    """The URL of one size of a ProductImage (catalog/images.py), or of the original while the
    sizes have not been generated yet."""
    sized = getattr(image, size, None)
    return sized.url if sized else image.image.url


@register.filter
def variant_label(attrs) -> str:
    return attributes.variant_label(attrs or {})


@register.filter
def option_label(name) -> str:
    return attributes.option_label(str(name))


@register.filter
def value_label(value) -> str:
    return attributes.value_label(value)


@register.filter
def swatch(value) -> str:
    return attributes.SWATCHES.get(str(value).lower(), "")


@register.filter
def with_page(params, number) -> str:
    """The query string of `params` (anything with query_for_page) for another page."""
    return params.query_for_page(number)


@register.filter
def elided_pages(page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
