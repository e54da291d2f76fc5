"""What every storefront page shows of the shop's pages: their links in the footer."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import pages_published


def footer_pages(request: HttpRequest) -> dict:
    # Read only when a template shows them (the footer); cached, one lookup.
    return {"shop_pages": SimpleLazyObject(pages_published)}
