import pytest
from django.urls import path

from shop.urls import urlpatterns as shop_urlpatterns


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view), *shop_urlpatterns]
handler404 = "shop.views.page_not_found"


@pytest.mark.django_db
@pytest.mark.urls("tests.shop.test_error_pages")
def test_a_server_error_shows_the_shops_500_page_without_details(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "/static/css/shop.css" in html
    assert "boom" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_a_missing_page_is_404_in_the_shops_style_in_both_languages(client):
    english = client.get("/no/such/page/")
    chinese = client.get("/zh-hans/no/such/page/")

    assert english.status_code == chinese.status_code == 404
    assert 'class="error-page"' in english.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()
