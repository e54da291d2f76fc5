import pytest
from django.test import RequestFactory

from accounts.forms import AddressForm, LoginForm, ProfileForm, RegisterForm
from tests.accounts.factories import VALID_ADDRESS, UserFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "plum-blossom-lantern-42"


def register_data(**overrides) -> dict:
    return {
        "email": "li.wei@example.com",
        "first_name": "Li",
        "last_name": "Wei",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        **overrides,
    }


# --- RegisterForm -------------------------------------------------------------------------------


def test_register_form_accepts_new_email_and_lowercases_it():
    # Given a new email address typed with capitals
    form = RegisterForm(data=register_data(email="  Li.Wei@Example.COM "))

    # When it is validated
    valid = form.is_valid()

    # Then it passes and the address is stored lowercased
    assert valid, form.errors
    assert form.cleaned_data["email"] == "li.wei@example.com"


def test_register_form_rejects_email_already_registered_in_other_case():
    # Given an account for li.wei@example.com
    UserFactory(email="li.wei@example.com")

    # When someone registers LI.WEI@example.com
    form = RegisterForm(data=register_data(email="LI.WEI@example.com"))

    # Then the email field has an error
    assert not form.is_valid()
    assert form.errors["email"] == ["An account with this email address already exists."]


def test_register_form_rejects_mismatched_passwords():
    # Given two different passwords
    form = RegisterForm(data=register_data(password2="something-else-entirely-7"))

    # When validated / Then the confirmation field has an error
    assert not form.is_valid()
    assert "password2" in form.errors


# --- LoginForm ----------------------------------------------------------------------------------


def test_login_form_authenticates_email_typed_in_other_case():
    # Given a user registered as li.wei@example.com
    user = UserFactory(email="li.wei@example.com")

    # When they log in typing their address in capitals
    form = LoginForm(
        RequestFactory().post("/account/login/"),  # the lockout check needs the request
        data={"username": " Li.Wei@Example.com", "password": "correct-horse-battery"},
    )

    # Then the form finds them
    assert form.is_valid(), form.errors
    assert form.get_user() == user


# --- ProfileForm --------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "1381234567x", "12812345678", "138123456789"])
def test_profile_form_rejects_bad_mobile_number(phone):
    # Given a profile with a malformed mobile number
    form = ProfileForm(data={"first_name": "Li", "last_name": "Wei", "phone": phone})

    # When validated / Then the phone field has an error
    assert not form.is_valid()
    assert "phone" in form.errors


def test_profile_form_normalises_mobile_number():
    # Given a number with country code, spaces and dashes
    form = ProfileForm(data={"first_name": "Li", "last_name": "Wei", "phone": "+86 138-1234-5678"})

    # When validated / Then it is reduced to 11 digits
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "13812345678"


def test_profile_form_allows_empty_mobile_number():
    # Given no mobile number
    form = ProfileForm(data={"first_name": "Li", "last_name": "", "phone": ""})

    # When validated / Then it is accepted
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == ""


# --- AddressForm --------------------------------------------------------------------------------


def test_address_form_accepts_valid_chinese_address():
    # Given a complete address in Hangzhou
    form = AddressForm(data=VALID_ADDRESS)

    # When validated / Then it passes
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "raw", ["+86 138-1234-5678", "86 13812345678", "138 1234 5678", "(138)1234-5678"]
)
def test_address_form_normalises_mobile_number(raw):
    # Given a mobile number written the way people write it
    form = AddressForm(data={**VALID_ADDRESS, "phone": raw})

    # When validated / Then the stored number is 11 digits
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "13812345678"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "1381234567x"),
        ("phone", ""),
        ("postal_code", "20012"),
        ("postal_code", "abcdef"),
        ("postal_code", "2000100"),
        ("province", "加州"),
        ("province", ""),
        ("city", ""),
        ("district", ""),
        ("district", "   "),
        ("street", ""),
        ("recipient", ""),
    ],
)
def test_address_form_rejects_invalid_field(field, value):
    # Given an otherwise valid address with one bad field
    form = AddressForm(data={**VALID_ADDRESS, field: value})

    # When validated / Then exactly that field has an error
    assert not form.is_valid()
    assert list(form.errors) == [field]
