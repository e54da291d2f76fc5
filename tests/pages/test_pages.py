"""The shop's pages: bilingual, edited in admin, served at stable addresses in both languages,
linked from the footer, and never running what an operator typed as HTML."""

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import Category
from demo.shop_pages import pages_seed
from pages import services
from pages.markup import render_body
from pages.models import Page

pytestmark = pytest.mark.django_db


def make_page(slug="returns", **fields) -> Page:
    page = Page(
        slug=slug,
        title_en=fields.pop("title_en", "Returns and after-sales"),
        title_zh_hans=fields.pop("title_zh_hans", "退换货与售后"),
        body_en=fields.pop("body_en", "Return within 7 days."),
        body_zh_hans=fields.pop("body_zh_hans", "七天无理由退货。"),
        **fields,
    )
    return services.page_save(page=page)


def test_a_page_is_served_in_each_language_at_its_stable_address(client):
    make_page()
    english = client.get("/pages/returns/")
    chinese = client.get("/zh-hans/pages/returns/")
    assert english.status_code == 200 and chinese.status_code == 200
    assert "<h1>Returns and after-sales</h1>" in english.text
    assert "Return within 7 days." in english.text
    assert "<h1>退换货与售后</h1>" in chinese.text
    assert "七天无理由退货。" in chinese.text


def test_an_unknown_or_unpublished_page_is_not_found(client):
    make_page(slug="privacy", is_published=False)
    assert client.get("/pages/no-such-page/").status_code == 404
    assert client.get("/zh-hans/pages/no-such-page/").status_code == 404
    assert client.get("/pages/privacy/").status_code == 404


def test_html_typed_by_an_operator_is_shown_as_text_never_run(client):
    make_page(
        body_en='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">'
        "\n\n- [x](javascript:alert(3))"
    )
    text = client.get("/pages/returns/").text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=" in text
    assert 'href="javascript:' not in text


def test_the_body_has_headings_lists_paragraphs_and_links():
    html = render_body(
        "Welcome & hello.\nSecond line.\n\n## Our rules\n- One\n- Two: https://example.com/x"
        "\n\nWrite to service@example.com"
    )
    assert html == (
        "<p>Welcome &amp; hello.<br>Second line.</p>\n"
        "<h2>Our rules</h2>\n"
        '<ul><li>One</li><li>Two: <a href="https://example.com/x" rel="nofollow">'
        "https://example.com/x</a></li></ul>\n"
        '<p>Write to <a href="mailto:service@example.com">service@example.com</a></p>'
    )


def test_the_footer_links_every_page_and_every_top_level_category_in_both_languages(client):
    make_page(slug="about", title_en="About us", title_zh_hans="关于我们", position=1)
    make_page(position=2)
    for n in range(9):
        Category.objects.create(
            name_en=f"Top {n}", name_zh_hans=f"顶级 {n}", slug=f"top-{n}", position=n
        )
    english = client.get("/").text
    chinese = client.get("/zh-hans/").text
    footer_en = english[english.index('<footer class="site-footer">') :]
    footer_zh = chinese[chinese.index('<footer class="site-footer">') :]
    assert '<a href="/pages/about/">About us</a>' in footer_en
    assert '<a href="/pages/returns/">Returns and after-sales</a>' in footer_en
    assert '<a href="/zh-hans/pages/about/">关于我们</a>' in footer_zh
    assert '<a href="/zh-hans/pages/returns/">退换货与售后</a>' in footer_zh
    assert footer_en.index("/pages/about/") < footer_en.index("/pages/returns/")
    for n in range(9):
        assert f'<a href="/c/top-{n}/">Top {n}</a>' in footer_en
        assert f'<a href="/zh-hans/c/top-{n}/">顶级 {n}</a>' in footer_zh


def test_editing_a_page_in_admin_shows_at_once_in_the_footer_and_the_page(admin_client, client):
    page = make_page()
    assert "Returns and after-sales" in client.get("/").text  # the footer is now cached
    response = admin_client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "title_en": "Returns",
            "title_zh_hans": "退货",
            "slug": "returns",
            "body_en": "Within 14 days.",
            "body_zh_hans": "十四天内。",
            "position": 3,
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert '<a href="/pages/returns/">Returns</a>' in client.get("/").text
    assert "Within 14 days." in client.get("/pages/returns/").text
    assert "十四天内。" in client.get("/zh-hans/pages/returns/").text


def test_admin_asks_for_both_languages(admin_client):
    response = admin_client.post(
        reverse("admin:pages_page_add"),
        {"title_en": "Terms", "slug": "terms", "body_en": "Our terms.", "position": 1},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title_zh_hans" in errors and "body_zh_hans" in errors
    assert not Page.objects.exists()


def test_unpublishing_a_page_in_admin_removes_it_from_the_footer(admin_client, client):
    page = make_page()
    client.get("/")
    admin_client.post(reverse("admin:pages_page_delete", args=[page.pk]), {"post": "yes"})
    assert "/pages/returns/" not in client.get("/").text
    assert client.get("/pages/returns/").status_code == 404


def test_merchant_staff_cannot_change_pages(client, django_user_model):
    page = make_page()
    staff = django_user_model.objects.create_user(
        email="staff@example.com", password="x", is_staff=True
    )
    client.force_login(staff)
    url = reverse("admin:pages_page_change", args=[page.pk])
    assert client.post(url, {"title_en": "Hacked", "slug": "returns"}).status_code == 403
    page.refresh_from_db()
    assert page.title_en == "Returns and after-sales"


def test_the_demo_seeds_every_page_in_both_languages_and_keeps_operators_edits():
    assert pages_seed(report=lambda line: None) == 6
    slugs = ["about", "customer-service", "shipping", "returns", "privacy", "terms"]
    assert list(Page.objects.values_list("slug", flat=True)) == slugs
    for page in Page.objects.all():
        assert page.title_en and page.title_zh_hans and page.body_en and page.body_zh_hans
        assert page.title_en != page.title_zh_hans
    Page.objects.filter(slug="about").update(title_en="Who we are")
    assert pages_seed(report=lambda line: None) == 0
    assert Page.objects.get(slug="about").title_en == "Who we are"
    with translation.override("zh-hans"):
        assert Page.objects.get(slug="returns").title == "退换货与售后"


def test_the_language_switcher_on_a_page_leads_to_the_same_page_in_the_other_language(client):
    make_page()
    response = client.get("/language/zh-hans/?next=/pages/returns/")
    assert response.status_code == 302 and response["Location"] == "/zh-hans/pages/returns/"
    response = client.get("/language/en/?next=/zh-hans/pages/returns/")
    assert response["Location"] == "/pages/returns/"


def test_the_footers_pages_are_read_once_then_from_the_cache(django_assert_num_queries):
    from pages.selectors import pages_published

    make_page()
    with django_assert_num_queries(1):
        assert [page.slug for page in pages_published()] == ["returns"]
    with django_assert_num_queries(0):
        assert [page.slug for page in pages_published()] == ["returns"]
