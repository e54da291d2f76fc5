"""Values every storefront page needs: shop name and language links. The apps add their own
(catalog: the category tree; cart: the number of items in it), named in settings.TEMPLATES."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from markupsafe import escape

from common.page_holes import per_shopper, rendering_holes

from .jinja2 import url


def _language_link(code: str, path: str) -> str:
    # Through language_choose, which records the choice and shows this page in it.
    return f"{url('language_choose', code)}?{urlencode({'next': path})}"


@per_shopper
def language_link_part(request: HttpRequest, code: str) -> str:
    """The link as the header prints it, in a page kept with holes (common.page_holes): it
    leads back to this request's own page."""
    return str(escape(_language_link(code, request.get_full_path())))


def storefront(request: HttpRequest) -> dict:
    if rendering_holes(request) is not None:
        links = {code: language_link_part(request, code) for code, _name in settings.LANGUAGES}
    else:
        path = request.get_full_path()
        links = {code: _language_link(code, path) for code, _name in settings.LANGUAGES}
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "language_links": [
            {"code": code, "name": get_language_info(code)["name_local"], "url": links[code]}
            for code, _name in settings.LANGUAGES
        ],
    }
