"""Reads of the shop's pages. The footer lists the published pages on every storefront page, so
they are cached (one key, deleted by pages.services whenever a page changes)."""

from django.core.cache import cache

from .models import Page

FOOTER_CACHE_KEY = "pages:published:v1"


def pages_published() -> list[Page]:
    """Published pages in footer order, with both languages' titles (the template shows the
    active one). One query, then cached."""
    pages = cache.get(FOOTER_CACHE_KEY)
    if pages is None:
        pages = list(Page.objects.filter(is_published=True).order_by("position", "id"))
        cache.set(FOOTER_CACHE_KEY, pages, 3600)
    return pages


def page_published(*, slug: str) -> Page | None:
    return next((page for page in pages_published() if page.slug == slug), None)
