"""The page around a storefront page's body (catalog.fragments.page): rendered once per process,
language, catalog version and signed in or not, kept with holes that each request fills."""

import re

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from catalog.caching import bump_catalog_version
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def rendered():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def lamps(make_product):
    category = CategoryFactory(slug="lamps", name_en="Lamps")
    make_product(category=category, name_en="Desk Lamp")
    return reverse("catalog:category", args=[category.slug])


def test_the_page_around_the_listing_is_rendered_once(client, lamps, rendered):
    first = client.get(lamps).content.decode()
    rendered.clear()

    second = client.get(lamps).content.decode()

    assert "catalog/category.html" not in rendered and "base.html" not in rendered
    assert "catalog/_category_body.html" in rendered  # the body itself: caches are off
    assert second == first


def test_product_pages_share_the_page_around_them_with_their_own_title_and_id(
    client, make_product, rendered
):
    kettle = make_product(name_en="Copper Kettle")
    teapot = make_product(name_en="Clay Teapot")
    client.get(kettle.get_absolute_url())
    rendered.clear()

    html = client.get(teapot.get_absolute_url()).content.decode()

    assert "catalog/product.html" not in rendered
    assert "<title>Clay Teapot · " in html
    assert f'data-page-product="{teapot.pk}"' in html
    assert "Copper Kettle" not in html


def test_a_title_is_escaped_as_the_template_would(client, make_product):
    client.get(make_product(name_en="Plain Cup").get_absolute_url())

    html = client.get(make_product(name_en="Tom & Jerry <Mug>").get_absolute_url())

    assert "<title>Tom &amp; Jerry &lt;Mug&gt; · " in html.content.decode()


def test_the_language_links_lead_back_to_each_request_s_own_page(client, lamps):
    client.get(lamps)

    html = client.get(f"{lamps}?page=1&sort=price_asc").content.decode()

    assert "next=%2Fc%2Flamps%2F%3Fpage%3D1%26sort%3Dprice_asc" in html


def test_signed_in_shoppers_and_visitors_each_get_their_own_header_and_footer(client, lamps):
    client.get(lamps)
    shopper = Client(headers=SAME_ORIGIN)
    shopper.force_login(UserFactory(email="gu@example.com"))

    signed_in = shopper.get(lamps).content.decode()
    anonymous = client.get(lamps).content.decode()

    assert "My account" in signed_in and "Register" not in signed_in
    assert "Register" in anonymous and "My account" not in anonymous
    assert CSRF_INPUT.search(signed_in) and not CSRF_INPUT.search(anonymous)


def test_a_filter_error_is_shown_only_on_its_own_page(client, lamps):
    client.get(lamps)

    wrong = client.get(f"{lamps}?price_min=abc").content.decode()
    right = client.get(lamps).content.decode()

    assert 'class="flash flash-warning"' in wrong
    assert 'class="flash flash-warning"' not in right


def test_a_message_is_shown_and_then_gone(client, lamps, make_product):
    variant = make_product(name_en="Lamp Shade").variants.get()
    client.get(lamps)

    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    with_message = client.get(lamps).content.decode()
    after = client.get(lamps).content.decode()

    assert "Added to your cart." in with_message
    assert "Added to your cart." not in after
    assert re.search(r"data-cart-count>1<", after)


def test_a_catalog_change_renders_the_page_around_anew(client, lamps, rendered):
    client.get(lamps)
    bump_catalog_version()
    rendered.clear()

    client.get(lamps)

    assert "catalog/category.html" in rendered


def test_a_filter_error_is_told_in_the_page_language_every_time(client, lamps):
    """The parsed query is remembered per process (catalog.forms.parse_listing): per language."""
    english = client.get(f"{lamps}?price_min=abc").content.decode()
    chinese = client.get(f"/zh-hans{lamps}?price_min=abc").content.decode()
    english_again = client.get(f"{lamps}?price_min=abc").content.decode()

    assert "Minimum price: Enter a number." in english
    assert "Minimum price" not in chinese and "最低价" in chinese
    assert "Minimum price: Enter a number." in english_again
