"""Labels and links of facet values and filters that every search backend shows the same way (a
brand's results page, a price band's label, a price range's), and what a colour filter must not
mistake for a colour."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.attributes import SWATCHES, VALUE_NAMES, value_label

from .backends.base import PRICE_BANDS
from .understanding import CHEAP, PRICE, Part


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


def price_range_label(low: Decimal | None, high: Decimal | None) -> str:
    """A price range read from a query's words ("under 500": ¥0 to ¥500, both inclusive)."""
    if low is None and high is not None:
        return _("Under ¥%(high)s") % {"high": _yuan(high)}
    if high is None and low is not None:
        return _("¥%(low)s and above") % {"low": _yuan(low)}
    return _("¥%(low)s – ¥%(high)s") % {"low": _yuan(low), "high": _yuan(high)}  # noqa: RUF001


def understood_label(part: Part) -> str:
    """What the results page's chip says a part of the query was read as."""
    if part.kind == PRICE:
        return price_range_label(part.price_min, part.price_max)
    if part.kind == CHEAP:
        if part.price_max is not None:
            return _("Cheapest: %(range)s") % {"range": price_range_label(None, part.price_max)}
        return _("Cheapest")
    return _("Colour: %(colour)s") % {"colour": value_label(part.colour)}


def _yuan(amount: Decimal | None) -> str:
    amount = amount or Decimal(0)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def colour_lookalikes(colour: str) -> list[str]:
    """Attribute values holding the colour's word that are no colour ("green tea", a flavour):
    a colour filter leaves out a match that is only one of these."""
    return [
        value
        for value in VALUE_NAMES
        if value not in SWATCHES and colour in value.split() and value != colour
    ]
