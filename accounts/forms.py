from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
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


class TelInput(forms.TextInput):
    """A phone number box: phones show their dial pad for it."""

    input_type = "tel"


def _phone_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Mobile number"),
        required=required,
        max_length=PHONE_INPUT_MAX_LENGTH,
        widget=TelInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
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


class RegionSelect(forms.Select):
    """A <select> of place names whose options carry their region code (`data-code`), so
    region-picker.js can fetch the places inside the chosen one."""

    def __init__(self, attrs=None, choices=(), codes: dict[str, str] | None = None):
        super().__init__(attrs, choices)
        self.codes = codes or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        code = self.codes.get(str(value))
        if code:
            option["attrs"]["data-code"] = code
        return option


class RegionChoiceField(forms.ChoiceField):
    """A place picked from the region table. Whether it lies in the place above it is checked by
    the form as a whole (AddressForm.clean), which can say so in words; the field itself checks
    only that something was chosen."""

    widget = RegionSelect

    def validate(self, value):
        forms.Field.validate(self, value)


def _region_choices(places: list[regions.Region], placeholder) -> tuple[list, dict[str, str]]:
    """A select's choices (the names, after a placeholder) and each name's code."""
    choices = [("", placeholder), *((p.name, p.name) for p in places)]
    return choices, {p.name: p.code for p in places}


class AddressForm(forms.ModelForm):
    """A delivery address. Province, city and district are picked from the region table
    (accounts.regions): the city's choices are the chosen province's cities and the district's
    the chosen city's districts (region-picker.js refills them in the browser), and the three
    must make a district of the table, whose code is stored as `region_code`. The names are
    stored in Chinese, as the courier reads them."""

    province = RegionChoiceField(label=_("Province"))
    city = RegionChoiceField(label=_("City"))
    district = RegionChoiceField(label=_("District"))
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province = regions.province_by_name(self._chosen("province"))
        city = regions.city_by_name(province.code, self._chosen("city")) if province else None
        for name, places, placeholder in (
            ("province", regions.provinces(), _("Choose a province")),
            ("city", regions.cities(province.code) if province else [], _("Choose a city")),
            ("district", regions.districts(city.code) if city else [], _("Choose a district")),
        ):
            field = self.fields[name]
            field.choices, field.widget.codes = _region_choices(places, placeholder)
        # What region-picker.js needs: which select each one refills, and where to ask.
        self.fields["province"].widget.attrs["data-region-children"] = self["city"].auto_id
        self.fields["city"].widget.attrs["data-region-children"] = self["district"].auto_id
        for name in ("province", "city", "district"):
            self.fields[name].widget.attrs["data-region-url"] = reverse(
                "accounts:region_children", args=["000000"]
            )
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def _chosen(self, name: str) -> str:
        """The place name the form shows for `name`: posted, else initial (an address edited)."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:
            value = self.get_initial_for_field(self.fields[name], name)
        return str(value or "").strip()

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

    def clean_province(self) -> str:
        return self._clean_place("province")

    def clean_city(self) -> str:
        return self._clean_place("city")

    def clean_district(self) -> str:
        return self._clean_place("district")

    def clean_street(self) -> str:
        return self._clean_place("street")

    def clean(self):
        cleaned_data = super().clean()
        names = [cleaned_data.get(f) for f in ("province", "city", "district")]
        if not all(names):
            return cleaned_data  # the missing one already has its message
        try:
            place = regions.resolve(*names)
        except regions.RegionError as error:
            self.add_error(error.field, region_error_message(error))
            return cleaned_data
        cleaned_data["region_code"] = place.code
        self.instance.region_code = place.code
        return cleaned_data


def region_error_message(error: regions.RegionError) -> str:
    """What to tell a shopper whose province, city or district the region table does not have
    there: "朝阳区 is not a district of 广东省深圳市"."""
    if error.field == "province":
        return _("%(name)s is not a province of mainland China.") % {"name": error.value}
    if error.field == "city":
        return _("%(name)s is not a city of %(place)s.") % {
            "name": error.value,
            "place": error.parent,
        }
    return _("%(name)s is not a district of %(place)s.") % {
        "name": error.value,
        "place": error.parent,
    }
