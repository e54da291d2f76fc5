"""Values every storefront page needs: shop name, language links, category navigation, the
number of items in the cart."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language_info


def _cart_count(request: HttpRequest) -> int:
    from cart.selectors import cart_count

    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is not None and user.is_authenticated:
        return cart_count(user=user, session=session)  # the saved cart: one query
    if session is None or (session.session_key is None and not session.modified):
        # No session: the cart is empty, and reading the session must not start one.
        return 0
    # Counted from the session the auth middleware has loaded already: no query.
    return cart_count(user=user, session=session)


def storefront(request: HttpRequest) -> dict:
    from catalog.selectors import category_tree

    path = request.get_full_path()
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        # The header and footer show the category tree on every page; cached, one lookup.
        "tree": SimpleLazyObject(category_tree),
        # Only worked out if the page shows it (the header does; cached fragments do not).
        "cart_count": SimpleLazyObject(lambda: _cart_count(request)),
        "CART_MAX_LINE_QUANTITY": settings.CART_MAX_LINE_QUANTITY,
        # Through language_choose, which records the choice and shows this page in it.
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": f"{reverse('language_choose', args=[code])}?{urlencode({'next': path})}",
            }
            for code, _name in settings.LANGUAGES
        ],
    }
