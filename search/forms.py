"""The search page's GET parameters, validated into a SearchQuery. Nothing a shopper (or a bot)
puts in the URL makes the page fail: unknown filter values are dropped with a message, an
oversize query is cut, everything else falls back to its default."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.selectors import brand_directory, category_tree

from .backends.base import PRICE_BANDS, RATING_LEVELS, SORTS, SearchQuery

MAX_QUERY_LENGTH = 200
MAX_FILTER_VALUES = 20
MAX_PAGE = 500
MAX_PRICE = Decimal("10000000")
SLUG_RE = re.compile(r"^[-a-z0-9_]{1,140}$")

SORT_LABELS = {
    "relevance": _("Best match"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "newest": _("Newest"),
    "best_selling": _("Best selling"),
    "rating": _("Best rated"),
}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    sort = forms.ChoiceField(choices=[(k, SORT_LABELS[k]) for k in SORTS], required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    rating = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in RATING_LEVELS], coerce=int, required=False
    )
    in_stock = forms.BooleanField(required=False)
    min_price = forms.DecimalField(
        min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2, required=False
    )
    max_price = forms.DecimalField(
        min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2, required=False
    )

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.lists = {
            name: data.getlist(name)[:100] if hasattr(data, "getlist") else []
            for name in ("category", "brand", "price")
        }
        self.notices: list[str] = []

    def search_query(self, *, language: str, per_page: int = 24) -> SearchQuery:
        self.is_valid()
        data = self.cleaned_data
        text = (self.data.get("q") or "").replace("\x00", " ").strip()
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH]
            self.notices.append(
                _("Your search was shortened to its first %(n)s characters.")
                % {"n": MAX_QUERY_LENGTH}
            )
        tree = category_tree()
        brands = {b.slug for b in brand_directory().values()}
        categories = self._known("category", lambda s: s in tree.by_slug, _("category"))
        brand_slugs = self._known("brand", lambda s: s in brands, _("brand"))
        bands = self._known("price", lambda s: s in PRICE_BANDS, _("price range"))
        if "rating" in self.errors:
            self.notices.append(_("That rating filter does not exist and was ignored."))
        if "min_price" in self.errors or "max_price" in self.errors:
            self.notices.append(_("A price limit that is not an amount in yuan was ignored."))
        return SearchQuery(
            text=text,
            language=language,
            categories=categories,
            brands=brand_slugs,
            price_bands=bands,
            price_min=data.get("min_price"),
            price_max=data.get("max_price"),
            min_rating=data.get("rating") or None,
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            per_page=per_page,
        )

    def _known(self, name: str, is_known, label) -> tuple[str, ...]:
        kept: list[str] = []
        dropped = False
        for raw in self.lists[name]:
            value = raw.strip()
            if (SLUG_RE.match(value) or value in PRICE_BANDS) and is_known(value):
                if value not in kept:
                    kept.append(value)
                continue
            dropped = True
        if dropped:
            self.notices.append(_("An unknown %(filter)s filter was ignored.") % {"filter": label})
        return tuple(kept[:MAX_FILTER_VALUES])


class AutocompleteForm(forms.Form):
    q = forms.CharField(required=False, strip=True)

    def text(self) -> str:
        self.is_valid()
        return (self.cleaned_data.get("q") or "").replace("\x00", " ")[:MAX_QUERY_LENGTH]
