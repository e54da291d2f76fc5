"""The account endpoints: register, profile, addresses with the region table, regions; and the
token sign-in refusing a locked-out account."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Address, User
from tests.accounts.factories import PASSWORD, AddressFactory, UserFactory
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "王小明",
    "phone": "+86 138-1234-5678",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "street": "科技园 1 号",
    "postal_code": "518000",
}


# --- Register -----------------------------------------------------------------------------------
def test_register_creates_the_shopper_and_signs_the_app_in(anon):
    response = anon.post(
        "/api/v1/account/register/",
        {"email": " Mei@Example.com", "password": "a long pass phrase", "first_name": "Mei"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "mei@example.com"
    assert body["user"]["first_name"] == "Mei"
    user = User.objects.get(email="mei@example.com")
    assert user.check_password("a long pass phrase")
    profile = anon.get(
        "/api/v1/account/profile/", HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}"
    )
    assert profile.json()["id"] == user.pk
    refreshed = anon.post("/api/v1/auth/token/refresh/", {"refresh": body["tokens"]["refresh"]})
    assert refreshed.status_code == 200


def test_register_refuses_a_taken_email_and_a_weak_password(anon, shopper):
    taken = anon.post(
        "/api/v1/account/register/", {"email": shopper.email.upper(), "password": "x9!long-enough"}
    )
    assert taken.status_code == 400
    assert taken.json()["errors"][0]["attr"] == "email"
    weak = anon.post("/api/v1/account/register/", {"email": "new@example.com", "password": "123"})
    assert weak.status_code == 400
    assert {e["attr"] for e in weak.json()["errors"]} == {"password"}
    assert not User.objects.filter(email="new@example.com").exists()


# --- Profile ------------------------------------------------------------------------------------
def test_profile_needs_a_signed_in_shopper(anon):
    assert anon.get("/api/v1/account/profile/").status_code == 401
    assert anon.patch("/api/v1/account/profile/", {"first_name": "X"}).status_code == 401


def test_profile_shows_only_the_callers_own(shopper, other_shopper):
    body = bearer(other_shopper).get("/api/v1/account/profile/").json()
    assert body["email"] == other_shopper.email


def test_profile_update_changes_only_the_fields_sent_and_normalises_the_phone(shopper):
    shopper.first_name, shopper.last_name = "Ann", "Lee"
    shopper.save()
    response = bearer(shopper).patch("/api/v1/account/profile/", {"phone": "+86 139-0000-1111"})
    assert response.status_code == 200, response.content
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.last_name, shopper.phone) == ("Ann", "Lee", "13900001111")
    assert response.json()["phone"] == "13900001111"


def test_profile_update_refuses_a_phone_that_is_not_a_mobile_number(shopper):
    response = bearer(shopper).patch("/api/v1/account/profile/", {"phone": "12345"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "phone"
    shopper.refresh_from_db()
    assert shopper.phone == ""


# --- Addresses ----------------------------------------------------------------------------------
def test_address_create_checks_the_region_table_and_stores_the_district_code(shopper):
    response = bearer(shopper).post("/api/v1/account/addresses/", ADDRESS)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region_code"] == "440305"
    assert body["phone"] == "13812345678"
    assert body["is_default"] is True  # the first address
    assert Address.objects.get(user=shopper).district == "南山区"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"district": "朝阳区"}, "district", "朝阳区 is not a district of 广东省深圳市"),
        ({"city": "杭州市"}, "city", "杭州市 is not a city of 广东省"),
        ({"province": "Atlantis"}, "province", "Atlantis is not a province"),
        ({"postal_code": "51800"}, "postal_code", "6 digits"),
        ({"phone": "12345"}, "phone", "11-digit"),
    ],
)
def test_address_create_refuses_what_the_address_form_refuses(shopper, change, field, words):
    response = bearer(shopper).post("/api/v1/account/addresses/", {**ADDRESS, **change})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["attr"] for e in errors] == [field]
    assert words in errors[0]["detail"]
    assert not Address.objects.exists()


def test_address_create_missing_fields_are_field_errors(shopper):
    response = bearer(shopper).post("/api/v1/account/addresses/", {"recipient": "王"})
    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert {"phone", "province", "city", "district", "street", "postal_code"} <= attrs


def test_address_list_shows_only_the_callers_addresses_default_first(shopper, other_shopper):
    AddressFactory(user=shopper, street="old", is_default=False)
    default = AddressFactory(user=shopper, street="home", is_default=True)
    AddressFactory(user=other_shopper, street="theirs", is_default=True)
    body = bearer(shopper).get("/api/v1/account/addresses/").json()
    assert body["count"] == 2
    assert [a["street"] for a in body["results"]] == ["home", "old"]
    assert body["results"][0]["id"] == default.pk


def test_address_list_costs_the_same_queries_whatever_the_page_size(shopper):
    for n in range(25):
        AddressFactory(user=shopper, street=f"road {n}", is_default=n == 0)
    client = bearer(shopper)
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/account/addresses/?page_size={size}").json()
        assert len(body["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_someone_elses_address_is_a_404_for_every_operation(shopper, other_shopper):
    theirs = AddressFactory(user=other_shopper, is_default=True)
    client = bearer(shopper)
    url = f"/api/v1/account/addresses/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"street": "mine now"}).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.post(f"{url}default/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.street != "mine now"


def test_address_update_changes_the_fields_sent_and_checks_the_whole_address(shopper):
    address = AddressFactory(user=shopper, is_default=True)
    client = bearer(shopper)
    url = f"/api/v1/account/addresses/{address.pk}/"
    moved = client.patch(url, {"city": "广州市", "district": "天河区", "province": "广东省"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["region_code"] == "440106"
    assert moved.json()["street"] == address.street
    wrong = client.patch(url, {"district": "浦东新区"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["attr"] == "district"
    address.refresh_from_db()
    assert (address.city, address.district) == ("广州市", "天河区")


def test_make_default_and_delete_keep_exactly_one_default(shopper):
    first = AddressFactory(user=shopper, is_default=True)
    second = AddressFactory(user=shopper, is_default=False)
    client = bearer(shopper)
    made = client.post(f"/api/v1/account/addresses/{second.pk}/default/")
    assert made.status_code == 200
    assert made.json()["is_default"] is True
    first.refresh_from_db()
    assert first.is_default is False
    assert client.delete(f"/api/v1/account/addresses/{second.pk}/").status_code == 204
    first.refresh_from_db()
    assert first.is_default is True
    assert client.get(f"/api/v1/account/addresses/{second.pk}/").status_code == 404


def test_addresses_need_a_signed_in_shopper(anon):
    assert anon.get("/api/v1/account/addresses/").status_code == 401
    assert anon.post("/api/v1/account/addresses/", ADDRESS).status_code == 401


# --- Regions ------------------------------------------------------------------------------------
def test_regions_go_from_provinces_to_cities_to_districts(anon):
    provinces = anon.get("/api/v1/account/regions/").json()
    guangdong = next(p for p in provinces if p["name"] == "广东省")
    cities = anon.get(f"/api/v1/account/regions/?parent={guangdong['code']}").json()
    shenzhen = next(c for c in cities if c["name"] == "深圳市")
    districts = anon.get(f"/api/v1/account/regions/?parent={shenzhen['code']}").json()
    assert {"code": "440305", "name": "南山区"} in districts


def test_an_unknown_region_code_is_a_404(anon):
    response = anon.get("/api/v1/account/regions/?parent=999999")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


# --- Token sign-in and the lockout --------------------------------------------------------------
def test_a_locked_out_account_is_refused_tokens_with_a_json_429(settings):
    mei = UserFactory(email="mei@example.com")
    from rest_framework.test import APIClient

    client = APIClient(REMOTE_ADDR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"email": mei.email, "password": "wrong"})
    right = client.post("/api/v1/auth/token/", {"email": mei.email, "password": PASSWORD})
    assert right.status_code == 429, right.content
    body = right.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "throttled"
    assert int(right["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Too many failed attempts" in body["errors"][0]["detail"]
    assert "access" not in body
    # Another address is not locked out of the same account.
    elsewhere = APIClient(REMOTE_ADDR="203.0.113.9")
    ok = elsewhere.post("/api/v1/auth/token/", {"email": mei.email, "password": PASSWORD})
    assert ok.status_code == 200
