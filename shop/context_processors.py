"""Values every storefront page needs: shop name and language links. The apps add their own
(catalog: the category tree; cart: the number of items in it), named in settings.TEMPLATES."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import get_language_info

from .jinja2 import url


def storefront(request: HttpRequest) -> dict:
    path = request.get_full_path()
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        # Through language_choose, which records the choice and shows this page in it.
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": f"{url('language_choose', code)}?{urlencode({'next': path})}",
            }
            for code, _name in settings.LANGUAGES
        ],
    }
