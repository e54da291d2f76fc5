"""Where an app's anonymous cart lives: a session of its own, named by its key, which the app
keeps and sends back in the `X-Cart-Token` header (an app has no cookies to carry a session).
The cart services take that session exactly as they take a browser's.

Only sessions made here are carts of the API: a browser's session key sent as a token is not
one, so it never shows that browser's cart; an unknown or expired token is no cart at all."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

HEADER = "X-Cart-Token"
# Marks a session as an API cart (see the module's docstring).
MARK = "api_cart"

CART_TOKEN_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "An anonymous app's cart: the token a cart answer gave it. Ignored once signed in (the "
        "account's cart is used; sign-in merges this one into it)."
    ),
)


def _store(session_key: str | None = None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def cart_session(token: str | None) -> SessionBase | None:
    """The API cart named by `token`, or None when there is no such cart."""
    if not token or len(token) > 64:
        return None
    session = _store(token)
    # Reading an unknown key gives an empty session with a new key, which we never save.
    if not session.get(MARK) or session.session_key != token:
        return None
    return session


def cart_session_new() -> SessionBase:
    """A new API cart, saved (and so given its token) only once something is put in it."""
    session = _store()
    session[MARK] = True
    return session
