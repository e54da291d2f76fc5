"""Writes of the shop's pages: every change goes through here so the footer's cache follows."""

from django.core.cache import cache
from django.db import transaction

from common.signals import storefront_content_changed

from .models import Page
from .selectors import FOOTER_CACHE_KEY


def pages_cache_clear() -> None:
    # Now, and again after commit: a page read between the two would cache the old rows.
    cache.delete(FOOTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FOOTER_CACHE_KEY))
    # Every storefront page shows the footer: pages kept whole are rendered again.
    storefront_content_changed.send(sender=Page)


def page_save(*, page: Page) -> Page:
    page.full_clean()
    page.save()
    pages_cache_clear()
    return page


def page_delete(*, page: Page) -> None:
    page.delete()
    pages_cache_clear()


def page_install(
    *, slug: str, titles: dict[str, str], bodies: dict[str, str], position: int
) -> bool:
    """Create the page `slug` with the given title and body per language code ("en",
    "zh-hans"), unless a page with that address exists (an operator's edits are kept).
    True when it was created."""
    if Page.objects.filter(slug=slug).exists():
        return False
    page = Page(slug=slug, position=position)
    for code, title in titles.items():
        setattr(page, f"title_{code.replace('-', '_')}", title)
    for code, body in bodies.items():
        setattr(page, f"body_{code.replace('-', '_')}", body)
    page_save(page=page)
    return True
