"""Checkout and order-page forms. They validate what the shopper typed; orders/services.py decides
whether the order can be placed or changed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import regions
from accounts.forms import AddressForm, region_error_message
from accounts.models import Address
from logistics.models import ShippingMethod

from .services import ShippingAddress

NEW_ADDRESS = "new"


class CheckoutAddressForm(AddressForm):
    """A delivery address typed at checkout; "default" is decided by the address book."""

    class Meta(AddressForm.Meta):
        fields = tuple(f for f in AddressForm.Meta.fields if f != "is_default")


class CheckoutForm(forms.Form):
    """Step 1 of checkout: where to deliver (a saved address or a new one), how, and for guests
    where to send the confirmation. The new-address fields are a nested CheckoutAddressForm with
    the prefix "new", checked only when a new address is chosen."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send the order confirmation and your order link here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.ChoiceField(
        label=_("Deliver to"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a delivery address.")},
    )
    save_address = forms.BooleanField(
        label=_("Save this address to my address book"), required=False
    )
    shipping_method = forms.ModelChoiceField(
        label=_("Delivery option"),
        queryset=ShippingMethod.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a delivery option."),
            "invalid_choice": _("Please choose one of the delivery options shown."),
        },
    )

    def __init__(
        self,
        data=None,
        *,
        user,
        saved_addresses: list[Address],
        methods: list[ShippingMethod],
        subtotal: Decimal,
        initial: dict | None = None,
    ):
        super().__init__(data, initial=initial)
        self.signed_in = user is not None and user.is_authenticated
        self.saved_addresses = saved_addresses if self.signed_in else []
        self.methods = methods
        self.subtotal = subtotal
        self.fields["shipping_method"].queryset = ShippingMethod.objects.filter(
            pk__in=[m.pk for m in methods]
        )
        if self.signed_in:
            del self.fields["email"]
        else:
            del self.fields["save_address"]
        if self.saved_addresses:
            self.fields["address"].choices = [
                *((str(a.pk), str(a)) for a in self.saved_addresses),
                (NEW_ADDRESS, _("A new address")),
            ]
        else:
            del self.fields["address"]
        # With saved addresses to choose from, the new-address fields may stay empty: the browser
        # must not insist on them.
        self.new_address = CheckoutAddressForm(
            data,
            prefix="new",
            initial=(initial or {}).get("new_address"),
            use_required_attribute=not self.saved_addresses,
        )

    @property
    def shipping_options(self) -> list[tuple[ShippingMethod, Decimal]]:
        """Each delivery option with what it costs for this cart."""
        return [(m, m.cost_for(self.subtotal)) for m in self.methods]

    @property
    def selected_address(self) -> str:
        """The address choice to show as checked (what was posted, else the initial one)."""
        return str(self["address"].value() or "") if "address" in self.fields else NEW_ADDRESS

    @property
    def selected_shipping_method(self) -> str:
        return str(self["shipping_method"].value() or "")

    @property
    def wants_new_address(self) -> bool:
        if not self.saved_addresses:
            return True
        return self.data.get(self.add_prefix("address")) == NEW_ADDRESS

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.wants_new_address:
            valid = self.new_address.is_valid() and valid
        return valid

    def clean_address(self) -> str:
        """A saved address must name a district of the region table. One saved before the
        table was used, whose names do not make a district, is refused with what is wrong, to
        be edited in the address book or replaced by a new one."""
        wanted = self.cleaned_data["address"]
        saved = next((a for a in self.saved_addresses if str(a.pk) == wanted), None)
        if saved is None or saved.region_code:
            return wanted
        try:
            regions.resolve(saved.province, saved.city, saved.district)
        except regions.RegionError as error:
            raise forms.ValidationError(
                _(
                    "We cannot deliver to this address as it is written: %(problem)s Please edit "
                    "it in your address book or enter a new address."
                )
                % {"problem": region_error_message(error)}
            ) from None
        return wanted

    def chosen_saved_address(self) -> Address | None:
        if self.wants_new_address:
            return None
        wanted = self.cleaned_data["address"]
        return next(a for a in self.saved_addresses if str(a.pk) == wanted)

    def shipping_address(self) -> ShippingAddress:
        """The address to deliver to (after is_valid)."""
        saved = self.chosen_saved_address()
        if saved is not None:
            address = ShippingAddress.from_address(saved)
            if not address.region_code:  # saved before the region table; clean_address checked
                place = regions.resolve(address.province, address.city, address.district)
                address = replace(address, region_code=place.code)
            return address
        return ShippingAddress(
            **{
                f: self.new_address.cleaned_data.get(f, "")
                for f in ShippingAddress.__dataclass_fields__
            }
        )

    def address_to_save(self) -> Address | None:
        """An unsaved Address for the shopper's address book, if they asked for one."""
        if self.signed_in and self.wants_new_address and self.cleaned_data.get("save_address"):
            return self.new_address.save(commit=False)
        return None


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why would you like a refund?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us why you would like a refund.")},
    )
