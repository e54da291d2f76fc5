"""Template helpers for the storefront: money, stars, variant labels, query-string links."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

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


def _stars_html(halves: int) -> str:
    classes = []
    for star in range(1, 6):
        filled = halves - (star - 1) * 2
        classes.append("full" if filled >= 2 else "half" if filled == 1 else "empty")
    return "".join(f'<span class="star {c}" aria-hidden="true">★</span>' for c in classes)


# Built once: the eleven possible rows of stars (0 to 5 in halves).
_STARS = [_stars_html(halves) for halves in range(11)]


@register.simple_tag
def stars(rating) -> str:
    """Five stars filled to the rating, rounded to the nearest half, readable by screen readers."""
    try:
        value = max(0.0, min(5.0, float(rating or 0)))
    except (TypeError, ValueError):
        value = 0.0
    # Safe: built only from the constants above and a formatted float.
    row = _STARS[round(value * 2)]
    return mark_safe(f'<span class="stars" role="img" aria-label="{value:.1f} / 5">{row}</span>')


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
def swatch(value) -> str:
    return attributes.SWATCHES.get(str(value).lower(), "")


@register.filter
def with_page(params, number) -> str:
    """The query string of `params` (anything with query_for_page) for another page."""
    return params.query_for_page(number)


@register.filter
def elided_pages(page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
