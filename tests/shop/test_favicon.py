"""Every page has the shop's icon: the storefront's layout, the error page, the shop's pages and,
for pages that name none (admin), /favicon.ico."""

import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

ICON = f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">'


@pytest.mark.parametrize("path", ["/", "/zh-hans/", "/cart/", "/account/login/", "/no-such-page/"])
def test_storefront_pages_name_the_icon(client, path):
    assert ICON in client.get(path).text


def test_the_server_error_page_names_the_icon():
    assert ICON in render_to_string("500.html")


def test_favicon_ico_leads_to_the_icon_for_pages_that_name_none(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
