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
    username = auth_forms.UsernameField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "phone")
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})}

    def clean_phone(self) -> str:
        phone = regions.normalise_mobile(self.cleaned_data.get("phone", ""))
        if phone and not regions.is_mobile(phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number, e.g. 13812345678."))
        return phone


class AddressForm(forms.ModelForm):
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", _("Choose a province"))] + [(p, p) for p in regions.PROVINCES],
    )

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
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}),
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
