"""Parts of every storefront page that depend only on the catalog and the language: the header's
category links and the footer. Each is rendered once per process, language and catalog version
(and the little else it shows), then served from memory to every page of every visitor."""

from __future__ import annotations

from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .caching import catalog_version

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
