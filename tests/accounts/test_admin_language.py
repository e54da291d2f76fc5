"""Admin in the staff member's language: the header's switch, the stored choice, and the
middleware that applies it to admin pages asked for without a language prefix."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def switch_url(code: str) -> str:
    return reverse("accounts:admin_language", args=[code])


@pytest.mark.parametrize(
    ("path", "other", "other_name"),
    [("/admin/", "zh-hans", "简体中文"), ("/zh-hans/admin/", "en", "English")],
)
def test_the_admin_header_offers_the_other_language(client, path, other, other_name):
    staff = StaffFactory(preferred_language="en" if other == "zh-hans" else "zh-hans")
    client.force_login(staff)

    page = client.get(path).content.decode()

    assert 'data-testid="admin-languages"' in page
    assert f'action="{switch_url(other)}"' in page
    assert other_name in page


def test_choosing_chinese_stores_it_and_shows_the_same_page_in_chinese(client):
    staff = StaffFactory(preferred_language="")
    client.force_login(staff)

    response = client.post(switch_url("zh-hans"), {"next": "/admin/catalog/product/?q=lamp"})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/catalog/product/?q=lamp"
    staff.refresh_from_db()
    assert staff.preferred_language == "zh-hans"
    assert response.cookies["django_language"].value == "zh-hans"


def test_choosing_english_leads_back_to_the_unprefixed_admin(client):
    staff = StaffFactory(preferred_language="zh-hans")
    client.force_login(staff)

    response = client.post(switch_url("en"), {"next": "/zh-hans/admin/orders/order/"})

    assert response["Location"] == "/admin/orders/order/"
    staff.refresh_from_db()
    assert staff.preferred_language == "en"
    assert client.get("/admin/").status_code == 200


def test_an_unprefixed_admin_page_follows_the_stored_choice(client):
    client.force_login(StaffFactory(preferred_language="zh-hans"))

    response = client.get("/admin/catalog/product/?o=1")

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/catalog/product/?o=1"


def test_the_stored_english_wins_over_a_chinese_browser(client):
    client.force_login(StaffFactory(preferred_language="en"))

    response = client.get("/admin/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"


def test_an_explicit_prefix_is_kept(client):
    client.force_login(StaffFactory(preferred_language="zh-hans"))

    response = client.get("/zh-hans/admin/")

    assert response.status_code == 200
    assert "站点管理" in response.content.decode() or "管理" in response.content.decode()


def test_a_merchant_lands_in_their_language_after_signing_in(client):
    staff = StaffFactory(preferred_language="zh-hans")

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "next": "/admin/"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/zh-hans/admin/"
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_login_page_follows_the_browser_before_anyone_signs_in(client):
    response = client.get("/admin/login/", headers={"accept-language": "zh-CN"})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/login/"


def test_an_unknown_language_is_not_found_and_a_get_is_refused(client):
    client.force_login(StaffFactory())

    assert client.post(switch_url("fr"), {"next": "/admin/"}).status_code == 404
    assert client.get(switch_url("zh-hans")).status_code == 405


def test_a_next_on_another_site_is_not_followed(client):
    client.force_login(StaffFactory())

    response = client.post(switch_url("zh-hans"), {"next": "https://evil.example/admin/"})

    assert response["Location"] == "/zh-hans/admin/"
