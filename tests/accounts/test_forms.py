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


# --- AddressForm: the region table ---------------------------------------------------------------


def test_address_form_refuses_district_of_another_city_on_the_district_field():
    # Given Beijing's 朝阳区 typed as a district of Shenzhen
    form = AddressForm(
        data={**VALID_ADDRESS, "province": "广东省", "city": "深圳市", "district": "朝阳区"}
    )

    # When validated / Then only the district is refused, saying where it was looked for
    assert not form.is_valid()
    assert form.errors == {"district": ["朝阳区 is not a district of 广东省深圳市."]}


def test_address_form_refuses_city_of_another_province_on_the_city_field():
    # Given Hangzhou typed as a city of Guangdong
    form = AddressForm(data={**VALID_ADDRESS, "province": "广东省", "city": "杭州市"})

    # When validated / Then the city is refused
    assert not form.is_valid()
    assert form.errors == {"city": ["杭州市 is not a city of 广东省."]}


def test_address_form_region_message_in_chinese():
    # Given the Chinese storefront
    from django.utils import translation

    with translation.override("zh-hans"):
        form = AddressForm(
            data={**VALID_ADDRESS, "province": "广东省", "city": "深圳市", "district": "朝阳区"}
        )
        # When validated / Then the message is in Chinese
        assert not form.is_valid()
        message = form.errors["district"][0]
    assert "朝阳区" in message and "广东省深圳市" in message
    assert "is not" not in message


@pytest.mark.parametrize(
    ("province", "city", "district", "code"),
    [
        ("北京市", "北京市", "朝阳区", "110105"),  # a municipality: one city named like it
        ("湖北省", "仙桃市", "仙桃市", "429004"),  # a county-level city under its province
        ("广东省", "东莞市", "东莞市", "441900"),  # a city with no districts
        ("浙江省", "杭州市", "西湖区", "330106"),
    ],
)
def test_address_form_accepts_the_table_places_and_stores_the_code(province, city, district, code):
    # Given a place the table has
    form = AddressForm(
        data={**VALID_ADDRESS, "province": province, "city": city, "district": district}
    )

    # When validated and saved
    assert form.is_valid(), form.errors
    address = form.save(commit=False)

    # Then the district's code is kept with the Chinese names
    assert form.cleaned_data["region_code"] == code
    assert (address.province, address.city, address.district) == (province, city, district)
    assert address.region_code == code


def test_address_form_offers_the_chosen_province_cities_and_city_districts():
    # Given a form posted with a district that is not in the city
    form = AddressForm(
        data={**VALID_ADDRESS, "province": "广东省", "city": "深圳市", "district": "朝阳区"}
    )

    # When it is shown again
    city_choices = [value for value, _ in form.fields["city"].choices]
    district_choices = [value for value, _ in form.fields["district"].choices]

    # Then the city select offers Guangdong's cities and the district select Shenzhen's districts
    assert "深圳市" in city_choices and "杭州市" not in city_choices
    assert "南山区" in district_choices and "朝阳区" not in district_choices


def test_address_form_editing_an_address_offers_its_city_districts():
    # Given a saved address in Shanghai, edited
    from tests.accounts.factories import AddressFactory

    form = AddressForm(instance=AddressFactory())

    # Then the district select offers Shanghai's districts, the saved one chosen
    html = str(form["district"])
    assert '<option value="浦东新区" selected data-code="310115">' in html
