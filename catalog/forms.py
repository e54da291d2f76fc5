"""Parsing of storefront query parameters (bad values fall back to defaults; the ones a shopper
typed on purpose, prices, come back with a message saying what was wrong), and the product
editor's variant options in admin."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms.models import BaseInlineFormSet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .attributes import value_label, variant_label
from .models import ProductAttribute, ProductType, ProductVariant
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

# What parse_listing has parsed, by language and the values of LISTING_QUERY_PARAMS: the same
# few query strings come back all the time, and a form costs more than the listing's query.
_parsed: dict[tuple, tuple[ListingParams, tuple[str, ...]]] = {}


def parse_listing(query) -> tuple[ListingParams, tuple[str, ...]]:
    """A listing's parameters from its query string (a QueryDict), and the messages for the
    shopper about what was wrong in it (ListingForm: params() and shown_errors()), in the active
    language."""
    key = (get_language(), *(tuple(query.getlist(name)) for name in LISTING_QUERY_PARAMS))
    found = _parsed.get(key)
    if found is None:
        form = ListingForm(query)
        found = (form.params(), tuple(str(message) for message in form.shown_errors()))
        if len(_parsed) >= 4096:  # bounded, whatever query strings visitors make up
            _parsed.clear()
        _parsed[key] = found
    return found


def parse_variant_id(raw: str | None) -> int | None:
    # isdigit() alone accepts "²" and other Unicode digits that int() refuses.
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


# --- The product editor's variant options (admin) ---------------------------------------------

OPTION_FIELD_PREFIX = "option_"


def option_field_name(code: str) -> str:
    return f"{OPTION_FIELD_PREFIX}{code}"


@dataclass(frozen=True)
class VariantOptions:
    """Which options a product's variants are edited with: its type's attributes (each one
    required), or, for a product without a type, the attributes its variants already use. `extra`
    are keys the variants have that are no attribute of the type: shown so they can be cleared."""

    attributes: tuple[ProductAttribute, ...] = ()
    extra: tuple[str, ...] = ()
    required: bool = False

    @property
    def field_names(self) -> list[str]:
        return [option_field_name(code) for code in self.codes]

    @property
    def codes(self) -> list[str]:
        return [attribute.code for attribute in self.attributes] + list(self.extra)


def variant_options_for(
    product_type: ProductType | None, variants: Iterable[dict]
) -> VariantOptions:
    used: dict[str, None] = {}
    for attributes in variants:
        for key in attributes or {}:
            used.setdefault(str(key), None)
    if product_type is not None:
        attributes = tuple(product_type.attributes.order_by("position", "code"))
        required = True
    else:
        attributes = tuple(ProductAttribute.objects.filter(code__in=list(used)))
        required = False
    known = {attribute.code for attribute in attributes}
    extra = tuple(key for key in used if key not in known)
    return VariantOptions(attributes=attributes, extra=extra, required=required)


def _option_field(attribute: ProductAttribute, *, required: bool) -> forms.Field:
    values = attribute.allowed_values
    if values:
        choices = [("", "---------")] + [(value, value_label(value)) for value in values]
        return forms.ChoiceField(label=attribute.name, choices=choices, required=required)
    return forms.CharField(
        label=attribute.name,
        max_length=60,
        required=required,
        widget=forms.TextInput(attrs={"size": 8}),
    )


class VariantOptionsForm(forms.ModelForm):
    """A variant with one field per option instead of its `attributes` JSON, which is built from
    them in the same format ({"colour": "grey", "size": "M"}). A value outside an attribute's
    list, or a value for an option the product's type does not have, is a form error."""

    variant_options = VariantOptions()
    # The standalone variant page compares with the product's other variants; the product
    # editor's formset compares the rows it saves together (VariantOptionsFormSet).
    check_siblings = False

    class Meta:
        model = ProductVariant
        # The options' fields stand in for `attributes`.
        fields = (
            "product",
            "sku",
            "price",
            "compare_at_price",
            "weight_grams",
            "is_active",
            "position",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.attributes or {}
        for code in self.variant_options.codes:
            name = option_field_name(code)
            if name in self.fields and code in stored:
                value = str(stored[code])
                self.initial.setdefault(name, value)
                field = self.fields[name]
                if isinstance(field, forms.ChoiceField) and value not in dict(field.choices):
                    # Shown as it is, so saving never drops it silently; clean() refuses it.
                    field.choices = [*field.choices, (value, value)]

    def clean(self):
        cleaned = super().clean()
        options: dict[str, str] = {}
        for attribute in self.variant_options.attributes:
            name = option_field_name(attribute.code)
            value = (cleaned.get(name) or "").strip()
            allowed = attribute.allowed_values
            if value and allowed and value not in allowed:
                self.add_error(
                    name,
                    _("“%(value)s” is not one of the values of %(option)s.")
                    % {"value": value, "option": attribute.name},
                )
            elif value:
                options[attribute.code] = value
        for code in self.variant_options.extra:
            value = (cleaned.get(option_field_name(code)) or "").strip()
            if value and not self.variant_options.required:
                # A product without a type keeps the options its variants already use, even
                # one no attribute describes (yet): there is no type they could contradict.
                options[code] = value
            elif value:
                self.add_error(
                    option_field_name(code),
                    _(
                        "“%(option)s” is not an option of this product's type: clear it, or add "
                        "the attribute to the type."
                    )
                    % {"option": code},
                )
        self.options = options
        self.instance.attributes = options
        if self.check_siblings and options and not self.errors:
            product = cleaned.get("product") or getattr(self.instance, "product", None)
            if product is not None and _has_variant_with(product, options, self.instance.pk):
                raise forms.ValidationError(
                    _("Another variant of this product already has the options %(options)s.")
                    % {"options": variant_label(options)},
                    code="duplicate_options",
                )
        return cleaned


def _has_variant_with(product, options: dict, exclude_pk) -> bool:
    siblings = ProductVariant.objects.filter(product=product).exclude(pk=exclude_pk)
    return any((other or {}) == options for other in siblings.values_list("attributes", flat=True))


def variant_options_form(variant_options: VariantOptions, *, check_siblings: bool = False):
    """A VariantOptionsForm class with a field per option of `variant_options`."""
    fields: dict[str, forms.Field] = {
        option_field_name(attribute.code): _option_field(
            attribute, required=variant_options.required
        )
        for attribute in variant_options.attributes
    }
    for code in variant_options.extra:
        fields[option_field_name(code)] = forms.CharField(
            label=code, max_length=60, required=False, widget=forms.TextInput(attrs={"size": 8})
        )
    return type(
        "VariantOptionsForm",
        (VariantOptionsForm,),
        {**fields, "variant_options": variant_options, "check_siblings": check_siblings},
    )


class VariantOptionsFormSet(BaseInlineFormSet):
    """The product editor's variant rows: no two rows with the same options."""

    def clean(self):
        super().clean()
        seen: dict[tuple, int] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            options = getattr(form, "options", None)
            if not options:
                continue
            key = tuple(sorted(options.items()))
            if key in seen:
                raise forms.ValidationError(
                    _("Two variants have the same options (%(options)s): give each its own.")
                    % {"options": variant_label(options)},
                    code="duplicate_options",
                )
            seen[key] = 1
