"""A shopper's language: the browser's on a first visit, their own choice afterwards."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storefront_cache")]

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def product(make_product):
    return make_product(name_en="Linen apron", name_zh_hans="亚麻围裙")


@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9", "zh", "zh-Hans", "zh-SG", "zh-TW", "zh-HK"])
def test_first_visit_from_a_chinese_browser_goes_to_the_chinese_shop(client, accept):
    # Given a browser asking for Chinese, no language chosen yet
    # When it opens the home page
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    # Then it is sent to the Chinese home page
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "fr-FR,fr;q=0.9", "", "de, en;q=0.5"])
def test_first_visit_from_any_other_browser_stays_in_english(client, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"


def test_the_redirect_keeps_the_page_and_its_query(client, product):
    response = client.get(product.get_absolute_url() + "?ref=mail", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans{product.get_absolute_url()}?ref=mail"


def test_a_head_request_is_redirected_too(client):
    response = client.head("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert (response.status_code, response["Location"]) == (302, "/zh-hans/")


def test_a_post_is_never_redirected(client):
    # Given a Chinese browser posting to an unprefixed page (a redirect would lose the form)
    response = client.post(reverse("cart:add"), {}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    # Then the page itself answers
    assert not response.get("Location", "").startswith("/zh-hans/")


@pytest.mark.parametrize("path", ["/healthz", "/payments/alipay/notify/", "/media/missing.jpg"])
def test_endpoints_outside_the_language_prefixes_are_not_redirected(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert not response.get("Location", "").startswith("/zh-hans")


def test_a_chinese_browser_that_chose_english_stays_in_english(client):
    # Given a Chinese browser whose shopper picked English in the switcher
    client.cookies[LANGUAGE_COOKIE] = "en"
    # When it opens the home page
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # Then it gets the English page
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"


def test_an_english_browser_that_chose_chinese_gets_the_chinese_shop(client):
    client.cookies[LANGUAGE_COOKIE] = "zh-hans"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert (response.status_code, response["Location"]) == (302, "/zh-hans/")


def test_the_unprefixed_pages_vary_on_the_browser_language_and_the_cookie(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_the_redirect_varies_on_the_browser_language_and_the_cookie(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_the_page_cache_never_serves_the_english_page_to_a_chinese_browser(client, product):
    # Given the English home page cached for an English browser
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert first.status_code == 200 and first.wsgi_request.LANGUAGE_CODE == "en"
    # When a Chinese browser opens the same URL
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # Then it is sent to the Chinese page, which is in Chinese
    assert response["Location"] == "/zh-hans/"
    page = client.get("/zh-hans/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    assert '<html lang="zh-hans"' in page.content.decode()


def test_the_page_cache_never_serves_the_chinese_page_to_an_english_browser(client, product):
    # Given a Chinese browser that chose English, after the Chinese home page was cached
    client.get("/zh-hans/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.cookies[LANGUAGE_COOKIE] = "en"
    # When it opens the home page
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # Then the page is the English one
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_the_header_offers_the_language_switcher(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    html = response.content.decode()
    choose = reverse("language_choose", args=["zh-hans"])
    assert f'href="{choose}?next=%2F"' in html
    assert "简体中文" in html


def test_choosing_chinese_records_it_and_shows_the_page_in_chinese(client, product):
    # Given an English page
    url = product.get_absolute_url()
    # When the shopper picks Chinese in the switcher
    response = client.get(reverse("language_choose", args=["zh-hans"]), {"next": url})
    # Then the choice is remembered and they see the same page in Chinese
    assert response.cookies[LANGUAGE_COOKIE].value == "zh-hans"
    assert response.cookies[LANGUAGE_COOKIE]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert response["Location"] == f"/zh-hans{url}"


def test_choosing_english_from_a_chinese_page_sticks_for_a_chinese_browser(client, product):
    # Given a Chinese browser on a Chinese page
    url = product.get_absolute_url()
    # When the shopper picks English
    response = client.get(
        reverse("language_choose", args=["en"]),
        {"next": f"/zh-hans{url}"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    # Then they land on the English page, and stay there
    assert response["Location"] == url
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    assert page.wsgi_request.LANGUAGE_CODE == "en"


def test_the_switcher_never_sends_anyone_to_another_site(client):
    response = client.get(
        reverse("language_choose", args=["zh-hans"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/zh-hans/"


def test_the_switcher_refuses_an_unknown_language(client):
    response = client.get(reverse("language_choose", args=["fr"]), {"next": "/"})
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_path_is_resolved_once_for_the_redirect_check(monkeypatch):
    from shop import languages

    calls: list[str] = []
    real = languages.resolve

    def counting(path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(languages, "resolve", counting)
    languages._unprefixed.clear()

    first = [languages.is_localized_unprefixed("/c/lamps/") for _ in range(3)]
    outside = [languages.is_localized_unprefixed("/healthz") for _ in range(3)]

    assert first == [True] * 3 and outside == [False] * 3
    assert calls.count("/c/lamps/") == 1 and calls.count("/healthz") == 1
