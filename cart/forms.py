"""Parsing of the cart forms. They only check that the input is well formed (whole numbers in
range); whether the item can be bought, and how many, is for cart/services.py to decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Ids are BigAutoFields: anything larger cannot be a variant, and SQLite refuses to compare it.
MAX_ID = 2**63 - 1


def _quantity_field(*, min_value: int) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=min_value,
        max_value=settings.CART_MAX_LINE_QUANTITY,
        error_messages={
            "required": _("Enter a quantity."),
            "invalid": _("Enter the quantity as a whole number."),
            "min_value": _("Choose a quantity of at least %(limit_value)s."),
            "max_value": _("You can buy at most %(limit_value)s of one item per order."),
        },
    )


class CartForm(forms.Form):
    def first_error(self) -> str:
        """The first problem, in field order, as one sentence for the shopper."""
        for name in self.fields:
            if name in self.errors:
                return self.errors[name][0]
        return next(iter(self.errors.values()))[0]


class AddToCartForm(CartForm):
    # Only the variant and the quantity are read: anything else posted (a price, say) is ignored.
    variant = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": _("Choose an option before adding to your cart."),
            "invalid": _("Sorry, this product is no longer available."),
            "min_value": _("Sorry, this product is no longer available."),
            "max_value": _("Sorry, this product is no longer available."),
        },
    )
    quantity = _quantity_field(min_value=1)

    def __init__(self, data=None, *args, **kwargs):
        # A form that leaves the quantity out means one.
        if data is not None and not data.get("quantity"):
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, *args, **kwargs)


class UpdateQuantityForm(CartForm):
    quantity = _quantity_field(min_value=0)  # 0 removes the line
