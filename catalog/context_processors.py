"""What every storefront page shows of the catalog: the category tree (header and footer)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import category_tree


def categories(request: HttpRequest) -> dict:
    # The header and footer show the category tree on every page; cached, one lookup.
    return {"tree": SimpleLazyObject(category_tree)}
