"""Bad input the views never see or cannot check gets a 4xx page, never a server error."""

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/orders/guest/A\x00B/token/", {}),
        ("post", "/account/login/", {"username": "a\x00@example.com", "password": "x"}),
        ("post", "/cart/add/", {"variant": "1\x00"}),
    ],
)
def test_a_nul_character_in_the_path_or_a_posted_form_is_a_400(client, method, url, data):
    response = getattr(client, method)(url, data)

    assert response.status_code == 400
    assert "We couldn" in response.content.decode()


def test_a_nul_character_in_the_query_string_is_taken_out(client):
    response = client.get("/search/", {"q\x00": "tea\x00pot", "page": "\x00"})

    assert response.status_code == 200
    assert response.wsgi_request.GET.dict() == {"q": "teapot", "page": ""}


def test_a_media_name_too_long_for_the_file_system_is_a_404(client):
    response = client.get("/media/" + "x" * 3000)

    assert response.status_code == 404


def test_an_admin_add_page_ignores_a_malformed_preselected_id():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/catalog/productvariant/add/", {"product": "not-an-id"})

    assert response.status_code == 200


@pytest.mark.parametrize("product", ["not-an-id", "9" * 40])
def test_an_admin_form_posted_with_a_malformed_id_shows_the_field_error(product):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post("/admin/catalog/productvariant/add/", {"product": product})

    assert response.status_code == 200
    assert "errornote" in response.content.decode()


def test_a_number_too_large_for_the_database_is_a_400():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post("/admin/auth/group/add/", {"name": "g", "permissions": "9" * 40})

    assert response.status_code in (200, 400)  # a form error on PostgreSQL, the 400 page on SQLite
