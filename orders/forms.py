"""Checkout and order-page forms. They validate what the shopper typed; orders/services.py decides
whether the order can be placed or changed."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import regions
from accounts.forms import AddressForm, region_error_message
from accounts.models import Address
from logistics import selectors as logistics_selectors
from logistics.selectors import DeliveryOption, Slot

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
    # The options are those that serve the address chosen (or typed) in this same form, quoted
    # by the view for it (orders.services.checkout_delivery_options); a choice that does not
    # serve it is an error, and the options shown are the ones that do.
    shipping_method = forms.CharField(
        label=_("Delivery option"),
        error_messages={"required": _("Please choose a delivery option.")},
    )
    delivery_slot = forms.CharField(label=_("Delivery slot"), required=False)

    def __init__(
        self,
        data=None,
        *,
        user,
        saved_addresses: list[Address],
        options: list[DeliveryOption],
        initial: dict | None = None,
    ):
        super().__init__(data, initial=initial)
        self.signed_in = user is not None and user.is_authenticated
        self.saved_addresses = saved_addresses if self.signed_in else []
        self.options = options
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

    def clean_shipping_method(self) -> DeliveryOption:
        wanted = self.cleaned_data["shipping_method"]
        option = next((o for o in self.options if str(o.method.pk) == wanted), None)
        if option is None:
            if not self.options:
                raise forms.ValidationError(
                    _("No delivery option serves this address. Please check the address.")
                )
            if logistics_selectors.shipping_method_active(pk=wanted) is not None:
                raise forms.ValidationError(
                    _(
                        "The delivery option you chose does not deliver to this address. "
                        "Please choose one of the options shown."
                    )
                )
            raise forms.ValidationError(_("Please choose one of the delivery options shown."))
        return option

    def clean(self):
        cleaned = super().clean()
        option = cleaned.get("shipping_method")
        if option is not None and option.is_local:
            slot = option.slot(cleaned.get("delivery_slot"))
            if slot is None:
                self.add_error("delivery_slot", _("Please choose a delivery slot."))
            cleaned["slot"] = slot
        return cleaned

    def chosen_slot(self) -> Slot | None:
        return self.cleaned_data.get("slot")

    @property
    def selected_address(self) -> str:
        """The address choice to show as checked (what was posted, else the initial one)."""
        return str(self["address"].value() or "") if "address" in self.fields else NEW_ADDRESS

    # The options list refreshed for a changed address (views.checkout_delivery_options) keeps
    # the choice if it still serves the address, else checks the first option.
    preselect_first_option = False

    @property
    def selected_shipping_method(self) -> str:
        chosen = str(self["shipping_method"].value() or "")
        offered = [str(o.method.pk) for o in self.options]
        if self.preselect_first_option and offered and chosen not in offered:
            return offered[0]
        return chosen

    @property
    def selected_slot(self) -> str:
        return str(self["delivery_slot"].value() or "")

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
