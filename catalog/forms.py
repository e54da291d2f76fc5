"""Parsing of storefront query parameters. Bad values fall back to defaults; the ones a shopper
typed on purpose (prices) come back with a message saying what was wrong."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .selectors import DEFAULT_SORT, SORTS, ListingParams

SORT_LABELS = {
    "popular": _("Best selling"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "newest": _("Newest"),
    "rating": _("Best rated"),
}
SLUG_RE = re.compile(r"^[-a-z0-9_]{1,140}$")
MAX_BRANDS = 20
MAX_PAGE = 10_000


class ListingForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    sort = forms.ChoiceField(choices=[(k, SORT_LABELS[k]) for k in SORTS], required=False)
    price_min = forms.DecimalField(
        label=_("Minimum price"),
        min_value=0,
        max_value=settings.SHOP_MAX_PRICE,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    price_max = forms.DecimalField(
        label=_("Maximum price"),
        min_value=0,
        max_value=settings.SHOP_MAX_PRICE,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    in_stock = forms.BooleanField(required=False)

    # Fields whose errors the shopper should see; the rest silently take their default.
    SHOWN_ERRORS = ("price_min", "price_max")

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.raw_brands = data.getlist("brand") if hasattr(data, "getlist") else []

    def clean(self):
        cleaned = super().clean()
        lo, hi = cleaned.get("price_min"), cleaned.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            # The intent is plain: a range typed the wrong way round.
            cleaned["price_min"], cleaned["price_max"] = hi, lo
        return cleaned

    def params(self) -> ListingParams:
        self.is_valid()
        data = self.cleaned_data
        brands = tuple(sorted({b for b in self.raw_brands if SLUG_RE.match(b)}))[:MAX_BRANDS]
        return ListingParams(
            page=data.get("page") or 1,
            sort=data.get("sort") or DEFAULT_SORT,
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            brands=brands,
            in_stock=bool(data.get("in_stock")),
        )

    def shown_errors(self) -> list[str]:
        messages = []
        for name in self.SHOWN_ERRORS:
            for error in self.errors.get(name, []):
                messages.append(
                    _("%(field)s: %(error)s") % {"field": self.fields[name].label, "error": error}
                )
        return messages


# Everything a listing reads from the query string: the form's fields, and the repeated brand.
LISTING_QUERY_PARAMS = (*ListingForm.base_fields, "brand")


def parse_variant_id(raw: str | None) -> int | None:
    # isdigit() alone accepts "²" and other Unicode digits that int() refuses.
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None
