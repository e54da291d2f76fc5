"""Values every storefront page needs: shop name, language links, category navigation."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info


def storefront(request: HttpRequest) -> dict:
    from catalog.selectors import category_tree

    path = request.get_full_path()
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        # The header and footer show the category tree on every page; cached, one lookup.
        "tree": SimpleLazyObject(category_tree),
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
        ],
    }
