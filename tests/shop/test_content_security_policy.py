"""The Content-Security-Policy (django-csp): on every page, strict enough that only the shop's own
script files run, and templates that need nothing more."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "var", "test-artifacts", "node_modules", ".git", "tests"}

TAG_RE = re.compile(r"<[a-zA-Z][^>]*>", re.S)
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
HANDLER_RE = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR_RE = re.compile(r"\sstyle\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for values in directives.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values
        assert not any(v.startswith("'nonce-") for v in values)


@pytest.mark.parametrize(
    "url",
    ["/", "/zh-hans/", "/cart/", "/account/login/", "/search/?q=tea", "/p/no-such-product/"],
)
def test_storefront_pages_carry_the_strict_policy(client, url):
    response = client.get(url)

    assert_strict(policy(response))


def test_the_admin_carries_the_strict_policy(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in (reverse("admin:login"), reverse("admin:index"), "/admin/orders/order/"):
        assert_strict(policy(client.get(url)))


def test_the_only_inline_style_allowed_is_django_admins_own(client):
    # Django's change list writes one fixed <style> element when a list has no actions; the
    # policy allows that element by its hash, never inline styles in general.
    styles = policy(client.get("/"))["style-src"]

    assert styles[0] == "'self'"
    assert all(v.startswith("'sha256-") for v in styles[1:])


def test_a_payment_form_may_lead_to_the_configured_gateway():
    from shop.settings.base import content_security_policy

    directives = content_security_policy(
        form_targets=["https://openapi.alipay.com/gateway.do", "https://shop.example.com/"]
    )["DIRECTIVES"]

    assert directives["form-action"] == [
        "'self'",
        "https://openapi.alipay.com",
        "https://shop.example.com",
    ]


def shipped_templates() -> list[Path]:
    return sorted(
        path
        for path in BASE.rglob("*.html")
        if {"templates", "jinja2_templates"} & set(path.relative_to(BASE).parts)
        and not SKIPPED_DIRS.intersection(path.relative_to(BASE).parts)
    )


def inline_code(text: str) -> list[str]:
    """What in a template the policy would block: inline scripts (JSON data blocks are not run),
    event-handler and style attributes, <style> elements and javascript: URLs."""
    found = []
    for attrs, body in SCRIPT_RE.findall(text):
        if "src=" in attrs and not body.strip():
            continue
        if re.search(r'type\s*=\s*["\']application/(ld\+)?json["\']', attrs):
            continue
        found.append(f"<script{attrs}>{body[:60]}")
    for tag in TAG_RE.findall(text):
        if HANDLER_RE.search(tag) or STYLE_ATTR_RE.search(tag):
            found.append(tag[:120])
    found += re.findall(r"<style\b", text, re.I)
    found += re.findall(r"javascript:", text, re.I)
    return found


def test_the_template_scan_finds_what_the_policy_blocks():
    sample = """
      <script>alert(1)</script> <script src="/static/js/shop.js"></script>
      <script type="application/json" id="d">{"a": 1}</script>
      <button onclick="go()">Go</button> <p style="color: red">x</p> <style>p{}</style>
      <a href="javascript:void(0)">x</a> <img src="x.png" alt="">
    """

    assert len(inline_code(sample)) == 5


def test_no_template_has_inline_scripts_handlers_or_styles():
    templates = shipped_templates()
    assert any(p.name == "base.html" for p in templates)
    assert any("jinja2_templates" in p.parts for p in templates)

    offenders = {
        str(path.relative_to(BASE)): found
        for path in templates
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }

    assert offenders == {}
