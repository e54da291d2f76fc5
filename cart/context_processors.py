"""What every storefront page shows of the cart: the number of items in it (in the header)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.functional import SimpleLazyObject

from common.page_holes import per_shopper, rendering_holes

from .selectors import cart_count


def _cart_count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is not None and user.is_authenticated:
        return cart_count(user=user, session=session)  # the saved cart: one query
    if session is None or (session.session_key is None and not session.modified):
        # No session: the cart is empty, and reading the session must not start one.
        return 0
    # Counted from the session the auth middleware has loaded already: no query.
    return cart_count(user=user, session=session)


@per_shopper
def cart_count_part(request: HttpRequest) -> str:
    """The count as the header prints it, also in a page kept with holes (common.page_holes)."""
    return localize(_cart_count(request))


def cart(request: HttpRequest) -> dict:
    if rendering_holes(request) is not None:
        count = cart_count_part(request)
    else:
        # Only worked out if the page shows it (the header does; cached fragments do not).
        count = SimpleLazyObject(lambda: _cart_count(request))
    return {
        "cart_count": count,
        "CART_MAX_LINE_QUANTITY": settings.CART_MAX_LINE_QUANTITY,
    }
