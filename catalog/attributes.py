"""Variant option names and the values the shop knows how to translate.

Merchants may enter any value; known ones are shown translated, others as entered.
"""

from django.utils.translation import gettext_lazy as _

OPTION_NAMES = {
    "colour": _("Colour"),
    "size": _("Size"),
    "capacity": _("Capacity"),
    "material": _("Material"),
    "weight": _("Weight"),
    "flavour": _("Flavour"),
}

VALUE_NAMES = {
    "black": _("Black"),
    "white": _("White"),
    "grey": _("Grey"),
    "red": _("Red"),
    "blue": _("Blue"),
    "navy": _("Navy"),
    "green": _("Green"),
    "olive": _("Olive"),
    "beige": _("Beige"),
    "pink": _("Pink"),
    "yellow": _("Yellow"),
    "orange": _("Orange"),
    "purple": _("Purple"),
    "brown": _("Brown"),
    "silver": _("Silver"),
    "gold": _("Gold"),
    "cotton": _("Cotton"),
    "linen": _("Linen"),
    "wool": _("Wool"),
    "leather": _("Leather"),
    "bamboo": _("Bamboo"),
    "steel": _("Steel"),
    "ceramic": _("Ceramic"),
    "original": _("Original"),
    "green tea": _("Green tea"),
    "jasmine": _("Jasmine"),
    "oolong": _("Oolong"),
}

# Colour swatches shown next to a colour option.
SWATCHES = {
    "black": "#1f2328",
    "white": "#f6f6f4",
    "grey": "#8c8f94",
    "red": "#c8102e",
    "blue": "#2f6fde",
    "navy": "#1b2a4a",
    "green": "#2e8b57",
    "olive": "#708238",
    "beige": "#d9c7a7",
    "pink": "#f0a5b8",
    "yellow": "#f2c230",
    "orange": "#ef7d22",
    "purple": "#7a4fb5",
    "brown": "#7b4a2d",
    "silver": "#c0c4c8",
    "gold": "#c9a44c",
}


def value_label(value) -> str:
    text = str(value)
    return str(VALUE_NAMES.get(text.lower(), text))


_OPTION_ORDER = {name: position for position, name in enumerate(OPTION_NAMES)}


def variant_label(attributes: dict) -> str:
    """'Red / M' for {"colour": "red", "size": "M"}, in the active language. Options come in one
    fixed order (colour before size, ...): PostgreSQL's jsonb keeps no key order of its own."""
    keys = sorted(attributes or {}, key=lambda k: (_OPTION_ORDER.get(k, len(_OPTION_ORDER)), k))
    return " / ".join(value_label(attributes[k]) for k in keys)
