from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from . import regions
from .models import Address, User


class RegisterForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class LoginForm(auth_forms.AuthenticationForm):
    # Django's default says both fields "may be case-sensitive"; here the email is not.
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address and password do not match an account. Passwords are case-sensitive."
        ),
    }
    username = auth_forms.UsernameField(
        label=_("Email address"),
        max_length=254,  # an email address is never longer
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# Room for "+86 138-1234-5678": the number is normalised to 11 digits in clean_phone, so the
# model's max_length=11 must not reject the raw input first.
PHONE_INPUT_MAX_LENGTH = 20


def _phone_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Mobile number"),
        required=required,
        max_length=PHONE_INPUT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ProfileForm(forms.ModelForm):
    phone = _phone_field(required=False)

    class Meta:
        model = User
        fields = ("first_name", "last_name", "phone")

    def clean_phone(self) -> str:
        phone = regions.normalise_mobile(self.cleaned_data.get("phone", ""))
        if phone and not regions.is_mobile(phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number, e.g. 13812345678."))
        return phone


class AddressForm(forms.ModelForm):
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", _("Choose a province")), *[(p, p) for p in regions.PROVINCES]],
    )
    phone = _phone_field(required=True)

    class Meta:
        model = Address
        fields = (
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "street",
            "postal_code",
            "is_default",
        )
        labels = {"is_default": _("Use as my default address")}
        widgets = {
            "recipient": forms.TextInput(attrs={"autocomplete": "name"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 6, "autocomplete": "postal-code"}
            ),
        }

    def clean_phone(self) -> str:
        phone = regions.normalise_mobile(self.cleaned_data.get("phone", ""))
        if not regions.is_mobile(phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number, e.g. 13812345678."))
        return phone

    def clean_postal_code(self) -> str:
        code = (self.cleaned_data.get("postal_code") or "").strip()
        if not regions.is_postal_code(code):
            raise forms.ValidationError(_("A postal code has 6 digits, e.g. 200000."))
        return code

    def _clean_place(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value

    def clean_city(self) -> str:
        return self._clean_place("city")

    def clean_district(self) -> str:
        return self._clean_place("district")

    def clean_street(self) -> str:
        return self._clean_place("street")
