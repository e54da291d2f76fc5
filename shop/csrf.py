"""The CSRF token the storefront's pages print: Django's (django.middleware.csrf.get_token),
its mask drawn faster.

Django masks the secret afresh for every response, so that a compressed page never shows the
same bytes twice (BREACH): a random mask of 32 letters and digits, added to the secret letter by
letter, the mask first. It draws the mask one `secrets.choice` at a time, about 40 µs of every
signed-in shopper's page. Here the same uniform mask comes from one read of the system's random
source: bytes below 248 (4 times 62), each taken modulo 62, so every letter is as likely. The token
has Django's form, and Django's middleware checks it. A request without a usable secret yet
gets Django's own get_token, which makes one and has its cookie set.
"""

from __future__ import annotations

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.middleware.csrf import get_token as django_get_token
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_LIMIT = 256 - 256 % len(_CHARS)  # the bytes that map onto the letters evenly


def _mask() -> list[int]:
    drawn: list[int] = []
    while len(drawn) < CSRF_SECRET_LENGTH:
        raw = secrets.token_bytes(CSRF_SECRET_LENGTH + 8)
        drawn.extend(byte % len(_CHARS) for byte in raw if byte < _LIMIT)
    return drawn[:CSRF_SECRET_LENGTH]


def get_token(request) -> str:
    secret = request.META.get("CSRF_COOKIE")
    if (
        not isinstance(secret, str)
        or len(secret) != CSRF_SECRET_LENGTH
        or not all(char in _INDEX for char in secret)
    ):
        return django_get_token(request)
    # As Django's: the cookie is used, so it is sent again (its expiry renewed).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _mask()
    size = len(_CHARS)
    return "".join(_CHARS[m] for m in mask) + "".join(
        _CHARS[(_INDEX[char] + m) % size] for char, m in zip(secret, mask, strict=True)
    )


def csrf_input(request) -> SafeString:
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


csrf_input_lazy = lazy(csrf_input, SafeString, str)
csrf_token_lazy = lazy(get_token, str)
