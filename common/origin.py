"""Same-origin checks for the few views exempt from CSRF tokens.

A view exempt from the token (so that an anonymous page carrying its form can be cached whole)
must still refuse a cross-site request: such a request arrives without the shopper's SameSite=Lax
session cookie, and answering it with a fresh session's Set-Cookie would replace that cookie, log
the shopper out, and plant the attacker's cart in their account at the next login. Browsers send
Origin on every POST (and a Referer when they do not); Django's CSRF check trusts the same
headers over HTTPS. A request with neither is refused: no browser of a real shopper sends that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def request_is_same_origin(request: HttpRequest) -> bool:
    """Whether the Origin header (or, without one, the Referer) names this site itself or one of
    CSRF_TRUSTED_ORIGINS."""
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {own, *(o.lower() for o in settings.CSRF_TRUSTED_ORIGINS)}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in trusted
    referer = request.headers.get("Referer")
    return bool(referer) and _origin_of(referer) in trusted


def local_path(request: HttpRequest, target: str) -> str | None:
    """`target` if it is a path on this site (where a `next` parameter may send the visitor
    back to), else None. Only a path: redirect() would read a bare word ("abc") as a URL name
    to reverse, and another host or scheme would be an open redirect."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def cross_site_refused(request: HttpRequest) -> HttpResponse:
    """A 403 that touches no session (so it sets no cookie): JSON for fetch(), a page otherwise."""
    error = _(
        "This request did not come from our shop, so it was not carried out. "
        "Please go back to the shop and try again."
    )
    if "application/json" in request.headers.get("Accept", "") or (
        "X-Requested-With" in request.headers
    ):
        return JsonResponse({"ok": False, "error": error}, status=403)
    return render(request, "403.html", {"error": error}, status=403)


def same_origin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a request whose Origin/Referer is another site, before the view can create or
    change a session."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request_is_same_origin(request):
            return cross_site_refused(request)
        return view(request, *args, **kwargs)

    return wrapped


def language_redirect(next_url: str, code: str) -> HttpResponseRedirect:
    """`next_url` (a local path, in whatever language its prefix says) shown in language `code`,
    with `code` remembered in the language cookie: what both language switches answer."""
    # translate_url reads the URL in the language it is in (its prefix), then writes it in `code`.
    with translation.override(
        translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    ):
        target = translate_url(next_url, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
