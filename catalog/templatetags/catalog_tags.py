"""Template helpers for product pages and cards: stars, picture sizes, variant labels, swatches."""

import functools

from django import template
from django.utils.safestring import mark_safe

from catalog import attributes
from catalog.images import media_url

register = template.Library()


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
    return _stars_for(value)


@functools.lru_cache(maxsize=1024)  # a card grid shows a few dozen ratings, of 501 possible
def _stars_for(value: float) -> str:
    # Safe: built only from the constants above and a formatted float.
    row = _STARS[round(value * 2)]
    return mark_safe(f'<span class="stars" role="img" aria-label="{value:.1f} / 5">{row}</span>')


@register.filter
def image_url(image, size: str) -> str:
    """The URL of one size of a ProductImage (catalog/images.py), or of the original while the
    sizes have not been generated yet."""
    sized = getattr(image, size, None)
    return media_url(sized.name if sized else image.image.name)


@register.filter
def variant_label(attrs) -> str:
    return attributes.variant_label(attrs or {})


@register.filter
def swatch(value) -> str:
    return attributes.SWATCHES.get(str(value).lower(), "")
