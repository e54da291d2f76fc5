"""What every storefront page shows of the cart: the number of items in it (in the header)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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


def cart(request: HttpRequest) -> dict:
    return {
        # Only worked out if the page shows it (the header does; cached fragments do not).
        "cart_count": SimpleLazyObject(lambda: _cart_count(request)),
        "CART_MAX_LINE_QUANTITY": settings.CART_MAX_LINE_QUANTITY,
    }
