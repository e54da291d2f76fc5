import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import Address, User
from tests.accounts.factories import PASSWORD, VALID_ADDRESS, AddressFactory, UserFactory
from tests.orders.factories import fill_cart, variant_in_stock

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-blossom-lantern-42"


@pytest.fixture
def user():
    return UserFactory(email="li.wei@example.com")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- Registration -------------------------------------------------------------------------------


def test_register_creates_user_and_logs_them_in(client):
    # When a visitor registers
    response = client.post(
        reverse("accounts:register"),
        {
            "email": "New.Shopper@Example.com",
            "first_name": "Mei",
            "last_name": "Chen",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    # Then the account exists, they are logged in and land on their profile
    user = User.objects.get(email="new.shopper@example.com")
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert logged_in_user_id(client) == str(user.pk)


def registration(**extra) -> dict:
    return {
        "email": "new.shopper@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


def test_registering_from_the_checkout_goes_back_to_the_checkout(client):
    # Given a shopper who followed the checkout's "create an account" link
    checkout = reverse("orders:checkout")
    page = client.get(reverse("accounts:register"), {"next": checkout}).content.decode()
    assert f'name="next" value="{checkout}"' in page

    # When they register
    response = client.post(reverse("accounts:register"), registration(next=checkout))

    # Then they are signed in and back in the checkout
    assert response.status_code == 302
    assert response.url == checkout
    assert logged_in_user_id(client) is not None


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/checkout/", "javascript:alert(1)", "abc", "é密钥"],
)
def test_registering_never_sends_the_shopper_to_another_site(client, next_url):
    response = client.post(reverse("accounts:register"), registration(next=next_url))

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")


def test_the_checkout_offers_to_register_and_come_back(client):
    # Given a guest with something in the cart
    session = client.session
    fill_cart((variant_in_stock(), 1), session=session)
    session.save()

    # When they open the checkout
    html = client.get(reverse("orders:checkout")).content.decode()

    # Then its register link brings them back to it
    assert f'href="{reverse("accounts:register")}?next={reverse("orders:checkout")}"' in html


def test_the_login_pages_register_link_keeps_where_to_go_next(client):
    html = client.get(reverse("accounts:login"), {"next": "/checkout/"}).content.decode()

    assert f'href="{reverse("accounts:register")}?next=/checkout/"' in html


def test_register_with_email_taken_in_other_case_shows_error(client, user):
    # When someone registers the existing address in capitals
    response = client.post(
        reverse("accounts:register"),
        {"email": "LI.WEI@EXAMPLE.COM", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # Then the form comes back with the error and no second account exists
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert b"An account with this email address already exists." in response.content
    assert User.objects.filter(email__iexact="li.wei@example.com").count() == 1
    assert logged_in_user_id(client) is None


# --- Login / logout -----------------------------------------------------------------------------


def test_login_page_links_to_password_reset_and_register(client):
    # When a visitor opens the login page
    response = client.get(reverse("accounts:login"))

    # Then it offers the reset and register links
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("accounts:password_reset") in content
    assert reverse("accounts:register") in content


def test_login_with_email_logs_in(client, user):
    # When the user logs in with their email address
    response = client.post(
        reverse("accounts:login"), {"username": "li.wei@example.com", "password": PASSWORD}
    )

    # Then they are logged in and sent to their profile
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_wrong_password_shows_error(client, user):
    # When the user types a wrong password
    response = client.post(
        reverse("accounts:login"), {"username": "li.wei@example.com", "password": "wrong-one"}
    )

    # Then the page comes back with a non-field error and nobody is logged in
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert b"That email address and password do not match an account." in response.content
    assert logged_in_user_id(client) is None


def test_logout_by_get_is_refused(logged_in, user):
    # When a logged-in user's browser GETs the logout URL (e.g. from a crafted link)
    response = logged_in.get(reverse("accounts:logout"))

    # Then it is refused and they stay logged in
    assert response.status_code == 405
    assert logged_in_user_id(logged_in) == str(user.pk)


def test_logout_by_post_logs_out(logged_in):
    # When the user posts to the logout URL
    response = logged_in.post(reverse("accounts:logout"))

    # Then they are logged out
    assert response.status_code == 302
    assert logged_in_user_id(logged_in) is None


# --- Password reset -----------------------------------------------------------------------------


def reset_link_from(body: str) -> str:
    match = re.search(r"http://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


def test_password_reset_flow_end_to_end(client, user, mailoutbox):
    # Given the user asked for a reset link
    response = client.post(reverse("accounts:password_reset"), {"email": "Li.Wei@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li.wei@example.com"]
    assert "\n" not in mailoutbox[0].subject
    assert settings.SHOP_NAME in mailoutbox[0].subject
    assert settings.SHOP_NAME in mailoutbox[0].body
    link = reset_link_from(mailoutbox[0].body)

    # When they open the link and choose a new password
    response = client.get(link, follow=True)
    set_password_url = response.redirect_chain[-1][0]
    assert response.context["validlink"] is True
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    # Then the reset completes and they can log in with the new password, not the old one
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert client.get(response.url).status_code == 200
    login_url = reverse("accounts:login")
    client.post(login_url, {"username": "li.wei@example.com", "password": PASSWORD})
    assert logged_in_user_id(client) is None
    client.post(login_url, {"username": "li.wei@example.com", "password": NEW_PASSWORD})
    assert logged_in_user_id(client) == str(user.pk)


def test_password_reset_link_cannot_be_used_twice(client, user, mailoutbox):
    # Given the user has already reset their password through a link
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = reset_link_from(mailoutbox[0].body)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.cookies.clear()

    # When the same link is opened again
    response = client.get(link, follow=True)

    # Then it is shown as invalid
    assert response.context["validlink"] is False


def test_password_reset_with_invalid_token_shows_invalid_link_page(client, user):
    # When someone opens a reset URL with a made-up token
    response = client.get(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": "MQ", "token": "abc123-0123456789abcdef0123456789abcdef"},
        )
    )

    # Then the invalid-link page is shown with a way to ask for a new link, and no form
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert b"This link no longer works" in response.content
    assert reverse("accounts:password_reset").encode() in response.content
    assert b"new_password1" not in response.content


def test_password_reset_for_unknown_email_sends_nothing(client, mailoutbox):
    # When a reset is requested for an address with no account
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    # Then the same "check your email" page follows, but no email is sent
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_reset_requested_in_chinese_links_to_chinese_page(client, user, mailoutbox):
    # When the reset is requested from the Chinese site
    client.post("/zh-hans/account/password-reset/", {"email": user.email})

    # Then the emailed link opens the Chinese page
    assert reset_link_from(mailoutbox[0].body).startswith("/zh-hans/account/password-reset/")


# --- Profile ------------------------------------------------------------------------------------


def test_profile_edit_saves(logged_in, user):
    # When the user edits their profile
    response = logged_in.post(
        reverse("accounts:profile"),
        {"first_name": "Lei", "last_name": "Wang", "phone": "139 1234 5678"},
    )

    # Then it is saved (phone normalised) and they are sent back to the profile
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone) == ("Lei", "Wang", "13912345678")


@pytest.mark.parametrize("phone", ["12345", "1381234567x"])
def test_profile_edit_with_bad_mobile_shows_error(logged_in, user, phone):
    # When the user enters a malformed mobile number
    response = logged_in.post(
        reverse("accounts:profile"), {"first_name": "Lei", "last_name": "Wang", "phone": phone}
    )

    # Then the form comes back with an error on the phone field and nothing is saved
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert b'class="errorlist"' in response.content
    user.refresh_from_db()
    assert (user.first_name, user.phone) == ("Li", "")


# --- Address book -------------------------------------------------------------------------------


def test_address_create_saves_valid_chinese_address(logged_in, user):
    # When the user adds an address in Hangzhou
    response = logged_in.post(reverse("accounts:address_create"), VALID_ADDRESS)

    # Then it is stored for them and they are back at the address book
    assert response.status_code == 302
    assert response.url == reverse("accounts:addresses")
    address = Address.objects.get(user=user)
    assert address.one_line == "浙江省 杭州市 西湖区 文三路 90 号 3 幢 201 室"
    assert (address.phone, address.postal_code) == ("13812345678", "310012")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("postal_code", "20012"),
        ("postal_code", "abcdef"),
        ("province", "加利福尼亚州"),
        ("district", ""),
    ],
)
def test_address_create_with_invalid_field_shows_error_and_creates_nothing(logged_in, field, value):
    # When the user submits an address with one invalid field
    response = logged_in.post(reverse("accounts:address_create"), {**VALID_ADDRESS, field: value})

    # Then the form comes back with that field's error and nothing is stored
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Address.objects.exists()


def test_address_create_normalises_mobile_number(logged_in, user):
    # When the user writes the number with country code, spaces and dashes
    logged_in.post(
        reverse("accounts:address_create"), {**VALID_ADDRESS, "phone": "+86 138-1234-5678"}
    )

    # Then it is stored as 11 digits
    assert Address.objects.get(user=user).phone == "13812345678"


def test_first_address_becomes_default(logged_in, user):
    # When the user adds their first address without ticking "default"
    logged_in.post(reverse("accounts:address_create"), VALID_ADDRESS)

    # Then it is their default
    assert Address.objects.get(user=user).is_default is True


def test_make_default_leaves_exactly_one_default(logged_in, user):
    # Given a default address and another one
    AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    # When the user makes the other one default
    response = logged_in.post(reverse("accounts:address_default", args=[other.pk]))

    # Then it is the only default
    assert response.status_code == 302
    assert list(Address.objects.filter(user=user, is_default=True)) == [other]


def test_delete_default_address_promotes_another(logged_in, user):
    # Given a default address and another one
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    # When the user deletes the default
    response = logged_in.post(reverse("accounts:address_delete", args=[default.pk]))

    # Then the other one is now the default
    assert response.status_code == 302
    assert list(Address.objects.filter(user=user)) == [other]
    other.refresh_from_db()
    assert other.is_default is True


def test_delete_address_by_get_is_refused(logged_in, user):
    # Given an address
    address = AddressFactory(user=user, is_default=True)

    # When a GET hits the delete URL
    response = logged_in.get(reverse("accounts:address_delete", args=[address.pk]))

    # Then nothing is deleted
    assert response.status_code == 405
    assert Address.objects.filter(pk=address.pk).exists()


def test_address_list_shows_cards_with_default_tag_and_actions(logged_in, user):
    # Given a default address and another one
    default = AddressFactory(user=user, is_default=True, recipient="王小明")
    other = AddressFactory(user=user, recipient="李雷", phone="13987654321", postal_code="100010")

    # When the user opens the address book
    response = logged_in.get(reverse("accounts:addresses"))

    # Then each address is a card with its details and actions; only the default is tagged
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('class="address-card') == 2
    assert content.count('class="address-card is-default"') == 1
    assert content.count('<span class="tag">Default</span>') == 1
    for text in ("李雷", "13987654321", "100010", other.one_line, default.one_line):
        assert text in content
    assert reverse("accounts:address_edit", args=[other.pk]) in content
    assert reverse("accounts:address_delete", args=[other.pk]) in content
    assert reverse("accounts:address_default", args=[other.pk]) in content
    assert reverse("accounts:address_default", args=[default.pk]) not in content


def test_address_list_query_count_does_not_grow(logged_in, user, django_assert_max_num_queries):
    # Given a user with many addresses
    AddressFactory(user=user, is_default=True)
    AddressFactory.create_batch(20, user=user)

    # When they open the address book / Then a fixed handful of queries serves it
    with django_assert_max_num_queries(6):
        response = logged_in.get(reverse("accounts:addresses"))
    assert response.status_code == 200


def test_address_edit_saves_changes(logged_in, user):
    # Given an address
    address = AddressFactory(user=user, is_default=True)

    # When the user changes the street
    response = logged_in.post(
        reverse("accounts:address_edit", args=[address.pk]),
        {**VALID_ADDRESS, "street": "南山路 1 号"},
    )

    # Then it is saved
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.street == "南山路 1 号"


# --- Other users' addresses: crafted URLs --------------------------------------------------------


@pytest.fixture
def strangers_address():
    return AddressFactory(user=UserFactory(email="stranger@example.com"), is_default=True)


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "accounts:address_edit"),
        ("post", "accounts:address_edit"),
        ("post", "accounts:address_delete"),
        ("post", "accounts:address_default"),
    ],
)
def test_user_cannot_touch_another_users_address(logged_in, strangers_address, method, url_name):
    # Given another user's address
    before = Address.objects.values().get(pk=strangers_address.pk)

    # When the logged-in user crafts a URL to it
    url = reverse(url_name, args=[strangers_address.pk])
    response = getattr(logged_in, method)(url, VALID_ADDRESS if method == "post" else None)

    # Then it is not found and the address is unchanged
    assert response.status_code == 404
    assert Address.objects.values().get(pk=strangers_address.pk) == before


def test_address_book_lists_only_own_addresses(logged_in, user, strangers_address):
    # Given the user's own address and a stranger's
    AddressFactory(user=user, recipient="本人")

    # When the user opens their address book
    response = logged_in.get(reverse("accounts:addresses"))

    # Then only their own address is listed
    assert list(response.context["addresses"]) == list(Address.objects.filter(user=user))
    assert strangers_address.recipient not in response.content.decode()


# --- Anonymous visitors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "accounts:profile", []),
        ("get", "accounts:addresses", []),
        ("get", "accounts:address_create", []),
        ("get", "accounts:address_edit", [1]),
        ("post", "accounts:address_delete", [1]),
        ("post", "accounts:address_default", [1]),
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, method, url_name, args):
    # When an anonymous visitor opens an account page
    url = reverse(url_name, args=args)
    response = getattr(client, method)(url)

    # Then they are redirected to the login page, coming back afterwards
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_logged_in_user_opening_login_goes_to_profile(logged_in):
    # When a logged-in user opens the login page
    response = logged_in.get(reverse("accounts:login"))

    # Then they are sent to their profile
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")


# --- Pages render, in both languages ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hans/account/login/",
        "/zh-hans/account/register/",
        "/zh-hans/account/password-reset/",
        "/zh-hans/account/password-reset/sent/",
        "/zh-hans/account/password-reset/done/",
    ],
)
def test_chinese_pages_render(client, path):
    # When a visitor opens the Chinese page
    response = client.get(path)

    # Then it renders in the Chinese layout
    assert response.status_code == 200
    assert b'<html lang="zh-hans">' in response.content


@pytest.mark.parametrize(
    ("url_name", "current_link"),
    [
        ("accounts:profile", 'href="/account/" aria-current="page"'),
        ("accounts:addresses", 'href="/account/addresses/" aria-current="page"'),
        ("accounts:address_create", 'href="/account/addresses/" aria-current="true"'),
    ],
)
def test_account_menu_marks_current_section(logged_in, url_name, current_link):
    # When the user opens an account page
    response = logged_in.get(reverse(url_name))

    # Then the account menu marks the section they are in, and only that one
    content = response.content.decode()
    start = content.index('class="account-menu"')
    menu = content[start : content.index("</ul>", start)]
    assert response.status_code == 200
    assert current_link in menu
    assert menu.count("aria-current") == 1


def test_address_form_has_region_selects_and_text_inputs(logged_in):
    # When the user opens the new-address form
    content = logged_in.get(reverse("accounts:address_create")).content.decode()

    # Then province, city and district are selects (the province's options carry their code,
    # the city and district wait for a choice above them); the rest are text inputs in a grid,
    # the phone number a tel box (a phone's number pad)
    assert '<option value="浙江省" data-code="330000">浙江省</option>' in content
    for name in ("city", "district"):
        assert re.search(rf'<select name="{name}"[^>]*data-region-url=', content), name
    for name in ("street", "postal_code"):
        assert re.search(rf'<input type="text" name="{name}"', content), name
    assert re.search(r'<input type="tel" name="phone"', content)
    assert 'class="form-grid"' in content


# --- The region table: storing the code, the pickers' JSON ----------------------------------------


def test_address_create_stores_the_district_code(logged_in, user):
    # When the user saves an address in Hangzhou's 西湖区
    logged_in.post(reverse("accounts:address_create"), VALID_ADDRESS)

    # Then its district's code is stored with the names
    assert Address.objects.get(user=user).region_code == "330106"


def test_address_create_with_a_district_of_another_city_explains_and_reoffers(logged_in, user):
    # When the user posts Beijing's 朝阳区 as a district of Shenzhen
    response = logged_in.post(
        reverse("accounts:address_create"),
        {**VALID_ADDRESS, "province": "广东省", "city": "深圳市", "district": "朝阳区"},
    )

    # Then nothing is saved, the district says why, and it offers Shenzhen's districts
    html = response.content.decode()
    assert response.status_code == 200
    assert not Address.objects.filter(user=user).exists()
    assert "朝阳区 is not a district of 广东省深圳市." in html
    assert '<option value="南山区" data-code="440305">' in html


def test_region_children_lists_a_province_cities(client):
    response = client.get(reverse("accounts:region_children", args=["440000"]))

    body = response.json()
    assert response.status_code == 200
    assert {"code": "440300", "name": "深圳市"} in body["regions"]
    assert all(place["code"].startswith("44") for place in body["regions"])
    assert "max-age=86400" in response["Cache-Control"]


def test_region_children_lists_a_city_districts(client):
    response = client.get(reverse("accounts:region_children", args=["440300"]))

    assert {"code": "440305", "name": "南山区"} in response.json()["regions"]


def test_region_children_of_a_city_that_is_its_own_district(client):
    response = client.get(reverse("accounts:region_children", args=["441900"]))

    assert response.json()["regions"] == [{"code": "441900", "name": "东莞市"}]


@pytest.mark.parametrize("code", ["999999", "440305", "abc"])
def test_region_children_of_an_unknown_code_is_a_json_404(client, code):
    # A district has no children; the others are no places at all
    response = client.get(reverse("accounts:region_children", args=[code]))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_the_address_book_asks_to_fix_an_address_its_names_do_not_place(logged_in, user):
    AddressFactory(user=user, region_code="", district="朝阳区")  # not a district of Shanghai
    AddressFactory(user=user, recipient="好地址", region_code="310115")

    html = logged_in.get(reverse("accounts:addresses")).content.decode()

    assert html.count("Its city or district is not in our list of places") == 1
