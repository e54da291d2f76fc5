"""What each process keeps per catalog version: the category tree, the header's category links
and the footer, rendered once and served to every page."""

import pytest
from django.test.signals import template_rendered
from django.urls import reverse

from catalog.caching import bump_catalog_version
from catalog.selectors import category_tree
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_the_tree_is_built_once_per_catalog_version():
    CategoryFactory(name_en="Lamps")

    first = category_tree()

    assert category_tree() is first
    bump_catalog_version()
    assert category_tree() is not first


def test_the_footer_and_category_links_are_rendered_once_for_many_pages(client, rendered):
    CategoryFactory(name_en="Lamps")

    for _ in range(3):
        response = client.get(reverse("catalog:home"))
        assert "Lamps" in response.content.decode()

    assert rendered.count("includes/footer.html") == 1
    assert rendered.count("includes/category_nav.html") == 1


def test_a_new_catalog_version_renders_them_again(client, rendered):
    CategoryFactory(name_en="Lamps")
    client.get(reverse("catalog:home"))

    bump_catalog_version()
    client.get(reverse("catalog:home"))

    assert rendered.count("includes/footer.html") == 2


def test_each_language_and_the_current_category_get_their_own(client, rendered):
    lamps = CategoryFactory(name_en="Lamps", name_zh_hans="灯具")
    client.get(reverse("catalog:home"))

    page = client.get(reverse("catalog:category", args=[lamps.slug])).content.decode()
    chinese = client.get("/zh-hans/").content.decode()

    assert "灯具" in chinese
    assert 'aria-current="page">Lamps</a>' in page
    assert rendered.count("includes/category_nav.html") == 3


def test_a_signed_in_shopper_gets_the_footer_of_shoppers(client, rendered):
    client.get(reverse("catalog:home"))
    client.force_login(UserFactory())

    html = client.get(reverse("catalog:home")).content.decode()

    assert reverse("accounts:addresses") in html
    assert rendered.count("includes/footer.html") == 2
