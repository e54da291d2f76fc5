"""Parts of storefront pages that depend only on the catalog and the language: the header's
category links, the footer, the home page's category tiles. Each is rendered once per process,
language and catalog version (and the little else it shows), then served from memory to every
page of every visitor."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common.page_holes import Holes, fill, rendering_holes

from .caching import catalog_version, has_messages

_rendered: dict[tuple, SafeString] = {}
_rendered_version: list[int | None] = [None]


def _fragment(template_name: str, key: tuple, context: dict) -> SafeString:
    version = catalog_version()
    if _rendered_version[0] != version:
        _rendered.clear()
        _rendered_version[0] = version
    full_key = (template_name, get_language(), *key)
    html = _rendered.get(full_key)
    if html is None:
        html = mark_safe(get_template(template_name).render(context))
        _rendered[full_key] = html
    return html


def category_nav(tree, current: int | None) -> SafeString:
    """The header's links to the top categories, `current` marked as the page's own."""
    return _fragment("includes/category_nav.html", (current,), {"tree": tree, "current": current})


def home_categories(tree) -> SafeString:
    """The home page's welcome and its tiles of the categories with their subcategories."""
    return _fragment("catalog/_home_categories.html", (), {"tree": tree})


def site_footer(tree, signed_in: bool, shop_pages=()) -> SafeString:
    """The footer: the top categories, the shop's own pages (`shop_pages`, whose links and
    titles are part of the key, as they change without the catalog) and the account links."""
    year = timezone.localtime().year
    pages = tuple((page.slug, str(page.title)) for page in shop_pages or ())
    return _fragment(
        "includes/footer.html",
        (bool(signed_in), year, pages),
        {"tree": tree, "signed_in": signed_in, "shop_pages": shop_pages or ()},
    )


_pages: dict[tuple, list] = {}
_pages_version: list[int | None] = [None]


def page(
    request: HttpRequest, template_name: str, context: dict, *, parts: dict, key: tuple
) -> HttpResponse:
    """render(request, template_name, {**context, **parts}), the page around the view's own
    values (`parts`: the body, the title ...) rendered once per process, language, catalog
    version, year, signed in or not and `key` (whatever else of `context` the page shows), and
    kept with holes (common.page_holes) that each request fills: its parts, its cart count, CSRF
    token, language links and recommendation slots. A page being rendered for the storefront's
    page cache (which keeps pages with holes itself) or with a message to show is rendered
    afresh."""
    given = {name: value for name, value in parts.items() if value is not None}
    if rendering_holes(request) is not None or has_messages(request):
        return render(request, template_name, {**context, **parts})
    version = catalog_version()
    if _pages_version[0] != version:
        _pages.clear()
        _pages_version[0] = version
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    missing = tuple(sorted(name for name in parts if name not in given))
    page_key = (template_name, get_language(), timezone.localtime().year, signed_in, missing, *key)
    request.page_parts = given
    try:
        kept = _pages.get(page_key)
        if kept is None:
            request.page_holes = holes = Holes()
            try:
                markers = {name: holes.part(name) for name in given}
                html = render_to_string(template_name, {**context, **parts, **markers}, request)
            finally:
                del request.page_holes
            kept = holes.split(html)
            if len(_pages) >= 2000:  # bounded, whatever the keys asked for
                _pages.clear()
            _pages[page_key] = kept
        return HttpResponse(fill(request, kept))
    finally:
        del request.page_parts
