"""Input and output of the account endpoints. Validation of an address is the address form's
(accounts.forms.AddressForm: the region table, mobile number, postal code), so the API and the
page accept exactly the same addresses."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.forms import AddressForm, ProfileForm, RegisterForm
from accounts.models import Address, User


def form_errors(form) -> dict:
    """A Django form's errors as DRF field errors (non-field ones under non_field_errors)."""
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


class UserOutput(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "email", "first_name", "last_name", "phone")
        read_only_fields = fields


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RevokedOutput(serializers.Serializer):
    """An empty object."""


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate(self, attrs):
        # The registration page's form: the same unique email check and password rules.
        form = RegisterForm(
            data={
                "email": attrs["email"],
                "first_name": attrs.get("first_name", ""),
                "last_name": attrs.get("last_name", ""),
                "password1": attrs["password"],
                "password2": attrs["password"],
            }
        )
        if not form.is_valid():
            errors = form_errors(form)
            for name in ("password1", "password2"):
                if name in errors:
                    errors.setdefault("password", [])
                    errors["password"] += [
                        m for m in errors.pop(name) if m not in errors["password"]
                    ]
            raise serializers.ValidationError(errors)
        return {**attrs, "email": form.cleaned_data["email"]}


class RegisterOutput(serializers.Serializer):
    user = UserOutput()
    tokens = TokenPairOutput()


class ProfileInput(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("An 11-digit mainland mobile number; spaces, dashes and +86 are accepted."),
    )

    def validate(self, attrs):
        user = self.context["user"]
        data = {
            "first_name": attrs.get("first_name", user.first_name),
            "last_name": attrs.get("last_name", user.last_name),
            "phone": attrs.get("phone", user.phone),
        }
        form = ProfileForm(data=data, instance=User(pk=user.pk))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {name: form.cleaned_data[name] for name in data}


class AccountAddressOutput(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = (
            "id",
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "region_code",
            "street",
            "postal_code",
            "is_default",
        )
        read_only_fields = fields


ADDRESS_FIELDS = (
    "recipient",
    "phone",
    "province",
    "city",
    "district",
    "street",
    "postal_code",
    "is_default",
)


class AddressInput(serializers.Serializer):
    """A whole address on create; on update (PATCH) only the fields that change."""

    recipient = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=20)
    province = serializers.CharField(max_length=20, help_text=_("A name from account/regions/."))
    city = serializers.CharField(max_length=40)
    district = serializers.CharField(max_length=40)
    street = serializers.CharField(max_length=200)
    postal_code = serializers.CharField(max_length=6)
    is_default = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        instance: Address | None = self.context.get("address")
        data = {}
        for name in ADDRESS_FIELDS:
            if name in attrs:
                data[name] = attrs[name]
            elif instance is not None:
                data[name] = getattr(instance, name)
        if not data.get("is_default"):
            data.pop("is_default", None)  # an unchecked box posts nothing
        form = AddressForm(data=data, instance=instance or Address())
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"address": form.save(commit=False)}


class RegionOutput(serializers.Serializer):
    code = serializers.CharField(help_text=_("Six digits of the national division codes."))
    name = serializers.CharField()


def password_help() -> str:
    return " ".join(password_validation.password_validators_help_texts())
