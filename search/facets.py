"""Labels and links of facet values that every search backend shows the same way (a brand's
results page, a price band's label)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from .backends.base import PRICE_BANDS


def brand_search_url(slug: str) -> str:
    """Search results filtered to one brand (brands have no page of their own)."""
    return f"{reverse('search:results')}?{urlencode({'brand': slug})}"


def price_band_label(key: str) -> str:
    low, high = PRICE_BANDS[key]
    if not low:
        return _("Under ¥%(high)s") % {"high": f"{high:,.0f}"}
    if high is None:
        return _("¥%(low)s and above") % {"low": f"{low:,.0f}"}
    return _("¥%(low)s – ¥%(high)s") % {"low": f"{low:,.0f}", "high": f"{high:,.0f}"}  # noqa: RUF001
